// Executor: the small interface every completion goes through.
//
// An executor runs submitted tasks somewhere: on a loop thread (SerialExecutor), on a oneTBB
// arena (TbbExecutor), in order on top of another executor (Strand), or wherever a user's
// own implementation sends them. Task keeps captures of up to 48 bytes inline, so
// submitting a typical completion allocates nothing.
//
// Threads: submit() may be called from any thread, concurrently.
#pragma once

#include "executor/unique_function.h"

namespace aero {

// A unit of work. Move-only; captures of up to 48 bytes are stored inline.
using Task = UniqueFunction<void(), 48>;

// Where completions run: an interface with one call, submit(). Implementations: SerialExecutor
// (a loop's thread), TbbExecutor (a oneTBB arena), Strand (in order over another executor), or
// the user's own.
class Executor {
 public:
  virtual ~Executor() = default;

  // Queues `task` to run once, later (never inside this call).
  // Returns true when the executor took the task (it is moved from and will run exactly
  // once). Returns false when the executor no longer accepts work (it was shut down); the
  // task is then left untouched in the caller's hands, so the caller can run it, drop it
  // or report the refusal: a refused task is never silently lost.
  virtual bool submit(Task&& task) = 0;
};

}  // namespace aero
