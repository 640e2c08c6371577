// UringLoop: lifecycle, the run loop, submission and reaping, wake-ups, timers and the ready
// list. Socket operations are in uring_sockets.cc.
#include "io/uring/uring_loop.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace aero::io {
namespace {

[[noreturn]] void fatal(const char* what, int error) {
  std::fprintf(stderr, "aero::io::UringLoop: %s failed: %s\n", what, std::strerror(error));
  std::abort();
}

// Counters written by the loop thread only: a relaxed load and store, no locked instruction.
void bump(std::atomic<std::uint64_t>& counter) {
  counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

// While winding down: how long one wait for outstanding CQEs may take, and when to give up
// (an Op the kernel still holds cannot be freed: abort(), never a silent use-after-free).
constexpr std::int64_t kWindDownWaitNs = 100'000'000;
constexpr auto kGiveUpAfter = std::chrono::seconds(60);

// IORING_FEAT_REG_REG_RING (kernel 6.3), newer than Debian 12's UAPI header. Its presence
// stands for "the send retries MSG_WAITALL until every byte went out" (5.18), which linked
// pairs need: a short send would otherwise succeed silently (see uring_loop.h).
constexpr std::uint32_t kFeatRegRegRing = 1U << 13;

}  // namespace

std::unique_ptr<Loop> make_uring_loop(const UringOptions& options, std::error_code* error) {
  std::error_code why;
  std::unique_ptr<UringRing> ring = UringRing::open(options.sq_entries, options.cq_entries, why);
  if (ring == nullptr) {
    if (error != nullptr) *error = why;
    return nullptr;
  }
  // AERO_URING_LINK=0 turns linked pairs off, to measure what they buy (bench/compare).
  const char* link = std::getenv("AERO_URING_LINK");
  const bool link_reads = options.link_reads_to_writes && !(link != nullptr && link[0] == '0');
  return std::make_unique<UringLoop>(std::move(ring), link_reads);
}

UringLoop::UringLoop(std::unique_ptr<UringRing> ring, bool link_reads_to_writes)
    : ring_(std::move(ring)),
      owner_(std::this_thread::get_id()),
      now_(Clock::now()),
      executor_([this] { on_executor_wake(); }) {
  // Blocking on purpose: io_uring polls it, and a read of an O_NONBLOCK file would fail with
  // EAGAIN instead.
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC);
  if (wake_fd_ < 0) fatal("eventfd", errno);
  ready_.reserve(64);
  draining_.reserve(64);
  const std::uint32_t features = ring_->features();
  can_link_ = (features & IORING_FEAT_CQE_SKIP) != 0 && (features & kFeatRegRegRing) != 0 &&
              link_reads_to_writes;
  arm_wake_read();
}

UringLoop::~UringLoop() {
  // Whoever destroys the loop owns it now: accepted tasks and the last completions run here.
  owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  running_ = false;
  executor_.shutdown();
  wind_down();
  sockets_.for_each_open([this](Socket& s) { destroy_socket(s); });
  wind_down();  // nothing was pending any more; this only drains what closing queued
  ::close(wake_fd_);
}

void UringLoop::stop() {
  stop_requested_.store(true, std::memory_order_release);
  executor_.shutdown();
  // The thread inside run() checks the flag before it blocks again; anyone else must wake it.
  if (running_thread_.load(std::memory_order_relaxed) != std::this_thread::get_id()) {
    send_wakeup();
  }
}

LoopStats UringLoop::stats() const {
  LoopStats s;
  s.wakeups = wakeups_.load(std::memory_order_relaxed);
  s.polls = polls_.load(std::memory_order_relaxed);
  s.sockets_opened = sockets_opened_.load(std::memory_order_relaxed);
  s.sockets_closed = sockets_closed_.load(std::memory_order_relaxed);
  // Every io_uring_enter (waits, early submits, overflow flushes), the eventfd writes of
  // wake-ups, and socket setup and teardown. The eventfd read is an SQE, not a call.
  s.system_calls = ring_->counters().enters + s.wakeups + calls_.load(std::memory_order_relaxed);
  return s;
}

UringStats UringLoop::uring_stats() const {
  const UringRing::Counters c = ring_->counters();
  UringStats s;
  s.enters = c.enters;
  s.sqes = c.sqes;
  s.sq_full = c.sq_full;
  s.cq_overflows = c.cq_overflows;
  s.retracted = retracted_.load(std::memory_order_relaxed);
  s.async_cancels = async_cancels_.load(std::memory_order_relaxed);
  s.linked_pairs = linked_pairs_.load(std::memory_order_relaxed);
  return s;
}

// ---- wake-ups ----

void UringLoop::on_executor_wake() {
  // Only the thread inside run() may skip the eventfd: before run() starts (say on a
  // LoopThread), the creating thread owns the loop but a flag it set would be a lost wake-up.
  if (running_thread_.load(std::memory_order_relaxed) == std::this_thread::get_id()) {
    local_wake_ = true;  // the loop checks it before blocking; no system call needed
  } else {
    send_wakeup();
  }
}

void UringLoop::send_wakeup() {
  wakeups_.fetch_add(1, std::memory_order_relaxed);
  const std::uint64_t one = 1;
  while (::write(wake_fd_, &one, sizeof one) < 0 && errno == EINTR) {
  }
}

void UringLoop::arm_wake_read() {
  io_uring_sqe* sqe = queue_sqe(kWakeData, wake_position_);
  sqe->opcode = IORING_OP_READ;
  sqe->fd = wake_fd_;
  sqe->addr = reinterpret_cast<std::uint64_t>(&wake_value_);
  sqe->len = sizeof wake_value_;
  sqe->off = static_cast<std::uint64_t>(-1);  // no file position: an eventfd has none
  wake_armed_ = true;
}

// ---- submission and completion ----

io_uring_sqe* UringLoop::queue_sqe(std::uint64_t user_data, std::uint32_t& position) {
  io_uring_sqe* sqe = ring_->next_sqe(position);
  if (sqe == nullptr) {
    ring_->make_room();
    sqe = ring_->next_sqe(position);
    if (sqe == nullptr) fatal("queueing an SQE after making room", EBUSY);
  }
  sqe->user_data = user_data;
  ++in_flight_;
  return sqe;
}

bool UringLoop::retract_sqe(std::uint32_t position) {
  if (ring_->consumed(position)) return false;
  io_uring_sqe* sqe = ring_->sqe_at(position);
  const std::uint64_t user_data = sqe->user_data;
  std::memset(sqe, 0, sizeof *sqe);
  sqe->opcode = IORING_OP_NOP;
  sqe->user_data = user_data;
  ++eager_;
  bump(retracted_);
  return true;
}

void UringLoop::poll(bool wait) {
  unsigned min_complete = 0;
  std::int64_t timeout_ns = -1;
  if (wait) {
    min_complete = 1;
    if (!timers_.empty()) {
      // The iteration's time, as in the reactor (ReactorLoop::poll_timeout): one clock read
      // per iteration; a timer fires late by at most the iteration's work, never early.
      const auto left = timers_.next_deadline() - now();
      if (left <= Clock::duration::zero()) {
        min_complete = 0;
      } else {
        timeout_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
      }
    }
  }
  eager_ = 0;
  ring_->enter(min_complete, true, timeout_ns);  // EINTR, ETIME: just look at what came
  bump(polls_);
  now_valid_ = false;  // read lazily: an iteration without timers or now() never pays for it
  reap();
}

void UringLoop::reap() {
  while (true) {
    ring_->reap(
        [this](std::uint64_t user_data, std::int32_t result) { on_cqe(user_data, result); });
    if (!ring_->overflowed()) return;
    // The kernel kept CQEs that did not fit (IORING_FEAT_NODROP): GETEVENTS moves them in.
    ring_->note_overflow();
    ring_->enter(0, true);
  }
}

void UringLoop::on_cqe(std::uint64_t user_data, std::int32_t result) {
  --in_flight_;
  if (user_data == kWakeData) {
    // Another thread queued a task. This CQE may be reaped after this iteration's
    // run_pending() (drain_ready() submits and reaps eagerly): the flag keeps the next
    // poll() from blocking until the task has run, or its wake-up would be lost.
    local_wake_ = true;
    wake_armed_ = false;
    if (!stopping_) arm_wake_read();
    return;
  }
  if (user_data == kWakeCancelData) return;
  if ((user_data & kCancelTag) != 0) {
    Op* op = reinterpret_cast<Op*>(user_data & ~kCancelTag);
    --op->cancels;
    release_if_unused(op);
    return;
  }
  on_op_cqe(reinterpret_cast<Op*>(user_data), result);
}

// ---- the run loop ----

void UringLoop::run() {
  SerialExecutor::OwnerScope executor_owner(executor_);  // its submits skip the lock
  owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  running_thread_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  running_ = true;
  now_valid_ = false;  // a time cached by an earlier run() is stale
  while (!stop_requested_.load(std::memory_order_acquire)) {
    poll(ready_.empty() && !local_wake_);
    if (!timers_.empty()) timers_.run_expired(now());
    drain_ready(kMaxReadyRounds);
    local_wake_ = false;
    if (executor_.run_pending() > 0) drain_ready(kMaxReadyRounds);
  }
  wind_down();
  running_ = false;
  running_thread_.store(std::thread::id{}, std::memory_order_relaxed);
}

void UringLoop::drain_ready(int max_rounds) {
  // Handlers append to ready_ while draining_ is walked, so neither vector moves under us.
  for (int round = 0; round < max_rounds; ++round) {
    if (ready_.empty()) {
      if (eager_ == 0) return;
      // Sends (or cancellations) were queued: submit them now, without waiting, so what
      // finishes at once is delivered in this iteration rather than after the next wait.
      eager_ = 0;
      ring_->enter(0, true);
      reap();
      if (ready_.empty()) return;
    }
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

void UringLoop::wind_down() {
  stopping_ = true;
  const std::error_code canceled = std::make_error_code(std::errc::operation_canceled);
  sockets_.for_each_open([&](Socket& s) { cancel_operations(s, canceled); });
  if (wake_armed_ && !retract_sqe(wake_position_)) {
    std::uint32_t unused;
    io_uring_sqe* sqe = queue_sqe(kWakeCancelData, unused);
    sqe->opcode = IORING_OP_ASYNC_CANCEL;
    sqe->addr = kWakeData;
    ++eager_;
  }
  wake_armed_ = false;  // its CQE is still counted in in_flight_
  timers_.disarm_all();
  const auto start = Clock::now();
  while (true) {
    drain_ready(INT_MAX);
    local_wake_ = false;
    const std::size_t ran = executor_.run_pending();
    if (in_flight_ > 0) {
      // Cancelled operations still have to hand their Op back through the CQ.
      if (Clock::now() - start > kGiveUpAfter) fatal("waiting for cancelled operations", 0);
      eager_ = 0;
      ring_->enter(1, true, kWindDownWaitNs);
      reap();
      continue;
    }
    if (ran == 0 && ready_.empty()) break;
  }
}

// ---- timers ----

void UringLoop::start_timer(Timer& timer, TimePoint deadline) {
  assert_loop_thread();
  if (stopping_) {
    timers_.cancel(timer);
    return;
  }
  timers_.start(timer, deadline);
}

bool UringLoop::cancel_timer(Timer& timer) {
  assert_loop_thread();
  return timers_.cancel(timer);
}

TimePoint UringLoop::now() const {
  if (!running_ || !now_valid_) {
    now_ = Clock::now();
    now_valid_ = running_;
  }
  return now_;
}

}  // namespace aero::io
