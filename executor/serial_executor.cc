#include "executor/serial_executor.h"

#include <utility>

namespace aero {

SerialExecutor::SerialExecutor(UniqueFunction<void()> wake) : wake_(std::move(wake)) {}

SerialExecutor::~SerialExecutor() {
  shutdown();
  // No task can be accepted any more, so this ends; a loop in case a task calls run_pending().
  while (run_pending() != 0) {
  }
}

bool SerialExecutor::submit(Task&& task) {
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
    // A task called run_pending(): batch_ is in use further up the stack, so take a fresh
    // buffer for this (rare) nested drain.
    std::vector<Task> nested;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      nested.swap(queue_);
      queued_.store(0, std::memory_order_relaxed);
      wake_armed_ = true;
    }
    return run_batch(nested);
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (queue_.empty()) {
      wake_armed_ = true;
      return 0;
    }
    batch_.swap(queue_);  // queue_ now holds the empty buffer of the previous batch
    queued_.store(0, std::memory_order_relaxed);
    wake_armed_ = true;
  }
  draining_ = true;
  const std::size_t ran = run_batch(batch_);
  draining_ = false;
  return ran;
}

void SerialExecutor::run() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      work_or_shutdown_.wait(lock, [this] {
        return !queue_.empty() || shut_down_.load(std::memory_order_relaxed);
      });
      if (queue_.empty()) return;  // shut down and nothing left
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
  return queued_.load(std::memory_order_relaxed) != 0;
}

}  // namespace aero
