// EpollPoller: the epoll Poller (Linux) of ReactorLoop.
//
// Sockets are registered once for EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET and removed before
// they are closed. Wake-ups are an eventfd registered edge-triggered; wait() reads it back to
// zero so its counter never saturates, and does not report it.
//
// Threads: wake() from any thread; everything else on the loop thread.
#pragma once

#include <sys/epoll.h>

#include "io/reactor/poller.h"

namespace aero::io {

class EpollPoller final : public Poller {
 public:
  EpollPoller();
  ~EpollPoller() override;
  EpollPoller(const EpollPoller&) = delete;
  EpollPoller& operator=(const EpollPoller&) = delete;

  int add(int fd, std::uint64_t id) override;
  void remove(int fd) override;
  void wake() override;
  std::size_t wait(int timeout_ms, std::span<ReadinessEvent> out) override;

 private:
  static constexpr int kMaxEvents = 256;
  static constexpr std::uint64_t kWakeId = 0;  // epoll data of the eventfd; no socket has it

  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  epoll_event events_[kMaxEvents];
};

}  // namespace aero::io
