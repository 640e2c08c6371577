// Timeouts, retries and the connection pool seen from the client alone, so they run on any
// cluster (AEROSPIKE_TEST_HOSTS; the Windows build under Wine included), not only where a fault
// can be injected into the server (policy_test, timeout_delay_test). A late answer comes from a
// UDF that spins until the server's budget for a UDF ends it (udf_test's
// ARunawayFunctionFailsAndTheClusterKeepsServing: it then answers 100):
//  - a total timeout ends the command at its deadline, in doubt (the write was sent), and the
//    client keeps serving;
//  - socket timeouts are retried up to max_retries, then the last one is the answer;
//  - with timeout_delay the late answer is read in the background and its connection goes
//    back to the pool (or is closed), counted in ClientStats;
//  - sequential commands reuse pooled connections instead of opening one each.
#include <gtest/gtest.h>

#include <string>

#include "test/client/fixture.h"
#include "test/client/ledger.h"

namespace aero {
namespace {

using namespace std::chrono_literals;
using testing::ClusterClient;
using testing::key;

constexpr const char* kModule = R"lua(
function spin(rec)
  while true do end
end
)lua";

class LateAnswerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ClientConfig config;
    config.loops = 1;
    cc_ = ClusterClient::start({.nodes = 3, .replication_factor = 2}, config);
    ASSERT_NE(cc_.client, nullptr);
    auto r = client().register_udf("late_answer.lua", kModule);
    ASSERT_TRUE(r.ok()) << r.status().to_string();
  }
  Client& client() { return *cc_.client; }
  // The client still serves: a write and a read of another key.
  void still_serves(int k) {
    ASSERT_TRUE(client().put(key(k), {{"a", k}}).get().ok());
    auto r = client().get(key(k)).get();
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    EXPECT_EQ(*r->find("a")->as_int(), k);
  }
  ClusterClient cc_;
};

TEST_F(LateAnswerTest, TotalTimeoutEndsTheCommandInDoubt) {
  WritePolicy p;
  p.total_timeout = 50ms;
  p.max_retries = 0;
  Result<Value> r = client().apply(key(1), "late_answer", "spin", {}, p).get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), result::timeout) << r.status().to_string();
  EXPECT_NE(r.status().message().find("total timeout"), std::string::npos) << r.status().message();
  EXPECT_TRUE(r.status().in_doubt()) << "the UDF call was sent: " << r.status().to_string();
  still_serves(2);
}

TEST_F(LateAnswerTest, SocketTimeoutsAreRetriedUpToMaxRetries) {
  const std::uint64_t closed_before = client().stats().sockets_closed;
  WritePolicy p;
  p.total_timeout = 20000ms;
  p.socket_timeout = 50ms;
  p.max_retries = 2;
  Result<Value> r = client().apply(key(3), "late_answer", "spin", {}, p).get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), result::timeout) << r.status().to_string();
  EXPECT_NE(r.status().message().find("socket timeout"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("attempt 3"), std::string::npos) << r.status().message();
  // Without timeout_delay the connection of each timed-out attempt is closed.
  EXPECT_GE(client().stats().sockets_closed - closed_before, 3u);
  still_serves(4);
}

TEST_F(LateAnswerTest, TimeoutDelayReadsTheLateAnswerInTheBackground) {
  const ClientStats before = client().stats();
  WritePolicy p;
  p.total_timeout = 50ms;
  p.max_retries = 0;
  p.timeout_delay = 10000ms;  // longer than the server lets the UDF spin
  Result<Value> r = client().apply(key(5), "late_answer", "spin", {}, p).get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), result::timeout) << r.status().to_string();
  EXPECT_EQ(client().stats().drains_started - before.drains_started, 1u);
  // The server ends the UDF and answers; the drain reads that answer and pools the connection.
  EXPECT_TRUE(testing::wait_until([&] {
    const ClientStats now = client().stats();
    return now.drains_recovered + now.drains_closed > before.drains_recovered + before.drains_closed;
  }, 30s));
  EXPECT_EQ(client().stats().drains_recovered - before.drains_recovered, 1u);
  still_serves(6);
}

TEST_F(LateAnswerTest, SequentialCommandsReuseThePooledConnections) {
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(client().put(key(100 + i), {{"a", i}}).get().ok());
  const std::uint64_t opened_before = client().stats().sockets_opened;
  constexpr int kCommands = 300;
  for (int i = 0; i < kCommands; ++i) {
    ASSERT_TRUE(client().get(key(100 + i % 20)).get().ok()) << i;
  }
  // One connection per node would do; far fewer than one per command in any case.
  EXPECT_LT(client().stats().sockets_opened - opened_before, 10u);
}

}  // namespace
}  // namespace aero
