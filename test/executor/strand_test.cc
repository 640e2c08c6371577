#include "executor/strand.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include "executor/serial_executor.h"
#include "executor/tbb_executor.h"
#include "test/executor/counted.h"
#include "test/executor/wait_until.h"

namespace aero {
namespace {

// TBB gives a process at most (cores - 1) worker threads unless told otherwise; a strand's
// order and non-overlap only mean something on a pool that really runs tasks in parallel
// (TbbExecutorTest.TasksRunInParallel checks that it does).
class StrandTest : public ::testing::Test {
 protected:
  tbb::global_control parallelism_{tbb::global_control::max_allowed_parallelism, 5};
};

TEST_F(StrandTest, OrderAndNoOverlapOnATbbPool) {
  // Many producers feed one strand on a 4-thread pool. Overlap is caught by an atomic
  // "inside" counter; order by per-producer sequence numbers. `plain` is a non-atomic
  // counter: under ThreadSanitizer it also proves each task sees the previous one's writes.
  constexpr int kProducers = 4;
  constexpr int kPerProducer = 1500;
  TbbExecutor pool(4);
  Strand strand(pool);
  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  std::vector<int> next(kProducers, 0);
  int out_of_order = 0;
  int plain = 0;
  std::vector<std::thread> producers;
  for (int t = 0; t < kProducers; ++t) {
    producers.emplace_back([&, t] {
      for (int i = 0; i < kPerProducer; ++i) {
        EXPECT_TRUE(strand.submit([&, t, i] {
          if (inside.fetch_add(1) != 0) overlaps.fetch_add(1);
          EXPECT_TRUE(strand.running_in_this_thread());
          if (next[t] != i) ++out_of_order;
          next[t] = i + 1;
          ++plain;
          if (i % 64 == 0) std::this_thread::yield();  // widen the window for an overlap
          inside.fetch_sub(1);
        }));
      }
    });
  }
  for (auto& p : producers) p.join();
  EXPECT_TRUE(strand.wait_idle());
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_EQ(out_of_order, 0);
  EXPECT_EQ(plain, kProducers * kPerProducer);
  EXPECT_FALSE(strand.running_in_this_thread());
}

TEST_F(StrandTest, TwoStrandsOnOnePoolEachKeepTheirOrder) {
  TbbExecutor pool(2);
  Strand a(pool);
  Strand b(pool);
  std::vector<int> seq_a;
  std::vector<int> seq_b;
  for (int i = 0; i < 2000; ++i) {
    ASSERT_TRUE(a.submit([&seq_a, i] { seq_a.push_back(i); }));
    ASSERT_TRUE(b.submit([&seq_b, i] { seq_b.push_back(i); }));
  }
  EXPECT_TRUE(a.wait_idle());
  EXPECT_TRUE(b.wait_idle());
  ASSERT_EQ(seq_a.size(), 2000u);
  ASSERT_EQ(seq_b.size(), 2000u);
  for (int i = 0; i < 2000; ++i) {
    EXPECT_EQ(seq_a[i], i);
    EXPECT_EQ(seq_b[i], i);
  }
}

TEST_F(StrandTest, OnASerialExecutorTasksRunOnTheOwnerBetweenDrains) {
  SerialExecutor loop;
  Strand strand(loop);
  std::vector<int> order;
  ASSERT_TRUE(strand.submit([&] {
    order.push_back(1);
    strand.submit([&] { order.push_back(3); });  // queued behind 2, next drain of the loop
  }));
  ASSERT_TRUE(strand.submit([&] { order.push_back(2); }));
  EXPECT_TRUE(order.empty());  // never inside submit
  loop.run_pending();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  loop.run_pending();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_FALSE(loop.has_pending());
}

TEST_F(StrandTest, SubmitAfterShutdownIsRefusedAcceptedTasksStillRun) {
  SerialExecutor loop;
  Strand strand(loop);
  int ran = 0;
  ASSERT_TRUE(strand.submit([&ran] { ++ran; }));
  strand.shutdown();
  EXPECT_TRUE(strand.is_shut_down());
  Task late = [&ran] { ran += 10; };
  EXPECT_FALSE(strand.submit(std::move(late)));
  ASSERT_TRUE(late);
  loop.run_pending();
  EXPECT_EQ(ran, 1);
}

TEST_F(StrandTest, TasksQueuedAtDestructionStillRunOnTheParent) {
  SerialExecutor loop;
  test::Counters counters;
  int ran = 0;
  {
    Strand strand(loop);
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(strand.submit([&ran, c = test::Counted(counters)] { ++ran; }));
    }
  }
  EXPECT_EQ(ran, 0);
  loop.run_pending();
  EXPECT_EQ(ran, 3);
  EXPECT_EQ(counters.destroyed.load(), 3);
  EXPECT_EQ(counters.live.load(), 0);
}

TEST_F(StrandTest, DestroyedStrandOnAPoolLosesNothing) {
  std::atomic<int> ran{0};
  {
    TbbExecutor pool(2);
    {
      Strand strand(pool);
      for (int i = 0; i < 1000; ++i) ASSERT_TRUE(strand.submit([&ran] { ran.fetch_add(1); }));
    }  // the handle goes while tasks are queued
  }  // the pool's destructor waits for the drain jobs
  EXPECT_EQ(ran.load(), 1000);
}

TEST_F(StrandTest, ParentRefusalIsReportedToTheSubmitter) {
  SerialExecutor loop;
  loop.shutdown();
  Strand strand(loop);
  int ran = 0;
  Task task = [&ran] { ++ran; };
  EXPECT_FALSE(strand.submit(std::move(task)));
  ASSERT_TRUE(task);  // left with the caller
  EXPECT_EQ(ran, 0);
  EXPECT_TRUE(strand.is_shut_down());  // the strand follows its parent
  EXPECT_FALSE(strand.submit([&ran] { ++ran; }));
  EXPECT_TRUE(strand.wait_idle());
}

// A parent that holds its first submit until the test lets it go, then refuses it.
class GatedRefusingExecutor final : public Executor {
 public:
  bool submit(Task&&) override {
    std::unique_lock<std::mutex> lock(mutex_);
    entered_ = true;
    cv_.notify_all();
    cv_.wait(lock, [this] { return released_; });
    return false;
  }
  bool wait_entered() {
    return test::wait_until(mutex_, cv_, [this] { return entered_; });
  }
  void release() {
    std::lock_guard<std::mutex> lock(mutex_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool entered_ = false;
  bool released_ = false;
};

TEST_F(StrandTest, TasksAcceptedWhileTheParentRefusesRunOnTheRefusedSubmitter) {
  // Thread A's submit schedules the strand and meets the refusal; meanwhile the main thread
  // queues two tasks, which the strand accepted. They must not be lost: they run, in order,
  // on thread A, and A's own task comes back to A.
  GatedRefusingExecutor parent;
  Strand strand(parent);
  std::vector<int> order;
  std::thread::id ran_on[2];
  bool a_result = true;
  bool a_task_returned = false;
  std::thread a([&] {
    Task first = [&order] { order.push_back(0); };
    a_result = strand.submit(std::move(first));
    a_task_returned = static_cast<bool>(first);
  });
  ASSERT_TRUE(parent.wait_entered());
  ASSERT_TRUE(strand.submit([&] {
    order.push_back(1);
    ran_on[0] = std::this_thread::get_id();
  }));
  ASSERT_TRUE(strand.submit([&] {
    order.push_back(2);
    ran_on[1] = std::this_thread::get_id();
  }));
  const std::thread::id a_id = a.get_id();
  parent.release();
  a.join();
  EXPECT_FALSE(a_result);
  EXPECT_TRUE(a_task_returned);
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_EQ(ran_on[0], a_id);
  EXPECT_EQ(ran_on[1], a_id);
  EXPECT_TRUE(strand.is_shut_down());
  EXPECT_TRUE(strand.wait_idle());
}

TEST_F(StrandTest, RefusedRescheduleKeepsDrainingOnTheCurrentThread) {
  // The first task queues a second one, then the parent shuts down: the drain cannot hand
  // over to a new job, so it runs the second task itself in the same parent drain.
  SerialExecutor loop;
  Strand strand(loop);
  std::vector<int> order;
  ASSERT_TRUE(strand.submit([&] {
    order.push_back(1);
    ASSERT_TRUE(strand.submit([&] { order.push_back(2); }));
    loop.shutdown();
  }));
  loop.run_pending();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_FALSE(loop.has_pending());
}

TEST_F(StrandTest, WaitIdleFromOwnTaskRefusesInsteadOfDeadlocking) {
  TbbExecutor pool(2);
  Strand strand(pool);
  std::atomic<int> result{-1};
  ASSERT_TRUE(strand.submit([&] { result = strand.wait_idle() ? 1 : 0; }));
  EXPECT_TRUE(strand.wait_idle());
  EXPECT_EQ(result.load(), 0);
}

TEST_F(StrandTest, StrandOverStrandKeepsOrder) {
  TbbExecutor pool(2);
  Strand outer(pool);
  Strand inner(static_cast<Executor&>(outer));  // not the (deleted) copy constructor
  std::vector<int> seq;
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(inner.submit([&seq, i] { seq.push_back(i); }));
  EXPECT_TRUE(inner.wait_idle());
  ASSERT_EQ(seq.size(), 500u);
  for (int i = 0; i < 500; ++i) EXPECT_EQ(seq[i], i);
}

}  // namespace
}  // namespace aero
