// A node that reads requests and never answers (Fault::hang on data requests; tending keeps
// working). Commands time out with code 9 and a message naming the node; their connections
// are discarded, so once the fault is cleared new connections are opened and every command
// succeeds (a hung connection put back in the pool would swallow the next request).
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
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
using testserver::Fault;
using testserver::FaultScope;

// Runs `n` gets of `k` at once and waits (bounded) for all; returns each one's status.
std::vector<Status> concurrent_gets(Client& client, const Key& k, int n, const ReadPolicy& p) {
  Ledger ledger(static_cast<std::size_t>(n));
  std::mutex m;
  std::vector<Status> out(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    client.get(k, p, [&, i](Result<Record> r) {
      {
        std::lock_guard<std::mutex> g(m);
        out[static_cast<std::size_t>(i)] = r.status();
      }
      ledger.complete(static_cast<std::size_t>(i), r.code());
    });
  }
  EXPECT_TRUE(ledger.wait_for(static_cast<std::size_t>(n), 30s)) << "lost completions";
  EXPECT_EQ(ledger.never(static_cast<std::size_t>(n)), 0u);
  EXPECT_EQ(ledger.twice(static_cast<std::size_t>(n)), 0u);
  std::lock_guard<std::mutex> g(m);
  return out;
}

TEST(HangTest, HungNodeTimesOutNamingTheNodeAndRecoversAfterClear) {
  AERO_EMBEDDED_ONLY("makes the server hang (a fault) and counts its connections");
  auto cc = ClusterClient::start({.nodes = 1}, testing::patient({}));
  ASSERT_NE(cc.client, nullptr);
  Client& client = *cc.client;
  testserver::Node& node = cc.cluster->node(0);
  ASSERT_TRUE(client.put(key(1), {{"v", 1}}).get().ok());

  node.set_fault(Fault::hang().only(FaultScope::kDataRequests));
  ReadPolicy p;
  p.total_timeout = 400ms;
  p.socket_timeout = 150ms;
  p.max_retries = 1;  // the retry meets the same hung node
  constexpr int kHung = 20;
  std::vector<Status> hung = concurrent_gets(client, key(1), kHung, p);
  for (const Status& s : hung) {
    EXPECT_EQ(s.code(), result::timeout) << s.to_string();
    EXPECT_NE(s.message().find(node.id()), std::string::npos) << s.message();
    EXPECT_NE(s.message().find(node.address()), std::string::npos) << s.message();
    EXPECT_FALSE(s.in_doubt()) << "a read is never in doubt";
  }
  // A write times out too, and is in doubt: it was sent and may have been applied.
  WritePolicy w;
  w.total_timeout = 300ms;
  Result<void> write = client.put(key(2), {{"v", 2}}, w).get();
  EXPECT_EQ(write.code(), result::timeout) << write.status().to_string();
  EXPECT_TRUE(write.status().in_doubt());
  EXPECT_GE(node.stats().faults_applied, static_cast<std::uint64_t>(kHung));

  // Every hung connection was closed by the client (none went back to the pool).
  const testserver::NodeStats during = node.stats();
  EXPECT_TRUE(wait_until([&] {
    return node.stats().connections_closed >= during.connections_closed &&
           node.stats().open_connections() <= 1;  // only the tender's info connection
  }, 10s)) << "open connections on the server: " << node.stats().open_connections();

  node.clear_fault();
  // No retry and a long socket timeout: a hung connection taken from the pool would make
  // the command time out instead of succeeding.
  ReadPolicy healthy;
  healthy.total_timeout = 10000ms;
  healthy.socket_timeout = 10000ms;
  healthy.max_retries = 0;
  std::vector<Status> after = concurrent_gets(client, key(1), 50, healthy);
  for (const Status& s : after) EXPECT_TRUE(s.ok()) << s.to_string();
  // New connections had to be opened for them.
  EXPECT_GT(node.stats().connections_opened, during.connections_opened);
  EXPECT_TRUE(client.put(key(2), {{"v", 3}}).get().ok());
}

TEST(HangTest, ReadsMoveToTheReplicaWhenTheMasterHangs) {
  AERO_EMBEDDED_ONLY("makes one node hang (a fault)");
  auto cc = ClusterClient::start({.nodes = 3, .replication_factor = 2}, testing::patient({}));
  ASSERT_NE(cc.client, nullptr);
  Client& client = *cc.client;
  constexpr int kKeys = 60;
  for (int k = 0; k < kKeys; ++k) ASSERT_TRUE(client.put(key(k), {{"v", k}}).get().ok());

  testserver::Node& node = cc.cluster->node(1);
  node.set_fault(Fault::hang().only(FaultScope::kDataRequests));
  ReadPolicy p;
  p.total_timeout = 30000ms;
  p.socket_timeout = 300ms;  // then the next replica
  p.max_retries = 4;
  Ledger ledger(kKeys);
  std::vector<std::atomic<int>> codes(kKeys);
  for (int k = 0; k < kKeys; ++k) {
    client.get(key(k), p, [&, k](Result<Record> r) {
      codes[static_cast<std::size_t>(k)] = r.ok() && *r->find("v")->as_int() == k ? 0 : r.code();
      ledger.complete(static_cast<std::size_t>(k), r.code());
    });
  }
  ASSERT_TRUE(ledger.wait_for(kKeys, 30s));
  EXPECT_EQ(ledger.twice(kKeys), 0u);
  for (int k = 0; k < kKeys; ++k) EXPECT_EQ(codes[static_cast<std::size_t>(k)].load(), 0) << k;
  // Node 1 masters about a third of the keys: those attempts hung and were retried.
  EXPECT_GT(node.stats().faults_applied, 0u);
  node.clear_fault();
}

}  // namespace
}  // namespace aero
