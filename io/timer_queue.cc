// TimerQueue implementation: a textbook binary heap whose elements know their own index.
#include "io/timer_queue.h"

namespace aero::io {

void TimerQueue::start(Timer& timer, TimePoint deadline) {
  timer.deadline_ = deadline;
  timer.sequence_ = next_sequence_++;
  if (timer.armed()) {
    if (deadline >= timer.key_deadline_) {
      // Later (or equal, with a later sequence): the heap key stays as it is, earlier than the
      // real one; run_expired() moves the entry when the key comes due.
      ++deferred_moves_;
      return;
    }
    rekey(&timer);  // earlier: up at once
    sift_up(timer.heap_index_);
    return;
  }
  rekey(&timer);
  heap_.push_back(&timer);
  timer.heap_index_ = heap_.size() - 1;
  sift_up(heap_.size() - 1);
}

bool TimerQueue::cancel(Timer& timer) {
  if (!timer.armed()) return false;
  remove_at(timer.heap_index_);
  return true;
}

void TimerQueue::remove_at(std::size_t index) {
  Timer* removed = heap_[index];
  removed->heap_index_ = Timer::kNotArmed;
  Timer* last = heap_.back();
  heap_.pop_back();
  if (index == heap_.size()) return;  // it was the last element
  place(last, index);
  sift_up(index);
  sift_down(last->heap_index_);
}

void TimerQueue::sift_up(std::size_t index) {
  Timer* moving = heap_[index];
  while (index > 0) {
    std::size_t parent = (index - 1) / 2;
    if (!before(moving, heap_[parent])) break;
    place(heap_[parent], index);
    index = parent;
  }
  place(moving, index);
}

void TimerQueue::sift_down(std::size_t index) {
  Timer* moving = heap_[index];
  const std::size_t n = heap_.size();
  while (true) {
    std::size_t child = 2 * index + 1;
    if (child >= n) break;
    if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
    if (!before(heap_[child], moving)) break;
    place(heap_[child], index);
    index = child;
  }
  place(moving, index);
}

std::size_t TimerQueue::run_expired(TimePoint now) {
  // Sequence numbers grow with every start: anything started from here on is >= this mark.
  const std::uint64_t mark = next_sequence_;
  std::size_t fired = 0;
  while (!heap_.empty()) {
    Timer* top = heap_.front();
    if (top->key_deadline_ > now) break;
    if (stale(top)) {
      // Moved later since it was placed: now to its real place (it may still be due).
      rekey(top);
      sift_down(0);
      ++stale_moves_;
      continue;
    }
    if (top->sequence_ >= mark) break;
    remove_at(0);
    ++fired;
    if (top->on_expire_) top->on_expire_();  // may start/cancel any timer, this one too
  }
  return fired;
}

void TimerQueue::disarm_all() {
  for (Timer* t : heap_) t->heap_index_ = Timer::kNotArmed;
  heap_.clear();
}

}  // namespace aero::io
