// A three-node cluster: tending finds every node, keys spread over the nodes by partition,
// batches split per node and come back in key order.
#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "test/client/fixture.h"

namespace aero {
namespace {

using testing::ClusterClient;
using testing::key;

TEST(ClusterTest, TendingFindsEveryNodeAndRoutesToTheMaster) {
  auto cc = ClusterClient::start({.nodes = 3, .replication_factor = 2});
  ASSERT_NE(cc.client, nullptr);
  if (cc.cluster) {
    EXPECT_EQ(cc.client->stats().nodes, 3u);
  }
  EXPECT_GE(cc.client->stats().nodes, 1u);
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE(cc.client->put(key(i), {{"v", i}}).get().ok()) << i;
  }
  // Each node served the writes of the partitions it masters (the embedded nodes' counters).
#if AERO_EMBEDDED_CLUSTER
  if (cc.cluster) {
    int nodes_with_writes = 0;
    for (size_t n = 0; n < cc.cluster->size(); ++n) {
      if (cc.cluster->node(n).stats().record_requests > 0) ++nodes_with_writes;
    }
    EXPECT_EQ(nodes_with_writes, 3);
  }
#endif
  if (!cc.cluster) std::printf("external cluster: the per-node request counts are not checked\n");
  for (int i = 0; i < 300; ++i) {
    Result<Record> r = cc.client->get(key(i)).get();
    ASSERT_TRUE(r.ok()) << i << " " << r.status().to_string();
    EXPECT_EQ(*r->find("v")->as_int(), i);
  }
}

TEST(ClusterTest, BatchGetSplitsPerNodeAndKeepsKeyOrder) {
  auto cc = ClusterClient::start({.nodes = 3, .replication_factor = 2});
  ASSERT_NE(cc.client, nullptr);
  std::vector<Key> keys;
  for (int i = 0; i < 500; ++i) {
    keys.push_back(key(i));
    if (i % 2 == 0) {
      ASSERT_TRUE(cc.client->put(key(i), {{"v", i}}).get().ok());
    }
  }
  auto r = cc.client->batch_get(keys).get();
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  ASSERT_EQ(r->size(), keys.size());
  for (int i = 0; i < 500; ++i) {
    const BatchRecord& row = (*r)[static_cast<size_t>(i)];
    if (i % 2 == 0) {
      ASSERT_EQ(row.code, 0) << i << " " << row.message;
      EXPECT_EQ(*row.record.find("v")->as_int(), i);
    } else {
      EXPECT_EQ(row.code, result::record_not_found) << i;
    }
  }
  auto header = cc.client->batch_get(keys, BatchRead::header()).get();
  ASSERT_TRUE(header.ok());
  EXPECT_TRUE((*header)[0].record.bins.empty());
  EXPECT_EQ((*header)[0].record.generation, 1u);
  auto named = cc.client->batch_get(keys, BatchRead::named({"v"})).get();
  ASSERT_TRUE(named.ok());
  EXPECT_EQ((*named)[2].record.bins.size(), 1u);
}

TEST(ClusterTest, BatchOperateWritesEveryKey) {
  auto cc = ClusterClient::start({.nodes = 3, .replication_factor = 2});
  ASSERT_NE(cc.client, nullptr);
  std::vector<Key> keys;
  for (int i = 0; i < 100; ++i) keys.push_back(key(i, "ops"));
  auto w = cc.client->batch_operate(keys, {Operation::write("x", Value(7)), Operation::incr("n", std::int64_t{1})}).get();
  ASSERT_TRUE(w.ok()) << w.status().to_string();
  for (const BatchRecord& row : *w) EXPECT_EQ(row.code, 0) << row.message;
  auto r = cc.client->batch_operate(keys, {Operation::read("n")}).get();
  ASSERT_TRUE(r.ok());
  for (const BatchRecord& row : *r) {
    ASSERT_EQ(row.code, 0) << row.message;
    EXPECT_EQ(*row.record.find("n")->as_int(), 1);
  }
#if AERO_EMBEDDED_CLUSTER
  if (cc.cluster) {
    EXPECT_EQ(cc.cluster->record_count("test"), 100u);
  }
#endif
}

TEST(ClusterTest, NoSeedAnsweringIsAClearError) {
  ClientConfig config;
  config.seeds = {{"127.0.0.1", 1}};  // nothing listens on port 1
  config.conn_timeout = std::chrono::milliseconds(500);
  auto c = Client::connect(config);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.code(), static_cast<int>(ClientCode::connection_failed));
  EXPECT_NE(c.status().message().find("127.0.0.1:1"), std::string::npos) << c.status().message();
}

TEST(ClusterTest, ASeedThatIsDownDoesNotStopStartUp) {
  auto cc = ClusterClient::start_cluster({.nodes = 1});
  ClientConfig config;
  config.seeds = {{"127.0.0.1", 1}};
  config.seeds.insert(config.seeds.end(), cc.seeds.begin(), cc.seeds.end());
  auto c = Client::connect(config);
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_TRUE((*c)->put(key(1), {{"a", 1}}).get().ok());
}

TEST(ClusterTest, ClusterNameMismatchIsRejected) {
  auto cc = ClusterClient::start_cluster({.nodes = 1});
  ClientConfig config;
  config.seeds = cc.seeds;
  config.cluster_name = "not-this-one";
  auto c = Client::connect(config);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("not-this-one"), std::string::npos) << c.status().message();
}

}  // namespace
}  // namespace aero
