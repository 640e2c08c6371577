#include "executor/tbb_executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include "test/executor/counted.h"
#include "test/executor/wait_until.h"

namespace aero {
namespace {

// TBB gives a process at most (cores - 1) worker threads unless told otherwise; this machine
// may have 2 cores, and these tests want real parallelism.
class TbbExecutorTest : public ::testing::Test {
 protected:
  tbb::global_control parallelism_{tbb::global_control::max_allowed_parallelism, 5};
};

TEST_F(TbbExecutorTest, OwnedArenaRunsEveryTaskOnItsWorkers) {
  TbbExecutor ex(3);
  EXPECT_EQ(ex.arena().max_concurrency(), 3);
  const auto main_thread = std::this_thread::get_id();
  std::atomic<int> ran{0};
  std::atomic<int> on_main{0};
  std::atomic<int> wrong_arena{0};
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(ex.submit([&] {
      if (std::this_thread::get_id() == main_thread) on_main.fetch_add(1);
      if (tbb::this_task_arena::max_concurrency() != 3) wrong_arena.fetch_add(1);
      ran.fetch_add(1);
    }));
  }
  EXPECT_TRUE(ex.wait_idle());
  EXPECT_EQ(ran.load(), 1000);
  EXPECT_EQ(on_main.load(), 0);
  EXPECT_EQ(wrong_arena.load(), 0);
}

TEST_F(TbbExecutorTest, ConcurrencyBelowOneMeansOne) {
  TbbExecutor ex(0);
  EXPECT_EQ(ex.arena().max_concurrency(), 1);
  std::atomic<int> ran{0};
  ASSERT_TRUE(ex.submit([&ran] { ran.fetch_add(1); }));
  EXPECT_TRUE(ex.wait_idle());
  EXPECT_EQ(ran.load(), 1);
}

TEST_F(TbbExecutorTest, BorrowedArenaRunsTasksInThatArena) {
  // A one-slot arena all for workers: inside it this_task_arena reports concurrency 1, which
  // no other arena in this test has.
  tbb::task_arena arena(1, /*reserved_for_masters=*/0);
  std::atomic<int> ran{0};
  std::atomic<int> wrong_arena{0};
  {
    TbbExecutor ex(arena);
    EXPECT_EQ(&ex.arena(), &arena);
    for (int i = 0; i < 500; ++i) {
      ASSERT_TRUE(ex.submit([&] {
        if (tbb::this_task_arena::max_concurrency() != 1) wrong_arena.fetch_add(1);
        ran.fetch_add(1);
      }));
    }
  }  // the destructor waits for all of them; the arena stays the caller's
  EXPECT_EQ(ran.load(), 500);
  EXPECT_EQ(wrong_arena.load(), 0);
  // The arena is still usable after the executor is gone.
  std::atomic<bool> again{false};
  arena.execute([&] { again = true; });
  EXPECT_TRUE(again.load());
}

TEST_F(TbbExecutorTest, TasksRunInParallel) {
  // Two tasks that each wait for the other can only both finish if they run at the same
  // time (the strand tests rely on a pool that really is parallel).
  TbbExecutor ex(2);
  std::mutex mutex;
  std::condition_variable cv;
  int arrived = 0;
  std::atomic<int> met{0};
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(ex.submit([&] {
      std::unique_lock<std::mutex> lock(mutex);
      ++arrived;
      cv.notify_all();
      if (cv.wait_for(lock, test::kDeadlockLimit, [&] { return arrived == 2; })) met.fetch_add(1);
    }));
  }
  EXPECT_TRUE(ex.wait_idle());
  EXPECT_EQ(met.load(), 2);
}

TEST_F(TbbExecutorTest, ManyProducersAndPlainDataHandOff) {
  // Each task writes a plain (non-atomic) slot; the main thread reads them after
  // wait_idle(). Under ThreadSanitizer this checks that the hand-offs producer -> task and
  // task -> waiter are visible synchronisation.
  constexpr int kProducers = 4;
  constexpr int kPerProducer = 1500;
  TbbExecutor ex(2);
  std::vector<int> slots(kProducers * kPerProducer, 0);
  std::vector<std::thread> producers;
  for (int t = 0; t < kProducers; ++t) {
    producers.emplace_back([&, t] {
      for (int i = 0; i < kPerProducer; ++i) {
        const int index = t * kPerProducer + i;
        slots[index] = -1;  // written by the producer before submit, read by the task
        EXPECT_TRUE(ex.submit([&slots, index] { slots[index] = slots[index] == -1 ? 1 : 2; }));
      }
    });
  }
  for (auto& p : producers) p.join();
  EXPECT_TRUE(ex.wait_idle());
  int ones = 0;
  for (int v : slots) ones += v == 1;
  EXPECT_EQ(ones, kProducers * kPerProducer);
}

TEST_F(TbbExecutorTest, TasksSubmittedByTasksAreCoveredByWaitIdle) {
  TbbExecutor ex(2);
  std::atomic<int> ran{0};
  struct Spawn {
    TbbExecutor* ex;
    std::atomic<int>* ran;
    int depth;
    void operator()() const {
      ran->fetch_add(1);
      if (depth == 0) return;
      for (int i = 0; i < 3; ++i) ex->submit(Spawn{ex, ran, depth - 1});
    }
  };
  ASSERT_TRUE(ex.submit(Spawn{&ex, &ran, 5}));
  EXPECT_TRUE(ex.wait_idle());
  EXPECT_EQ(ran.load(), 1 + 3 + 9 + 27 + 81 + 243);
}

TEST_F(TbbExecutorTest, WaitIdleFromOwnTaskRefusesInsteadOfDeadlocking) {
  TbbExecutor ex(2);
  std::atomic<int> result{-1};
  ASSERT_TRUE(ex.submit([&] { result = ex.wait_idle() ? 1 : 0; }));
  EXPECT_TRUE(ex.wait_idle());
  EXPECT_EQ(result.load(), 0);
}

TEST_F(TbbExecutorTest, SubmitAfterShutdownIsRefusedAcceptedTasksStillRun) {
  TbbExecutor ex(2);
  std::mutex mutex;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> ran{0};
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(ex.submit([&] {
      std::unique_lock<std::mutex> lock(mutex);
      cv.wait(lock, [&] { return release; });
      ran.fetch_add(1);
    }));
  }
  ex.shutdown();
  EXPECT_TRUE(ex.is_shut_down());
  int late_ran = 0;
  Task late = [&late_ran] { ++late_ran; };
  EXPECT_FALSE(ex.submit(std::move(late)));
  ASSERT_TRUE(late);  // left with the caller
  {
    std::lock_guard<std::mutex> lock(mutex);
    release = true;
  }
  cv.notify_all();
  EXPECT_TRUE(ex.wait_idle());
  EXPECT_EQ(ran.load(), 10);
  late();
  EXPECT_EQ(late_ran, 1);
}

TEST_F(TbbExecutorTest, DestructorWaitsForQueuedAndRunningTasks) {
  // The tasks are held back until a helper thread lets them go; the executor is destroyed
  // while they are queued or running, and must not return before every one has finished
  // and released its capture.
  test::Counters counters;
  std::atomic<bool> go{false};
  std::atomic<int> finished{0};
  std::thread releaser;
  {
    TbbExecutor ex(2);
    for (int i = 0; i < 200; ++i) {
      ASSERT_TRUE(ex.submit([&, c = test::Counted(counters)] {
        while (!go.load()) std::this_thread::yield();
        finished.fetch_add(1);
      }));
    }
    releaser = std::thread([&go] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      go = true;
    });
  }
  EXPECT_EQ(finished.load(), 200);
  EXPECT_EQ(counters.destroyed.load(), 200);
  EXPECT_EQ(counters.live.load(), 0);
  releaser.join();
}

TEST_F(TbbExecutorTest, TwoExecutorsShareOneUserArena) {
  tbb::task_arena arena(2, 0);
  std::atomic<int> ran{0};
  {
    TbbExecutor a(arena);
    TbbExecutor b(arena);
    for (int i = 0; i < 300; ++i) {
      ASSERT_TRUE(a.submit([&] { ran.fetch_add(1); }));
      ASSERT_TRUE(b.submit([&] { ran.fetch_add(1); }));
    }
    a.shutdown();
    EXPECT_FALSE(a.submit([] {}));
    EXPECT_TRUE(b.submit([&] { ran.fetch_add(1); }));  // b is unaffected
  }
  EXPECT_EQ(ran.load(), 601);
}

}  // namespace
}  // namespace aero
