// Test fixture: an embedded test cluster (test/server) and a client connected to it.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "client/aerospike.h"
#include "test/server/cluster.h"

namespace aero::testing {

struct ClusterClient {
  std::unique_ptr<testserver::Cluster> cluster;
  std::unique_ptr<Client> client;

  // Starts `options` and connects a client with `config` (seeds filled in here).
  static ClusterClient start(testserver::ClusterOptions options, ClientConfig config = {}) {
    ClusterClient cc;
    cc.cluster = std::make_unique<testserver::Cluster>(options);
    std::string error;
    EXPECT_TRUE(cc.cluster->start(&error)) << error;
    config.seeds = {{"127.0.0.1", cc.cluster->seed_port()}};
    auto c = Client::connect(config);
    EXPECT_TRUE(c.ok()) << c.status().to_string();
    if (c.ok()) cc.client = std::move(c).value();
    return cc;
  }
};

inline Key key(std::int64_t k, std::string set = "demo") { return Key("test", std::move(set), k); }

}  // namespace aero::testing
