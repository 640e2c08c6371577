// The user agent sent to 8.1+ nodes (client/cluster/user_agent.h): the payload format of the
// official clients, which server builds get it, and that it arrives at every node of the
// embedded test cluster (which keeps it per connection, like a real 8.1 node).
#include "client/cluster/user_agent.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "client/version.h"
#include "client/wire/udf.h"
#include "test/client/fixture.h"

namespace aero {
namespace {

std::string decoded_payload(const std::string& request) {
  const std::string prefix = "user-agent-set:value=";
  EXPECT_EQ(request.substr(0, prefix.size()), prefix);
  EXPECT_EQ(request.back(), '\n');
  auto payload =
      wire::base64_decode(request.substr(prefix.size(), request.size() - prefix.size() - 1));
  EXPECT_TRUE(payload.ok());
  return payload.ok() ? *payload : std::string();
}

TEST(UserAgent, PayloadIsVersionOneClientAndAppId) {
  EXPECT_EQ(user_agent_client_id(), "cpp-async-" + std::string(kVersion));
  const std::string client = "1,cpp-async-" + std::string(kVersion) + ",";
  EXPECT_EQ(decoded_payload(user_agent_request("")), client + "not-set");
  EXPECT_EQ(decoded_payload(user_agent_request("admin")), client + "admin");
}

TEST(UserAgent, SentFromServer81On) {
  EXPECT_TRUE(server_takes_user_agent("8.1.2.0"));
  EXPECT_TRUE(server_takes_user_agent("8.1.0"));
  EXPECT_TRUE(server_takes_user_agent("8.2.0.1"));
  EXPECT_TRUE(server_takes_user_agent("9.0.0"));
  EXPECT_FALSE(server_takes_user_agent("8.0.0.7"));
  EXPECT_FALSE(server_takes_user_agent("7.2.0.4"));
  EXPECT_FALSE(server_takes_user_agent(""));
  EXPECT_FALSE(server_takes_user_agent("8"));
  EXPECT_FALSE(server_takes_user_agent("garbage"));
  EXPECT_FALSE(server_takes_user_agent("8.x"));
}

#if AERO_EMBEDDED_CLUSTER
// Polls (bounded: 500 rounds of 10 ms) until node `i`'s agents equal `want`; the agents seen last.
std::vector<std::string> wait_for_agents(testserver::Cluster& cluster, size_t i,
                                         const std::vector<std::string>& want) {
  std::vector<std::string> seen;
  for (int round = 0; round < 500; ++round) {
    seen = cluster.user_agents(i);
    if (seen == want) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return seen;
}
#endif

TEST(UserAgent, ArrivesAtEveryNodeAndLeavesWithTheConnection) {
  AERO_EMBEDDED_ONLY("reads what the test server's nodes received");
#if AERO_EMBEDDED_CLUSTER
  testserver::ClusterOptions options;
  options.nodes = 2;
  testing::ClusterClient cc = testing::ClusterClient::start(options);
  ASSERT_TRUE(cc.client);
  const std::string agent = "1,cpp-async-" + std::string(kVersion) + ",not-set";
  // The tender's one connection per node sends it once, after validating the node.
  for (size_t i = 0; i < cc.cluster->size(); ++i) {
    EXPECT_EQ(wait_for_agents(*cc.cluster, i, {agent}), std::vector<std::string>{agent})
        << "node " << i;
  }
  // The node forgets it when the connection closes.
  cc.client->close();
  for (size_t i = 0; i < cc.cluster->size(); ++i) {
    EXPECT_EQ(wait_for_agents(*cc.cluster, i, {}), std::vector<std::string>{}) << "node " << i;
  }
#endif
}

TEST(UserAgent, TestServerRefusesAMalformedOne) {
  AERO_EMBEDDED_ONLY("asks the test server directly");
#if AERO_EMBEDDED_CLUSTER
  testing::ClusterClient cc = testing::ClusterClient::start(testserver::ClusterOptions{});
  ASSERT_TRUE(cc.client);
  auto r = cc.client->info_any({"user-agent-set:value=***"}).get();
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  const std::string* answer = r->find("user-agent-set:value=***");
  ASSERT_NE(answer, nullptr);
  EXPECT_EQ(answer->rfind("ERROR", 0), 0u) << *answer;
  // The node keeps the tender's connection's agent; the bad one is not recorded.
  const std::string agent = "1,cpp-async-" + std::string(kVersion) + ",not-set";
  EXPECT_EQ(wait_for_agents(*cc.cluster, 0, {agent}), std::vector<std::string>{agent});
#endif
}

}  // namespace
}  // namespace aero
