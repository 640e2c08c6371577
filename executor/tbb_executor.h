// TbbExecutor: runs tasks in parallel on a oneTBB task_arena ("bring your own thread pool").
//
// The arena is either borrowed (the constructor taking a tbb::task_arena&: not owned, must
// outlive this executor) or owned (the constructor taking a concurrency: an arena whose slots
// all go to TBB worker threads). Tasks start in submission order but run concurrently, up to
// the arena's concurrency; put a Strand on top where order matters. Note that oneTBB gives a
// process at most (cores - 1) worker threads unless a tbb::global_control
// (max_allowed_parallelism) raises the limit; that is the application's choice, not ours.
//
// ThreadSanitizer: Debian's libtbb is not instrumented. This executor makes its hand-offs
// visible (see tsan_annotations.h); a test binary that uses it under --config=tsan also links
// //executor:tbb_tsan_suppressions, which hides races TSan imagines inside libtbb itself.
//
// Threads: every method may be called from any thread, concurrently, except that neither
// wait_idle() nor the destructor may be called from a task running on this executor (it
// would wait for itself: wait_idle() then returns false at once, the destructor aborts).
//
// Shutdown:
//   shutdown()   stops accepting work: submit() then returns false and leaves the task with
//                the caller. Tasks accepted before still run.
//   wait_idle()  blocks until every accepted task has finished running (it may wait forever
//                if other threads keep submitting).
//   destructor   shutdown() + wait_idle(): it returns only once no accepted task is queued
//                or running, so no job in the arena ever references a destroyed executor.
//
// How tasks reach the arena: submit() appends the task to this executor's own mutex-guarded
// FIFO and, while fewer pump jobs are active than the arena's concurrency, enqueues a pump on
// the arena. A pump pops and runs tasks until the FIFO is empty, re-enqueueing itself after a
// few dozen tasks so other work in the arena gets its turn. The task hand-off goes through
// our mutex, which ThreadSanitizer sees (Debian's libtbb is not instrumented). Tasks must not
// throw: an exception escaping a task calls std::terminate.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>

#include <oneapi/tbb/task_arena.h>

#include "executor/executor.h"
#include "executor/task_ring.h"

namespace aero {

// Runs tasks on a oneTBB arena's worker threads: started in submission order, run concurrently
// (wrap it in a Strand where order matters). Any thread. Target //executor:tbb_executor.
class TbbExecutor final : public Executor {
 public:
  // Owns an arena of `concurrency` worker slots (tbb::task_arena::automatic: one per core;
  // values below 1 are taken as 1).
  explicit TbbExecutor(int concurrency = tbb::task_arena::automatic);
  // Borrows `arena`, which must outlive this executor.
  explicit TbbExecutor(tbb::task_arena& arena);
  ~TbbExecutor() override;

  TbbExecutor(const TbbExecutor&) = delete;
  TbbExecutor& operator=(const TbbExecutor&) = delete;

  bool submit(Task&& task) override;

  // Any thread: refuse further tasks (submit() returns false); accepted ones still run.
  void shutdown();
  // Any thread: shutdown() was called.
  bool is_shut_down() const;

  // Blocks until no accepted task is queued or running; true then. Returns false at once,
  // without waiting, when called from one of this executor's own tasks.
  bool wait_idle();

  // The arena tasks run in (owned or borrowed), e.g. to run other oneTBB work beside them.
  tbb::task_arena& arena() { return *arena_; }

 private:
  struct PumpFrame;  // marks, per thread, the executors whose tasks are on the stack
  void enqueue_pump();  // with mutex_ held
  void pump() noexcept; // runs on an arena thread
  bool running_in_this_thread() const;

  std::unique_ptr<tbb::task_arena> owned_arena_;
  tbb::task_arena* arena_;
  std::size_t max_pumps_;

  mutable std::mutex mutex_;
  std::condition_variable idle_;  // notified when pumps_ drops to 0
  detail::TaskRing queue_;        // guarded by mutex_
  std::size_t pumps_ = 0;         // guarded by mutex_: pump jobs enqueued or running
  bool shut_down_ = false;        // guarded by mutex_
};

}  // namespace aero
