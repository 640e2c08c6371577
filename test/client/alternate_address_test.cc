// ClientConfig::use_services_alternate: a client outside the cluster's network reaches the
// nodes through their alternate access addresses. The test cluster advertises an access
// address nothing listens on (127.0.0.2) and the reachable one (127.0.0.1) as the alternate:
// a default client finds only its seed node; one that uses the alternate addresses finds all
// three and serves keys of every node.
#include <gtest/gtest.h>

#include "test/client/fixture.h"
#include "test/client/ledger.h"

namespace aero {
namespace {

using namespace std::chrono_literals;
using testing::wait_until;

class AlternateAddressTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AERO_EMBEDDED_ONLY("configures the servers' advertised addresses");
    testserver::ClusterOptions o;
    o.nodes = 3;
    o.access_address = "127.0.0.2";  // loopback, but the nodes listen on 127.0.0.1 only
    o.alternate_access_address = "127.0.0.1";
    cluster_ = std::make_unique<testserver::Cluster>(o);
    std::string error;
    ASSERT_TRUE(cluster_->start(&error)) << error;
  }

  std::unique_ptr<Client> connect(bool use_alternate) {
    ClientConfig config = testing::patient({});
    config.seeds = {{"127.0.0.1", cluster_->seed_port()}};
    config.tend_interval = 100ms;
    config.use_services_alternate = use_alternate;
    auto c = Client::connect(config);
    EXPECT_TRUE(c.ok()) << c.status().to_string();
    return c.ok() ? std::move(c).value() : nullptr;
  }

  std::unique_ptr<testserver::Cluster> cluster_;
};

TEST_F(AlternateAddressTest, StandardAddressesUnreachableFromHere) {
  auto client = connect(false);
  ASSERT_NE(client, nullptr);
  const std::uint64_t tends = client->stats().tends;
  ASSERT_TRUE(wait_until([&] { return client->stats().tends >= tends + 3; }, 30s));
  EXPECT_EQ(client->stats().nodes, 1u) << "only the seed: its peers' addresses are unreachable";
}

TEST_F(AlternateAddressTest, AlternateAddressesReachEveryNode) {
  auto client = connect(true);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(wait_until([&] { return client->stats().nodes == 3; }, 30s))
      << "nodes: " << client->stats().nodes;
  for (int i = 0; i < 60; ++i) {
    const Key k("test", "alt", static_cast<std::int64_t>(i));
    ASSERT_TRUE(client->put(k, {{"v", i}}).get().ok());
    Result<Record> r = client->get(k).get();
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    EXPECT_EQ(*r->find("v"), Value(i));
  }
  // Every node served some of them directly (no proxying through the seed).
  for (std::size_t n = 0; n < 3; ++n) {
    EXPECT_GT(cluster_->node(n).stats().record_requests, 0u) << "node " << n;
  }
}

}  // namespace
}  // namespace aero
