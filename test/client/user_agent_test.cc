// The user agent sent to 8.1+ nodes (client/cluster/user_agent.h): the payload format of the
// official clients, and which server builds get it.
#include "client/cluster/user_agent.h"

#include <gtest/gtest.h>

#include <string>

#include "client/version.h"
#include "client/wire/udf.h"

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

}  // namespace
}  // namespace aero
