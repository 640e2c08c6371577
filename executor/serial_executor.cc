#include "executor/serial_executor.h"

#include <utility>

namespace aero {
namespace {

// The executor whose OwnerScope is innermost on this thread (nullptr: none).
thread_local const SerialExecutor* t_owned_here = nullptr;

}  // namespace

SerialExecutor::OwnerScope::OwnerScope(const SerialExecutor& executor) : previous_(t_owned_here) {
  t_owned_here = &executor;
}

SerialExecutor::OwnerScope::~OwnerScope() { t_owned_here = previous_; }

SerialExecutor::SerialExecutor(UniqueFunction<void()> wake) : wake_(std::move(wake)) {}

SerialExecutor::~SerialExecutor() {
  shutdown();
  // No task can be accepted any more, so this ends; a loop in case a task calls run_pending().
  // run_pending() takes the local tasks too, whichever thread destroys the executor.
  while (run_pending() != 0) {
  }
}

bool SerialExecutor::submit(Task&& task) {
  if (t_owned_here == this && queued_.load(std::memory_order_relaxed) == 0) {
    return submit_local(std::move(task));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (shut_down_.load(std::memory_order_relaxed)) return false;
  queue_.push_back(std::move(task));
  queued_.store(queue_.size(), std::memory_order_relaxed);
  if (wake_armed_) {
    // Idle -> has work: one wake per drain, however many submits come in between. Done under
    // the lock so that no submitter still touches wake_ once the owner has drained and may
    // destroy the executor.
    wake_armed_ = false;
    if (wake_) wake_();
    work_or_shutdown_.notify_one();
  }
  return true;
}

bool SerialExecutor::submit_local(Task&& task) {
  // The owner inside its OwnerScope, having read queued_ == 0 (else it appends to queue_
  // under the lock, like any other thread).
  //
  // Why FIFO holds. Invariant: every task in local_ was submitted before every task in
  // queue_, or unordered with it (concurrently); a drain runs local_ before queue_.
  // - The owner appends to local_ only when it reads queued_ == 0. A remote submit that
  //   happened-before this one stored queued_ >= 1 under the lock; coherence makes the
  //   relaxed load return that store or a later one, and the only stores of 0 are the
  //   owner's own drains, which took that task already (it ran, or runs later in the current
  //   drain, while this task waits for the next one). A remote task ordered before is thus
  //   never overtaken.
  // - Once queue_ is non-empty the owner appends there too, behind it. It reads 0 again
  //   only after its own drain took queue_ (it always sees its own store; a remote store
  //   after it is a newer task, which is fine to queue behind).
  // - A remote submit that happens after this one lands in queue_, which runs after local_.
  // - run_pending() takes local_ and queue_ together at its start, so every task submitted
  //   while it runs (local or shared) waits for the next call, behind the whole batch.
  // (A nested run_pending() runs new tasks before the rest of the outer batch, local or
  // not: that is what nesting means, as before.)
  if (shut_down_.load(std::memory_order_acquire)) return false;
  const bool was_idle = local_.empty();
  local_.push_back(std::move(task));
  local_count_.store(local_.size(), std::memory_order_relaxed);
  // The owner's own idle -> work transition: the loop's hook only sets a flag on its running
  // thread (no system call), so it does not block in its next wait. run() has no one to
  // notify: its thread is here, and checks local_ before it waits.
  if (was_idle && wake_) wake_();
  return true;
}

std::size_t SerialExecutor::run_batch(std::vector<Task>& batch) noexcept {
  for (Task& task : batch) {
    task();
    task = nullptr;  // release what it captured before the next task runs
  }
  const std::size_t ran = batch.size();
  batch.clear();
  return ran;
}

std::size_t SerialExecutor::run_pending() {
  if (draining_) {
    // A task called run_pending(): batch_ and local_batch_ are in use further up the stack,
    // so take fresh buffers for this (rare) nested drain. Local first, as in any drain.
    std::vector<Task> nested_local;
    nested_local.swap(local_);
    local_count_.store(0, std::memory_order_relaxed);
    std::vector<Task> nested;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      nested.swap(queue_);
      queued_.store(0, std::memory_order_relaxed);
      wake_armed_ = true;
    }
    const std::size_t ran = run_batch(nested_local);
    return ran + run_batch(nested);
  }
  // Take both queues now: what the tasks submit waits for the next call.
  local_batch_.swap(local_);  // local_ now holds the empty buffer of the previous batch
  local_count_.store(0, std::memory_order_relaxed);
  // The lock only when another thread queued something. wake_armed_ == queue_.empty() at
  // every unlock, so with queue_ empty there is nothing to re-arm. A read of 0 while a
  // submit is under way is no lost task: that submit calls the wake hook, which publishes
  // (a system call, a semaphore, the lock in run()), and the owner calls again after it.
  if (queued_.load(std::memory_order_acquire) != 0) {
    std::lock_guard<std::mutex> lock(mutex_);
    batch_.swap(queue_);  // queue_ now holds the empty buffer of the previous batch
    queued_.store(0, std::memory_order_relaxed);
    wake_armed_ = true;
  }
  if (local_batch_.empty() && batch_.empty()) return 0;
  draining_ = true;
  const std::size_t ran = run_batch(local_batch_);
  const std::size_t total = ran + run_batch(batch_);
  draining_ = false;
  return total;
}

void SerialExecutor::run() {
  OwnerScope owner(*this);
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      // local_ is this thread's own: it can only grow inside run_pending() below.
      work_or_shutdown_.wait(lock, [this] {
        return !queue_.empty() || !local_.empty() || shut_down_.load(std::memory_order_relaxed);
      });
      if (queue_.empty() && local_.empty()) return;  // shut down and nothing left
    }
    run_pending();
  }
}

void SerialExecutor::shutdown() {
  std::lock_guard<std::mutex> lock(mutex_);
  shut_down_.store(true, std::memory_order_release);
  work_or_shutdown_.notify_all();
}

bool SerialExecutor::has_pending() const {
  return queued_.load(std::memory_order_relaxed) != 0 ||
         local_count_.load(std::memory_order_relaxed) != 0;
}

}  // namespace aero
