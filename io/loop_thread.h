// LoopThread: one thread that runs one io::Loop until stopped.
//
// The constructor starts the thread, which calls loop().run(), and returns once run() has
// begun: from then on only the loop thread is in_loop_thread(). stop() (or the destructor)
// stops the loop and joins the thread, so the loop's pending operations have completed
// with operation_canceled and its accepted tasks have run by the time it returns. Several
// LoopThreads run side by side, each with its own loop.
//
// Threads: construct, stop() and destroy from any one controlling thread (not from the
// loop's own thread); loop().post()/executor() from any thread; everything else on the
// loop (post a task to reach it).
#pragma once

#include <memory>
#include <thread>

#include "io/loop.h"

namespace aero::io {

class LoopThread {
 public:
  // Runs make_loop() when no loop is given.
  explicit LoopThread(std::unique_ptr<Loop> loop = nullptr);
  ~LoopThread();  // stop() then destroy the loop
  LoopThread(const LoopThread&) = delete;
  LoopThread& operator=(const LoopThread&) = delete;

  Loop& loop() { return *loop_; }

  // Stops the loop and joins the thread; idempotent.
  void stop();

 private:
  std::unique_ptr<Loop> loop_;
  std::thread thread_;
};

}  // namespace aero::io
