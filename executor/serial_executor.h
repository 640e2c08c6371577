// SerialExecutor: runs tasks one at a time, in FIFO order, on its owner thread.
//
// Every io::Loop owns one and runs it between I/O batches: that is where completions run by
// default, so callbacks for one loop never overlap (the classic event-loop model). It can
// also drive a thread of its own (run()).
//
// Threads:
//   submit(), shutdown(): any thread.
//   run_pending(), run(), the destructor: the owner thread only.
// Shutdown: after shutdown(), submit() returns false and leaves the task with the caller.
// Tasks accepted before shutdown() still run: at the next run_pending(), in run() before it
// returns, or at the latest in the destructor. No accepted task is ever dropped.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>

#include "executor/executor.h"

namespace aero {

class SerialExecutor final : public Executor {
 public:
  // `wake` is called on a submitting thread when the executor goes from idle to having
  // work, at most once until the owner next calls run_pending(): a burst of submits
  // costs one wake. A loop passes a function that writes its wake-up descriptor. Without
  // `wake`, run() waits on a condition variable.
  explicit SerialExecutor(UniqueFunction<void()> wake = nullptr);
  ~SerialExecutor() override;

  SerialExecutor(const SerialExecutor&) = delete;
  SerialExecutor& operator=(const SerialExecutor&) = delete;

  bool submit(Task&& task) override;

  // Owner thread: runs the tasks queued when the call started (tasks they submit wait for
  // the next call, so a task that re-submits itself cannot starve I/O). Returns how many ran.
  std::size_t run_pending();

  // Owner thread: runs tasks as they arrive until shutdown() and the queue is empty.
  void run();

  // Any thread: stop accepting tasks; wakes run().
  void shutdown();
  bool is_shut_down() const { return shut_down_.load(std::memory_order_acquire); }

  // Any thread: whether tasks are waiting (a hint; racy by nature).
  bool has_pending() const;

 private:
  struct Impl;
  Impl* impl_;
  std::atomic<bool> shut_down_{false};
};

}  // namespace aero
