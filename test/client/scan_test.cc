// Scans and queries end to end against the 3-node test cluster: every record exactly once,
// paging with a saved cursor, abort, the pull style, queries against a predicate, bad input.
#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "client/sync_client.h"
#include "test/client/fixture.h"

namespace aero::testing {
namespace {

constexpr int kRecords = 2000;

std::string hex(const wire::Digest& d) {
  static const char* x = "0123456789abcdef";
  std::string s;
  for (auto b : d) {
    s += x[b >> 4];
    s += x[b & 15];
  }
  return s;
}

class ScanTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    set_ = test_set("demo");  // the suite's own set on an external cluster (test_cluster.h)
    cc_ = new ClusterClient(ClusterClient::start({.nodes = 3, .replication_factor = 2}));
    ASSERT_TRUE(cc_->client);
    WritePolicy wp;
    wp.total_timeout = Millis{20000};  // the machine may be busy: the fill is not under test
    wp.max_retries = 3;
    for (int base = 0; base < kRecords; base += 200) {
      std::vector<Future<void>> fs;
      for (int i = base; i < base + 200 && i < kRecords; ++i) {
        fs.push_back(cc_->client->put(skey(i), {{"age", i % 100}, {"name", "n" + std::to_string(i % 7)},
                                                {"i", i}}, wp));
      }
      for (auto& f : fs) {
        auto r = f.get();
        ASSERT_TRUE(r.ok()) << r.status().to_string();
      }
    }
#if AERO_EMBEDDED_CLUSTER
    if (cc_->cluster) {
      ASSERT_TRUE(cc_->cluster->create_index("test", set_, "age", testserver::IndexType::kNumeric, "idx_age"));
      ASSERT_TRUE(cc_->cluster->create_index("test", set_, "name", testserver::IndexType::kString, "idx_name"));
      return;
    }
#endif
    {  // through the client, as on a real server (200: it exists from an earlier run)
      for (auto [bin, kind, name] : {std::tuple{"age", IndexKind::numeric, "idx_age"},
                                     std::tuple{"name", IndexKind::string, "idx_name"}}) {
        auto task = cc_->client->create_index("test", set_, name, bin, kind).get();
        ASSERT_TRUE(task.ok() || task.code() == 200) << task.status().to_string();
        if (task.ok()) {
          auto waited = task->wait().get();
          ASSERT_TRUE(waited.ok() || waited.code() == 4) << waited.status().to_string();
        }
      }
    }
  }
  static void TearDownTestSuite() {
    delete cc_;
    cc_ = nullptr;
  }
  Client& client() { return *cc_->client; }

  struct Collected {
    std::mutex m;
    std::vector<ScanRecord> records;
    std::multiset<std::string> digests;
  };

  // Runs a scan (or query) into a collector; returns the summary.
  ScanSummary run_scan(Collected& out, const ScanPolicy& policy, PartitionFilter pf,
                       std::vector<std::string_view> bins = {}, const std::string& set = set_) {
    auto f = client().scan("test", set, policy, std::move(pf), bins, [&out](ScanRecord& r) {
      std::lock_guard<std::mutex> g(out.m);
      out.digests.insert(hex(r.key.digest()));
      out.records.push_back(r);
      return true;
    });
    auto r = f.get();
    EXPECT_TRUE(r.ok());
    return r.ok() ? std::move(r).value() : ScanSummary{};
  }

  static Key skey(std::int64_t i) { return Key("test", set_, i); }

  static ClusterClient* cc_;
  static std::string set_;
};

ClusterClient* ScanTest::cc_ = nullptr;
std::string ScanTest::set_;

TEST_F(ScanTest, FullScanReturnsEveryRecordExactlyOnce) {
  Collected c;
  ScanSummary s = run_scan(c, ScanPolicy{}, PartitionFilter::all());
  EXPECT_EQ(s.end, StreamEnd::complete) << s.status.to_string();
  EXPECT_EQ(s.records, static_cast<std::uint64_t>(kRecords));
  EXPECT_EQ(c.records.size(), static_cast<std::size_t>(kRecords));
  EXPECT_EQ(std::set<std::string>(c.digests.begin(), c.digests.end()).size(),
            static_cast<std::size_t>(kRecords));
  EXPECT_TRUE(s.cursor.done());
  EXPECT_FALSE(s.more());
  EXPECT_GT(s.bytes, 0u);
  // Bins and keys are decoded.
  for (const ScanRecord& r : c.records) {
    ASSERT_EQ(r.record.bins.size(), 3u);
    EXPECT_EQ(r.key.set(), set_);
    EXPECT_EQ(r.partition, r.key.partition_id());
  }
}

TEST_F(ScanTest, BinSelectionAndMetadataOnly) {
  Collected c;
  ScanSummary s = run_scan(c, ScanPolicy{}, PartitionFilter::range(0, 1024), {"age"});
  ASSERT_EQ(s.end, StreamEnd::complete) << s.status.to_string();
  ASSERT_FALSE(c.records.empty());
  for (const ScanRecord& r : c.records) {
    ASSERT_EQ(r.record.bins.size(), 1u);
    EXPECT_EQ(r.record.bins[0].name, "age");
    EXPECT_LT(r.partition, 1024);
  }
  Collected meta;
  ScanPolicy p;
  p.include_bin_data = false;
  s = run_scan(meta, p, PartitionFilter::range(0, 1024));
  ASSERT_EQ(s.end, StreamEnd::complete);
  EXPECT_EQ(meta.records.size(), c.records.size());
  for (const ScanRecord& r : meta.records) EXPECT_TRUE(r.record.bins.empty());
}

TEST_F(ScanTest, PagingWithASerializedCursorEqualsTheFullScan) {
  Collected full;
  run_scan(full, ScanPolicy{}, PartitionFilter::all());
  ScanPolicy p;
  p.max_records = 300;
  std::multiset<std::string> paged;
  PartitionFilter pf = PartitionFilter::all();
  int pages = 0;
  for (; pages < 50; ++pages) {
    Collected c;
    ScanSummary s = run_scan(c, p, pf);
    ASSERT_EQ(s.end, StreamEnd::complete) << s.status.to_string();
    EXPECT_LE(c.records.size(), 300u);
    paged.insert(c.digests.begin(), c.digests.end());
    if (!s.more()) break;
    // As another process would: bytes out, bytes in.
    std::vector<std::uint8_t> bytes = s.cursor.serialize();
    auto parsed = Cursor::parse(bytes);
    ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
    EXPECT_EQ(parsed.value(), s.cursor);
    pf = PartitionFilter::resume(std::move(parsed).value());
  }
  EXPECT_GE(pages, kRecords / 300);
  EXPECT_EQ(paged, full.digests);
}

TEST_F(ScanTest, AbortStopsTheStreamAndTheCursorResumesAfterTheLastRecordSeen) {
  ScanPolicy p;
  p.max_pending_records = 8;
  std::multiset<std::string> seen;
  int n = 0;
  auto f = client().scan("test", set_, p, PartitionFilter::all(), {}, [&](ScanRecord& r) {
    seen.insert(hex(r.key.digest()));
    return ++n < 25;
  });
  auto r = f.get();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->end, StreamEnd::aborted);
  EXPECT_EQ(r->records, 25u);
  EXPECT_EQ(n, 25);
  EXPECT_TRUE(r->more());
  // Resuming yields exactly the records not seen.
  Collected rest;
  ScanSummary s = run_scan(rest, ScanPolicy{}, PartitionFilter::resume(r->cursor));
  ASSERT_EQ(s.end, StreamEnd::complete) << s.status.to_string();
  seen.insert(rest.digests.begin(), rest.digests.end());
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kRecords));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), static_cast<std::size_t>(kRecords));
  // The client still works (no connection was reused mid-stream).
  EXPECT_TRUE(client().get(skey(1)).get().ok());
}

TEST_F(ScanTest, PullStreamAndPages) {
  RecordStream stream = client().scan_stream("test", set_, ScanPolicy{});
  std::set<std::string> got;
  for (int i = 0; i < kRecords + 10; ++i) {
    auto r = stream.next().get();
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    if (!r->has_value()) break;
    got.insert(hex((*r)->key.digest()));
  }
  EXPECT_EQ(got.size(), static_cast<std::size_t>(kRecords));
  ASSERT_TRUE(stream.summary().has_value());
  EXPECT_EQ(stream.summary()->end, StreamEnd::complete);

  ScanPolicy small;
  small.max_pending_records = 4;
  RecordStream paged = client().scan_stream("test", set_, small);
  std::size_t total = 0;
  for (int i = 0; i < 100; ++i) {
    auto page = paged.page(128).get();
    ASSERT_TRUE(page.ok());
    if (page->empty()) break;
    total += page->size();
  }
  EXPECT_EQ(total, static_cast<std::size_t>(kRecords));
}

TEST_F(ScanTest, DroppingAPullStreamAbortsIt) {
  ScanPolicy p;
  p.max_pending_records = 4;
  {
    RecordStream stream = client().scan_stream("test", set_, p);
    auto r = stream.next().get();
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(r->has_value());
  }
  EXPECT_TRUE(client().get(skey(2)).get().ok());
}

TEST_F(ScanTest, QueryEqualsFilteringAllRecordsByThePredicate) {
  std::multiset<std::string> expect_range, expect_name;
  for (int i = 0; i < kRecords; ++i) {
    std::string d = hex(skey(i).digest());
    if (i % 100 >= 10 && i % 100 <= 19) expect_range.insert(d);
    if (i % 7 == 3) expect_name.insert(d);
  }
  auto run = [&](Filter f, std::multiset<std::string>& out) {
    auto s = client().query("test", set_, std::move(f), QueryPolicy{}, PartitionFilter::all(), {},
                            [&out](ScanRecord& r) {
                              out.insert(hex(r.key.digest()));
                              return true;
                            }).get();
    EXPECT_TRUE(s.ok());
    if (s.ok()) {
      EXPECT_EQ(s->end, StreamEnd::complete) << s->status.to_string();
    }
  };
  std::multiset<std::string> range, name, eq;
  run(Filter::range("age", 10, 19), range);
  EXPECT_EQ(range, expect_range);
  run(Filter::equal("name", "n3"), name);
  EXPECT_EQ(name, expect_name);
  run(Filter::equal("age", 42), eq);
  EXPECT_EQ(eq.size(), static_cast<std::size_t>(kRecords / 100));
}

TEST_F(ScanTest, QueryPagesResumeWithBvals) {
  QueryPolicy p;
  p.max_records = 7;
  std::multiset<std::string> all;
  PartitionFilter pf = PartitionFilter::all();
  for (int page = 0; page < 40; ++page) {
    auto s = client().query("test", set_, Filter::range("age", 0, 9), p, pf, {}, [&](ScanRecord& r) {
      all.insert(hex(r.key.digest()));
      return true;
    }).get();
    ASSERT_TRUE(s.ok());
    ASSERT_EQ(s->end, StreamEnd::complete) << s->status.to_string();
    if (!s->more()) break;
    pf = PartitionFilter::resume(s->cursor);
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kRecords / 10));
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), all.size());
}

TEST_F(ScanTest, BadInputGetsAClearError) {
  auto fail = [&](auto&& start) {
    ScanSummary s = start();
    EXPECT_EQ(s.end, StreamEnd::failed);
    return s.status;
  };
  auto scan = [&](std::string ns, PartitionFilter pf, std::vector<std::string_view> bins) {
    return [&, ns, pf, bins] {
      auto r = client().scan(ns, set_, ScanPolicy{}, pf, bins, nullptr).get();
      return r.ok() ? std::move(r).value() : ScanSummary{};
    };
  };
  Status st = fail(scan("nope", PartitionFilter::all(), {}));
  EXPECT_EQ(st.code(), 20) << st.to_string();
  EXPECT_NE(st.message().find("'nope'"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("test"), std::string::npos) << st.message();

  EXPECT_TRUE(fail(scan("test", PartitionFilter::range(0, 0), {})).is(ClientCode::invalid_argument));
  EXPECT_TRUE(fail(scan("test", PartitionFilter::range(4000, 200), {})).is(ClientCode::invalid_argument));
  EXPECT_TRUE(fail(scan("test", PartitionFilter::id(4096), {})).is(ClientCode::invalid_argument));
  EXPECT_TRUE(fail(scan("test", PartitionFilter::all(), {"age", "age"})).is(ClientCode::invalid_argument));
  EXPECT_TRUE(fail(scan("test", PartitionFilter::all(), {""})).is(ClientCode::invalid_argument));
  Cursor other("bar", false, {PartitionState{1}});
  st = fail(scan("test", PartitionFilter::resume(other), {}));
  EXPECT_TRUE(st.is(ClientCode::invalid_argument));
  EXPECT_NE(st.message().find("'bar'"), std::string::npos) << st.message();
  EXPECT_FALSE(Cursor::parse(std::vector<std::uint8_t>{1, 2, 3}).ok());

  // A query on a bin without an index: 201, naming the node.
  auto q = client().query("test", set_, Filter::equal("i", 5), QueryPolicy{}, PartitionFilter::all(),
                          {}, nullptr).get();
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->end, StreamEnd::failed);
  EXPECT_EQ(q->status.code(), 201) << q->status.to_string();
  EXPECT_NE(q->status.message().find("node"), std::string::npos) << q->status.message();
  q = client().query("test", set_, Filter::range("age", 5, 1), QueryPolicy{}, PartitionFilter::all(),
                     {}, nullptr).get();
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->status.is(ClientCode::invalid_argument));
}

}  // namespace
}  // namespace aero::testing
