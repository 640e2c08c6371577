#include "executor/serial_executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <semaphore>
#include <thread>
#include <vector>

#include "test/executor/counted.h"

namespace aero {
namespace {

TEST(SerialExecutorTest, RunsTasksInFifoOrderAndNeverInsideSubmit) {
  SerialExecutor ex;
  std::vector<int> order;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(ex.submit([&order, i] { order.push_back(i); }));
  }
  EXPECT_TRUE(order.empty());
  EXPECT_TRUE(ex.has_pending());
  EXPECT_EQ(ex.run_pending(), 100u);
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
  EXPECT_FALSE(ex.has_pending());
  EXPECT_EQ(ex.run_pending(), 0u);
}

TEST(SerialExecutorTest, RunPendingRunsOnlyWhatWasQueuedOnEntry) {
  SerialExecutor ex;
  int runs = 0;
  // A task that re-submits itself must not run again in the same drain, or it would starve
  // the loop's I/O.
  struct Again {
    SerialExecutor* ex;
    int* runs;
    void operator()() {
      ++*runs;
      ex->submit(Again{ex, runs});
    }
  };
  ASSERT_TRUE(ex.submit(Again{&ex, &runs}));
  EXPECT_EQ(ex.run_pending(), 1u);
  EXPECT_EQ(runs, 1);
  EXPECT_TRUE(ex.has_pending());
  EXPECT_EQ(ex.run_pending(), 1u);
  EXPECT_EQ(runs, 2);
  ex.shutdown();  // the destructor's drain runs the last one; its re-submit is refused
}

TEST(SerialExecutorTest, NestedRunPendingRunsNewTasksFirst) {
  SerialExecutor ex;
  std::vector<int> order;
  ASSERT_TRUE(ex.submit([&] {
    order.push_back(1);
    ex.submit([&] { order.push_back(2); });
    EXPECT_EQ(ex.run_pending(), 1u);
    order.push_back(3);
  }));
  ASSERT_TRUE(ex.submit([&] { order.push_back(4); }));
  EXPECT_EQ(ex.run_pending(), 2u);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4}));
}

TEST(SerialExecutorTest, BurstOfSubmitsWakesOnce) {
  std::atomic<int> wakes{0};
  SerialExecutor ex([&wakes] { wakes.fetch_add(1); });
  int ran = 0;
  for (int i = 0; i < 50; ++i) ex.submit([&ran] { ++ran; });
  EXPECT_EQ(wakes.load(), 1);
  EXPECT_EQ(ex.run_pending(), 50u);
  EXPECT_EQ(wakes.load(), 1);  // draining does not wake
  for (int i = 0; i < 50; ++i) ex.submit([&ran] { ++ran; });
  EXPECT_EQ(wakes.load(), 2);  // the first submit after a drain wakes again, once
  ex.run_pending();
  EXPECT_EQ(ran, 100);
  EXPECT_EQ(ex.run_pending(), 0u);  // an empty drain, then work: one more wake
  ex.submit([] {});
  EXPECT_EQ(wakes.load(), 3);
}

TEST(SerialExecutorTest, BurstFromManyThreadsWakesOnce) {
  std::atomic<int> wakes{0};
  SerialExecutor ex([&wakes] { wakes.fetch_add(1); });
  std::atomic<int> ran{0};
  std::vector<std::thread> producers;
  for (int t = 0; t < 4; ++t) {
    producers.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) ex.submit([&ran] { ran.fetch_add(1); });
    });
  }
  for (auto& p : producers) p.join();
  EXPECT_EQ(wakes.load(), 1);
  EXPECT_EQ(ex.run_pending(), 4000u);
  EXPECT_EQ(ran.load(), 4000);
}

TEST(SerialExecutorTest, WakeHookDrivesAnOwnerThatNeverPolls) {
  // The owner blocks on a semaphore that only the wake hook releases, as a loop blocks in
  // epoll_wait until the eventfd is written. A lost wake-up would leave it blocked: the
  // limit turns that into a failure.
  constexpr int kProducers = 4;
  constexpr int kPerProducer = 2000;
  std::counting_semaphore<> woken(0);
  SerialExecutor ex([&woken] { woken.release(); });
  std::vector<int> next(kProducers, 0);  // touched by tasks only, on the owner thread
  int out_of_order = 0;
  int ran = 0;
  std::vector<std::thread> producers;
  for (int t = 0; t < kProducers; ++t) {
    producers.emplace_back([&, t] {
      for (int i = 0; i < kPerProducer; ++i) {
        ex.submit([&, t, i] {
          if (next[t] != i) ++out_of_order;
          next[t] = i + 1;
          ++ran;
        });
      }
    });
  }
  while (ran < kProducers * kPerProducer) {
    ASSERT_TRUE(woken.try_acquire_for(std::chrono::seconds(60))) << "lost wake-up";
    ex.run_pending();
  }
  for (auto& p : producers) p.join();
  EXPECT_EQ(out_of_order, 0);
  EXPECT_EQ(ran, kProducers * kPerProducer);
}

TEST(SerialExecutorTest, RunServesOtherThreadsUntilShutdown) {
  SerialExecutor ex;
  std::atomic<int> ran{0};
  std::thread owner([&] { ex.run(); });
  std::vector<std::thread> producers;
  for (int t = 0; t < 3; ++t) {
    producers.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) EXPECT_TRUE(ex.submit([&ran] { ran.fetch_add(1); }));
    });
  }
  for (auto& p : producers) p.join();
  ex.shutdown();
  owner.join();  // run() returns only after the queue is empty
  EXPECT_EQ(ran.load(), 3000);
}

TEST(SerialExecutorTest, SubmitAfterShutdownIsRefusedAndTaskStaysWithCaller) {
  SerialExecutor ex;
  int ran = 0;
  ASSERT_TRUE(ex.submit([&ran] { ++ran; }));
  ex.shutdown();
  EXPECT_TRUE(ex.is_shut_down());
  Task late = [&ran] { ran += 10; };
  EXPECT_FALSE(ex.submit(std::move(late)));
  ASSERT_TRUE(late);  // still the caller's: nothing lost
  EXPECT_EQ(ex.run_pending(), 1u);  // accepted before shutdown: still runs
  EXPECT_EQ(ran, 1);
  late();
  EXPECT_EQ(ran, 11);
}

TEST(SerialExecutorTest, DestructorRunsQueuedTasksAndRefusesTheirFollowUps) {
  int ran = 0;
  int refused = 0;
  {
    SerialExecutor ex;
    for (int i = 0; i < 3; ++i) {
      ex.submit([&] {
        ++ran;
        if (!ex.submit([&ran] { ran += 100; })) ++refused;
      });
    }
  }
  EXPECT_EQ(ran, 3);
  EXPECT_EQ(refused, 3);
}

TEST(SerialExecutorTest, ShutdownDoesNotCallWake) {
  std::atomic<int> wakes{0};
  SerialExecutor ex([&wakes] { wakes.fetch_add(1); });
  ex.shutdown();
  EXPECT_FALSE(ex.submit([] {}));
  EXPECT_EQ(wakes.load(), 0);
}

TEST(SerialExecutorTest, CapturesAreReleasedWhenTheTaskHasRun) {
  test::Counters counters;
  SerialExecutor ex;
  ASSERT_TRUE(ex.submit([c = test::Counted(counters)] {}));
  ASSERT_TRUE(ex.submit([c = test::Counted(counters)] {}));
  EXPECT_EQ(counters.destroyed.load(), 0);
  ex.run_pending();
  EXPECT_EQ(counters.destroyed.load(), 2);
  EXPECT_EQ(counters.live.load(), 0);
}

TEST(SerialExecutorTest, CapturesOfTasksLeftAtDestructionAreDestroyedOnce) {
  test::Counters counters;
  int ran = 0;
  {
    SerialExecutor ex;
    ex.submit([&ran, c = test::Counted(counters)] { ++ran; });
  }
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(counters.destroyed.load(), 1);
  EXPECT_EQ(counters.live.load(), 0);
}

}  // namespace
}  // namespace aero
