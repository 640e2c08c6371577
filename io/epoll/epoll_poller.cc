// EpollPoller (see epoll_poller.h) and make_epoll_loop().
#include "io/epoll/epoll_poller.h"

#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "io/epoll/epoll_loop.h"
#include "io/reactor/reactor_loop.h"

namespace aero::io {
namespace {

// Failures of the loop's own descriptors (not of sockets) leave nothing sane to do.
[[noreturn]] void fatal(const char* what) {
  std::fprintf(stderr, "aero::io::EpollPoller: %s failed: %s\n", what, std::strerror(errno));
  std::abort();
}

// epoll_wait without glibc's cancellation bookkeeping (see io/reactor/direct_calls.h):
// epoll_pwait with no signal mask is epoll_wait, and exists on every Linux architecture.
int wait_for_events(int epoll_fd, epoll_event* events, int capacity, int timeout_ms) {
  return static_cast<int>(
      ::syscall(SYS_epoll_pwait, epoll_fd, events, capacity, timeout_ms, nullptr, std::size_t{8}));
}

}  // namespace

std::unique_ptr<Loop> make_epoll_loop() {
  return std::make_unique<ReactorLoop>(std::make_unique<EpollPoller>());
}

EpollPoller::EpollPoller() {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) fatal("epoll_create1");
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) fatal("eventfd");
  epoll_event event{};
  event.events = EPOLLIN | EPOLLET;
  event.data.u64 = kWakeId;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &event) != 0) fatal("epoll_ctl(eventfd)");
}

EpollPoller::~EpollPoller() {
  ::close(wake_fd_);
  ::close(epoll_fd_);
}

int EpollPoller::add(int fd, std::uint64_t id) {
  epoll_event event{};
  event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  event.data.u64 = id;
  count_call();
  return ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) == 0 ? 0 : errno;
}

void EpollPoller::remove(int fd) {
  count_call();
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

void EpollPoller::wake() {
  const std::uint64_t one = 1;
  // EAGAIN means the counter is at its maximum: the loop is woken anyway.
  while (::write(wake_fd_, &one, sizeof one) < 0 && errno == EINTR) {
  }
}

std::size_t EpollPoller::wait(int timeout_ms, std::span<ReadinessEvent> out) {
  const int capacity = static_cast<int>(out.size() < kMaxEvents ? out.size() : kMaxEvents);
  const int n = wait_for_events(epoll_fd_, events_, capacity, timeout_ms);
  count_call();
  if (n < 0) {
    if (errno == EINTR) return 0;
    fatal("epoll_wait");
  }
  std::size_t count = 0;
  for (int i = 0; i < n; ++i) {
    const epoll_event& event = events_[i];
    if (event.data.u64 == kWakeId) {
      // Reset the counter so the next write is a fresh edge (even with EPOLLET every write
      // would raise one, but an unread counter could eventually saturate).
      std::uint64_t value;
      do {
        count_call();
      } while (::read(wake_fd_, &value, sizeof value) < 0 && errno == EINTR);
      continue;
    }
    const std::uint32_t e = event.events;
    ReadinessEvent& r = out[count++];
    r.id = event.data.u64;
    r.readable = (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0;
    r.writable = (e & (EPOLLOUT | EPOLLHUP | EPOLLERR)) != 0;
    r.hangup = (e & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0;
  }
  return count;
}

}  // namespace aero::io
