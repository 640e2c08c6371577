// Test fixture: a client connected to the test's cluster: the embedded test cluster
// (test/server) it starts, or the external one named in AEROSPIKE_TEST_HOSTS (test_cluster.h).
// Where there is no embedded cluster (AERO_EMBEDDED_CLUSTER is 0: Windows), only the external
// one, and a run without AEROSPIKE_TEST_HOSTS fails saying so.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "client/aerospike.h"
#include "test/client/test_cluster.h"
#include "test/server/options.h"
#include "test/watchdog/watchdog.h"
#if AERO_EMBEDDED_CLUSTER
#include "test/server/cluster.h"
#else
namespace aero::testserver {
// Not built here: never constructed, and it has no API, so code that would use the embedded
// cluster fails to compile rather than to run; put it inside `#if AERO_EMBEDDED_CLUSTER`.
class Cluster {};
}  // namespace aero::testserver
#endif

namespace aero::testing {

// What the watchdog prints of a client: its counters, each loop's gauges and whether the
// loop still runs a task posted to it (within 2 s).
inline std::unique_ptr<WatchdogHook> watch_client(Client& client) {
  return std::make_unique<WatchdogHook>([&client](std::FILE* out) {
    const ClientStats s = client.stats();
    std::fprintf(out,
                 "watchdog: client: %zu nodes, %llu tends, %llu commands started, %lld "
                 "outstanding, sockets %llu opened / %llu closed\n",
                 s.nodes, static_cast<unsigned long long>(s.tends),
                 static_cast<unsigned long long>(s.commands_started),
                 static_cast<long long>(s.commands_outstanding),
                 static_cast<unsigned long long>(s.sockets_opened),
                 static_cast<unsigned long long>(s.sockets_closed));
    const metrics::MetricsSnapshot m = client.metrics();
    for (std::size_t i = 0; i < client.loop_count(); ++i) {
      io::Loop& loop = client.loop(i);
      const io::LoopStats before = loop.stats();
      auto ran = std::make_shared<std::atomic<bool>>(false);
      const bool posted = loop.post([ran] { ran->store(true); });
      const auto start = std::chrono::steady_clock::now();
      while (posted && !ran->load() &&
             std::chrono::steady_clock::now() - start < std::chrono::seconds(2)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      const io::LoopStats after = loop.stats();
      const metrics::LoopMetrics lm = i < m.loops.size() ? m.loops[i] : metrics::LoopMetrics{};
      std::fprintf(out,
                   "watchdog: loop %zu: %lld in process, %lld queued, %llu started; polls %llu -> "
                   "%llu, wakeups %llu, sockets %llu opened / %llu closed; a posted task %s\n",
                   i, static_cast<long long>(lm.in_process), static_cast<long long>(lm.queued),
                   static_cast<unsigned long long>(lm.commands_started),
                   static_cast<unsigned long long>(before.polls),
                   static_cast<unsigned long long>(after.polls),
                   static_cast<unsigned long long>(after.wakeups),
                   static_cast<unsigned long long>(after.sockets_opened),
                   static_cast<unsigned long long>(after.sockets_closed),
                   !posted       ? "was refused (loop stopped)"
                   : ran->load() ? "ran"
                                 : "did NOT run within 2 s");
    }
  });
}

struct ClusterClient {
  // Null on an external cluster: a test that uses it begins with AERO_EMBEDDED_ONLY.
  std::unique_ptr<testserver::Cluster> cluster;
  std::vector<Host> seeds;  // where a client connects
  std::unique_ptr<Client> client;
  // Reports the client's state when a test hangs (test/watchdog); declared after `client`, so
  // it is unregistered before the client goes away.
  std::unique_ptr<WatchdogHook> watchdog;

  // Closes the client before the fixture ends (e.g. before an executor it completes on goes
  // away), unregistering its watchdog report first so that the report never reads a closed
  // client.
  void close_client() {
    watchdog.reset();
    client.reset();
  }

  // The cluster without a client: starts `options` embedded, or names AEROSPIKE_TEST_HOSTS.
  static ClusterClient start_cluster(testserver::ClusterOptions options) {
    ClusterClient cc;
    if (external_cluster()) {
      cc.seeds = external_hosts();
    } else if (!AERO_EMBEDDED_CLUSTER) {
      ADD_FAILURE() << "no embedded test cluster on this platform: name a cluster in "
                    << kTestHostsVariable << "=host:port[,host:port...]";
    } else {
#if AERO_EMBEDDED_CLUSTER
      cc.cluster = std::make_unique<testserver::Cluster>(options);
      std::string error;
      EXPECT_TRUE(cc.cluster->start(&error)) << error;
      cc.seeds = {{"127.0.0.1", cc.cluster->seed_port()}};
#endif
    }
    return cc;
  }

  // Starts `options` and connects a client with `config` (seeds filled in here). On an
  // external cluster `options` is not used: the client connects to AEROSPIKE_TEST_HOSTS and
  // empties the test's own sets left by an earlier run (kTestSetBases).
  static ClusterClient start(testserver::ClusterOptions options, ClientConfig config = {}) {
    ClusterClient cc = start_cluster(options);
    config.seeds = cc.seeds;
    auto c = Client::connect(config);
    EXPECT_TRUE(c.ok()) << c.status().to_string() << " (seeds " << to_string(config.seeds) << ")";
    if (c.ok()) cc.client = std::move(c).value();
    if (cc.client) cc.watchdog = watch_client(*cc.client);
    if (cc.client && !cc.cluster) cc.truncate_own_sets();
    return cc;
  }

  // Truncates those of the test's sets (test_set(b) for b in kTestSetBases) that hold records.
  // Only existing sets: a truncate would make a real server list a new, empty set.
  void truncate_own_sets() {
    auto sets = client->sets("test").get();
    ASSERT_TRUE(sets.ok()) << "sets of namespace test: " << sets.status().to_string();
    std::set<std::string> own;
    for (const char* base : kTestSetBases) own.insert(test_set(base));
    std::set<std::string> done;
    for (const SetInfo& s : *sets) {
      if (s.objects == 0 || !own.count(s.set) || !done.insert(s.set).second) continue;
      auto r = client->truncate("test", s.set).get();
      EXPECT_TRUE(r.ok()) << "truncate " << s.set << ": " << r.status().to_string();
    }
  }
};

inline Key key(std::int64_t k, std::string set = "demo") {
  return Key("test", test_set(set), k);
}

}  // namespace aero::testing
