// Timeouts, retries and connection pooling policies, driven through a one-node test cluster
// with injected delays. Durations are never asserted: only which error came back, and how
// many requests the server saw.
#include <gtest/gtest.h>

#include <chrono>

#include "test/client/fixture.h"

namespace aero {
namespace {

using namespace std::chrono_literals;
using testing::ClusterClient;
using testing::key;
using testserver::Fault;
using testserver::FaultScope;

class PolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AERO_EMBEDDED_ONLY("delays the server's answers (faults) or counts its connections");
    cc_ = ClusterClient::start({.nodes = 1});
    ASSERT_NE(cc_.client, nullptr);
    ASSERT_TRUE(client().put(key(1), {{"a", 1}}).get().ok());
  }
  Client& client() { return *cc_.client; }
  testserver::Node& node() { return cc_.cluster->node(0); }
  ClusterClient cc_;
};

// The bug this pins: a total timeout enforced only between attempts lets one slow attempt
// run for the whole socket timeout.
TEST_F(PolicyTest, TotalTimeoutIsEnforcedInsideOneAttempt) {
  node().set_fault(Fault::delay_by(2000ms).only(FaultScope::kDataRequests));
  ReadPolicy p;
  p.total_timeout = 100ms;
  p.socket_timeout = 10000ms;
  p.max_retries = 5;
  Result<Record> r = client().get(key(1), p).get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), result::timeout);
  EXPECT_NE(r.status().message().find("total timeout"), std::string::npos) << r.status().message();
  node().clear_fault();
}

TEST_F(PolicyTest, SocketTimeoutRetriesAndTheRetrySucceeds) {
  // Only the first answer is late; the retry on a fresh connection is answered at once.
  node().set_fault(Fault::delay_by(1500ms).only(FaultScope::kDataRequests).times(1));
  std::uint64_t before = node().stats().record_requests;
  ReadPolicy p;
  p.total_timeout = 5000ms;
  p.socket_timeout = 100ms;
  p.max_retries = 2;
  Result<Record> r = client().get(key(1), p).get();
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_GE(node().stats().record_requests - before, 2u);
}

TEST_F(PolicyTest, SocketTimeoutWithoutRetriesFails) {
  node().set_fault(Fault::delay_by(1500ms).only(FaultScope::kDataRequests).times(1));
  ReadPolicy p;
  p.total_timeout = 5000ms;
  p.socket_timeout = 100ms;
  p.max_retries = 0;
  Result<Record> r = client().get(key(1), p).get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), result::timeout);
  EXPECT_NE(r.status().message().find("socket timeout"), std::string::npos) << r.status().message();
}

// The socket timeout is an idle timeout: a complete header starts it again. The answer's
// first byte comes at once, the rest of its header 700 ms later, its body 700 ms after that:
// 1400 ms in all, against a socket timeout of 1000 ms.
TEST_F(PolicyTest, SocketTimeoutStartsAgainWhenTheAnswersHeaderIsComplete) {
  node().set_fault(Fault::trickle(700ms).only(FaultScope::kDataRequests).times(1));
  ReadPolicy p;
  p.total_timeout = 20000ms;
  p.socket_timeout = 1000ms;
  p.max_retries = 0;
  Result<Record> r = client().get(key(1), p).get();
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(*r->find("a")->as_int(), 1);
  EXPECT_EQ(node().stats().faults_applied, 1u);
}

TEST_F(PolicyTest, SleepBetweenRetriesStillEndsBeforeTheDeadline) {
  node().set_fault(Fault::delay_by(3000ms).only(FaultScope::kDataRequests));
  ReadPolicy p;
  p.total_timeout = 300ms;
  p.socket_timeout = 50ms;
  p.max_retries = 100;
  p.sleep_between_retries = 20ms;
  Result<Record> r = client().get(key(1), p).get();
  EXPECT_EQ(r.code(), result::timeout);
  node().clear_fault();
  EXPECT_TRUE(client().get(key(1)).get().ok());
}

TEST_F(PolicyTest, AWriteThatTimedOutAfterBeingSentIsInDoubt) {
  node().set_fault(Fault::delay_by(1000ms).only(FaultScope::kDataRequests).times(1));
  WritePolicy p;
  p.total_timeout = 100ms;
  Result<void> r = client().put(key(2), {{"a", 1}}, p).get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), result::timeout);
  EXPECT_TRUE(r.status().in_doubt());
}

TEST_F(PolicyTest, ConnectionsAreReusedAcrossCommands) {
  std::uint64_t opened = node().stats().connections_opened;
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(client().get(key(1)).get().ok());
  // One connection serves the sequential commands (the tender has its own).
  EXPECT_LE(node().stats().connections_opened - opened, 1u);
}

TEST(PolicyPoolTest, MinimumConnectionsAreOpenedByTheTender) {
  AERO_EMBEDDED_ONLY("counts the connections open on the server");
  ClientConfig config;
  config.async_min_conns_per_node = 4;
  config.tend_interval = 50ms;
  auto cc = ClusterClient::start({.nodes = 1}, config);
  ASSERT_NE(cc.client, nullptr);
  // Bounded wait for a couple of tends; the pool fills to its minimum (plus the tend
  // connection).
  for (int i = 0; i < 200 && cc.cluster->node(0).stats().open_connections() < 5; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_GE(cc.cluster->node(0).stats().open_connections(), 5u);
}

TEST(PolicyPoolTest, IdleConnectionsAreClosedAfterMaxSocketIdle) {
  AERO_EMBEDDED_ONLY("counts the connections the server saw closed");
  ClientConfig config;
  config.max_socket_idle = 50ms;
  config.tend_interval = 50ms;
  auto cc = ClusterClient::start({.nodes = 1}, config);
  ASSERT_NE(cc.client, nullptr);
  ASSERT_TRUE(cc.client->put(key(1), {{"a", 1}}).get().ok());
  std::uint64_t closed = cc.cluster->node(0).stats().connections_closed;
  for (int i = 0; i < 300 && cc.cluster->node(0).stats().connections_closed == closed; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_GT(cc.cluster->node(0).stats().connections_closed, closed);
  EXPECT_TRUE(cc.client->get(key(1)).get().ok());  // a new connection is opened as needed
}

}  // namespace
}  // namespace aero
