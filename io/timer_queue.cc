// TimerQueue implementation: a sorted intrusive list for timers started in deadline order,
// and a textbook binary heap, whose elements know their own index, for the rest.
#include "io/timer_queue.h"

namespace aero::io {

void TimerQueue::start(Timer& timer, TimePoint deadline) {
  timer.deadline_ = deadline;
  timer.sequence_ = next_sequence_++;
  if (timer.armed()) {
    if (deadline >= timer.key_deadline_) {
      // Later (or equal, with a later sequence): the key stays as it is, earlier than the
      // real one; run_expired() moves the entry when the key comes due.
      ++deferred_moves_;
      return;
    }
    if (timer.heap_index_ == Timer::kInRun) {
      take_out(&timer);  // earlier than its place in the run: placed again
      rekey(&timer);
      place_new(&timer);
      return;
    }
    rekey(&timer);  // earlier: up at once
    sift_up(timer.heap_index_);
    return;
  }
  rekey(&timer);
  place_new(&timer);
}

bool TimerQueue::cancel(Timer& timer) {
  if (!timer.armed()) return false;
  take_out(&timer);
  return true;
}

void TimerQueue::place_new(Timer* timer) {
  if (run_tail_ == nullptr || !before(timer, run_tail_)) {
    timer->heap_index_ = Timer::kInRun;
    timer->run_prev_ = run_tail_;
    timer->run_next_ = nullptr;
    if (run_tail_ != nullptr) {
      run_tail_->run_next_ = timer;
    } else {
      run_head_ = timer;
    }
    run_tail_ = timer;
    ++run_size_;
    ++run_placements_;
    return;
  }
  heap_.push_back(timer);
  timer->heap_index_ = heap_.size() - 1;
  sift_up(heap_.size() - 1);
  ++heap_placements_;
}

void TimerQueue::take_out(Timer* timer) {
  if (timer->heap_index_ == Timer::kInRun) {
    unlink(timer);
  } else {
    remove_at(timer->heap_index_);
  }
}

void TimerQueue::unlink(Timer* timer) {
  if (timer->run_prev_ != nullptr) {
    timer->run_prev_->run_next_ = timer->run_next_;
  } else {
    run_head_ = timer->run_next_;
  }
  if (timer->run_next_ != nullptr) {
    timer->run_next_->run_prev_ = timer->run_prev_;
  } else {
    run_tail_ = timer->run_prev_;
  }
  timer->run_prev_ = timer->run_next_ = nullptr;
  timer->heap_index_ = Timer::kNotArmed;
  --run_size_;
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
  while (Timer* top = earliest()) {
    if (top->key_deadline_ > now) break;
    if (stale(top)) {
      // Moved later since it was placed: now to its real place (it may still be due).
      take_out(top);
      rekey(top);
      place_new(top);
      ++stale_moves_;
      continue;
    }
    if (top->sequence_ >= mark) break;
    take_out(top);
    ++fired;
    if (top->on_expire_) top->on_expire_();  // may start/cancel any timer, this one too
  }
  return fired;
}

void TimerQueue::disarm_all() {
  for (Timer* t : heap_) t->heap_index_ = Timer::kNotArmed;
  heap_.clear();
  while (run_head_ != nullptr) unlink(run_head_);
}

}  // namespace aero::io
