// LoopThread: a thread running one loop.
#include "io/loop_thread.h"

#include <cassert>
#include <future>
#include <utility>

namespace aero::io {

LoopThread::LoopThread(std::unique_ptr<Loop> loop)
    : loop_(loop ? std::move(loop) : make_loop()) {
  thread_ = std::thread([loop = loop_.get()] { loop->run(); });
  // Until run() starts, a loop belongs to the thread that made it (in_loop_thread() is true
  // there). Returning before the new thread has taken it over would let this thread, seeing
  // itself as the owner, start operations on the loop while run() begins on the other: a
  // race seen under ASan as "io::Loop: wrong thread" and a corrupted timer queue. So wait
  // for a task that runs inside run(): by then the loop thread owns the loop.
  std::promise<void> running;
  std::future<void> started = running.get_future();
  const bool posted = loop_->post([&running] { running.set_value(); });
  assert(posted && "a new loop refused a task");
  if (posted) started.wait();
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
