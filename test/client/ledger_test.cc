// Exactly-once completion under load while a node dies.
//
// A 3-node cluster (replication factor 2) takes puts and gets from two submitting threads
// that keep ~200 commands in flight. In the middle of the run one node is stopped and the
// cluster rebalanced. A ledger records every command id: each must complete exactly once
// (never zero, never twice). Failures are allowed only as timeouts (9) or connection errors
// (-6), only for commands in flight around the kill, and once the tend has dropped the dead
// node every command succeeds again.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "test/client/fixture.h"
#include "test/client/ledger.h"

namespace aero {
namespace {

using namespace std::chrono_literals;
using testing::ClusterClient;
using testing::key;
using testing::Ledger;
using testing::wait_until;

// Bounds the commands one submitting thread has in flight.
class InFlight {
 public:
  explicit InFlight(int limit) : free_(limit) {}
  // False when no slot freed up within `limit` (a lost completion).
  bool acquire(std::chrono::milliseconds limit = 30s) {
    std::unique_lock<std::mutex> l(m_);
    if (!cv_.wait_for(l, limit, [&] { return free_ > 0; })) return false;
    --free_;
    return true;
  }
  void release() {
    std::lock_guard<std::mutex> g(m_);
    ++free_;
    cv_.notify_one();
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  int free_;
};

constexpr int kKeys = 1000;

// The first few failure messages of each phase, for the failure printout.
class FailureSamples {
 public:
  void add(int phase, const Status& st) {
    std::lock_guard<std::mutex> g(m_);
    auto& v = samples_[static_cast<std::size_t>(phase)];
    if (v.size() < 4) v.push_back(st.to_string());
  }
  std::string describe(int phase) {
    std::lock_guard<std::mutex> g(m_);
    std::string s;
    for (const std::string& m : samples_[static_cast<std::size_t>(phase)]) s += "\n    " + m;
    return s;
  }

 private:
  std::mutex m_;
  std::array<std::vector<std::string>, 3> samples_;
};

enum Phase : int { kBeforeKill = 0, kAroundKill = 1, kAfterTend = 2 };

// How the test decides that the client has noticed the dead node.
struct KillScenario {
  const char* name;
  // ClientConfig::max_tend_failures: small, the tend removes the node; huge, the node stays
  // listed and only the partition maps the live nodes report move traffic off it.
  int max_tend_failures;
  bool wait_for_removal;
};

class LedgerTest : public ::testing::TestWithParam<KillScenario> {};

TEST_P(LedgerTest, NodeKilledUnderLoad) {
  AERO_EMBEDDED_ONLY("stops a node under load and rebalances the cluster");
  const KillScenario scenario = GetParam();
  constexpr std::size_t kThreads = 2;
  constexpr std::size_t kPerThread = 10000;
  constexpr std::size_t kTotal = kThreads * kPerThread;
  constexpr int kInFlightPerThread = 100;
  constexpr std::size_t kKillAfter = 4000;        // completions before the node is stopped
  constexpr std::size_t kAroundKillBudget = 4000; // submissions while the tend catches up

  // Generous timeouts: the kill shows up as connection errors at once; a timeout would only
  // mean a starved machine, which must not fail the test.
  ClientConfig config = testing::patient({});
  config.loops = 2;
  config.tend_interval = 100ms;
  config.max_tend_failures = scenario.max_tend_failures;
  auto cc = ClusterClient::start({.nodes = 3, .replication_factor = 2}, config);
  ASSERT_NE(cc.client, nullptr);
  Client& client = *cc.client;
  ASSERT_EQ(client.stats().nodes, 3u);
  for (int k = 0; k < kKeys; ++k) ASSERT_TRUE(client.put(key(k), {{"v", k}}).get().ok()) << k;

  Ledger ledger(kTotal);
  FailureSamples samples;
  std::vector<std::atomic<int>> phase_of(kTotal);
  std::atomic<int> phase{kBeforeKill};
  std::atomic<std::size_t> around_kill_submitted{0};
  std::atomic<std::size_t> duplicates{0};
  std::atomic<bool> stuck{false};

  auto submitter = [&](std::size_t t) {
    InFlight limit(kInFlightPerThread);
    for (std::size_t i = 0; i < kPerThread; ++i) {
      const std::size_t id = t * kPerThread + i;
      if (!limit.acquire()) {
        stuck = true;  // no completion for 30 s: a lost completion
        return;
      }
      int p = phase.load();
      if (p == kAroundKill && around_kill_submitted.fetch_add(1) >= kAroundKillBudget) {
        // Budget spent: wait (bounded) for the tend to notice before submitting more.
        wait_until([&] { return phase.load() == kAfterTend; }, 60s);
        p = phase.load();
      }
      phase_of[id].store(p, std::memory_order_relaxed);
      auto done = [&, id](const Status& st) {
        if (!st.ok()) samples.add(phase_of[id].load(std::memory_order_relaxed), st);
        if (ledger.complete(id, st.code()) != 0) duplicates.fetch_add(1);
        limit.release();
      };
      const Key k = key(static_cast<std::int64_t>(id % kKeys));
      if (id % 2 == 0) {
        client.put(k, {{"v", static_cast<std::int64_t>(id % kKeys)}},
                   [done](Result<void> r) mutable { done(r.status()); });
      } else {
        client.get(k, [done, id](Result<Record> r) mutable {
          // A get that succeeds must see the key's value.
          if (r.ok() && (r->find("v") == nullptr ||
                         *r->find("v")->as_int() != static_cast<std::int64_t>(id % kKeys))) {
            done(Status(1000, "wrong data"));
          } else {
            done(r.status());
          }
        });
      }
    }
    // Let this thread's in-flight commands finish before `limit` goes away.
    for (int k = 0; k < kInFlightPerThread; ++k) {
      if (!limit.acquire()) {
        stuck = true;
        return;
      }
    }
  };

  std::thread controller([&] {
    if (!wait_until([&] { return ledger.done() >= kKillAfter; }, 120s)) return;
    phase = kAroundKill;
    cc.cluster->node(2).stop();
    cc.cluster->rebalance();
    const std::uint64_t tends_at_kill = client.stats().tends;
    bool noticed = false;
    if (scenario.wait_for_removal) {
      // The tend drops the dead node (its peers no longer list it and it fails every tend).
      noticed = wait_until([&] { return client.stats().nodes == 2; }, 60s);
    } else {
      // Two whole tends after the rebalance: the live nodes' new partition maps are in (the
      // dead node itself is still listed, its old claims are stale).
      noticed = wait_until([&] { return client.stats().tends >= tends_at_kill + 3; }, 60s);
      EXPECT_EQ(client.stats().nodes, 3u);
    }
    if (noticed) phase = kAfterTend;
  });

  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < kThreads; ++t) threads.emplace_back(submitter, t);
  for (auto& th : threads) th.join();
  controller.join();

  ASSERT_FALSE(stuck.load()) << "a submitting thread waited 30 s for a completion: lost completions";
  ASSERT_EQ(phase.load(), kAfterTend) << "the tend never noticed the stopped node";
  ASSERT_TRUE(ledger.wait_for(kTotal, 10s));
  EXPECT_EQ(ledger.done(), kTotal);
  EXPECT_EQ(ledger.never(kTotal), 0u);
  EXPECT_EQ(ledger.twice(kTotal), 0u);
  EXPECT_EQ(duplicates.load(), 0u);

  std::array<std::size_t, 3> submitted{}, ok{};
  std::array<std::map<int, std::size_t>, 3> failures;
  for (std::size_t id = 0; id < kTotal; ++id) {
    int p = phase_of[id].load(std::memory_order_relaxed);
    ++submitted[static_cast<std::size_t>(p)];
    if (ledger.code(id) == 0) {
      ++ok[static_cast<std::size_t>(p)];
    } else {
      ++failures[static_cast<std::size_t>(p)][ledger.code(id)];
    }
  }
  auto describe = [&](int p) {
    std::string s = "phase " + std::to_string(p) + ": " + std::to_string(submitted[p]) +
                    " submitted, " + std::to_string(ok[p]) + " ok;";
    for (auto [code, n] : failures[p]) s += " code " + std::to_string(code) + " x" + std::to_string(n);
    return s + samples.describe(p);
  };
  std::printf("%s\n%s\n%s\n", describe(0).c_str(), describe(1).c_str(), describe(2).c_str());

  // Before and around the kill, failures are timeouts or connection errors only, or the
  // circuit breaker refusing the dead node once its errors pass ClientConfig::max_error_rate.
  for (int p : {kBeforeKill, kAroundKill}) {
    for (auto [code, n] : failures[static_cast<std::size_t>(p)]) {
      EXPECT_TRUE(code == result::timeout || code == static_cast<int>(ClientCode::connection_failed) ||
                  code == static_cast<int>(ClientCode::max_error_rate))
          << describe(p);
    }
  }
  // Commands submitted before the kill fail only if they were in flight when it happened.
  std::size_t failed_before = submitted[0] - ok[0];
  EXPECT_LE(failed_before, kThreads * kInFlightPerThread) << describe(0);
  // Once the tend dropped the node, everything succeeds again.
  EXPECT_GT(submitted[kAfterTend], kTotal / 4) << describe(2);
  EXPECT_EQ(ok[kAfterTend], submitted[kAfterTend]) << describe(2);

  EXPECT_TRUE(wait_until([&] { return client.stats().commands_outstanding == 0; }, 10s));
}

INSTANTIATE_TEST_SUITE_P(
    Kill, LedgerTest,
    ::testing::Values(KillScenario{"NodeRemoved", 5, true},
                      KillScenario{"MapMovedBeforeRemoval", 1000000, false}),
    [](const ::testing::TestParamInfo<KillScenario>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace aero
