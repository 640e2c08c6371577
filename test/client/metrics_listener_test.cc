// The periodic metrics listener (ClientConfig::metrics_interval / metrics_listener): the
// intervals' counts add up exactly to the total, calls run on the chosen executor (the first
// loop by default), never overlap, and none comes after close() returns.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "executor/serial_executor.h"
#include "test/client/fixture.h"
#include "test/client/ledger.h"

namespace aero {
namespace {

using namespace std::chrono_literals;
using metrics::CommandKind;

Key key(int i) { return Key("test", "metrics_listener", static_cast<std::int64_t>(i)); }

// What the listener saw, shared with the test thread.
struct Seen {
  std::mutex mutex;
  std::vector<metrics::MetricsSnapshot> intervals;
  std::atomic<Client*> client{nullptr};
  std::atomic<int> wrong_thread{0};
  std::atomic<int> in_call{0};
  std::atomic<int> overlaps{0};
  std::atomic<bool> closed{false};
  std::atomic<int> after_close{0};

  std::uint64_t sum(CommandKind kind, bool ok_only = false) {
    std::lock_guard lock(mutex);
    std::uint64_t n = 0;
    for (const auto& s : intervals) n += ok_only ? s.total(kind).ok : s.total(kind).commands;
    return n;
  }
  std::size_t calls() {
    std::lock_guard lock(mutex);
    return intervals.size();
  }
  void record(const metrics::MetricsSnapshot& s) {
    if (closed.load()) after_close.fetch_add(1);
    if (in_call.fetch_add(1) != 0) overlaps.fetch_add(1);
    {
      std::lock_guard lock(mutex);
      intervals.push_back(s);
    }
    in_call.fetch_sub(1);
  }
};

// Waits (bounded) until `done()`.
template <typename F>
bool eventually(F done) {
  for (int i = 0; i < 2000 && !done(); ++i) std::this_thread::sleep_for(5ms);
  return done();
}

TEST(MetricsListenerTest, IntervalsAddUpToTheTotalOnTheFirstLoop) {
  AERO_EMBEDDED_ONLY("counts exactly what one client did");
  Seen seen;
  ClientConfig config = testing::patient({});
  config.enable_metrics = true;
  config.metrics_interval = 20ms;
  config.metrics_listener = [&seen](const metrics::MetricsSnapshot& s) {
    Client* c = seen.client.load();
    if (c != nullptr && !c->loop(0).in_loop_thread()) seen.wrong_thread.fetch_add(1);
    seen.record(s);
  };
  testing::ClusterClient cc = testing::ClusterClient::start({.nodes = 2}, config);
  ASSERT_NE(cc.client, nullptr);
  seen.client = cc.client.get();

  // Three bursts, with pauses so that they fall into several intervals.
  constexpr int kBursts = 3, kPuts = 50, kGets = 20;
  for (int b = 0; b < kBursts; ++b) {
    for (int i = 0; i < kPuts; ++i) ASSERT_TRUE(cc.client->put(key(i), {{"b", b}}).get().ok());
    for (int i = 0; i < kGets; ++i) ASSERT_TRUE(cc.client->get(key(i)).get().ok());
    std::this_thread::sleep_for(50ms);
  }
  const metrics::MetricsSnapshot total = cc.client->metrics();
  ASSERT_EQ(total.total(CommandKind::write).commands, std::uint64_t{kBursts * kPuts});
  // A call after the last command covers the rest.
  EXPECT_TRUE(eventually([&] {
    return seen.sum(CommandKind::write) == kBursts * kPuts &&
           seen.sum(CommandKind::read) == kBursts * kGets;
  }));
  EXPECT_GE(seen.calls(), 3u);
  cc.client->close();
  seen.closed = true;
  const std::size_t calls = seen.calls();
  std::this_thread::sleep_for(100ms);  // five intervals
  EXPECT_EQ(seen.calls(), calls) << "no call after close() returned";
  EXPECT_EQ(seen.after_close.load(), 0);
  EXPECT_EQ(seen.wrong_thread.load(), 0);
  EXPECT_EQ(seen.overlaps.load(), 0);
  // Exactly: every interval's counts together are the total, per kind and outcome.
  EXPECT_EQ(seen.sum(CommandKind::write), total.total(CommandKind::write).commands);
  EXPECT_EQ(seen.sum(CommandKind::write, true), std::uint64_t{kBursts * kPuts});
  EXPECT_EQ(seen.sum(CommandKind::read, true), std::uint64_t{kBursts * kGets});
  std::uint64_t latencies = 0;
  {
    std::lock_guard lock(seen.mutex);
    for (const auto& s : seen.intervals) latencies += s.total(CommandKind::write).latency.count();
  }
  EXPECT_EQ(latencies, std::uint64_t{kBursts * kPuts});
}

TEST(MetricsListenerTest, RunsOnTheGivenExecutor) {
  AERO_EMBEDDED_ONLY("counts exactly what one client did");
  SerialExecutor executor;
  std::thread runner([&] { executor.run(); });
  const std::thread::id runner_id = runner.get_id();
  Seen seen;
  ClientConfig config = testing::patient({});
  config.enable_metrics = true;
  config.metrics_interval = 10ms;
  config.metrics_executor = &executor;
  config.metrics_listener = [&](const metrics::MetricsSnapshot& s) {
    if (std::this_thread::get_id() != runner_id) seen.wrong_thread.fetch_add(1);
    seen.record(s);
  };
  testing::ClusterClient cc = testing::ClusterClient::start({.nodes = 1}, config);
  ASSERT_NE(cc.client, nullptr);
  constexpr int kPuts = 30;
  for (int i = 0; i < kPuts; ++i) ASSERT_TRUE(cc.client->put(key(i), {{"v", i}}).get().ok());
  EXPECT_TRUE(eventually([&] { return seen.sum(CommandKind::write) == kPuts; }));
  cc.client->close();
  seen.closed = true;
  executor.shutdown();
  runner.join();
  EXPECT_EQ(seen.after_close.load(), 0);
  EXPECT_EQ(seen.wrong_thread.load(), 0);
  EXPECT_EQ(seen.overlaps.load(), 0);
  EXPECT_EQ(seen.sum(CommandKind::write), std::uint64_t{kPuts});
}

// A slow listener and a short interval: close() waits for the call in progress, and none
// starts after it.
TEST(MetricsListenerTest, CloseWaitsForACallInProgress) {
  AERO_EMBEDDED_ONLY("uses the embedded cluster");
  Seen seen;
  std::atomic<int> started{0};
  ClientConfig config = testing::patient({});
  config.metrics_interval = 1ms;
  config.metrics_listener = [&](const metrics::MetricsSnapshot& s) {
    started.fetch_add(1);
    std::this_thread::sleep_for(5ms);
    seen.record(s);
  };
  testing::ClusterClient cc = testing::ClusterClient::start({.nodes = 1}, config);
  ASSERT_NE(cc.client, nullptr);
  EXPECT_TRUE(eventually([&] { return started.load() >= 3; }));
  cc.client->close();
  seen.closed = true;
  const int calls = started.load();
  EXPECT_EQ(seen.calls(), static_cast<std::size_t>(calls)) << "a call was still running";
  std::this_thread::sleep_for(30ms);
  EXPECT_EQ(started.load(), calls);
  EXPECT_EQ(seen.after_close.load(), 0);
  EXPECT_EQ(seen.overlaps.load(), 0);
}

}  // namespace
}  // namespace aero
