// AEROSPIKE_TEST_HOSTS parsing: good lists, and a clear reason for each malformed one.
#include "test/client/test_hosts.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace aero::testing {
namespace {

TEST(TestHosts, ParsesOneAndManyHosts) {
  std::vector<Host> hosts;
  std::string error;
  ASSERT_TRUE(parse_hosts("127.0.0.1:3000", &hosts, &error)) << error;
  ASSERT_EQ(hosts.size(), 1u);
  EXPECT_EQ(hosts[0].name, "127.0.0.1");
  EXPECT_EQ(hosts[0].port, 3000);

  ASSERT_TRUE(parse_hosts("a.example:1,127.0.0.1:65535,[::1]:3100", &hosts, &error)) << error;
  ASSERT_EQ(hosts.size(), 3u);
  EXPECT_EQ(hosts[0].name, "a.example");
  EXPECT_EQ(hosts[0].port, 1);
  EXPECT_EQ(hosts[1].port, 65535);
  EXPECT_EQ(hosts[2].name, "::1");
  EXPECT_EQ(hosts[2].port, 3100);
  EXPECT_EQ(to_string(hosts), "a.example:1,127.0.0.1:65535,[::1]:3100");
}

TEST(TestHosts, ADefaultPortAppliesOnlyWhereNoneIsGiven) {
  std::vector<Host> hosts;
  std::string error;
  ASSERT_TRUE(parse_hosts("a,b:4000", &hosts, &error, 3000)) << error;
  ASSERT_EQ(hosts.size(), 2u);
  EXPECT_EQ(hosts[0].port, 3000);
  EXPECT_EQ(hosts[1].port, 4000);
  EXPECT_FALSE(parse_hosts("a:", &hosts, &error, 3000));
  EXPECT_FALSE(parse_hosts("a,", &hosts, &error, 3000));
}

TEST(TestHosts, RejectsMalformedListsWithAReason) {
  struct Case {
    const char* text;
    const char* reason;
  };
  for (const Case& c : {Case{"", "no hosts"}, Case{"127.0.0.1", "missing ':port'"},
                        Case{"127.0.0.1:", "bad port"}, Case{"127.0.0.1:0", "bad port"},
                        Case{"127.0.0.1:65536", "bad port"}, Case{"h:30x0", "bad port"},
                        Case{"h:99999999999999999999", "bad port"}, Case{":3000", "missing host"},
                        Case{"h:3000,", "empty entry"}, Case{",h:3000", "empty entry"},
                        Case{"h:1,,h:2", "empty entry"}, Case{"::1:3000", "brackets"},
                        Case{"[::1]3000", "[address]:port"}, Case{"[::1", "[address]:port"},
                        Case{"[]:3000", "missing host"}}) {
    std::vector<Host> hosts{{"stale", 1}};
    std::string error;
    EXPECT_FALSE(parse_hosts(c.text, &hosts, &error)) << c.text;
    EXPECT_NE(error.find(c.reason), std::string::npos) << c.text << ": " << error;
    EXPECT_TRUE(hosts.empty()) << c.text;
  }
}

}  // namespace
}  // namespace aero::testing
