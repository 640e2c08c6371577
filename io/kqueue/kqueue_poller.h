// KqueuePoller: the kqueue Poller (FreeBSD, macOS) of ReactorLoop. Needs EVFILT_USER
// (FreeBSD 8.1+, macOS 10.6+; only recent OpenBSD/NetBSD releases have it).
//
// Sockets are registered once for EVFILT_READ and EVFILT_WRITE with EV_CLEAR (edge
// semantics, like EPOLLET); closing a descriptor removes its filters, so remove() has
// nothing to do. Wake-ups are an EVFILT_USER event, triggered with NOTE_TRIGGER and reset
// by EV_CLEAR when delivered. Timeouts are kevent()'s own (the loop's timer queue decides
// them); no EVFILT_TIMER is needed.
//
// Threads: wake() from any thread; everything else on the loop thread.
#pragma once

#include <sys/event.h>

#include <memory>

#include "io/loop.h"
#include "io/reactor/poller.h"

namespace aero::io {

std::unique_ptr<Loop> make_kqueue_loop();

class KqueuePoller final : public Poller {
 public:
  KqueuePoller();
  ~KqueuePoller() override;
  KqueuePoller(const KqueuePoller&) = delete;
  KqueuePoller& operator=(const KqueuePoller&) = delete;

  int add(int fd, std::uint64_t id) override;
  void remove(int fd) override;
  void wake() override;
  std::size_t wait(int timeout_ms, std::span<ReadinessEvent> out) override;

 private:
  static constexpr int kMaxEvents = 256;
  static constexpr std::uintptr_t kWakeIdent = 0;  // EVFILT_USER's own namespace of idents

  int kqueue_fd_ = -1;
  struct kevent events_[kMaxEvents];
};

}  // namespace aero::io
