// ReactorLoop: lifecycle, the run loop, wake-ups, timers and the ready list.
// Socket operations are in reactor_sockets.cc.
#include <climits>

#include "io/reactor/reactor_loop.h"

namespace aero::io {
namespace {

// Counters written by the loop thread only: a relaxed load and store, no locked instruction.
void bump(std::atomic<std::uint64_t>& counter) {
  counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

}  // namespace

ReactorLoop::ReactorLoop(std::unique_ptr<Poller> poller)
    : poller_(std::move(poller)),
      owner_(std::this_thread::get_id()),
      now_(Clock::now()),
      executor_([this] { on_executor_wake(); }) {
  ready_.reserve(64);
  draining_.reserve(64);
  pending_writes_.reserve(64);
}

ReactorLoop::~ReactorLoop() {
  // Whoever destroys the loop owns it now: accepted tasks and the last completions run here.
  owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  running_ = false;
  executor_.shutdown();
  wind_down();
  sockets_.for_each_open([this](Socket& s) { destroy_socket(s); });
  drain_ready(INT_MAX);  // cancellations of connects closed just above
}

void ReactorLoop::stop() {
  stop_requested_.store(true, std::memory_order_release);
  executor_.shutdown();
  // The thread inside run() checks the flag before it blocks again; anyone else must wake it.
  if (running_thread_.load(std::memory_order_relaxed) != std::this_thread::get_id()) {
    send_wakeup();
  }
}

LoopStats ReactorLoop::stats() const {
  LoopStats s;
  s.wakeups = wakeups_.load(std::memory_order_relaxed);
  s.polls = polls_.load(std::memory_order_relaxed);
  s.sockets_opened = sockets_opened_.load(std::memory_order_relaxed);
  s.sockets_closed = sockets_closed_.load(std::memory_order_relaxed);
  s.system_calls = calls_.load(std::memory_order_relaxed) + poller_->system_calls() + s.wakeups;
  return s;
}

void ReactorLoop::on_executor_wake() {
  if (running_thread_.load(std::memory_order_relaxed) == std::this_thread::get_id()) {
    local_wake_ = true;  // the loop checks it before blocking; no system call needed
  } else {
    send_wakeup();
  }
}

void ReactorLoop::send_wakeup() {
  wakeups_.fetch_add(1, std::memory_order_relaxed);
  poller_->wake();
}

void ReactorLoop::run() {
  SerialExecutor::OwnerScope executor_owner(executor_);  // its submits skip the lock
  owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  running_thread_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  running_ = true;
  now_valid_ = false;  // a time cached by an earlier run() is stale
  while (!stop_requested_.load(std::memory_order_acquire)) {
    poll(poll_timeout());
    if (!timers_.empty()) timers_.run_expired(now());
    drain_ready(kMaxReadyRounds);
    local_wake_ = false;
    if (executor_.run_pending() > 0 && !ready_.empty()) drain_ready(kMaxReadyRounds);
    // The iteration's writes, back to back; their completions before the next wait. A write
    // these handlers start waits for the next iteration (poll_timeout() is then 0).
    if (!pending_writes_.empty()) {
      flush_writes();
      drain_ready(kMaxReadyRounds);
    }
  }
  wind_down();
  running_ = false;
  running_thread_.store(std::thread::id{}, std::memory_order_relaxed);
}

int ReactorLoop::poll_timeout() {
  if (!ready_.empty() || local_wake_ || !pending_writes_.empty()) return 0;
  if (!timers_.empty()) {
    // The iteration's time (now()), not a fresh clock read: a timer then fires late by at
    // most this iteration's work, never early (libevent and libuv do the same), and an
    // iteration pays for one clock read, not two.
    auto wait = timers_.next_deadline() - now();
    if (wait <= Clock::duration::zero()) return 0;
    // Round up: waking before the deadline would only spin.
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(wait).count();
    return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
  }
  return -1;
}

void ReactorLoop::poll(int timeout_ms) {
  const std::size_t n = poller_->wait(timeout_ms, events_);
  bump(polls_);
  now_valid_ = false;  // read lazily: an iteration without timers or now() never pays for it
  for (std::size_t i = 0; i < n; ++i) dispatch(events_[i]);
}

void ReactorLoop::dispatch(const ReadinessEvent& event) {
  Socket* s = find(SocketId{event.id});
  if (s == nullptr) return;  // closed earlier in this batch (or before): a stale event
  if (event.readable) s->readable = true;
  if (event.hangup) s->peer_closed = true;
  if (event.writable) s->writable = true;
  if (s->connecting) {
    if (event.writable) finish_connect(*s);
    return;
  }
  if (s->listening) {
    if (s->on_accept && s->readable) try_accept(*s);
    return;
  }
  if (s->on_read && s->readable) try_read(*s);
  if (s->on_write && s->writable) try_write(*s);
}

void ReactorLoop::drain_ready(int max_rounds) {
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

void ReactorLoop::flush_writes() {
  // try_write() only moves handlers onto the ready list (no user code runs), so the list
  // cannot grow while it is walked.
  for (const SocketId id : pending_writes_) {
    Socket* s = find(id);
    if (s == nullptr) continue;  // closed since: its write was cancelled then
    s->write_queued = false;
    if (s->on_write && s->writable) try_write(*s);
  }
  pending_writes_.clear();
}

void ReactorLoop::wind_down() {
  flush_writes();  // writes started before stop() still go out
  stopping_ = true;
  const std::error_code canceled = std::make_error_code(std::errc::operation_canceled);
  sockets_.for_each_open([&](Socket& s) { fail_operations(s, canceled); });
  timers_.disarm_all();
  while (true) {
    drain_ready(INT_MAX);
    local_wake_ = false;
    if (executor_.run_pending() == 0 && ready_.empty()) break;
  }
}

void ReactorLoop::start_timer(Timer& timer, TimePoint deadline) {
  assert_loop_thread();
  if (stopping_) {
    timers_.cancel(timer);
    return;
  }
  timers_.start(timer, deadline);
}

bool ReactorLoop::cancel_timer(Timer& timer) {
  assert_loop_thread();
  return timers_.cancel(timer);
}

TimePoint ReactorLoop::now() const {
  if (!running_ || !now_valid_) {
    now_ = Clock::now();
    now_valid_ = running_;
  }
  return now_;
}

}  // namespace aero::io
