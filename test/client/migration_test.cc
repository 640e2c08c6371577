// Partitions migrating under load. The test cluster answers 11 (partition unavailable) for a
// partition a node does not hold (NotOwnerPolicy::kUnavailable), as an old owner does during
// a migration. The client retries 11 on the next replica and, after the tend fetched the new
// partition map (the nodes bumped their partition-generation), on the new owner: every
// command ends up succeeding, and completes exactly once.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
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

// The node of a 3-node, replication-factor-2 cluster that holds no copy of `pid`.
int node_without(testserver::Cluster& cluster, std::uint32_t pid) {
  std::vector<int> owners = cluster.replicas("test", pid);
  for (int n = 0; n < 3; ++n) {
    if (std::find(owners.begin(), owners.end(), n) == owners.end()) return n;
  }
  return -1;
}

TEST(MigrationTest, OldOwnerAnswersPartitionUnavailableWhileTheMapIsStale) {
  AERO_EMBEDDED_ONLY("migrates a partition and reads the server's partition map");
  ClientConfig config = testing::patient({});
  config.tend_interval = std::chrono::hours(1);  // only the tend inside connect()
  auto cc = ClusterClient::start({.nodes = 3, .replication_factor = 2}, config);
  ASSERT_NE(cc.client, nullptr);
  Client& client = *cc.client;
  cc.cluster->set_not_owner_policy(testserver::NotOwnerPolicy::kUnavailable);

  const Key k = key(7);
  ASSERT_TRUE(client.put(k, {{"v", 1}}).get().ok());
  const std::uint32_t pid = k.partition_id();
  std::vector<int> before = cc.cluster->replicas("test", pid);
  ASSERT_EQ(before.size(), 2u);
  const int target = node_without(*cc.cluster, pid);
  ASSERT_GE(target, 0);
  ASSERT_TRUE(cc.cluster->migrate_partition("test", pid, static_cast<std::size_t>(target)));
  // Now [target, old master]: the client still routes writes to the old master.
  WritePolicy once;
  once.max_retries = 0;
  Result<void> w = client.put(k, {{"v", 2}}, once).get();
  EXPECT_EQ(w.code(), result::partition_unavailable) << w.status().to_string();
  const testserver::Node& old_master = cc.cluster->node(static_cast<std::size_t>(before[0]));
  EXPECT_NE(w.status().message().find(old_master.id()), std::string::npos) << w.status().message();
  EXPECT_FALSE(w.status().in_doubt()) << "11 means the write was not applied";
  // The old master is a replica now: reads there still work.
  Result<Record> r = client.get(k).get();
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(*r->find("v")->as_int(), 1);
}

TEST(MigrationTest, CommandsRetryOntoTheNewOwnerUnderLoad) {
  AERO_EMBEDDED_ONLY("migrates partitions under load");
  constexpr std::size_t kTotal = 10000;
  constexpr int kInFlight = 100;
  constexpr int kKeys = 100;
  constexpr std::size_t kMigrateAfter = 1000;

  ClientConfig config;
  config.loops = 2;
  config.tend_interval = 100ms;
  for (Policy* p : {static_cast<Policy*>(&config.read), static_cast<Policy*>(&config.write)}) {
    p->max_retries = 200;
    p->sleep_between_retries = 5ms;
    p->total_timeout = 20000ms;
    p->socket_timeout = 10000ms;
  }
  auto cc = ClusterClient::start({.nodes = 3, .replication_factor = 2}, config);
  ASSERT_NE(cc.client, nullptr);
  Client& client = *cc.client;
  for (int k = 0; k < kKeys; ++k) ASSERT_TRUE(client.put(key(k), {{"v", k}}).get().ok());
  cc.cluster->set_not_owner_policy(testserver::NotOwnerPolicy::kUnavailable);

  // The partitions in use (distinct), to migrate while the load runs.
  std::vector<std::uint32_t> partitions;
  {
    std::set<std::uint32_t> seen;
    for (int k = 0; k < kKeys && partitions.size() < 30; ++k) {
      if (seen.insert(key(k).partition_id()).second) partitions.push_back(key(k).partition_id());
    }
  }

  Ledger ledger(kTotal);
  std::atomic<bool> stuck{false};
  std::atomic<int> migrations{0};
  std::thread migrator([&] {
    if (!wait_until([&] { return ledger.done() >= kMigrateAfter; }, 60s)) return;
    for (int round = 0; round < 2; ++round) {
      for (std::uint32_t pid : partitions) {
        int to = node_without(*cc.cluster, pid);
        if (to >= 0 && cc.cluster->migrate_partition("test", pid, static_cast<std::size_t>(to))) {
          ++migrations;
        }
        std::this_thread::sleep_for(5ms);
      }
    }
  });

  {
    std::mutex m;
    std::condition_variable cv;
    int free = kInFlight;
    for (std::size_t id = 0; id < kTotal; ++id) {
      {
        std::unique_lock<std::mutex> l(m);
        if (!cv.wait_for(l, 30s, [&] { return free > 0; })) {
          stuck = true;
          break;
        }
        --free;
      }
      auto done = [&, id](int code) {
        ledger.complete(id, code);
        std::lock_guard<std::mutex> g(m);
        ++free;
        cv.notify_one();
      };
      const int k = static_cast<int>(id % kKeys);
      if (id % 2 == 0) {
        client.put(key(k), {{"v", k}}, [done](Result<void> r) mutable { done(r.code()); });
      } else {
        client.get(key(k), [done, k](Result<Record> r) mutable {
          done(r.ok() && *r->find("v")->as_int() != k ? 1000 : r.code());
        });
      }
    }
    migrator.join();
    // Wait for the rest before the lambdas' references go out of scope.
    std::unique_lock<std::mutex> l(m);
    EXPECT_TRUE(cv.wait_for(l, 60s, [&] { return free == kInFlight; })) << "lost completions";
  }
  ASSERT_FALSE(stuck.load()) << "no completion for 30 s";
  EXPECT_EQ(migrations.load(), 2 * static_cast<int>(partitions.size()));
  EXPECT_EQ(ledger.done(), kTotal);
  EXPECT_EQ(ledger.never(kTotal), 0u);
  EXPECT_EQ(ledger.twice(kTotal), 0u);
  std::map<int, std::size_t> failures;
  for (std::size_t id = 0; id < kTotal; ++id) {
    if (ledger.code(id) != 0) ++failures[ledger.code(id)];
  }
  std::string summary;
  for (auto [code, n] : failures) summary += " code " + std::to_string(code) + " x" + std::to_string(n);
  EXPECT_TRUE(failures.empty()) << summary;
  // Reads at the partitions' new owners work, and the writes landed there.
  for (int k = 0; k < kKeys; ++k) {
    Result<Record> r = client.get(key(k)).get();
    ASSERT_TRUE(r.ok()) << k << " " << r.status().to_string();
  }
}

}  // namespace
}  // namespace aero
