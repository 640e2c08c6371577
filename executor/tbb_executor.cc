#include "executor/tbb_executor.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "executor/tsan_annotations.h"

namespace aero {
namespace {

// A pump runs at most this many tasks before it re-enqueues itself, so that a long stream of
// our tasks does not keep an arena thread from other work queued in the same arena.
constexpr int kTasksPerPump = 64;

}  // namespace

// One per pump on a thread's stack (TBB may run a pump inside a task that waits), linked
// so wait_idle() and the destructor can tell they were called from one of our own tasks.
struct TbbExecutor::PumpFrame {
  explicit PumpFrame(const TbbExecutor* e) : executor(e), outer(top) { top = this; }
  ~PumpFrame() { top = outer; }
  PumpFrame(const PumpFrame&) = delete;
  PumpFrame& operator=(const PumpFrame&) = delete;

  const TbbExecutor* executor;
  PumpFrame* outer;
  static thread_local PumpFrame* top;
};

thread_local TbbExecutor::PumpFrame* TbbExecutor::PumpFrame::top = nullptr;

namespace {

int valid_concurrency(int concurrency) {
  if (concurrency == tbb::task_arena::automatic) return concurrency;
  return concurrency < 1 ? 1 : concurrency;
}

}  // namespace

TbbExecutor::TbbExecutor(int concurrency)
    : owned_arena_(std::make_unique<tbb::task_arena>(valid_concurrency(concurrency),
                                                     /*reserved_for_masters=*/0)),
      arena_(owned_arena_.get()),
      max_pumps_(static_cast<std::size_t>(arena_->max_concurrency())) {}

TbbExecutor::TbbExecutor(tbb::task_arena& arena)
    : arena_(&arena), max_pumps_(static_cast<std::size_t>(arena.max_concurrency())) {
  if (max_pumps_ == 0) max_pumps_ = 1;
}

TbbExecutor::~TbbExecutor() {
  if (running_in_this_thread()) {
    std::fputs("aero::TbbExecutor destroyed from one of its own tasks\n", stderr);
    std::abort();
  }
  shutdown();
  wait_idle();
  // Every pump has left our code (its last step is the unlock after pumps_ reached 0), so the
  // mutex, the queue and an owned arena can go.
}

bool TbbExecutor::submit(Task&& task) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (shut_down_) return false;
  queue_.push(std::move(task));
  if (pumps_ < max_pumps_) {
    ++pumps_;
    // Enqueued under the lock, so that the destructor (which needs this lock to see
    // pumps_ == 0) cannot free the arena while this thread is still inside enqueue().
    enqueue_pump();
  }
  return true;
}

void TbbExecutor::enqueue_pump() {
  AERO_TSAN_RELEASE(this);
  AERO_TSAN_IGNORE_BEGIN();
  arena_->enqueue([this] { pump(); });
  AERO_TSAN_IGNORE_END();
}

void TbbExecutor::pump() noexcept {
  AERO_TSAN_ACQUIRE(this);  // pairs with the release in enqueue_pump()
  PumpFrame frame(this);
  for (int ran = 0;; ++ran) {
    Task task;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (queue_.empty()) {
        if (--pumps_ == 0) idle_.notify_all();
        return;  // the unlock above is this pump's last touch of *this
      }
      if (ran == kTasksPerPump) {
        enqueue_pump();  // hand the arena thread back; pumps_ is unchanged
        return;
      }
      task = queue_.pop();
    }
    task();
  }
}

bool TbbExecutor::wait_idle() {
  if (running_in_this_thread()) return false;
  std::unique_lock<std::mutex> lock(mutex_);
  idle_.wait(lock, [this] { return pumps_ == 0; });
  return true;
}

void TbbExecutor::shutdown() {
  std::lock_guard<std::mutex> lock(mutex_);
  shut_down_ = true;
}

bool TbbExecutor::is_shut_down() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return shut_down_;
}

bool TbbExecutor::running_in_this_thread() const {
  for (const PumpFrame* f = PumpFrame::top; f != nullptr; f = f->outer) {
    if (f->executor == this) return true;
  }
  return false;
}

}  // namespace aero
