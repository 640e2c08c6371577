// TimerQueue: the armed timers of one loop, shared by every backend.
//
// An intrusive binary min-heap of Timer*, ordered by (deadline, start sequence): equal
// deadlines fire in start order. Each Timer stores its own heap index, so start, re-arm and
// cancel are O(log n) and allocate nothing beyond the heap vector's amortised growth.
//
// Threads: loop thread only (the owning loop asserts it; this class does not).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "io/loop.h"

namespace aero::io {

class TimerQueue {
 public:
  TimerQueue() = default;
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;
  ~TimerQueue() { disarm_all(); }

  // Arms `timer` for `deadline`, or moves it there when already armed (it then counts as
  // started now for the tie-break).
  void start(Timer& timer, TimePoint deadline);

  // Disarms `timer`. False when it was not armed.
  bool cancel(Timer& timer);

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }

  // Deadline of the earliest timer; only when !empty().
  TimePoint next_deadline() const { return heap_.front()->deadline_; }

  // Runs the handlers of timers due at `now`, earliest first. Timers started or re-armed
  // by those handlers wait for the next call even if already due, so a handler that re-arms
  // itself in the past cannot trap the caller. Returns how many fired.
  std::size_t run_expired(TimePoint now);

  // Disarms every timer without running it.
  void disarm_all();

 private:
  // Earlier deadline first, then earlier start.
  static bool before(const Timer* a, const Timer* b) {
    if (a->deadline_ != b->deadline_) return a->deadline_ < b->deadline_;
    return a->sequence_ < b->sequence_;
  }
  void place(Timer* timer, std::size_t index) {
    heap_[index] = timer;
    timer->heap_index_ = index;
  }
  void sift_up(std::size_t index);
  void sift_down(std::size_t index);
  void remove_at(std::size_t index);

  std::vector<Timer*> heap_;
  std::uint64_t next_sequence_ = 1;
};

}  // namespace aero::io
