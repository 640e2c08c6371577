// Where completions run.
//  - TbbExecutor: on oneTBB worker threads of its arena, never on the loop thread.
//  - The default (each loop's serial executor): on the command's loop thread, and the
//    callbacks of one loop never overlap (an atomic counter catches any overlap).
//  - A command can name its loop (the io::Loop* parameter); a command submitted from a loop
//    thread stays on that loop.
//  - User loops (ClientConfig::user_loops): the client runs on loops the user owns, and the
//    loops keep running after the client closed.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <oneapi/tbb/task_arena.h>

#include "executor/tbb_executor.h"
#include "io/loop_thread.h"
#include "test/client/fixture.h"
#include "test/client/ledger.h"

namespace aero {
namespace {

using namespace std::chrono_literals;
using testing::ClusterClient;
using testing::key;
using testing::Ledger;
using testing::wait_until;

std::thread::id thread_of(io::Loop& loop) {
  std::promise<std::thread::id> p;
  std::future<std::thread::id> f = p.get_future();
  EXPECT_TRUE(loop.post([&p] { p.set_value(std::this_thread::get_id()); }));
  EXPECT_EQ(f.wait_for(30s), std::future_status::ready);
  return f.get();
}

// Counts callbacks running at once: a callback that finds another one active on the same
// serial executor is an overlap.
struct OverlapDetector {
  std::atomic<int> active{0};
  std::atomic<int> overlaps{0};
  void enter() {
    if (active.fetch_add(1, std::memory_order_acq_rel) != 0) overlaps.fetch_add(1);
    // Stay a little while, so that an overlapping callback would be caught.
    for (int i = 0; i < 200; ++i) {
      if (active.load(std::memory_order_acquire) != 1) overlaps.fetch_add(1);
    }
  }
  void leave() { active.fetch_sub(1, std::memory_order_acq_rel); }
};

TEST(ExecutorTest, TbbCompletionsRunOnTbbWorkersNotOnTheLoop) {
  TbbExecutor tbb(2);
  ClientConfig config = testing::patient({});
  config.loops = 1;
  config.completion_executor = &tbb;
  {
    auto cc = ClusterClient::start({.nodes = 1}, config);
    ASSERT_NE(cc.client, nullptr);
    Client& client = *cc.client;
    const std::thread::id loop_thread = thread_of(client.loop(0));
    const std::thread::id test_thread = std::this_thread::get_id();
    constexpr std::size_t kN = 400;
    Ledger ledger(kN);
    std::atomic<int> on_loop{0}, on_test_thread{0}, outside_arena{0};
    std::mutex m;
    std::set<std::thread::id> threads;
    auto check = [&](std::size_t id, int code) {
      if (std::this_thread::get_id() == loop_thread) on_loop.fetch_add(1);
      if (std::this_thread::get_id() == test_thread) on_test_thread.fetch_add(1);
      if (tbb::this_task_arena::current_thread_index() == tbb::task_arena::not_initialized) {
        outside_arena.fetch_add(1);
      }
      {
        std::lock_guard<std::mutex> g(m);
        threads.insert(std::this_thread::get_id());
      }
      ledger.complete(id, code);
    };
    for (std::size_t i = 0; i < kN; ++i) {
      if (i % 2 == 0) {
        client.put(key(static_cast<int>(i)), {{"v", 1}},
                   [&check, i](Result<void> r) { check(i, r.code()); });
      } else {
        client.get(key(static_cast<int>(i - 1)), [&check, i](Result<Record> r) { check(i, r.code()); });
      }
    }
    ASSERT_TRUE(ledger.wait_for(kN, 60s));
    EXPECT_EQ(ledger.twice(kN), 0u);
    for (std::size_t i = 0; i < kN; ++i) {
      // A get may overtake the put of its key (they run in parallel): 0 or not found.
      EXPECT_TRUE(ledger.code(i) == 0 || (i % 2 == 1 && ledger.code(i) == result::record_not_found))
          << i << " " << ledger.code(i);
    }
    EXPECT_EQ(on_loop.load(), 0);
    EXPECT_EQ(on_test_thread.load(), 0);
    EXPECT_EQ(outside_arena.load(), 0);
    std::lock_guard<std::mutex> g(m);
    std::printf("TBB completions ran on %zu distinct worker threads\n", threads.size());
  }
  // The client is gone: every completion ran before tbb is destroyed.
  EXPECT_TRUE(tbb.wait_idle());
}

TEST(ExecutorTest, SerialExecutorRunsCallbacksOnTheirLoopThreadWithoutOverlap) {
  ClientConfig config = testing::patient({});
  config.loops = 2;
  auto cc = ClusterClient::start({.nodes = 1}, config);
  ASSERT_NE(cc.client, nullptr);
  Client& client = *cc.client;
  const std::thread::id loop_threads[2] = {thread_of(client.loop(0)), thread_of(client.loop(1))};
  ASSERT_NE(loop_threads[0], loop_threads[1]);
  OverlapDetector detectors[2];
  std::atomic<int> wrong_thread{0};

  constexpr std::size_t kPerThread = 1500;
  constexpr std::size_t kThreads = 2;
  Ledger ledger(kPerThread * kThreads);
  auto submit = [&](std::size_t t) {
    for (std::size_t i = 0; i < kPerThread; ++i) {
      const std::size_t id = t * kPerThread + i;
      // Named loop for two thirds of the commands; round-robin for the rest.
      const int named = id % 3 == 2 ? -1 : static_cast<int>(id % 3);
      io::Loop* loop = named < 0 ? nullptr : &client.loop(static_cast<std::size_t>(named));
      client.get(key(static_cast<int>(id % 50)), config.read,
                 [&, id, named](Result<Record> r) {
                   int which = std::this_thread::get_id() == loop_threads[0]   ? 0
                               : std::this_thread::get_id() == loop_threads[1] ? 1
                                                                               : -1;
                   if (which < 0 || (named >= 0 && which != named)) {
                     wrong_thread.fetch_add(1);
                   } else {
                     detectors[which].enter();
                     detectors[which].leave();
                   }
                   ledger.complete(id, r.ok() || r.code() == result::record_not_found ? 0 : r.code());
                 },
                 loop);
    }
  };
  std::thread a(submit, 0), b(submit, 1);
  a.join();
  b.join();
  ASSERT_TRUE(ledger.wait_for(kPerThread * kThreads, 60s));
  EXPECT_EQ(ledger.twice(kPerThread * kThreads), 0u);
  for (std::size_t i = 0; i < kPerThread * kThreads; ++i) ASSERT_EQ(ledger.code(i), 0) << i;
  EXPECT_EQ(wrong_thread.load(), 0);
  EXPECT_EQ(detectors[0].overlaps.load(), 0);
  EXPECT_EQ(detectors[1].overlaps.load(), 0);
}

TEST(ExecutorTest, CommandsFromALoopThreadStayOnThatLoop) {
  ClientConfig config = testing::patient({});
  config.loops = 3;
  auto cc = ClusterClient::start({.nodes = 1}, config);
  ASSERT_NE(cc.client, nullptr);
  Client& client = *cc.client;
  std::thread::id ids[3];
  for (std::size_t i = 0; i < 3; ++i) ids[i] = thread_of(client.loop(i));
  constexpr int kChains = 30;
  Ledger ledger(kChains);
  std::atomic<int> moved{0};
  for (int c = 0; c < kChains; ++c) {
    io::Loop* start = &client.loop(static_cast<std::size_t>(c % 3));
    const std::thread::id expected = ids[c % 3];
    // The second command is submitted from inside the first one's completion, naming no
    // loop: it runs on the same loop, so its completion is on the same thread.
    client.get(key(c), config.read,
               [&, c, expected](Result<Record>) {
                 if (std::this_thread::get_id() != expected) moved.fetch_add(1);
                 client.get(key(c), [&, c, expected](Result<Record> r) {
                   if (std::this_thread::get_id() != expected) moved.fetch_add(1);
                   ledger.complete(static_cast<std::size_t>(c),
                                   r.ok() || r.code() == result::record_not_found ? 0 : r.code());
                 });
               },
               start);
  }
  ASSERT_TRUE(ledger.wait_for(kChains, 60s));
  EXPECT_EQ(moved.load(), 0);
  for (int c = 0; c < kChains; ++c) EXPECT_EQ(ledger.code(static_cast<std::size_t>(c)), 0);
}

TEST(ExecutorTest, UserLoopsRunTheClientAndOutliveIt) {
  io::LoopThread first, second;
  ClientConfig config = testing::patient({});
  config.user_loops = {&first.loop(), &second.loop()};
  const std::thread::id ids[2] = {thread_of(first.loop()), thread_of(second.loop())};
  {
    auto cc = ClusterClient::start({.nodes = 1}, config);
    ASSERT_NE(cc.client, nullptr);
    Client& client = *cc.client;
    ASSERT_EQ(client.loop_count(), 2u);
    EXPECT_EQ(&client.loop(0), &first.loop());
    EXPECT_EQ(&client.loop(1), &second.loop());
    constexpr int kN = 200;
    Ledger ledger(kN);
    std::atomic<int> wrong{0};
    for (int i = 0; i < kN; ++i) {
      io::Loop* loop = i % 2 == 0 ? &first.loop() : &second.loop();
      const std::thread::id expected = ids[i % 2];
      client.put(key(i), {{"v", i}}, config.write,
                 [&, i, expected](Result<void> r) {
                   if (std::this_thread::get_id() != expected) wrong.fetch_add(1);
                   ledger.complete(static_cast<std::size_t>(i), r.code());
                 },
                 loop);
    }
    ASSERT_TRUE(ledger.wait_for(kN, 60s));
    EXPECT_EQ(wrong.load(), 0);
    for (int i = 0; i < kN; ++i) EXPECT_EQ(ledger.code(static_cast<std::size_t>(i)), 0) << i;
    EXPECT_TRUE(client.get(key(7)).get().ok());
  }
  // The client closed; the user's loops still run.
  EXPECT_EQ(thread_of(first.loop()), ids[0]);
  EXPECT_EQ(thread_of(second.loop()), ids[1]);
}

}  // namespace
}  // namespace aero
