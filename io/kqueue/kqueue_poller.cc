// KqueuePoller (see kqueue_poller.h) and make_kqueue_loop().
#include "io/kqueue/kqueue_poller.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "io/reactor/reactor_loop.h"

namespace aero::io {
namespace {

// Failures of the loop's own kqueue (not of sockets) leave nothing sane to do.
[[noreturn]] void fatal(const char* what) {
  std::fprintf(stderr, "aero::io::KqueuePoller: %s failed: %s\n", what, std::strerror(errno));
  std::abort();
}

// The id rides in udata, a pointer: ids are 64-bit values.
static_assert(sizeof(void*) >= sizeof(std::uint64_t), "kqueue backend needs 64-bit pointers");

void* as_udata(std::uint64_t id) { return reinterpret_cast<void*>(static_cast<std::uintptr_t>(id)); }
std::uint64_t from_udata(void* udata) {
  return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(udata));
}

}  // namespace

std::unique_ptr<Loop> make_kqueue_loop() {
  return std::make_unique<ReactorLoop>(std::make_unique<KqueuePoller>());
}

KqueuePoller::KqueuePoller() {
  kqueue_fd_ = ::kqueue();
  if (kqueue_fd_ < 0) fatal("kqueue");
  ::fcntl(kqueue_fd_, F_SETFD, FD_CLOEXEC);  // FreeBSD has kqueue1(O_CLOEXEC); macOS does not
  struct kevent change;
  EV_SET(&change, kWakeIdent, EVFILT_USER, EV_ADD | EV_CLEAR, NOTE_FFNOP, 0, nullptr);
  if (::kevent(kqueue_fd_, &change, 1, nullptr, 0, nullptr) != 0) fatal("kevent(EVFILT_USER)");
}

KqueuePoller::~KqueuePoller() { ::close(kqueue_fd_); }

int KqueuePoller::add(int fd, std::uint64_t id) {
  struct kevent changes[2];
  EV_SET(&changes[0], static_cast<std::uintptr_t>(fd), EVFILT_READ, EV_ADD | EV_CLEAR, 0, 0,
         as_udata(id));
  EV_SET(&changes[1], static_cast<std::uintptr_t>(fd), EVFILT_WRITE, EV_ADD | EV_CLEAR, 0, 0,
         as_udata(id));
  count_call();
  return ::kevent(kqueue_fd_, changes, 2, nullptr, 0, nullptr) == 0 ? 0 : errno;
}

void KqueuePoller::remove(int) {
  // close() removes the descriptor's filters; events already fetched carry a stale id,
  // which the loop ignores.
}

void KqueuePoller::wake() {
  struct kevent trigger;
  EV_SET(&trigger, kWakeIdent, EVFILT_USER, 0, NOTE_TRIGGER, 0, nullptr);
  while (::kevent(kqueue_fd_, &trigger, 1, nullptr, 0, nullptr) != 0 && errno == EINTR) {
  }
}

std::size_t KqueuePoller::wait(int timeout_ms, std::span<ReadinessEvent> out) {
  timespec timeout{};
  timeout.tv_sec = timeout_ms / 1000;
  timeout.tv_nsec = static_cast<long>(timeout_ms % 1000) * 1000000L;
  const int capacity = static_cast<int>(out.size() < kMaxEvents ? out.size() : kMaxEvents);
  const int n = ::kevent(kqueue_fd_, nullptr, 0, events_, capacity,
                         timeout_ms < 0 ? nullptr : &timeout);
  count_call();
  if (n < 0) {
    if (errno == EINTR) return 0;
    fatal("kevent(wait)");
  }
  std::size_t count = 0;
  for (int i = 0; i < n; ++i) {
    const struct kevent& e = events_[i];
    if (e.filter == EVFILT_USER) continue;  // a wake-up: its job is done (EV_CLEAR reset it)
    ReadinessEvent& r = out[count++];
    r.id = from_udata(e.udata);
    // EV_EOF on the read filter is the peer's FIN (EPOLLRDHUP); on the write filter the
    // connection can send no more (reset, or a failed connect with the error in fflags),
    // like EPOLLHUP: both directions wake and the socket calls that follow tell what
    // happened. EV_ERROR likewise.
    const bool eof = (e.flags & EV_EOF) != 0;
    const bool gone = (e.flags & EV_ERROR) != 0 || (eof && e.filter == EVFILT_WRITE);
    r.readable = e.filter == EVFILT_READ || gone;
    r.writable = e.filter == EVFILT_WRITE || gone;
    r.hangup = eof || gone;
  }
  return count;
}

}  // namespace aero::io
