// Strand: runs tasks one at a time, in submission order, on top of any parent Executor.
//
// A strand is the serial executor of the design, built from a running flag, a queue and one
// drain job scheduled onto the parent at a time (the shape of Asio strands and folly's
// SerialExecutor). Tasks submitted to one strand never overlap and run in the order they were
// accepted, even when the parent is a TbbExecutor whose threads run in parallel; successive
// tasks may run on different parent threads, each one seeing everything the previous did.
// A drain job runs the tasks queued when it starts, then, if more arrived, schedules a new
// drain job on the parent instead of looping, so a busy strand does not monopolise a thread.
//
// Threads: every method may be called from any thread, concurrently, except wait_idle() from
// one of this strand's own tasks (it returns false at once instead of waiting for itself).
//
// Shutdown:
//   shutdown()   stops accepting work: submit() then returns false and leaves the task with
//                the caller. Tasks accepted before still run, in order, on the parent.
//   wait_idle()  blocks until every accepted task has run. The parent must be able to make
//                progress meanwhile: do not call it on the only thread that runs the parent
//                (a SerialExecutor's owner thread).
//   destructor   shutdown() without waiting: tasks still queued run later on the parent (the
//                queue's state lives on with the scheduled drain job), never dropped. Keep
//                what they use alive until they have run (wait_idle() tells you).
//   parent refusal  when the parent refuses the drain job (it was shut down), the strand shuts
//                down too: the submit() that met the refusal returns false with its task left
//                to the caller, and any tasks other threads managed to queue meanwhile (they
//                were accepted) run right there, in order, on that submitting thread.
//                Once a drain is running, a refused re-schedule makes it keep draining on its
//                current thread. Either way no accepted task is lost.
// The parent must run every task it accepts (all executors in this folder do, even at their
// destruction). Tasks must not throw: an exception escaping a task calls std::terminate.
#pragma once

#include <memory>

#include "executor/executor.h"

namespace aero {

// Runs its tasks one at a time, in submission order, on the threads of a parent executor (no
// two of them at once, each one's effects visible to the next). submit() from any thread.
class Strand final : public Executor {
 public:
  // `parent` must outlive every task this strand accepts. To stack a strand on another
  // strand, pass it as an Executor& (a Strand argument would name the deleted copy).
  explicit Strand(Executor& parent);
  ~Strand() override;

  Strand(const Strand&) = delete;
  Strand& operator=(const Strand&) = delete;

  bool submit(Task&& task) override;

  // Any thread: refuse further tasks (submit() returns false); accepted ones still run.
  void shutdown();
  // Any thread: shutdown() was called.
  bool is_shut_down() const;

  // Blocks until no accepted task is queued or running; true then. Returns false at once
  // when called from one of this strand's own tasks.
  bool wait_idle();

  // True when the calling thread is running one of this strand's tasks (for "run now if
  // already on the strand, else submit").
  bool running_in_this_thread() const;

 private:
  struct State;
  // Runs queued tasks; the caller holds the state's `scheduled` flag, which this passes on to
  // the next drain job or clears once the queue is empty.
  static void drain(const std::shared_ptr<State>& state) noexcept;

  std::shared_ptr<State> state_;
};

}  // namespace aero
