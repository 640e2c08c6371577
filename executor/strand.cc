#include "executor/strand.h"

#include <condition_variable>
#include <mutex>
#include <utility>

#include "executor/task_ring.h"

namespace aero {

struct Strand::State {
  explicit State(Executor& p) : parent(p) {}

  Executor& parent;
  std::mutex mutex;
  std::condition_variable idle;  // notified when `scheduled` drops to false
  detail::TaskRing queue;        // guarded by mutex
  bool scheduled = false;  // guarded by mutex: a drain job is queued on the parent or running
  bool shut_down = false;  // guarded by mutex
  detail::TaskRing batch;  // used only by the one drain job in progress
  // Invariant: !scheduled implies queue.empty().
};

namespace {

// The strands whose tasks are on this thread's stack (a task may run an inline drain).
struct DrainFrame {
  explicit DrainFrame(const void* s) : state(s), outer(top) { top = this; }
  ~DrainFrame() { top = outer; }
  DrainFrame(const DrainFrame&) = delete;
  DrainFrame& operator=(const DrainFrame&) = delete;

  const void* state;
  DrainFrame* outer;
  static thread_local DrainFrame* top;
};

thread_local DrainFrame* DrainFrame::top = nullptr;

bool draining_on_this_thread(const void* state) {
  for (const DrainFrame* f = DrainFrame::top; f != nullptr; f = f->outer) {
    if (f->state == state) return true;
  }
  return false;
}

}  // namespace

Strand::Strand(Executor& parent) : state_(std::make_shared<State>(parent)) {}

Strand::~Strand() { shutdown(); }

bool Strand::submit(Task&& task) {
  State& s = *state_;
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    if (s.shut_down) return false;
    s.queue.push(std::move(task));
    if (s.scheduled) return true;  // the drain job in flight will run it
    s.scheduled = true;
  }
  if (s.parent.submit(Task([st = state_] { drain(st); }))) return true;

  // The parent refused: it is shut down, so this strand is too. Our task is at the front (the
  // queue was empty while nothing was scheduled): hand it back. Tasks other threads queued
  // since were accepted; run them here so they are not lost.
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    s.shut_down = true;
    task = s.queue.pop();
    if (s.queue.empty()) {
      s.scheduled = false;
      s.idle.notify_all();
      return false;
    }
  }
  const std::shared_ptr<State> keep = state_;  // a task run here may destroy this handle
  drain(keep);
  return false;
}

void Strand::drain(const std::shared_ptr<State>& state) noexcept {
  State& s = *state;
  DrainFrame frame(&s);
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(s.mutex);
      s.batch.swap(s.queue);  // batch was empty; queue now takes its buffer
    }
    while (!s.batch.empty()) {
      Task task = s.batch.pop();
      task();
    }
    {
      std::lock_guard<std::mutex> lock(s.mutex);
      if (s.queue.empty()) {
        s.scheduled = false;
        s.idle.notify_all();
        return;
      }
    }
    // More arrived while the batch ran: give the parent's thread back and continue in a new
    // drain job. If the parent refuses (shut down), keep draining here.
    if (s.parent.submit(Task([state] { drain(state); }))) return;
  }
}

void Strand::shutdown() {
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->shut_down = true;
}

bool Strand::is_shut_down() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->shut_down;
}

bool Strand::wait_idle() {
  if (running_in_this_thread()) return false;
  std::unique_lock<std::mutex> lock(state_->mutex);
  state_->idle.wait(lock, [this] { return !state_->scheduled; });
  return true;
}

bool Strand::running_in_this_thread() const { return draining_on_this_thread(state_.get()); }

}  // namespace aero
