// TimerQueue: the armed timers of one loop, shared by every backend.
//
// Timers are ordered by (deadline, start sequence): equal deadlines fire in start order.
// They sit in one of two places:
//  - the run: an intrusive list, sorted, that a timer joins at its tail when its deadline is
//    no earlier than the tail's. Commands that share a timeout start timers in exactly that
//    order, so most timers go here: start and cancel are O(1) and touch only the two
//    neighbours (a heap's cancel reads log n other timers, each a cache miss when the timers
//    live in thousands of in-flight commands).
//  - an intrusive binary min-heap of Timer* for the rest: each Timer stores its own heap
//    index, so start, re-arm and cancel are O(log n) and allocate nothing beyond the heap
//    vector's amortised growth.
// The earliest timer is the run's head or the heap's top.
//
// Lazy re-arm: a timer sits in the run or the heap under a key (deadline, sequence) that is
// never later than its real one. Moving an armed timer later (an idle timeout pushed back)
// only records the new deadline, O(1); when the old key is the earliest and due,
// run_expired() finds the real deadline later and places the timer again there (one move
// instead of one per re-arm). Moving one earlier moves it at once. Every timer with a real
// key earlier than the earliest key is itself the earliest or behind a stale key no later
// than its own, so timers fire in exactly the order of their real keys. next_deadline() may
// therefore be earlier than the earliest real deadline (a stale key): the loop then wakes
// once for nothing.
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
  // started now for the tie-break). Moving it later is O(1) (see above).
  void start(Timer& timer, TimePoint deadline);

  // Disarms `timer`. False when it was not armed.
  bool cancel(Timer& timer);

  bool empty() const { return heap_.empty() && run_head_ == nullptr; }
  std::size_t size() const { return heap_.size() + run_size_; }

  // When to call run_expired() next: the earliest timer's deadline, or earlier when a timer
  // moved later since it was placed (see above); only when !empty().
  TimePoint next_deadline() const { return earliest()->key_deadline_; }

  // Re-arms that moved a timer later without touching the heap, and the stale entries that
  // run_expired() moved to their real deadline since (for tests and benchmarks).
  std::uint64_t deferred_moves() const { return deferred_moves_; }
  std::uint64_t stale_moves() const { return stale_moves_; }
  // Placements at the run's tail (O(1)) and in the heap, starts and stale moves alike (for
  // tests and benchmarks).
  std::uint64_t run_placements() const { return run_placements_; }
  std::uint64_t heap_placements() const { return heap_placements_; }

  // Runs the handlers of timers due at `now`, earliest first. Timers started or re-armed
  // by those handlers wait for the next call even if already due, so a handler that re-arms
  // itself in the past cannot trap the caller. Returns how many fired.
  std::size_t run_expired(TimePoint now);

  // Disarms every timer without running it.
  void disarm_all();

 private:
  // Earlier key deadline first, then earlier start (the heap's order).
  static bool before(const Timer* a, const Timer* b) {
    if (a->key_deadline_ != b->key_deadline_) return a->key_deadline_ < b->key_deadline_;
    return a->key_sequence_ < b->key_sequence_;
  }
  static bool stale(const Timer* t) {
    return t->key_deadline_ != t->deadline_ || t->key_sequence_ != t->sequence_;
  }
  static void rekey(Timer* t) {
    t->key_deadline_ = t->deadline_;
    t->key_sequence_ = t->sequence_;
  }
  void place(Timer* timer, std::size_t index) {
    heap_[index] = timer;
    timer->heap_index_ = index;
  }
  // The run's head or the heap's top, whichever comes first; nullptr when empty.
  Timer* earliest() const {
    Timer* top = heap_.empty() ? nullptr : heap_.front();
    if (run_head_ == nullptr) return top;
    return top != nullptr && before(top, run_head_) ? top : run_head_;
  }
  // Places an unplaced timer under its key: at the run's tail if that keeps the run sorted,
  // else in the heap.
  void place_new(Timer* timer);
  // Takes a placed timer out of the run or the heap (it is then not armed).
  void take_out(Timer* timer);
  void unlink(Timer* timer);
  void sift_up(std::size_t index);
  void sift_down(std::size_t index);
  void remove_at(std::size_t index);

  Timer* run_head_ = nullptr;
  Timer* run_tail_ = nullptr;
  std::size_t run_size_ = 0;
  std::uint64_t run_placements_ = 0;
  std::uint64_t heap_placements_ = 0;
  std::vector<Timer*> heap_;
  std::uint64_t next_sequence_ = 1;
  std::uint64_t deferred_moves_ = 0;
  std::uint64_t stale_moves_ = 0;
};

}  // namespace aero::io
