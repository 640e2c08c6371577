// Timeouts, retries and the connection pool seen from the client alone, so they run on any
// cluster (AEROSPIKE_TEST_HOSTS; the Windows build under Wine included), not only where a fault
// can be injected into the server (policy_test, timeout_delay_test). A late answer comes from a
// UDF that spins until the server's instruction budget for a UDF ends it (udf_test's
// ARunawayFunctionFailsAndTheClusterKeepsServing: it then answers 100). That takes the test
// server ~10-50 ms, so the timeouts here are 2 ms (and a longer spin would stall the node for
// the other tests sharing the cluster):
//  - a total timeout ends the command at its deadline and the client keeps serving;
//  - socket timeouts are retried up to max_retries, then the last one is the answer;
//  - sequential commands reuse pooled connections instead of opening one each.
// (timeout_delay's background drain needs an answer reliably later than the timeout and
// earlier than the delay: timeout_delay_test, with a fault, on the embedded cluster.)
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

TEST_F(LateAnswerTest, TotalTimeoutEndsTheCommand) {
  WritePolicy p;
  p.total_timeout = 2ms;
  p.max_retries = 0;
  Result<Value> r = client().apply(key(1), "late_answer", "spin", {}, p).get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), result::timeout) << r.status().to_string();
  EXPECT_NE(r.status().message().find("total timeout"), std::string::npos) << r.status().message();
  still_serves(2);
}

TEST_F(LateAnswerTest, SocketTimeoutsAreRetriedUpToMaxRetries) {
  WritePolicy p;
  p.total_timeout = 20000ms;
  p.socket_timeout = 2ms;
  p.max_retries = 2;
  Result<Value> r = client().apply(key(3), "late_answer", "spin", {}, p).get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), result::timeout) << r.status().to_string();
  EXPECT_NE(r.status().message().find("socket timeout"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("attempt 3"), std::string::npos) << r.status().message();
  still_serves(4);
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
