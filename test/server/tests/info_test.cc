// Info commands through real sockets: what a client's tend reads (node, features, build,
// cluster-name, generations, peers, replicas, service), the replicas map covering all 4096
// partitions exactly once per replica level, and how topology changes move the generations.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <map>

#include "test/server/tests/test_util.h"

namespace {

using namespace testclient;
using aero::testserver::ClusterOptions;

// Parses "ns:regime,n,bitmap,...;ns:..." into per-namespace lists of decoded bitmaps.
struct NsReplicas {
  uint32_t regime = 0;
  uint32_t n = 0;
  std::vector<Bytes> bitmaps;
};

std::map<std::string, NsReplicas> parse_replicas(const std::string& value) {
  std::map<std::string, NsReplicas> out;
  size_t at = 0;
  while (at <= value.size()) {
    size_t end = value.find(';', at);
    if (end == std::string::npos) end = value.size();
    const std::string entry = value.substr(at, end - at);
    at = end + 1;
    const size_t colon = entry.find(':');
    EXPECT_NE(colon, std::string::npos) << entry;
    if (colon == std::string::npos) break;
    NsReplicas r;
    std::vector<std::string> parts;
    size_t p = colon + 1;
    while (p <= entry.size()) {
      size_t comma = entry.find(',', p);
      if (comma == std::string::npos) comma = entry.size();
      parts.push_back(entry.substr(p, comma - p));
      p = comma + 1;
    }
    EXPECT_GE(parts.size(), 3u);
    r.regime = uint32_t(std::stoul(parts[0]));
    r.n = uint32_t(std::stoul(parts[1]));
    for (size_t i = 2; i < parts.size(); ++i) {
      EXPECT_EQ(parts[i].size(), 684u);
      auto bits = base64_decode(parts[i]);
      EXPECT_TRUE(bits && bits->size() == 512);
      if (bits) r.bitmaps.push_back(*bits);
    }
    EXPECT_EQ(r.bitmaps.size(), r.n);
    out[entry.substr(0, colon)] = r;
    if (end == value.size()) break;
  }
  return out;
}

bool bit(const Bytes& bitmap, uint32_t pid) {
  return (uint8_t(bitmap[pid >> 3]) & (0x80u >> (pid & 7))) != 0;
}

// Fetches `replicas` from every listed node and checks that every partition of every namespace
// has exactly one owner per replica column. Returns the owners, [ns][column][pid] -> node.
std::map<std::string, std::vector<std::array<int, 4096>>> check_coverage(
    aero::testserver::Cluster& cluster, const std::vector<size_t>& nodes, uint32_t want_n) {
  std::map<std::string, std::vector<std::array<int, 4096>>> owners;
  for (size_t n : nodes) {
    RawConnection c = connect_to(cluster, n);
    auto body = call_info(c, {"partition-generation", "replicas"});
    EXPECT_TRUE(body);
    if (!body) continue;
    EXPECT_GE(std::stoll(*info_value(*body, "partition-generation")), 0);
    for (const auto& [ns, r] : parse_replicas(*info_value(*body, "replicas"))) {
      EXPECT_EQ(r.regime, 0u);
      EXPECT_EQ(r.n, want_n);
      auto& cols = owners[ns];
      if (cols.empty()) {
        cols.resize(r.n);
        for (auto& col : cols) col.fill(-1);
      }
      for (uint32_t col = 0; col < r.bitmaps.size() && col < cols.size(); ++col) {
        for (uint32_t pid = 0; pid < 4096; ++pid) {
          if (!bit(r.bitmaps[col], pid)) continue;
          EXPECT_EQ(cols[col][pid], -1) << ns << " pid " << pid << " column " << col << " twice";
          cols[col][pid] = int(n);
        }
      }
    }
  }
  for (const auto& [ns, cols] : owners) {
    for (size_t col = 0; col < cols.size(); ++col) {
      for (uint32_t pid = 0; pid < 4096; ++pid) {
        EXPECT_NE(cols[col][pid], -1) << ns << " pid " << pid << " column " << col << " unowned";
        for (size_t other = 0; other < col; ++other) {
          EXPECT_NE(cols[other][pid], cols[col][pid]) << "same node twice for pid " << pid;
        }
      }
    }
  }
  return owners;
}

TEST(Info, ThreeNodeReplicasCoverEveryPartitionOncePerReplicaLevel) {
  ClusterOptions o;
  o.nodes = 3;
  o.replication_factor = 2;
  o.namespaces = {"test", "bar"};
  auto cluster = start_cluster(o);
  auto owners = check_coverage(*cluster, {0, 1, 2}, 2);
  ASSERT_EQ(owners.size(), 2u);
  // The map agrees with the library's view, and the load is spread.
  std::array<int, 3> masters{};
  for (uint32_t pid = 0; pid < 4096; ++pid) {
    const auto r = cluster->replicas("test", pid);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(owners["test"][0][pid], r[0]);
    EXPECT_EQ(owners["test"][1][pid], r[1]);
    ++masters[size_t(r[0])];
  }
  for (int m : masters) EXPECT_GT(m, 4096 / 3 / 2);
}

TEST(Info, EightNodesReplicationThreeAndClampedFactor) {
  ClusterOptions o;
  o.nodes = 8;
  o.replication_factor = 3;
  auto cluster = start_cluster(o);
  check_coverage(*cluster, {0, 1, 2, 3, 4, 5, 6, 7}, 3);
  ClusterOptions two;
  two.nodes = 2;
  two.replication_factor = 5;  // more than nodes: the effective factor is 2
  auto small = start_cluster(two);
  check_coverage(*small, {0, 1}, 2);
}

TEST(Info, WhatTendReads) {
  ClusterOptions o;
  o.nodes = 3;
  o.cluster_name = "ci-cluster";
  auto cluster = start_cluster(o);
  RawConnection c = connect_to(*cluster, 1);
  auto body = call_info(c, {"node", "features", "build", "cluster-name", "partition-generation",
                            "peers-generation", "peers-clear-std", "service-clear-std",
                            "namespaces", "partitions", "statistics", "rebalance-generation",
                            "user-agent-set:value=MSxjLTcuNS4wLHRlc3Q=", "no-such-command",
                            "namespace/test", "peers-tls-std", "service-clear-alt"});
  ASSERT_TRUE(body);
  EXPECT_EQ(info_value(*body, "node"), cluster->node(1).id());
  EXPECT_NE(info_value(*body, "features")->find("pscans"), std::string::npos);
  EXPECT_EQ(info_value(*body, "build"), "8.1.2.0");
  EXPECT_EQ(info_value(*body, "cluster-name"), "ci-cluster");
  EXPECT_EQ(info_value(*body, "partition-generation"), "0");
  EXPECT_EQ(info_value(*body, "peers-generation"), "4");
  const std::string peers = *info_value(*body, "peers-clear-std");
  EXPECT_EQ(peers, "4,3000,[[" + cluster->node(0).id() + ",,[" + cluster->node(0).address() +
                       "]],[" + cluster->node(2).id() + ",,[" + cluster->node(2).address() + "]]]");
  EXPECT_EQ(info_value(*body, "service-clear-std"), cluster->node(1).address());
  EXPECT_EQ(info_value(*body, "namespaces"), "test");
  EXPECT_EQ(info_value(*body, "partitions"), "4096");
  EXPECT_NE(info_value(*body, "statistics")->find("cluster_size=3"), std::string::npos);
  EXPECT_EQ(info_value(*body, "user-agent-set:value=MSxjLTcuNS4wLHRlc3Q="), "ok");
  EXPECT_EQ(info_value(*body, "no-such-command"), "ERROR:4:unrecognized command");
  EXPECT_NE(info_value(*body, "namespace/test")->find("objects=0"), std::string::npos);
  EXPECT_EQ(info_value(*body, "peers-tls-std"), "4,3000,[]");
  EXPECT_EQ(info_value(*body, "service-clear-alt"), "");
  // Node ids are upper-case hex without leading zeros.
  for (char ch : cluster->node(1).id()) EXPECT_TRUE(std::isxdigit(ch) && !std::islower(ch));
}

TEST(Info, FramingRules) {
  auto cluster = start_cluster(ClusterOptions{});
  RawConnection c = connect_to(*cluster);
  // The unterminated last line is ignored; empty lines produce nothing.
  auto f = c.call(frame(1, "build\n\nnode"));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->body, "build\t8.1.2.0\n");
  // A body of only an unterminated line gets an empty answer.
  f = c.call(frame(1, "build"));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->body, "");
  // The empty body gets the legacy summary.
  f = c.call(frame(1, ""));
  ASSERT_TRUE(f);
  EXPECT_TRUE(info_value(f->body, "statistics").has_value());
  EXPECT_EQ(info_value(f->body, "node"), cluster->node(0).id());
}

TEST(Info, TruncateAndSets) {
  auto cluster = start_cluster(ClusterOptions{});
  RawConnection c = connect_to(*cluster);
  for (int k = 0; k < 10; ++k) write(c, digest_for(uint64_t(k)), {write_int("a", k)}, 0, 0, 0, 0, k < 4 ? "x" : "y");
  auto sets = call_info(c, {"sets/test"});
  ASSERT_TRUE(sets);
  EXPECT_NE(sets->find("set=x:objects=4"), std::string::npos) << *sets;
  EXPECT_NE(sets->find("set=y:objects=6"), std::string::npos) << *sets;
  EXPECT_EQ(info_value(*call_info(c, {"truncate:namespace=test;set=x"}), "truncate:namespace=test;set=x"), "ok");
  EXPECT_EQ(cluster->record_count("test"), 6u);
  call_info(c, {"truncate-namespace:namespace=test"});
  EXPECT_EQ(cluster->record_count("test"), 0u);
}

// truncate with lut= (ns since the Unix epoch): records last updated before it go, later ones
// stay; a threshold in the future or before 2010 is refused (as_truncate_cmd, truncate.c); the
// threshold shows as the set's truncate_lut; a lower one later changes nothing.
TEST(Info, TruncateWithALastUpdateTime) {
  auto cluster = start_cluster(ClusterOptions{});
  cluster->clock().freeze();
  RawConnection c = connect_to(*cluster);
  for (int k = 0; k < 5; ++k) write(c, digest_for(uint64_t(k)), {write_int("a", k)}, 0, 0, 0, 0, "x");
  const uint64_t first_ms = cluster->clock().now_ms();
  cluster->clock().advance(std::chrono::seconds(10));
  for (int k = 5; k < 8; ++k) write(c, digest_for(uint64_t(k)), {write_int("a", k)}, 0, 0, 0, 0, "x");
  for (int k = 8; k < 10; ++k) write(c, digest_for(uint64_t(k)), {write_int("a", k)}, 0, 0, 0, 0, "y");
  auto unix_ns = [](uint64_t clepoch_ms) {
    return std::to_string((clepoch_ms + uint64_t(aero::testserver::wire::kCitrusleafEpochUnix) * 1000) * 1000000);
  };
  auto ask = [&](const std::string& cmd) { return info_value(*call_info(c, {cmd}), cmd).value_or("<absent>"); };
  auto truncate_lut_of_x = [&] {
    const std::string sets = ask("sets/test");
    const size_t at = sets.find("truncate_lut=", sets.find("set=x:"));
    return at == std::string::npos ? sets : sets.substr(at + 13, sets.find(':', at) - at - 13);
  };
  const uint64_t lut_ms = first_ms + 5000;  // between the two writes
  const std::string cmd = "truncate:namespace=test;set=x;lut=" + unix_ns(lut_ms);
  EXPECT_EQ(ask(cmd), "ok");
  EXPECT_EQ(cluster->record_count("test"), 5u);  // 3 later records of x, both of y
  for (int k = 0; k < 10; ++k) EXPECT_EQ(get(c, digest_for(uint64_t(k)), "").result, k < 5 ? 2 : 0) << k;
  EXPECT_EQ(truncate_lut_of_x(), std::to_string(lut_ms));
  // A lower threshold for the same set changes nothing.
  EXPECT_EQ(ask("truncate:namespace=test;set=x;lut=" + unix_ns(lut_ms - 1000)), "ok");
  EXPECT_EQ(truncate_lut_of_x(), std::to_string(lut_ms));
  EXPECT_EQ(ask("truncate:namespace=test;set=x;lut=" + unix_ns(cluster->clock().now_ms() + 60000)),
            "ERROR::would-truncate-in-the-future");
  EXPECT_EQ(ask("truncate-namespace:namespace=test;lut=1000"), "ERROR::would-truncate-to-0");
  EXPECT_EQ(cluster->record_count("test"), 5u);
  // The whole namespace up to now: what was written after it stays.
  EXPECT_EQ(ask("truncate-namespace:namespace=test;lut=" + unix_ns(cluster->clock().now_ms())), "ok");
  EXPECT_EQ(cluster->record_count("test"), 5u);  // every record was written in this second
  cluster->clock().advance(std::chrono::seconds(1));
  EXPECT_EQ(ask("truncate-namespace:namespace=test"), "ok");  // no lut: now
  EXPECT_EQ(cluster->record_count("test"), 0u);
  write(c, digest_for(1), {write_int("a", 1)}, 0, 0, 0, 0, "x");
  EXPECT_EQ(cluster->record_count("test"), 1u);
}

TEST(Info, RebalanceAfterANodeStopsAndReturns) {
  ClusterOptions o;
  o.nodes = 3;
  o.replication_factor = 2;
  auto cluster = start_cluster(o);
  RawConnection c0 = connect_to(*cluster, 0);
  const auto before = call_info(c0, {"peers-generation", "partition-generation"});
  cluster->node(2).stop();
  cluster->rebalance();
  const auto after = call_info(c0, {"peers-generation", "partition-generation", "peers-clear-std"});
  ASSERT_TRUE(before && after);
  EXPECT_GT(std::stoll(*info_value(*after, "peers-generation")),
            std::stoll(*info_value(*before, "peers-generation")));
  EXPECT_GT(std::stoll(*info_value(*after, "partition-generation")),
            std::stoll(*info_value(*before, "partition-generation")));
  EXPECT_EQ(info_value(*after, "peers-clear-std")->find(cluster->node(2).id()), std::string::npos);
  check_coverage(*cluster, {0, 1}, 2);
  // Back again, same port, back in the map.
  const uint16_t port = cluster->node(2).port();
  ASSERT_TRUE(cluster->node(2).start());
  EXPECT_EQ(cluster->node(2).port(), port);
  cluster->rebalance();
  check_coverage(*cluster, {0, 1, 2}, 2);
}

}  // namespace
