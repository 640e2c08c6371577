// Client::metrics() against the embedded cluster: the counters equal what a ledger of a
// mixed run says happened, exactly (successes, not-founds, client timeouts on a hung node,
// retries); interval snapshots subtract; the Prometheus text parses back to the same
// numbers; a thread reading metrics while the loops record is race-free (tsan in CI).
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "client/metrics/export.h"
#include "test/client/fixture.h"
#include "test/client/ledger.h"

namespace aero {
namespace {

using namespace std::chrono_literals;
using metrics::CommandKind;
using testserver::Fault;
using testserver::FaultScope;

Key key(int i) { return Key("test", "metrics", static_cast<std::int64_t>(i)); }

class MetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AERO_EMBEDDED_ONLY("counts exactly what one client did (a shared cluster adds others' work)");
    ClientConfig config = testing::patient({});
    config.enable_metrics = true;
    config.max_error_rate = 0;
    cc_ = testing::ClusterClient::start({.nodes = 1}, config);
    ASSERT_NE(cc_.client, nullptr);
  }
  Client& client() { return *cc_.client; }
  metrics::KindMetrics total(CommandKind k) { return client().metrics().total(k); }

  testing::ClusterClient cc_;
};

TEST_F(MetricsTest, CountersEqualTheLedgerOfAMixedRun) {
  constexpr int kPuts = 40, kHits = 30, kMisses = 12, kBatches = 3;
  for (int i = 0; i < kPuts; ++i) ASSERT_TRUE(client().put(key(i), {{"v", i}}).get().ok());
  int hits = 0, misses = 0;
  for (int i = 0; i < kHits; ++i) hits += client().get(key(i)).get().ok() ? 1 : 0;
  for (int i = 0; i < kMisses; ++i) {
    misses += client().get(key(1000 + i)).get().code() == result::record_not_found ? 1 : 0;
  }
  ASSERT_EQ(hits, kHits);
  ASSERT_EQ(misses, kMisses);
  for (int b = 0; b < kBatches; ++b) {
    ASSERT_TRUE(client().batch_get({key(0), key(1), key(2)}, BatchRead::all()).get().ok());
  }
  ScanPolicy sp;
  testing::patient(sp);
  Result<ScanSummary> scan =
      client().scan("test", "metrics", sp, PartitionFilter::all(), {}, [](ScanRecord&) { return true; }).get();
  ASSERT_TRUE(scan.ok());

  const metrics::MetricsSnapshot m = client().metrics();
  ASSERT_EQ(m.nodes.size(), 1u);
  const metrics::KindMetrics& w = m.nodes[0].kind(CommandKind::write);
  EXPECT_EQ(w.commands, static_cast<std::uint64_t>(kPuts));
  EXPECT_EQ(w.ok, static_cast<std::uint64_t>(kPuts));
  EXPECT_TRUE(w.errors.empty());
  EXPECT_EQ(w.latency.count(), static_cast<std::uint64_t>(kPuts));
  const metrics::KindMetrics& r = m.nodes[0].kind(CommandKind::read);
  EXPECT_EQ(r.commands, static_cast<std::uint64_t>(kHits + kMisses));
  EXPECT_EQ(r.ok, static_cast<std::uint64_t>(kHits));
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors.at(result::record_not_found), static_cast<std::uint64_t>(kMisses));
  EXPECT_EQ(r.client_timeouts, 0u);
  EXPECT_EQ(r.retries, 0u);
  EXPECT_GT(r.latency.value_at_percentile(50), 0u);
  EXPECT_EQ(m.nodes[0].kind(CommandKind::batch).ok, static_cast<std::uint64_t>(kBatches));
  EXPECT_EQ(m.nodes[0].kind(CommandKind::scan).commands, 1u);  // one node: one node command
  EXPECT_EQ(m.nodes[0].kind(CommandKind::query).commands, 0u);
  EXPECT_GE(m.nodes[0].connections.open, 1);
  EXPECT_GE(m.nodes[0].connections.opened, 1u);
  EXPECT_GE(m.nodes[0].connections.reused, static_cast<std::uint64_t>(kPuts));
  ASSERT_EQ(m.loops.size(), 1u);
  EXPECT_EQ(m.loops[0].in_process, 0);
  EXPECT_GE(m.cluster.tends, 1u);
  EXPECT_EQ(m.cluster.nodes_added, 1u);
  EXPECT_GE(m.cluster.partition_map_changes, 1u);
}

TEST_F(MetricsTest, TimeoutsAndRetriesOnAHungNode) {
  ASSERT_TRUE(client().put(key(1), {{"v", 1}}).get().ok());
  const metrics::MetricsSnapshot before = client().metrics();
  cc_.cluster->node(0).set_fault(Fault::hang().only(FaultScope::kDataRequests));
  ReadPolicy p;
  p.total_timeout = 2s;
  p.socket_timeout = 30ms;
  p.max_retries = 2;
  constexpr int kGets = 4;
  for (int i = 0; i < kGets; ++i) {
    Result<Record> r = client().get(key(1), p).get();
    ASSERT_EQ(r.code(), result::timeout) << r.status().to_string();
  }
  cc_.cluster->node(0).clear_fault();
  const metrics::MetricsSnapshot interval = client().metrics().since(before);
  const metrics::KindMetrics& r = interval.nodes[0].kind(CommandKind::read);
  EXPECT_EQ(r.commands, static_cast<std::uint64_t>(kGets));
  EXPECT_EQ(r.ok, 0u);
  EXPECT_EQ(r.errors.at(result::timeout), static_cast<std::uint64_t>(kGets));
  EXPECT_EQ(r.client_timeouts, static_cast<std::uint64_t>(kGets));
  EXPECT_EQ(r.retries, static_cast<std::uint64_t>(kGets * 2));
  // The interval holds nothing of the put before it.
  EXPECT_EQ(interval.nodes[0].kind(CommandKind::write).commands, 0u);
  // Every timed-out attempt closed its connection.
  EXPECT_GE(interval.nodes[0].connections.closed, static_cast<std::uint64_t>(kGets * 3));
}

// "name{labels} value" lines into a map keyed by "name{labels}".
std::map<std::string, double> parse_prometheus(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::size_t space = line.rfind(' ');
    EXPECT_NE(space, std::string::npos) << line;
    if (space == std::string::npos) continue;
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

TEST_F(MetricsTest, PrometheusTextParsesBackToTheSnapshot) {
  constexpr int kPuts = 25;
  for (int i = 0; i < kPuts; ++i) ASSERT_TRUE(client().put(key(i), {{"v", i}}).get().ok());
  for (int i = 0; i < 5; ++i) (void)client().get(key(5000 + i)).get();
  const metrics::MetricsSnapshot m = client().metrics();
  const std::string text = metrics::to_prometheus(m);
  const auto values = parse_prometheus(text);
  const metrics::NodeMetrics& n = m.nodes[0];
  const std::string labels = "node=\"" + n.name + "\",address=\"" + n.address + "\"";
  EXPECT_EQ(values.at("aerospike_client_commands_total{" + labels + ",kind=\"write\",result=\"ok\"}"), kPuts);
  EXPECT_EQ(values.at("aerospike_client_commands_total{" + labels + ",kind=\"read\",result=\"2\"}"), 5);
  EXPECT_EQ(values.at("aerospike_client_latency_seconds_count{" + labels + ",kind=\"write\"}"), kPuts);
  EXPECT_EQ(values.at("aerospike_client_latency_seconds_bucket{" + labels + ",kind=\"write\",le=\"+Inf\"}"), kPuts);
  // Buckets are cumulative.
  double previous = 0;
  for (const char* le : {"0.0001", "0.001", "0.01", "0.1", "1", "10", "+Inf"}) {
    const double v = values.at("aerospike_client_latency_seconds_bucket{" + labels + ",kind=\"write\",le=\"" + le + "\"}");
    EXPECT_GE(v, previous) << le;
    previous = v;
  }
  EXPECT_EQ(values.at("aerospike_client_connections{" + labels + "}"), static_cast<double>(n.connections.open));
  EXPECT_EQ(values.at("aerospike_client_tends_total"), static_cast<double>(m.cluster.tends));
  EXPECT_EQ(values.at("aerospike_client_loop_queue_full_total{loop=\"0\"}"), 0);
  // Every sample line has a # TYPE line for its family.
  EXPECT_NE(text.find("# TYPE aerospike_client_latency_seconds histogram"), std::string::npos);
  const std::string json = metrics::to_json(m);
  EXPECT_NE(json.find("\"name\":\"" + n.name + "\""), std::string::npos);
  EXPECT_NE(json.find("\"write\":{\"commands\":" + std::to_string(kPuts)), std::string::npos) << json;
}

TEST(MetricsSnapshotTest, MergeAndSince) {
  metrics::MetricsSnapshot a;
  a.nodes.resize(1);
  a.nodes[0].name = "A";
  a.nodes[0].kind(CommandKind::read).commands = 10;
  a.nodes[0].kind(CommandKind::read).ok = 8;
  a.nodes[0].kind(CommandKind::read).errors[2] = 2;
  a.nodes[0].kind(CommandKind::read).latency.record(1000, 10);
  a.cluster.tends = 5;
  metrics::MetricsSnapshot later = a;
  later.nodes[0].kind(CommandKind::read).commands = 15;
  later.nodes[0].kind(CommandKind::read).ok = 12;
  later.nodes[0].kind(CommandKind::read).errors[2] = 3;
  later.nodes[0].kind(CommandKind::read).latency.record(5000, 5);
  later.cluster.tends = 9;
  const metrics::MetricsSnapshot d = later.since(a);
  EXPECT_EQ(d.nodes[0].kind(CommandKind::read).commands, 5u);
  EXPECT_EQ(d.nodes[0].kind(CommandKind::read).ok, 4u);
  EXPECT_EQ(d.nodes[0].kind(CommandKind::read).errors.at(2), 1u);
  EXPECT_EQ(d.nodes[0].kind(CommandKind::read).latency.count(), 5u);
  EXPECT_GE(d.nodes[0].kind(CommandKind::read).latency.value_at_percentile(1), 5000u);
  EXPECT_EQ(d.cluster.tends, 4u);

  metrics::MetricsSnapshot b;
  b.nodes.resize(2);
  b.nodes[0].name = "A";
  b.nodes[0].kind(CommandKind::read).commands = 1;
  b.nodes[1].name = "B";
  b.nodes[1].kind(CommandKind::write).commands = 7;
  a.merge(b);
  ASSERT_EQ(a.nodes.size(), 2u);
  EXPECT_EQ(a.node("A")->kind(CommandKind::read).commands, 11u);
  EXPECT_EQ(a.node("B")->kind(CommandKind::write).commands, 7u);
  EXPECT_EQ(a.total(CommandKind::read).commands, 11u);
}

TEST_F(MetricsTest, ReadingWhileTheLoopsRecordIsRaceFree) {
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> reads{0};
  std::thread reader([&] {
    while (!stop.load()) {
      const metrics::MetricsSnapshot m = client().metrics();
      (void)metrics::to_prometheus(m);
      reads.fetch_add(1);
    }
  });
  constexpr int kCommands = 2000;
  auto ledger = std::make_shared<testing::Ledger>(kCommands);
  for (int i = 0; i < kCommands; ++i) {
    client().put(key(i % 50), {{"v", i}}, [ledger, i](Result<void> r) {
      ledger->complete(static_cast<std::size_t>(i), r.code());
    });
  }
  ASSERT_TRUE(ledger->wait_for(kCommands));
  stop.store(true);
  reader.join();
  EXPECT_GT(reads.load(), 0u);
  EXPECT_EQ(client().metrics().total(CommandKind::write).commands, static_cast<std::uint64_t>(kCommands));
}

// A killed node: its idle connection breaks on the next command, later connects are refused;
// the counters say exactly that. Once the cluster drops the node, the client keeps its counts
// (active = false), so totals and intervals still add up.
TEST(MetricsKilledNodeTest, BrokenConnectionsAndConnectFailuresCountedExactly) {
  AERO_EMBEDDED_ONLY("stops a node of the embedded cluster");
  ClientConfig config = testing::patient({});
  config.enable_metrics = true;
  config.max_error_rate = 0;
  config.tend_interval = std::chrono::milliseconds(100);
  testing::ClusterClient cc = testing::ClusterClient::start({.nodes = 2}, config);
  ASSERT_NE(cc.client, nullptr);
  Client& client = *cc.client;
  // Keys whose master is node 1, each written once, one at a time: one connection to node 1.
  std::vector<Key> on_node1;
  for (int i = 0; on_node1.size() < 6 && i < 1000; ++i) {
    if (cc.cluster->replicas("test", key(i).partition_id()).at(0) == 1) on_node1.push_back(key(i));
  }
  ASSERT_EQ(on_node1.size(), 6u);
  for (const Key& k : on_node1) ASSERT_TRUE(client.put(k, {{"v", 1}}).get().ok());
  const std::string name = cc.cluster->node(1).id();
  const metrics::MetricsSnapshot before = client.metrics();
  ASSERT_NE(before.node(name), nullptr);
  ASSERT_EQ(before.node(name)->connections.open, 1);
  ASSERT_EQ(before.node(name)->connections.broken, 0u);

  cc.cluster->node(1).stop();
  ReadPolicy once;
  testing::patient(once);
  once.max_retries = 0;
  const int kGets = static_cast<int>(on_node1.size());
  for (const Key& k : on_node1) EXPECT_FALSE(client.get(k, once).get().ok());

  const metrics::MetricsSnapshot after = client.metrics().since(before);
  const metrics::NodeMetrics* n = after.node(name);
  ASSERT_NE(n, nullptr);
  // The first get took the pooled connection (the peer had closed it): broken. The others
  // had to connect, and were refused.
  EXPECT_EQ(n->connections.broken, 1u);
  EXPECT_EQ(n->connections.closed, 1u);
  EXPECT_EQ(n->connections.connect_failures, static_cast<std::uint64_t>(kGets - 1));
  EXPECT_EQ(n->connections.opened, static_cast<std::uint64_t>(kGets - 1));
  EXPECT_EQ(n->connections.open, 0);
  const metrics::KindMetrics& r = n->kind(CommandKind::read);
  EXPECT_EQ(r.commands, static_cast<std::uint64_t>(kGets));
  EXPECT_EQ(r.ok, 0u);
  std::uint64_t errors = 0;
  for (const auto& [code, count] : r.errors) errors += count;
  EXPECT_EQ(errors, static_cast<std::uint64_t>(kGets));
  EXPECT_TRUE(n->active);

  // The cluster drops the node; its counts stay in the client's snapshots. The tender counts
  // the removal before it publishes the node list without the node, so a snapshot taken in
  // between still shows the node active: wait for both.
  cc.cluster->rebalance();
  metrics::MetricsSnapshot later;
  for (int i = 0; i < 400; ++i) {
    later = client.metrics();
    const metrics::NodeMetrics* node = later.node(name);
    if (later.cluster.nodes_removed > 0 && node != nullptr && !node->active) break;
    std::this_thread::sleep_for(25ms);
  }
  ASSERT_EQ(later.cluster.nodes_removed, 1u);
  const metrics::NodeMetrics* gone = later.node(name);
  ASSERT_NE(gone, nullptr) << "a removed node's counts are kept";
  EXPECT_FALSE(gone->active);
  EXPECT_EQ(gone->connections.broken, 1u);
  EXPECT_EQ(gone->connections.connect_failures, static_cast<std::uint64_t>(kGets - 1));
  EXPECT_EQ(gone->kind(CommandKind::read).commands, static_cast<std::uint64_t>(kGets));
  EXPECT_EQ(gone->kind(CommandKind::write).commands, static_cast<std::uint64_t>(kGets));
  EXPECT_EQ(gone->connections.open, 0);
  const std::string text = metrics::to_prometheus(later);
  EXPECT_NE(text.find("aerospike_client_node_active{node=\"" + name), std::string::npos);
  EXPECT_NE(text.find("aerospike_client_connections_broken_total{node=\"" + name),
            std::string::npos);
}

}  // namespace
}  // namespace aero
