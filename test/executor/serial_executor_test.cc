#include "executor/serial_executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <semaphore>
#include <thread>
#include <vector>

#include "test/executor/counted.h"

namespace aero {
namespace {

// A task that counts its runs and submits itself again each time.
struct Resubmit {
  SerialExecutor* ex;
  int* runs;
  void operator()() {
    ++*runs;
    ex->submit(Resubmit{ex, runs});
  }
};

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
  ASSERT_TRUE(ex.submit(Resubmit{&ex, &runs}));
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

// ---- the owner thread inside its OwnerScope (lock-free submits) ----

TEST(SerialExecutorOwnerTest, OwnerSubmitsRunInOrderAndCountAsPending) {
  SerialExecutor ex;
  SerialExecutor::OwnerScope owner(ex);
  std::vector<int> order;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(ex.submit([&order, i] { order.push_back(i); }));
  }
  EXPECT_TRUE(order.empty());
  EXPECT_TRUE(ex.has_pending());
  bool seen_elsewhere = false;
  std::thread other([&] { seen_elsewhere = ex.has_pending(); });  // no data race (TSan)
  other.join();
  EXPECT_TRUE(seen_elsewhere);
  EXPECT_EQ(ex.run_pending(), 100u);
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
  EXPECT_FALSE(ex.has_pending());
  EXPECT_EQ(ex.run_pending(), 0u);
}

TEST(SerialExecutorOwnerTest, ScopesNestAndOnlyTheNamedExecutorIsOwned) {
  SerialExecutor a, b;
  int ran = 0;
  {
    SerialExecutor::OwnerScope own_a(a);
    {
      SerialExecutor::OwnerScope own_b(b);
      ASSERT_TRUE(a.submit([&ran] { ran += 1; }));  // a is not owned here: the locked path
      ASSERT_TRUE(b.submit([&ran] { ran += 10; }));
    }
    ASSERT_TRUE(a.submit([&ran] { ran += 100; }));  // a owned again
  }
  EXPECT_TRUE(a.has_pending());
  EXPECT_TRUE(b.has_pending());
  EXPECT_EQ(a.run_pending(), 2u);
  EXPECT_EQ(b.run_pending(), 1u);
  EXPECT_EQ(ran, 111);
}

TEST(SerialExecutorOwnerTest, OwnerSubmitsWakeOncePerDrain) {
  std::atomic<int> wakes{0};
  SerialExecutor ex([&wakes] { wakes.fetch_add(1); });
  SerialExecutor::OwnerScope owner(ex);
  int ran = 0;
  for (int i = 0; i < 50; ++i) ex.submit([&ran] { ++ran; });
  EXPECT_EQ(wakes.load(), 1);  // the loop's signal not to block
  EXPECT_EQ(ex.run_pending(), 50u);
  EXPECT_EQ(wakes.load(), 1);
  ex.submit([&] {
    ++ran;
    ex.submit([&ran] { ++ran; });  // submitted during a drain: waits, and wakes again
  });
  EXPECT_EQ(wakes.load(), 2);
  EXPECT_EQ(ex.run_pending(), 1u);
  EXPECT_EQ(wakes.load(), 3);
  EXPECT_EQ(ex.run_pending(), 1u);
  EXPECT_EQ(ran, 52);
}

TEST(SerialExecutorOwnerTest, SelfResubmitWaitsForTheNextCall) {
  SerialExecutor ex;
  SerialExecutor::OwnerScope owner(ex);
  int runs = 0;
  ASSERT_TRUE(ex.submit(Resubmit{&ex, &runs}));
  for (int i = 1; i <= 5; ++i) {
    EXPECT_EQ(ex.run_pending(), 1u);
    EXPECT_EQ(runs, i);
    EXPECT_TRUE(ex.has_pending());
  }
  ex.shutdown();
  EXPECT_EQ(ex.run_pending(), 1u);  // its re-submit after shutdown is refused
  EXPECT_FALSE(ex.has_pending());
}

TEST(SerialExecutorOwnerTest, NestedRunPendingRunsNewTasksFirst) {
  SerialExecutor ex;
  SerialExecutor::OwnerScope owner(ex);
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

// Ping-pong between the owner and another thread: in each round `first` submits, then hands
// over (a semaphore: happens-before) to the other, which submits next. The owner drains at
// varying points, so its submits meet both an empty and a non-empty shared queue. Every task
// records a global sequence number; they must run in exactly that order.
void ping_pong(bool remote_first) {
  constexpr int kRounds = 3000;
  SerialExecutor ex;
  SerialExecutor::OwnerScope owner(ex);
  std::binary_semaphore to_remote(0), to_owner(0);
  std::vector<int> order;  // touched by tasks only, on this (the owner) thread
  auto record = [&order](int seq) { return [&order, seq] { order.push_back(seq); }; };
  std::thread remote([&] {
    for (int round = 0; round < kRounds; ++round) {
      const int seq = 2 * round + (remote_first ? 0 : 1);
      if (!remote_first) to_remote.acquire();
      EXPECT_TRUE(ex.submit(record(seq)));
      to_owner.release();
      if (remote_first) to_remote.acquire();
    }
  });
  for (int round = 0; round < kRounds; ++round) {
    const int seq = 2 * round + (remote_first ? 1 : 0);
    if (remote_first) to_owner.acquire();
    EXPECT_TRUE(ex.submit(record(seq)));
    if (round % 7 == 3) ex.run_pending();  // between the two submits of a round
    to_remote.release();
    if (!remote_first) to_owner.acquire();
    if (round % 5 == 1) ex.run_pending();  // between rounds
  }
  remote.join();
  while (ex.run_pending() != 0) {
  }
  ASSERT_EQ(order.size(), std::size_t{2 * kRounds});
  for (int i = 0; i < 2 * kRounds; ++i) ASSERT_EQ(order[i], i) << "at " << i;
}

TEST(SerialExecutorOwnerTest, RemoteSubmitOrderedBeforeAnOwnerSubmitRunsFirst) {
  ping_pong(/*remote_first=*/true);
}

TEST(SerialExecutorOwnerTest, OwnerSubmitOrderedBeforeARemoteSubmitRunsFirst) {
  ping_pong(/*remote_first=*/false);
}

TEST(SerialExecutorOwnerTest, ShutdownRefusesOwnerSubmits) {
  std::atomic<int> wakes{0};
  SerialExecutor ex([&wakes] { wakes.fetch_add(1); });
  SerialExecutor::OwnerScope owner(ex);
  int ran = 0;
  ASSERT_TRUE(ex.submit([&ran] { ++ran; }));
  std::thread([&] { ex.shutdown(); }).join();
  Task late = [&ran] { ran += 10; };
  EXPECT_FALSE(ex.submit(std::move(late)));
  ASSERT_TRUE(late);                // still the caller's
  EXPECT_EQ(wakes.load(), 1);       // the accepted task's, none for the refused one
  EXPECT_EQ(ex.run_pending(), 1u);  // accepted before shutdown: still runs
  EXPECT_EQ(ran, 1);
}

TEST(SerialExecutorOwnerTest, DestructorRunsLocalTasksAndRefusesTheirFollowUps) {
  test::Counters counters;
  int ran = 0;
  int refused = 0;
  auto owned = std::make_unique<SerialExecutor>();
  SerialExecutor* ex = owned.get();  // tasks use this: reset() nulls `owned` first
  {
    SerialExecutor::OwnerScope owner(*ex);
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(ex->submit([&, ex, c = test::Counted(counters)] {
        ++ran;
        if (!ex->submit([&ran] { ran += 100; })) ++refused;
      }));
    }
    EXPECT_TRUE(ex->has_pending());
    owned.reset();  // inside the scope: the follow-ups try the local path, after shutdown
  }
  EXPECT_EQ(ran, 3);
  EXPECT_EQ(refused, 3);
  EXPECT_EQ(counters.live.load(), 0);
}

TEST(SerialExecutorOwnerTest, RunKeepsServingTasksThatSubmitFromItsThread) {
  // run() installs the OwnerScope itself: a chain of tasks each submitting the next must
  // run through without run() waiting for a notification that never comes.
  constexpr int kChain = 10000;
  SerialExecutor ex;
  int ran = 0;  // touched by tasks only, on the run() thread
  std::atomic<bool> done{false};
  std::function<void()> step = [&] {
    if (++ran == kChain) {
      done.store(true);
      ex.shutdown();
      return;
    }
    EXPECT_TRUE(ex.submit([&] { step(); }));
  };
  std::thread owner([&] { ex.run(); });
  ASSERT_TRUE(ex.submit([&] { step(); }));
  owner.join();  // returns once shut down and empty; a lost wake-up would hang here
  EXPECT_TRUE(done.load());
  EXPECT_EQ(ran, kChain);
}

}  // namespace
}  // namespace aero
