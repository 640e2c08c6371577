// LoopThread: a thread running one loop.
#include "io/loop_thread.h"

#include <cassert>
#include <utility>

namespace aero::io {

LoopThread::LoopThread(std::unique_ptr<Loop> loop)
    : loop_(loop ? std::move(loop) : make_loop()) {
  thread_ = std::thread([loop = loop_.get()] { loop->run(); });
}

LoopThread::~LoopThread() {
  stop();
  // The loop is destroyed here, on the controlling thread, after its own thread is gone.
  loop_.reset();
}

void LoopThread::stop() {
  if (!thread_.joinable()) return;
  assert(thread_.get_id() != std::this_thread::get_id() && "LoopThread stopped from its loop");
  loop_->stop();
  thread_.join();
}

}  // namespace aero::io
