// Scans while the cluster changes (a node stopped, partitions migrating mid-scan), and the
// backpressure bound: a large scan into a slow consumer keeps memory bounded.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "test/client/fixture.h"

namespace aero::testing {
namespace {

std::string hex(const wire::Digest& d) { return std::string(d.begin(), d.end()); }

// Seeds records straight into the cluster's store (no wire round trips).
void seed(testserver::Cluster& cluster, int n, int value_bytes = 8) {
  for (int i = 0; i < n; ++i) {
    Key k = key(i);
    testserver::Record r;
    r.generation = 1;
    r.set = "demo";
    testserver::Bin b;
    b.name = "v";
    b.type = 3;  // string
    b.value.assign(static_cast<std::size_t>(value_bytes), static_cast<char>('a' + i % 26));
    r.bins.push_back(b);
    ASSERT_TRUE(cluster.put_record("test", k.digest().data(), r));
  }
}

ClientConfig fast_tend() {
  ClientConfig c;
  c.tend_interval = Millis{20};
  return c;
}

std::set<std::string> scan_all(Client& client, const ScanPolicy& p, ScanSummary* summary,
                               UniqueFunction<void(int)> each = nullptr) {
  std::mutex m;
  std::set<std::string> got;
  std::size_t dup = 0;
  int n = 0;
  auto r = client.scan("test", "demo", p, PartitionFilter::all(), {}, [&](ScanRecord& rec) {
    std::lock_guard<std::mutex> g(m);
    if (!got.insert(hex(rec.key.digest())).second) ++dup;
    if (each) each(n);
    ++n;
    return true;
  }).get();
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(dup, 0u);
  if (r.ok()) *summary = std::move(r).value();
  return got;
}

TEST(ScanClusterTest, FullScanWhileANodeIsStopped) {
  AERO_EMBEDDED_ONLY("seeds the server's store directly and stops a node");
  auto cc = ClusterClient::start({.nodes = 3, .replication_factor = 2}, fast_tend());
  ASSERT_TRUE(cc.client);
  seed(*cc.cluster, 3000);
  cc.cluster->node(1).stop();
  cc.cluster->rebalance();
  // Scan at once: the client's map may still name the stopped node; those partitions are
  // retried on their replica after a tend.
  ScanPolicy p;
  p.total_timeout = Millis{10000};
  p.retry_wait = Millis{30};
  ScanSummary s;
  auto got = scan_all(*cc.client, p, &s);
  EXPECT_EQ(s.end, StreamEnd::complete) << s.status.to_string();
  EXPECT_EQ(got.size(), 3000u);
  EXPECT_TRUE(s.incomplete_partitions.empty());
}

TEST(ScanClusterTest, FullScanWhilePartitionsMigrate) {
  AERO_EMBEDDED_ONLY("seeds the server's store directly and migrates partitions mid-scan");
  auto cc = ClusterClient::start({.nodes = 3, .replication_factor = 1}, fast_tend());
  ASSERT_TRUE(cc.client);
  seed(*cc.cluster, 3000);
  cc.cluster->set_not_owner_policy(testserver::NotOwnerPolicy::kUnavailable);
  ScanPolicy p;
  p.total_timeout = Millis{20000};
  p.retry_wait = Millis{30};
  p.max_pending_records = 16;  // keeps the scan running while partitions move
  p.max_concurrent_nodes = 1;
  std::atomic<int> moved{0};
  ScanSummary s;
  auto got = scan_all(*cc.client, p, &s, [&](int n) {
    // Every 100 records, move a batch of partitions to another node (the scan has not reached
    // most of them yet, so their old owners answer "not owned" and the client must follow).
    if (n % 100 == 0 && n < 2500) {
      for (int k = 0; k < 40; ++k) {
        std::uint32_t pid = static_cast<std::uint32_t>((n * 7 + k * 101) % 4096);
        auto owners = cc.cluster->replicas("test", pid);
        if (owners.empty()) continue;
        std::size_t to = static_cast<std::size_t>((owners[0] + 1) % 3);
        if (cc.cluster->migrate_partition("test", pid, to)) moved.fetch_add(1);
      }
    }
  });
  EXPECT_EQ(s.end, StreamEnd::complete) << s.status.to_string();
  EXPECT_EQ(got.size(), 3000u);
  EXPECT_GT(moved.load(), 0);
  EXPECT_GT(s.rounds, 1);  // some partitions were answered "not owned" and retried
}

TEST(ScanClusterTest, PartitionsThatStayUnavailableAreNamed) {
  AERO_EMBEDDED_ONLY("seeds the server's store directly and stops a node");
  auto cc = ClusterClient::start({.nodes = 2, .replication_factor = 1}, fast_tend());
  ASSERT_TRUE(cc.client);
  seed(*cc.cluster, 500);
  cc.cluster->node(1).stop();  // no rebalance: its partitions have no owner
  ScanPolicy p;
  p.total_timeout = Millis{400};
  p.socket_timeout = Millis{200};
  p.retry_wait = Millis{50};
  ScanSummary s;
  scan_all(*cc.client, p, &s);
  EXPECT_EQ(s.end, StreamEnd::failed);
  EXPECT_FALSE(s.incomplete_partitions.empty());
  EXPECT_LT(s.incomplete_partitions.size(), 4096u);
  EXPECT_TRUE(s.more());
}

long rss_kb() {
  std::ifstream f("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  f >> pages_total >> pages_resident;
  return pages_resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// Backpressure: 100,000 records of 200 bytes (about 24 MB decoded) stream to a consumer (this
// thread, pulling) that sleeps; the queue of decoded records never exceeds the bound plus one
// frame, and resident memory grows by less than 12 MB while the consumer is slow.
TEST(ScanClusterTest, SlowConsumerKeepsMemoryBounded) {
  AERO_EMBEDDED_ONLY("seeds 100,000 records directly in the server's store");
  auto cc = ClusterClient::start({.nodes = 1}, ClientConfig{});
  ASSERT_TRUE(cc.client);
  constexpr int kN = 100000;
  seed(*cc.cluster, kN, 200);
  ScanPolicy p;
  p.max_pending_records = 256;
  long before = rss_kb();
  long peak = before;
  RecordStream stream = cc.client->scan_stream("test", "demo", p);
  std::uint64_t n = 0;
  // The slow phase: 30 naps of 10 ms, long enough for an unbounded client to read it all.
  for (int i = 0; i < 300; ++i) {
    auto r = stream.next().get();
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    ASSERT_TRUE(r->has_value());
    ++n;
    if (i % 10 == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      peak = std::max(peak, rss_kb());
    }
  }
  for (int i = 0; i < kN; ++i) {
    auto page = stream.page(1024).get();
    ASSERT_TRUE(page.ok()) << page.status().to_string();
    if (page->empty()) break;
    n += page->size();
  }
  auto s = stream.summary();
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->end, StreamEnd::complete) << s->status.to_string();
  EXPECT_EQ(n, static_cast<std::uint64_t>(kN));
  EXPECT_EQ(s->records, static_cast<std::uint64_t>(kN));
  EXPECT_LE(s->peak_pending, p.max_pending_records + 2000);  // bound + at most one frame
  // TSan's shadow memory multiplies every allocation's footprint: there the record-count bound
  // above is the check; the resident-memory bound holds for normal and ASan builds.
#if !defined(__SANITIZE_THREAD__)
  EXPECT_LT(peak - before, 12 * 1024) << "resident memory grew by " << (peak - before) << " kB";
#endif
}

}  // namespace
}  // namespace aero::testing
