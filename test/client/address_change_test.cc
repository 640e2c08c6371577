// Addresses that change under a running client:
//  - every node lost: the tender goes back to the seeds (host names resolved again) and
//    finds the cluster when it returns, even for a client that started with no node;
//  - a node restarted under a new address (same node id) is followed there, never listed
//    twice, and its keys are served again.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "test/client/fixture.h"
#include "test/client/ledger.h"

namespace aero {
namespace {

using namespace std::chrono_literals;
using testing::wait_until;

Key key(int i) { return Key("test", "moved", static_cast<std::int64_t>(i)); }

ClientConfig quick_tending() {
  ClientConfig config = testing::patient({});
  config.tend_interval = 20ms;
  config.max_tend_failures = 2;
  config.max_error_rate = 0;
  return config;
}

// What ClientConfig::log received (any thread).
struct LogLines {
  std::mutex mutex;
  std::vector<std::string> lines;
  LogSink sink() {
    return [this](LogLevel level, std::string_view component, std::string_view message) {
      std::lock_guard<std::mutex> g(mutex);
      lines.push_back(std::string(log_level_name(level)) + " " + std::string(component) + ": " +
                      std::string(message));
    };
  }
  int count(const std::string& part) {
    std::lock_guard<std::mutex> g(mutex);
    int n = 0;
    for (const std::string& l : lines) n += l.find(part) != std::string::npos ? 1 : 0;
    return n;
  }
};

class AddressChangeTest : public ::testing::Test {
 protected:
  void SetUp() override { AERO_EMBEDDED_ONLY("stops and moves nodes"); }
  std::shared_ptr<LogLines> log_ = std::make_shared<LogLines>();
};

TEST_F(AddressChangeTest, EveryNodeLostThenTheSeedsAreTriedAgain) {
  testserver::Cluster cluster({.nodes = 1});
  std::string error;
  ASSERT_TRUE(cluster.start(&error)) << error;
  ClientConfig config = quick_tending();
  // By name: the seed is resolved again at every attempt.
  config.seeds = {{"localhost", cluster.seed_port()}};
  config.log = log_->sink();
  auto c = Client::connect(config);
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  Client& client = **c;
  ASSERT_TRUE(client.put(key(1), {{"v", 1}}).get().ok());

  cluster.node(0).stop();
  ASSERT_TRUE(wait_until([&] { return client.stats().nodes == 0; }))
      << "the stopped node was never removed";
  Result<Record> lost = client.get(key(1)).get();
  EXPECT_FALSE(lost.ok());

  ASSERT_TRUE(cluster.node(0).start(&error)) << error;
  ASSERT_TRUE(wait_until([&] { return client.stats().nodes == 1; }))
      << "the client did not find the cluster again through its seed";
  ASSERT_TRUE(wait_until([&] { return client.get(key(1)).get().ok(); }));
  client.close();
  // The tend events went to the log: added twice (at the start and on return), removed once,
  // and the seeds tried again.
  const std::string name = cluster.node(0).id();
  EXPECT_EQ(log_->count("INFO tend: node " + name + " added at 127.0.0.1:"), 2);
  EXPECT_EQ(log_->count("INFO tend: node " + name + " at 127.0.0.1:"), 1);  // "... removed (...)"
  EXPECT_GE(log_->count("WARN tend: no node answers; seeds tried again"), 1);
}

TEST_F(AddressChangeTest, ClientThatStartedWithoutAClusterFindsItLater) {
  testserver::Cluster cluster({.nodes = 1});
  std::string error;
  ASSERT_TRUE(cluster.start(&error)) << error;
  const std::uint16_t port = cluster.seed_port();
  cluster.node(0).stop();
  ClientConfig config = quick_tending();
  config.seeds = {{"127.0.0.1", port}};
  config.fail_if_not_connected = false;
  auto c = Client::connect(config);
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  Client& client = **c;
  EXPECT_EQ(client.stats().nodes, 0u);
  ASSERT_TRUE(cluster.node(0).start(&error)) << error;
  ASSERT_TRUE(wait_until([&] { return client.stats().nodes == 1; }));
  ASSERT_TRUE(wait_until([&] { return client.put(key(2), {{"v", 2}}).get().ok(); }));
  client.close();
}

TEST_F(AddressChangeTest, NodeRestartedOnANewPortIsFollowedNotDuplicated) {
  testserver::Cluster cluster({.nodes = 3, .replication_factor = 2});
  std::string error;
  ASSERT_TRUE(cluster.start(&error)) << error;
  ClientConfig config = quick_tending();
  config.seeds = {{"127.0.0.1", cluster.seed_port()}};
  config.log = log_->sink();
  auto c = Client::connect(config);
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  Client& client = **c;
  ASSERT_EQ(client.stats().nodes, 3u);
  constexpr int kKeys = 60;
  for (int i = 0; i < kKeys; ++i) ASSERT_TRUE(client.put(key(i), {{"v", i}}).get().ok());

  // Watch the node count while the node moves: it must never exceed 3.
  std::atomic<bool> watching{true};
  std::atomic<std::size_t> most{0};
  std::thread watcher([&] {
    while (watching.load()) {
      std::size_t n = client.stats().nodes;
      if (n > most.load()) most.store(n);
      std::this_thread::sleep_for(1ms);
    }
  });

  const std::uint16_t old_port = cluster.node(2).port();
  ASSERT_TRUE(cluster.node(2).restart_on_new_port(&error)) << error;
  ASSERT_NE(cluster.node(2).port(), old_port);
  cluster.rebalance();
  const bool moved = wait_until([&] {
    const ClientStats s = client.stats();
    return s.nodes_moved >= 1 && s.nodes == 3;
  });
  watching.store(false);
  watcher.join();
  ASSERT_TRUE(moved) << "nodes_moved " << client.stats().nodes_moved << ", nodes "
                     << client.stats().nodes;
  EXPECT_LE(most.load(), 3u);
  EXPECT_EQ(log_->count("INFO tend: node " + cluster.node(2).id() + " moved from 127.0.0.1:" +
                        std::to_string(old_port) + " to " + cluster.node(2).address()),
            1);
  // Every key is served again (the moved node's partitions included).
  for (int i = 0; i < kKeys; ++i) {
    ASSERT_TRUE(wait_until([&] { return client.get(key(i)).get().ok(); })) << i;
    Result<Record> r = client.get(key(i)).get();
    ASSERT_TRUE(r.ok()) << i << ": " << r.status().to_string();
    EXPECT_EQ(*r->find("v"), Value(i));
  }
  client.close();
}

}  // namespace
}  // namespace aero
