// The coroutine style: CoTask, `Record r = co_await client.get(key)` (throws aero::Error on
// failure), `auto res = co_await ...` (a Result, no exception), sync_wait, spawn, nested
// tasks; after a co_await that suspended, the coroutine resumes on the completion executor
// (the loop thread by default, a oneTBB worker with a TbbExecutor).
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <coroutine>
#include <future>
#include <mutex>
#include <thread>

#include <oneapi/tbb/task_arena.h>

#include "client/co_task.h"
#include "executor/tbb_executor.h"
#include "test/client/fixture.h"
#include "test/client/ledger.h"

namespace aero {
namespace {

using namespace std::chrono_literals;
using testing::ClusterClient;
using testing::key;
using testserver::Fault;
using testserver::FaultScope;

// Where each resumption ran.
struct Resumptions {
  std::atomic<int> suspended{0};      // co_awaits that really suspended
  std::atomic<int> wrong_thread{0};   // ...and resumed somewhere else than expected
  std::function<bool()> on_expected_thread;
};

// Wraps a client Future: records whether the co_await suspended and, if so, checks the
// thread it resumes on. `suspended_` is set before handing the coroutine over, because
// once handed over it may resume (and read it) on another thread at once.
template <class T>
class Watched {
 public:
  Watched(Future<T> f, Resumptions& r) : f_(std::move(f)), r_(r) {}
  bool await_ready() { return f_.await_ready(); }
  bool await_suspend(std::coroutine_handle<> h) {
    suspended_ = true;
    if (f_.await_suspend(h)) return true;
    suspended_ = false;  // the result was already there: continue here
    return false;
  }
  Result<T> await_resume() {
    if (suspended_) {
      r_.suspended.fetch_add(1);
      if (!r_.on_expected_thread()) r_.wrong_thread.fetch_add(1);
    }
    return f_.await_resume();
  }

 private:
  Future<T> f_;
  Resumptions& r_;
  bool suspended_ = false;
};

template <class T>
Watched<T> watch(Future<T> f, Resumptions& r) {
  return Watched<T>(std::move(f), r);
}

// Outside the coroutines: g++ 12 cannot keep a braced bin list alive across a co_await.
Future<void> put_v(Client& c, int k, std::int64_t v) { return c.put(key(k), {{"v", v}}); }

CoTask<std::int64_t> read_value(Client& c, int k, Resumptions& r) {
  Record rec = co_await watch(c.get(key(k)), r);  // throws Error if missing
  co_return *rec.find("v")->as_int();
}

struct Summary {
  std::int64_t sum = 0;
  int missing_by_exception = 0;
  int missing_by_result = 0;
};

CoTask<Summary> scenario(Client& c, Resumptions& r) {
  Summary s;
  for (int k = 0; k < 10; ++k) {
    Result<void> w = co_await watch(put_v(c, k, k), r);  // no exception
    if (!w.ok()) s.sum -= 1000000;
  }
  for (int k = 0; k < 10; ++k) {
    Record rec = co_await watch(c.get(key(k)), r);
    s.sum += *rec.find("v")->as_int();
  }
  // A missing record: the throwing conversion, caught inside the coroutine...
  try {
    Record rec = co_await watch(c.get(key(404)), r);
    s.sum += 1000000;  // not reached
  } catch (const Error& e) {
    if (e.status().code() == result::record_not_found) ++s.missing_by_exception;
  }
  // ...and the Result form, which throws nothing.
  auto res = co_await watch(c.get(key(405)), r);
  if (!res.ok() && res.code() == result::record_not_found) ++s.missing_by_result;
  // A nested task.
  s.sum += co_await read_value(c, 3, r);
  co_return s;
}

class CoroutineTest : public ::testing::Test {
 protected:
  void start(ClientConfig config = {}) {
    cc_ = ClusterClient::start({.nodes = 1}, testing::patient(config));
    ASSERT_NE(cc_.client, nullptr);
    // Answers take a few milliseconds, so every co_await below really suspends (an external
    // cluster's answers cross the network: they cannot be there before the co_await either).
    if (cc_.cluster) cc_.cluster->node(0).set_fault(Fault::delay_by(3ms).only(FaultScope::kDataRequests));
  }
  Client& client() { return *cc_.client; }
  std::thread::id loop_thread() {
    std::promise<std::thread::id> p;
    auto f = p.get_future();
    client().loop(0).post([&p] { p.set_value(std::this_thread::get_id()); });
    return f.get();
  }
  ClusterClient cc_;
};

TEST_F(CoroutineTest, SyncWaitResumesOnTheLoopThread) {
  start();
  const std::thread::id loop = loop_thread();
  Resumptions r;
  r.on_expected_thread = [loop] { return std::this_thread::get_id() == loop; };
  Summary s = sync_wait(scenario(client(), r));
  EXPECT_EQ(s.sum, 45 + 3);
  EXPECT_EQ(s.missing_by_exception, 1);
  EXPECT_EQ(s.missing_by_result, 1);
  EXPECT_GT(r.suspended.load(), 0);
  EXPECT_EQ(r.wrong_thread.load(), 0);
}

TEST_F(CoroutineTest, AnErrorEscapingTheTaskIsRethrownBySyncWait) {
  start();
  Resumptions r;
  r.on_expected_thread = [] { return true; };
  try {
    (void)sync_wait(read_value(client(), 999, r));
    ADD_FAILURE() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.status().code(), result::record_not_found) << e.what();
  }
}

TEST_F(CoroutineTest, SpawnedTasksRunToTheEndOnTheirOwn) {
  start();
  const std::thread::id loop = loop_thread();
  Resumptions r;
  r.on_expected_thread = [loop] { return std::this_thread::get_id() == loop; };
  constexpr int kTasks = 20;
  std::mutex m;
  std::condition_variable cv;
  int finished = 0;
  std::int64_t total = 0;
  for (int t = 0; t < kTasks; ++t) {
    spawn([](Client& c, Resumptions& r, int t, std::mutex& m, std::condition_variable& cv,
             int& finished, std::int64_t& total) -> CoTask<void> {
      auto put = co_await watch(put_v(c, 100 + t, t), r);
      std::int64_t v = -1000;
      if (put.ok()) {
        auto got = co_await watch(c.get(key(100 + t)), r);
        if (got.ok()) v = *got->find("v")->as_int();
      }
      std::lock_guard<std::mutex> g(m);
      ++finished;
      total += v;
      cv.notify_all();
    }(client(), r, t, m, cv, finished, total));
  }
  std::unique_lock<std::mutex> l(m);
  ASSERT_TRUE(cv.wait_for(l, 30s, [&] { return finished == kTasks; }));
  EXPECT_EQ(total, kTasks * (kTasks - 1) / 2);
  EXPECT_EQ(r.wrong_thread.load(), 0);
  EXPECT_GE(r.suspended.load(), kTasks);
}

TEST_F(CoroutineTest, WithATbbExecutorCoroutinesResumeOnTbbWorkers) {
  TbbExecutor tbb(2);
  ClientConfig config;
  config.completion_executor = &tbb;
  start(config);
  const std::thread::id loop = loop_thread();
  const std::thread::id test = std::this_thread::get_id();
  Resumptions r;
  r.on_expected_thread = [loop, test] {
    return std::this_thread::get_id() != loop && std::this_thread::get_id() != test &&
           tbb::this_task_arena::current_thread_index() != tbb::task_arena::not_initialized;
  };
  Summary s = sync_wait(scenario(client(), r));
  EXPECT_EQ(s.sum, 45 + 3);
  EXPECT_EQ(s.missing_by_exception, 1);
  EXPECT_EQ(s.missing_by_result, 1);
  EXPECT_GT(r.suspended.load(), 0);
  EXPECT_EQ(r.wrong_thread.load(), 0);
  cc_.close_client();  // before the executor goes
}

}  // namespace
}  // namespace aero
