// SerialExecutor: runs tasks one at a time, in FIFO order, on its owner thread.
//
// Every io::Loop owns one and runs it between I/O batches: that is where completions run by
// default, so callbacks for one loop never overlap (the classic event-loop model). It can
// also drive a thread of its own (run()).
//
// Threads:
//   submit(), shutdown(), is_shut_down(), has_pending(): any thread.
//   run_pending(), run(), the destructor: the owner thread only (one thread at a time).
//   OwnerScope: the thread that runs the executor (run() and every io::Loop's run() install
//   one), for as long as it runs it. Only inside it does that thread's submit() skip the lock.
// Shutdown: after shutdown(), submit() returns false and leaves the task with the caller.
// Tasks accepted before shutdown() still run: at the next run_pending(), in run() before it
// returns, or at the latest in the destructor. No accepted task is ever dropped.
// Destruction: the destructor shuts the executor down, then runs every task still queued on
// the destroying thread; a task that submits during that final drain is refused (false).
//
// The wake hook must be short (write an eventfd) and must not call back into this executor.
// From another thread it runs under the executor's internal lock; from the owner thread inside
// its OwnerScope it runs without the lock (at the same time as a remote call, possibly).
// run_pending() takes no lock when it reads the shared queue as empty, so the owner must
// learn of a wake through something that orders memory (a system call such as an eventfd
// read or epoll_wait, a semaphore, a mutex, a release store it loads with acquire) before it
// calls run_pending() for it; a relaxed flag is not enough.
// Tasks must not throw: an exception escaping a task calls std::terminate.
// Queue: other threads (and the owner outside its OwnerScope) append to a shared vector under
// a short lock; the owner swaps the whole batch out under the same lock (taken only when the
// shared vector is not empty) and runs it unlocked.
// The owner inside its OwnerScope appends to a local vector with no lock and no atomic
// read-modify-write, as long as the shared vector is empty (else it joins the shared one, to
// keep FIFO; see submit()). A drain runs the local tasks, then the shared batch. All vectors
// are reused, so a steady stream of small tasks allocates nothing.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <vector>

#include "executor/executor.h"

namespace aero {

// Runs tasks on its owner's thread only (a loop thread: the default completion executor), in
// submission order; submit() from any thread.
class SerialExecutor final : public Executor {
 public:
  // `wake` is called on a submitting thread when the executor goes from idle to having
  // work, at most once until the owner next calls run_pending(): a burst of submits
  // costs one wake. Owner submits inside an OwnerScope call it too (at most once per drain,
  // on the owner thread), so a loop knows not to block: a loop passes a function that sets
  // a flag on its own running thread and writes its wake-up descriptor on any other. Without
  // `wake`, run() waits on a condition variable.
  explicit SerialExecutor(UniqueFunction<void()> wake = nullptr);
  ~SerialExecutor() override;

  SerialExecutor(const SerialExecutor&) = delete;
  SerialExecutor& operator=(const SerialExecutor&) = delete;

  // Marks the constructing thread as the one running `executor` until the scope ends (scopes
  // nest: the previous mark comes back). Only that thread's submit() takes the lock-free
  // path. Install it on the thread that calls run_pending() for as long as it does (a loop's
  // run()), never on a thread that merely created the executor. Let it end no later than
  // right after the executor is destroyed: a new executor at the same address would
  // otherwise inherit the mark.
  class OwnerScope {
   public:
    // From here on, this thread's submits to `executor` may take the lock-free path.
    explicit OwnerScope(const SerialExecutor& executor);
    // Restores the mark that was in place when this scope began.
    ~OwnerScope();
    OwnerScope(const OwnerScope&) = delete;
    OwnerScope& operator=(const OwnerScope&) = delete;

   private:
    const SerialExecutor* previous_;
  };

  bool submit(Task&& task) override;

  // Owner thread: runs the tasks queued when the call started (tasks they submit wait for
  // the next call, so a task that re-submits itself cannot starve I/O). Returns how many ran.
  std::size_t run_pending();

  // Owner thread: runs tasks as they arrive until shutdown() and the queue is empty.
  void run();

  // Any thread: stop accepting tasks; wakes run().
  void shutdown();
  // Any thread: shutdown() was called (submit() now returns false).
  bool is_shut_down() const { return shut_down_.load(std::memory_order_acquire); }

  // Any thread: whether tasks are waiting (a hint; racy by nature).
  bool has_pending() const;

 private:
  // Runs `batch` in order and clears it (keeping its capacity); returns how many ran.
  static std::size_t run_batch(std::vector<Task>& batch) noexcept;
  // The owner thread inside its OwnerScope, the shared queue empty: append to local_.
  bool submit_local(Task&& task);

  UniqueFunction<void()> wake_;
  mutable std::mutex mutex_;
  std::condition_variable work_or_shutdown_;  // run() waits here
  std::vector<Task> queue_;                   // guarded by mutex_
  bool wake_armed_ = true;  // guarded by mutex_: the next submit calls wake_ (and notifies)
  std::atomic<std::size_t> queued_{0};  // queue_.size(), written under mutex_, read anywhere
  std::vector<Task> batch_;             // owner thread only: the shared batch being run, reused
  std::vector<Task> local_;             // owner thread only: its lock-free submits, oldest first
  std::vector<Task> local_batch_;       // owner thread only: the local batch being run
  std::atomic<std::size_t> local_count_{0};  // local_.size(): stored by the owner, read anywhere
  bool draining_ = false;    // owner thread only: run_pending() is on the stack
  std::atomic<bool> shut_down_{false};  // written under mutex_
};

}  // namespace aero
