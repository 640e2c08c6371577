// TimerQueue: firing order, tie-break by start order, the run (timers started in deadline
// order) and the heap (the rest) mixed under random starts, re-arms and cancels, O(log n)
// cancel from anywhere in the heap, and a million start/cancel pairs that leave exact counts.
#include "io/timer_queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <vector>

namespace aero::io {
namespace {

using namespace std::chrono_literals;

TEST(TimerQueue, FiresDueTimersByDeadlineThenStartOrder) {
  TimerQueue queue;
  std::vector<int> order;
  const TimePoint t0{};
  std::vector<std::unique_ptr<Timer>> timers;
  const int offsets[] = {5, 1, 3, 1, 0, 1, 9};
  for (int i = 0; i < 7; ++i) {
    timers.push_back(std::make_unique<Timer>([&order, i] { order.push_back(i); }));
    queue.start(*timers.back(), t0 + std::chrono::milliseconds(offsets[i]));
  }
  EXPECT_EQ(queue.size(), 7u);
  EXPECT_EQ(queue.next_deadline(), t0);
  EXPECT_EQ(queue.run_expired(t0 + 3ms), 5u);  // 4, then 1, 3, 5 (equal deadlines), then 2
  EXPECT_EQ(order, (std::vector<int>{4, 1, 3, 5, 2}));
  EXPECT_EQ(queue.run_expired(t0 + 100ms), 2u);
  EXPECT_EQ(order, (std::vector<int>{4, 1, 3, 5, 2, 0, 6}));
  EXPECT_TRUE(queue.empty());
}

TEST(TimerQueue, ReArmMovesAndCountsAsANewStart) {
  TimerQueue queue;
  std::vector<char> order;
  Timer a([&] { order.push_back('a'); });
  Timer b([&] { order.push_back('b'); });
  const TimePoint t0{};
  queue.start(a, t0 + 1ms);
  queue.start(b, t0 + 1ms);
  queue.start(a, t0 + 1ms);  // re-armed: now started after b
  EXPECT_EQ(queue.size(), 2u);
  queue.start(b, t0 + 50ms);  // later
  queue.run_expired(t0 + 10ms);
  EXPECT_EQ(order, (std::vector<char>{'a'}));
  queue.start(b, t0);  // earlier again
  queue.run_expired(t0 + 10ms);
  EXPECT_EQ(order, (std::vector<char>{'a', 'b'}));
}

TEST(TimerQueue, MovingLaterLeavesTheHeapAloneUntilTheOldDeadline) {
  TimerQueue queue;
  int fired = 0;
  Timer t([&] { ++fired; });
  Timer other([&] { ++fired; });
  const TimePoint t0{};
  queue.start(t, t0 + 10ms);
  queue.start(other, t0 + 60ms);
  for (int i = 2; i <= 10; ++i) queue.start(t, t0 + std::chrono::milliseconds(10 * i));
  EXPECT_EQ(queue.deferred_moves(), 9u);  // an idle timeout pushed forward: no heap work
  EXPECT_EQ(t.deadline(), t0 + 100ms);
  EXPECT_EQ(queue.next_deadline(), t0 + 10ms);  // the stale key: one early wake-up
  EXPECT_EQ(queue.run_expired(t0 + 50ms), 0u);  // not due: moved to its real place instead
  EXPECT_EQ(queue.stale_moves(), 1u);
  EXPECT_EQ(queue.next_deadline(), t0 + 60ms);
  EXPECT_EQ(queue.run_expired(t0 + 99ms), 1u);  // `other` only
  EXPECT_TRUE(t.armed());
  queue.start(t, t0 + 100ms);  // the same deadline again: deferred, a later start
  EXPECT_EQ(queue.run_expired(t0 + 100ms), 1u);
  EXPECT_FALSE(t.armed());
  EXPECT_EQ(fired, 2);
  EXPECT_EQ(queue.stale_moves(), 2u);
}

// Random starts, re-arms and cancels against a model: timers fire exactly in the order of
// their real (deadline, last start), as if every re-arm had moved the timer at once.
// `deadline_us(step, random)` picks each start's deadline.
template <class DeadlineFn>
void expect_exact_firing_order(DeadlineFn deadline_us, TimerQueue& queue) {
  constexpr int kTimers = 300;
  std::mt19937 random(7);
  std::vector<std::unique_ptr<Timer>> timers;
  std::vector<int> fired;
  std::vector<std::uint64_t> started_at(kTimers, 0);  // the model: each armed timer's last start
  std::vector<bool> armed(kTimers, false);
  std::uint64_t clock = 0;
  std::int64_t latest = 0;
  for (int i = 0; i < kTimers; ++i) {
    timers.push_back(std::make_unique<Timer>([&fired, i] { fired.push_back(i); }));
  }
  for (int step = 0; step < 20000; ++step) {
    const int k = static_cast<int>(random() % kTimers);
    if (random() % 8 == 0) {
      EXPECT_EQ(queue.cancel(*timers[k]), armed[k]);
      armed[k] = false;
    } else {
      const std::int64_t us = deadline_us(step, random);
      latest = std::max(latest, us);
      queue.start(*timers[k], TimePoint{} + std::chrono::microseconds(us));
      started_at[k] = ++clock;
      armed[k] = true;
    }
  }
  std::vector<int> expected;
  for (int i = 0; i < kTimers; ++i) {
    if (armed[i]) expected.push_back(i);
  }
  std::sort(expected.begin(), expected.end(), [&](int a, int b) {
    if (timers[a]->deadline() != timers[b]->deadline()) {
      return timers[a]->deadline() < timers[b]->deadline();
    }
    return started_at[a] < started_at[b];
  });
  EXPECT_EQ(queue.size(), expected.size());
  for (std::int64_t us = 0; us <= latest; us += 37) {
    queue.run_expired(TimePoint{} + std::chrono::microseconds(us));
  }
  queue.run_expired(TimePoint{} + std::chrono::microseconds(latest) + 1s);
  EXPECT_EQ(fired, expected);
  EXPECT_TRUE(queue.empty());
}

TEST(TimerQueue, LazyReArmKeepsTheExactFiringOrder) {
  TimerQueue queue;
  expect_exact_firing_order([](int, std::mt19937& r) { return std::int64_t(r() % 1000); }, queue);
  EXPECT_GT(queue.deferred_moves(), 0u);
  EXPECT_GT(queue.heap_placements(), 0u);
}

// Deadlines that mostly grow, as a loop's command timeouts do (one timeout, a clock that
// moves on), with some earlier ones mixed in: most go to the run, the order stays exact.
TEST(TimerQueue, TheRunAndTheHeapTogetherKeepTheExactFiringOrder) {
  TimerQueue queue;
  expect_exact_firing_order(
      [](int step, std::mt19937& r) {
        const std::int64_t now = step;  // one microsecond per step
        return r() % 10 == 0 ? now + std::int64_t(r() % 500) : now + 1000;
      },
      queue);
  EXPECT_GT(queue.run_placements(), queue.heap_placements());
  EXPECT_GT(queue.heap_placements(), 0u);
}

TEST(TimerQueue, TimersStartedInDeadlineOrderNeverTouchTheHeap) {
  TimerQueue queue;
  std::vector<std::unique_ptr<Timer>> timers;
  std::vector<int> fired;
  for (int i = 0; i < 1000; ++i) {
    timers.push_back(std::make_unique<Timer>([&fired, i] { fired.push_back(i); }));
    queue.start(*timers.back(), TimePoint{} + std::chrono::microseconds(i / 3));  // ties too
  }
  for (int i = 0; i < 1000; i += 2) EXPECT_TRUE(queue.cancel(*timers[i]));  // from anywhere
  EXPECT_EQ(queue.size(), 500u);
  EXPECT_EQ(queue.next_deadline(), TimePoint{});  // timer 1
  EXPECT_EQ(queue.run_expired(TimePoint{} + 1s), 500u);
  std::vector<int> odd;
  for (int i = 1; i < 1000; i += 2) odd.push_back(i);
  EXPECT_EQ(fired, odd);
  EXPECT_EQ(queue.run_placements(), 1000u);
  EXPECT_EQ(queue.heap_placements(), 0u);
}

TEST(TimerQueue, HandlersMayRearmAndCancelButNewStartsWait) {
  TimerQueue queue;
  int a_runs = 0, b_runs = 0;
  Timer b([&] { ++b_runs; });
  Timer a;
  a.set_handler([&] {
    ++a_runs;
    queue.start(a, TimePoint{});  // already due, but waits for the next run_expired()
    queue.cancel(b);              // b was due in this pass too: it must not run
  });
  queue.start(a, TimePoint{});
  queue.start(b, TimePoint{});
  EXPECT_EQ(queue.run_expired(TimePoint{} + 1ms), 1u);
  EXPECT_EQ(a_runs, 1);
  EXPECT_EQ(b_runs, 0);
  EXPECT_TRUE(a.armed());
  EXPECT_EQ(queue.run_expired(TimePoint{} + 1ms), 1u);
  EXPECT_EQ(a_runs, 2);
  EXPECT_TRUE(queue.cancel(a));
}

TEST(TimerQueue, CancelFromAnywhereKeepsTheHeapValid) {
  TimerQueue queue;
  constexpr int kTimers = 5000;
  std::vector<std::unique_ptr<Timer>> timers;
  std::vector<TimePoint> fired;
  std::mt19937 random(42);
  for (int i = 0; i < kTimers; ++i) {
    timers.push_back(std::make_unique<Timer>());
    Timer* t = timers.back().get();
    t->set_handler([&fired, t] { fired.push_back(t->deadline()); });
    queue.start(*t, TimePoint{} + std::chrono::microseconds(random() % 100000));
  }
  std::vector<int> order(kTimers);
  for (int i = 0; i < kTimers; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), random);
  for (int i = 0; i < kTimers / 2; ++i) EXPECT_TRUE(queue.cancel(*timers[order[i]]));
  for (int i = 0; i < kTimers / 2; ++i) EXPECT_FALSE(queue.cancel(*timers[order[i]]));
  EXPECT_EQ(queue.run_expired(TimePoint{} + 1s), std::size_t{kTimers / 2});
  EXPECT_TRUE(std::is_sorted(fired.begin(), fired.end()));
}

TEST(TimerQueue, AMillionStartsAndCancels) {
  TimerQueue queue;
  constexpr int kTimers = 1000;
  constexpr int kRounds = 1000;
  std::vector<std::unique_ptr<Timer>> timers;
  int fired = 0;
  for (int i = 0; i < kTimers; ++i) timers.push_back(std::make_unique<Timer>([&] { ++fired; }));
  std::size_t cancelled = 0;
  for (int round = 0; round < kRounds; ++round) {
    for (int i = 0; i < kTimers; ++i) {
      const int k = (i * 617 + round) % kTimers;
      queue.start(*timers[k], TimePoint{} + std::chrono::microseconds((k * 7 + round) % 1013));
    }
    for (int i = 0; i < kTimers; ++i) {
      cancelled += queue.cancel(*timers[(i * 331 + round * 7) % kTimers]) ? 1 : 0;
    }
  }
  EXPECT_EQ(cancelled, std::size_t{kTimers} * kRounds);
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.run_expired(TimePoint::max()), 0u);
  EXPECT_EQ(fired, 0);
}

TEST(TimerQueue, DisarmAllLeavesTimersUnarmed) {
  Timer a, b;
  {
    TimerQueue queue;
    queue.start(a, TimePoint{});
    queue.start(b, TimePoint{});
    queue.disarm_all();
    EXPECT_FALSE(a.armed());
    EXPECT_FALSE(b.armed());
    queue.start(a, TimePoint{});
  }  // the destructor disarms too
  EXPECT_FALSE(a.armed());
}

}  // namespace
}  // namespace aero::io
