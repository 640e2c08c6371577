// EpollLoop: lifecycle, the run loop, wake-ups, timers and the ready list.
// Socket operations are in epoll_sockets.cc.
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "io/epoll/epoll_loop.h"

namespace aero::io {
namespace {

// Failures of the loop's own descriptors (not of sockets) leave nothing sane to do.
[[noreturn]] void fatal(const char* what) {
  std::fprintf(stderr, "aero::io::EpollLoop: %s failed: %s\n", what, std::strerror(errno));
  std::abort();
}

// Counters written by the loop thread only: a relaxed load and store, no locked instruction.
void bump(std::atomic<std::uint64_t>& counter) {
  counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

}  // namespace

std::unique_ptr<Loop> make_epoll_loop() { return std::make_unique<EpollLoop>(); }

EpollLoop::EpollLoop()
    : owner_(std::this_thread::get_id()),
      now_(Clock::now()),
      executor_([this] { on_executor_wake(); }) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) fatal("epoll_create1");
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) fatal("eventfd");
  epoll_event event{};
  event.events = EPOLLIN | EPOLLET;
  event.data.u64 = kWakeId;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &event) != 0) fatal("epoll_ctl(eventfd)");
  ready_.reserve(64);
  draining_.reserve(64);
}

EpollLoop::~EpollLoop() {
  // Whoever destroys the loop owns it now: accepted tasks and the last completions run here.
  owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  running_ = false;
  executor_.shutdown();
  wind_down();
  for (auto& slot : slots_) {
    if (slot->id != 0) destroy_socket(*slot);
  }
  drain_ready(INT_MAX);  // cancellations of connects closed just above
  ::close(wake_fd_);
  ::close(epoll_fd_);
}

void EpollLoop::stop() {
  stop_requested_.store(true, std::memory_order_release);
  executor_.shutdown();
  // The thread inside run() checks the flag before it blocks again; anyone else must wake it.
  if (running_thread_.load(std::memory_order_relaxed) != std::this_thread::get_id()) {
    signal_eventfd();
  }
}

LoopStats EpollLoop::stats() const {
  LoopStats s;
  s.wakeups = wakeups_.load(std::memory_order_relaxed);
  s.polls = polls_.load(std::memory_order_relaxed);
  s.sockets_opened = sockets_opened_.load(std::memory_order_relaxed);
  s.sockets_closed = sockets_closed_.load(std::memory_order_relaxed);
  return s;
}

void EpollLoop::on_executor_wake() {
  if (running_thread_.load(std::memory_order_relaxed) == std::this_thread::get_id()) {
    local_wake_ = true;  // the loop checks it before blocking; no system call needed
  } else {
    signal_eventfd();
  }
}

void EpollLoop::signal_eventfd() {
  wakeups_.fetch_add(1, std::memory_order_relaxed);
  const std::uint64_t one = 1;
  // EAGAIN means the counter is at its maximum: the loop is woken anyway.
  while (::write(wake_fd_, &one, sizeof one) < 0 && errno == EINTR) {
  }
}

void EpollLoop::run() {
  owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  running_thread_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  running_ = true;
  while (!stop_requested_.load(std::memory_order_acquire)) {
    poll(poll_timeout());
    timers_.run_expired(now_);
    drain_ready(kMaxReadyRounds);
    local_wake_ = false;
    if (executor_.run_pending() > 0) drain_ready(kMaxReadyRounds);
  }
  wind_down();
  running_ = false;
  running_thread_.store(std::thread::id{}, std::memory_order_relaxed);
}

int EpollLoop::poll_timeout() {
  if (!ready_.empty() || local_wake_) return 0;
  if (!timers_.empty()) {
    auto wait = timers_.next_deadline() - Clock::now();
    if (wait <= Clock::duration::zero()) return 0;
    // Round up: waking before the deadline would only spin.
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(wait).count();
    return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
  }
  return -1;
}

void EpollLoop::poll(int timeout_ms) {
  int n = ::epoll_wait(epoll_fd_, events_, kMaxEvents, timeout_ms);
  bump(polls_);
  now_ = Clock::now();
  if (n < 0) {
    if (errno == EINTR) return;
    fatal("epoll_wait");
  }
  for (int i = 0; i < n; ++i) dispatch(events_[i]);
}

void EpollLoop::dispatch(const epoll_event& event) {
  if (event.data.u64 == kWakeId) {
    // Reset the counter so the next write is a fresh edge (even with EPOLLET every write
    // would raise one, but an unread counter could eventually saturate).
    std::uint64_t value;
    while (::read(wake_fd_, &value, sizeof value) < 0 && errno == EINTR) {
    }
    return;
  }
  Socket* s = find(SocketId{event.data.u64});
  if (s == nullptr) return;  // closed earlier in this batch (or before): a stale event
  const std::uint32_t e = event.events;
  if (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) s->readable = true;
  if (e & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) s->peer_closed = true;
  if (e & (EPOLLOUT | EPOLLHUP | EPOLLERR)) s->writable = true;
  if (s->connecting) {
    if (e & (EPOLLOUT | EPOLLHUP | EPOLLERR)) finish_connect(*s);
    return;
  }
  if (s->on_read && s->readable) try_read(*s);
  if (s->on_write && s->writable) try_write(*s);
}

void EpollLoop::drain_ready(int max_rounds) {
  // Handlers append to ready_ while draining_ is walked, so neither vector moves under us.
  for (int round = 0; round < max_rounds && !ready_.empty(); ++round) {
    draining_.swap(ready_);
    for (Completion& c : draining_) {
      if (c.io) {
        c.io(c.error, c.bytes);
      } else {
        c.connect(c.error, c.socket);
      }
    }
    draining_.clear();
  }
}

void EpollLoop::wind_down() {
  stopping_ = true;
  const std::error_code canceled = std::make_error_code(std::errc::operation_canceled);
  for (auto& slot : slots_) {
    if (slot->id != 0) fail_operations(*slot, canceled);
  }
  timers_.disarm_all();
  while (true) {
    drain_ready(INT_MAX);
    local_wake_ = false;
    if (executor_.run_pending() == 0 && ready_.empty()) break;
  }
}

void EpollLoop::start_timer(Timer& timer, TimePoint deadline) {
  assert_loop_thread();
  if (stopping_) {
    timers_.cancel(timer);
    return;
  }
  timers_.start(timer, deadline);
}

bool EpollLoop::cancel_timer(Timer& timer) {
  assert_loop_thread();
  return timers_.cancel(timer);
}

TimePoint EpollLoop::now() const {
  if (!running_) now_ = Clock::now();
  return now_;
}

}  // namespace aero::io
