// The per-node circuit breaker (ClientConfig::max_error_rate / error_rate_window) and retry
// backoff (Policy::sleep_multiplier, max_sleep_between_retries, retry_jitter):
//  - a node whose connections keep breaking trips the breaker: commands to it fail at once
//    with ClientCode::max_error_rate naming the node and the count, without reaching it;
//    once the node is healthy again and the window ends, commands succeed;
//  - a read with a retry left moves to the other replica instead of failing;
//  - the backoff sleeps grow by the multiplier, stop at the cap, and jitter stays within
//    [half, all] of the sleep.
#include <gtest/gtest.h>

#include <string>

#include "client/command/command.h"
#include "test/client/fixture.h"
#include "test/client/ledger.h"

namespace aero {
namespace {

using namespace std::chrono_literals;
using testing::ClusterClient;
using testing::wait_until;
using testserver::Fault;
using testserver::FaultScope;

Key key(int i) { return Key("test", "breaker", static_cast<std::int64_t>(i)); }

ReadPolicy once(Replica replica = Replica::sequence) {
  ReadPolicy p;
  p.total_timeout = 5s;
  p.socket_timeout = 5s;
  p.max_retries = 0;
  p.replica = replica;
  return p;
}

std::uint64_t data_requests(testserver::Node& n) { return n.stats().record_requests; }

TEST(CircuitBreakerTest, TripsOnBrokenConnectionsAndRecoversAfterTheWindow) {
  AERO_EMBEDDED_ONLY("breaks the server's answers (a fault)");
  ClientConfig config = testing::patient({});
  config.max_error_rate = 3;
  config.error_rate_window = 1;
  config.tend_interval = 200ms;
  auto cc = ClusterClient::start({.nodes = 1}, config);
  ASSERT_NE(cc.client, nullptr);
  Client& client = *cc.client;
  testserver::Node& node = cc.cluster->node(0);
  ASSERT_TRUE(client.put(key(1), {{"v", 1}}).get().ok());

  node.set_fault(Fault::close_mid_response().only(FaultScope::kDataRequests));
  int broken = 0;
  Status refused;
  for (int i = 0; i < 500 && refused.ok(); ++i) {
    Result<Record> r = client.get(key(1), once()).get();
    ASSERT_FALSE(r.ok());
    if (r.code() == static_cast<int>(ClientCode::max_error_rate)) {
      refused = r.status();
    } else {
      EXPECT_EQ(r.code(), static_cast<int>(ClientCode::connection_failed)) << r.status().to_string();
      ++broken;
    }
  }
  ASSERT_FALSE(refused.ok()) << "the breaker never tripped after " << broken << " broken answers";
  EXPECT_GT(broken, config.max_error_rate);
  EXPECT_NE(refused.message().find(node.id()), std::string::npos) << refused.message();
  EXPECT_NE(refused.message().find("max_error_rate 3"), std::string::npos) << refused.message();
  EXPECT_GE(client.stats().error_rate_rejections, 1u);
  EXPECT_GE(client.stats().node_errors, static_cast<std::uint64_t>(config.max_error_rate + 1));

  // A refused command does not reach the node (unless the window ended just before it).
  const std::uint64_t before = data_requests(node);
  Result<Record> again = client.get(key(1), once()).get();
  if (again.code() == static_cast<int>(ClientCode::max_error_rate)) {
    EXPECT_EQ(data_requests(node), before);
  }

  // The node heals; when the window ends its count starts again and commands get through.
  node.clear_fault();
  EXPECT_TRUE(wait_until([&] { return client.get(key(1), once()).get().ok(); }, 20s));
}

TEST(CircuitBreakerTest, ReadWithARetryMovesToTheOtherReplica) {
  AERO_EMBEDDED_ONLY("breaks one node's answers (a fault)");
  ClientConfig config = testing::patient({});
  config.max_error_rate = 2;
  config.error_rate_window = 100000;  // the window does not end during the test
  auto cc = ClusterClient::start({.nodes = 2, .replication_factor = 2}, config);
  ASSERT_NE(cc.client, nullptr);
  Client& client = *cc.client;
  testserver::Node& sick = cc.cluster->node(0);

  // A key whose master is the sick node: its master-only read breaks.
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(client.put(key(i), {{"v", i}}).get().ok());
  sick.set_fault(Fault::close_mid_response().only(FaultScope::kDataRequests));
  int k = -1;
  for (int i = 0; i < 20 && k < 0; ++i) {
    if (!client.get(key(i), once(Replica::master)).get().ok()) k = i;
  }
  ASSERT_GE(k, 0) << "no key of 20 has node 0 as master";
  // Trip it.
  bool tripped = false;
  for (int i = 0; i < 20 && !tripped; ++i) {
    tripped = client.get(key(k), once(Replica::master)).get().code() ==
              static_cast<int>(ClientCode::max_error_rate);
  }
  ASSERT_TRUE(tripped);

  // With a retry left, the read is refused by the sick master and answered by the replica,
  // without another request reaching the sick node.
  const std::uint64_t before = data_requests(sick);
  ReadPolicy retry = once();
  retry.max_retries = 1;
  Result<Record> r = client.get(key(k), retry).get();
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(*r->find("v"), Value(k));
  EXPECT_EQ(data_requests(sick), before);
}

TEST(CircuitBreakerTest, InvalidSettingsAreRefused) {
  AERO_EMBEDDED_ONLY("starts its own embedded cluster");
  auto cluster = std::make_unique<testserver::Cluster>(testserver::ClusterOptions{});
  std::string error;
  ASSERT_TRUE(cluster->start(&error)) << error;
  ClientConfig config;
  config.seeds = {{"127.0.0.1", cluster->seed_port()}};
  config.error_rate_window = 0;
  auto c = Client::connect(config);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.code(), static_cast<int>(ClientCode::invalid_argument));
}

TEST(BackoffTest, SleepsGrowByTheMultiplierUpToTheCap) {
  command::Timing t;
  t.sleep_between_retries = 10ms;
  EXPECT_EQ(command::backoff_sleep(t, 1, 0), 10ms);
  EXPECT_EQ(command::backoff_sleep(t, 4, 0), 10ms);  // multiplier 1: constant
  t.sleep_multiplier = 2.0;
  EXPECT_EQ(command::backoff_sleep(t, 1, 0), 10ms);
  EXPECT_EQ(command::backoff_sleep(t, 2, 0), 20ms);
  EXPECT_EQ(command::backoff_sleep(t, 3, 0), 40ms);
  t.max_sleep_between_retries = 50ms;
  EXPECT_EQ(command::backoff_sleep(t, 3, 0), 40ms);
  EXPECT_EQ(command::backoff_sleep(t, 4, 0), 50ms);
  EXPECT_EQ(command::backoff_sleep(t, 1000, 0), 50ms);
  t.retry_jitter = true;
  EXPECT_EQ(command::backoff_sleep(t, 4, 0.0), 25ms);
  EXPECT_EQ(command::backoff_sleep(t, 4, 0.5), 37ms);
  EXPECT_EQ(command::backoff_sleep(t, 4, 0.9999), 49ms);
  t.sleep_between_retries = 0ms;
  EXPECT_EQ(command::backoff_sleep(t, 3, 0.5), 0ms);
}

}  // namespace
}  // namespace aero
