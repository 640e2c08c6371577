// Partition scans and secondary-index queries through real sockets: record messages, partition-
// done markers for partitions a node does not master, max-records, resuming after a digest,
// bin selection, streaming of large answers, task ids, background scans and index queries.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include "test/server/tests/test_util.h"

namespace {

using namespace testclient;
using aero::testserver::ClusterOptions;
using aero::testserver::IndexType;

uint64_t g_task = 1000;

Msg scan_request(const std::vector<uint32_t>& pids, std::string_view set = "") {
  Msg m;
  m.info1 = 0x01;
  m.info3 = 0x04;  // PARTITION_DONE
  m.transaction_ttl = 0;
  m.fields.push_back({0, "test"});
  if (!set.empty()) m.fields.push_back({1, Bytes(set)});
  Bytes pid_array;
  for (uint32_t p : pids) pid_array += le16(uint16_t(p));
  if (!pids.empty()) m.fields.push_back({11, pid_array});
  m.fields.push_back({9, be32(0)});
  m.fields.push_back({7, be64(++g_task)});
  return m;
}

std::vector<uint32_t> all_partitions() {
  std::vector<uint32_t> v;
  for (uint32_t p = 0; p < 4096; ++p) v.push_back(p);
  return v;
}

struct ScanResult {
  std::vector<DecodedMsg> records;
  std::map<uint32_t, uint8_t> partition_done;  // pid -> result
  std::optional<DecodedMsg> last;
};

ScanResult run_scan(RawConnection& c, const Msg& m) {
  ScanResult r;
  auto msgs = c.call_stream(message_frame(m));
  EXPECT_TRUE(msgs.has_value());
  if (!msgs) return r;
  for (const DecodedMsg& x : *msgs) {
    if (x.info3 & 0x01) {
      r.last = x;
    } else if (x.info3 & 0x04) {
      EXPECT_EQ(r.partition_done.count(x.generation), 0u);
      r.partition_done[x.generation] = x.result;
    } else {
      r.records.push_back(x);
    }
  }
  return r;
}

std::string digest_of(const DecodedMsg& m) {
  const DecodedField* f = m.field(4);
  return f == nullptr ? std::string() : f->data;
}

class ScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ClusterOptions o;
    o.nodes = 3;
    o.replication_factor = 2;
    cluster_ = start_cluster(o);
    for (size_t i = 0; i < 3; ++i) conns_.push_back(connect_to(*cluster_, i));
    for (int k = 0; k < 600; ++k) {
      const std::string set = k % 3 == 0 ? "a" : "b";
      write(conns_[0], digest_for(uint64_t(k)), {write_int("n", k), write_str("s", "x" + std::to_string(k % 7))},
            0, 0, 0, 0, set);
      all_.insert(digest_for(uint64_t(k)));
    }
  }
  std::unique_ptr<aero::testserver::Cluster> cluster_;
  std::vector<RawConnection> conns_;
  std::set<std::string> all_;
};

TEST_F(ScanTest, EachNodeServesItsMasterPartitionsAndReportsTheRest) {
  std::set<std::string> seen;
  for (size_t n = 0; n < 3; ++n) {
    ScanResult r = run_scan(conns_[n], scan_request(all_partitions()));
    ASSERT_TRUE(r.last);
    EXPECT_EQ(r.last->result, 0);
    size_t mastered = 0;
    for (uint32_t p = 0; p < 4096; ++p) {
      const bool master = cluster_->replicas("test", p)[0] == int(n);
      mastered += master ? 1 : 0;
      if (!master) {
        auto it = r.partition_done.find(p);
        ASSERT_NE(it, r.partition_done.end()) << p;
        EXPECT_EQ(it->second, 11);
      }
    }
    EXPECT_EQ(r.partition_done.size(), 4096 - mastered);
    for (const DecodedMsg& m : r.records) {
      EXPECT_EQ(cluster_->replicas("test", partition_of(digest_of(m)))[0], int(n));
      EXPECT_TRUE(seen.insert(digest_of(m)).second) << "record returned twice";
      ASSERT_NE(m.field(0), nullptr);
      EXPECT_EQ(m.field(0)->data, "test");
      ASSERT_NE(m.field(1), nullptr);
      EXPECT_EQ(m.ops.size(), 2u);
      EXPECT_EQ(m.generation, 1u);
    }
  }
  EXPECT_EQ(seen, all_);
}

TEST_F(ScanTest, SetFilterNoBinDataAndBinSelection) {
  // Node 0 masters everything for this test.
  cluster_->set_not_owner_policy(aero::testserver::NotOwnerPolicy::kProxy);
  std::set<uint32_t> pids;
  for (const std::string& d : all_) pids.insert(partition_of(d));
  for (uint32_t p : pids) ASSERT_TRUE(cluster_->migrate_partition("test", p, 0));
  std::vector<uint32_t> list(pids.begin(), pids.end());

  ScanResult a = run_scan(conns_[0], scan_request(list, "a"));
  EXPECT_EQ(a.records.size(), 200u);
  for (const auto& m : a.records) EXPECT_EQ(m.field(1)->data, "a");

  Msg headers = scan_request(list);
  headers.info1 |= 0x20;
  ScanResult h = run_scan(conns_[0], headers);
  EXPECT_EQ(h.records.size(), 600u);
  for (const auto& m : h.records) {
    EXPECT_EQ(m.info1, 0x20);
    EXPECT_TRUE(m.ops.empty());
  }

  Msg named = scan_request(list, "b");
  named.ops = {read_bin("s"), read_bin("missing")};
  ScanResult b = run_scan(conns_[0], named);
  EXPECT_EQ(b.records.size(), 400u);
  for (const auto& m : b.records) {
    ASSERT_EQ(m.ops.size(), 1u);
    EXPECT_EQ(m.ops[0].name, "s");
  }

  ScanResult none = run_scan(conns_[0], scan_request(list, "nosuchset"));
  EXPECT_TRUE(none.records.empty());
  EXPECT_EQ(none.last->result, 0);
}

TEST_F(ScanTest, MaxRecordsAndResumeAfterDigest) {
  // Put 50 records in one partition, mastered by node 1.
  const uint32_t pid = 999;
  ASSERT_TRUE(cluster_->migrate_partition("test", pid, 1));
  std::set<std::string> expected;
  for (uint64_t k = 0; k < 50; ++k) {
    const Bytes d = digest_in_partition(pid, k);
    write(conns_[1], d, {write_int("k", int64_t(k))});
    expected.insert(d);
  }
  Msg first = scan_request({pid});
  first.fields.push_back({13, be64(20)});
  ScanResult r1 = run_scan(conns_[1], first);
  ASSERT_EQ(r1.records.size(), 20u);
  // Within a partition the server walks digests in descending byte order.
  for (size_t i = 1; i < r1.records.size(); ++i) {
    EXPECT_GT(digest_of(r1.records[i - 1]), digest_of(r1.records[i]));
  }
  // Resume strictly after the last digest returned.
  Msg rest = scan_request({});
  rest.fields.push_back({12, digest_of(r1.records.back())});
  ScanResult r2 = run_scan(conns_[1], rest);
  EXPECT_EQ(r2.records.size(), 30u);
  std::set<std::string> got;
  for (const auto& m : r1.records) got.insert(digest_of(m));
  for (const auto& m : r2.records) EXPECT_TRUE(got.insert(digest_of(m)).second);
  EXPECT_EQ(got, expected);
}

TEST_F(ScanTest, RequestErrors) {
  Msg no_pd = scan_request({1});
  no_pd.info3 = 0;
  auto r = call_msg(conns_[0], no_pd);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result, 16);
  EXPECT_EQ(call_msg(conns_[0], scan_request({}))->result, 16);  // no partitions at all
  EXPECT_EQ(call_msg(conns_[0], scan_request({4096}))->result, 4);
  EXPECT_EQ(call_msg(conns_[0], scan_request({5, 5}))->result, 4);
  Msg bad_max = scan_request({1});
  bad_max.fields.push_back({13, be32(1)});
  EXPECT_EQ(call_msg(conns_[0], bad_max)->result, 4);
  Msg no_ns = scan_request({1});
  no_ns.fields.erase(no_ns.fields.begin());
  EXPECT_EQ(call_msg(conns_[0], no_ns)->result, 20);
  // Still usable.
  EXPECT_EQ(get(conns_[0], digest_for(1), "b").result, 0);
}

TEST(ScanStream, LargeScanStreamsInManyFramesWithFlowControl) {
  auto cluster = start_cluster(ClusterOptions{});
  RawConnection c = connect_to(*cluster);
  const std::string payload(1000, 'p');
  aero::testserver::Record r;
  r.generation = 1;
  r.set = "big";
  r.bins.push_back({"p", 3, payload});
  for (uint64_t k = 0; k < 10000; ++k) {
    const Bytes d = digest_for(k);
    cluster->put_record("test", reinterpret_cast<const uint8_t*>(d.data()), r);
  }
  ASSERT_TRUE(c.send(message_frame(scan_request(all_partitions()))));
  // Do not read for a while: the server must hold back instead of failing.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  size_t records = 0, frames = 0;
  bool last = false;
  while (!last) {
    Frame f;
    ASSERT_EQ(c.read_frame(&f), ReadStatus::kOk);
    ++frames;
    auto msgs = decode_messages(f.body);
    ASSERT_TRUE(msgs);
    for (const auto& m : *msgs) {
      if (m.info3 & 0x01) {
        last = true;
      } else {
        ++records;
        ASSERT_EQ(m.ops.size(), 1u);
        EXPECT_EQ(m.ops[0].value.size(), 1000u);
      }
    }
  }
  EXPECT_EQ(records, 10000u);
  EXPECT_GT(frames, 10u);
  // Requests pipelined behind a scan are answered after it, in order.
  EXPECT_EQ(get(c, digest_for(5), "big").result, 0);
}

TEST(ScanTasks, ActiveTaskIdIsNotAnsweredTwice) {
  auto cluster = start_cluster(ClusterOptions{});
  aero::testserver::Record r;
  r.generation = 1;
  r.bins.push_back({"p", 3, std::string(4000, 'q')});
  for (uint64_t k = 0; k < 4000; ++k) {
    const Bytes d = digest_for(k);
    cluster->put_record("test", reinterpret_cast<const uint8_t*>(d.data()), r);
  }
  RawConnection a = connect_to(*cluster), b = connect_to(*cluster);
  Msg m = scan_request(all_partitions());
  ASSERT_TRUE(a.send(message_frame(m)));  // stays active: `a` does not read yet
  Frame first;
  ASSERT_EQ(a.read_frame(&first), ReadStatus::kOk);  // the scan has started
  ASSERT_TRUE(b.send(message_frame(m)));  // same task id
  EXPECT_EQ(b.wait_readable(std::chrono::milliseconds(300)), ReadStatus::kTimeout);
  // Drain `a`; `b` stays silent for that request but serves the next one.
  bool last = false;
  while (!last) {
    Frame f;
    ASSERT_EQ(a.read_frame(&f), ReadStatus::kOk);
    const auto msgs = decode_messages(f.body);
    ASSERT_TRUE(msgs);
    for (const auto& x : *msgs) last = last || (x.info3 & 0x01);
  }
  EXPECT_EQ(get(b, digest_for(1), "").result, 0);
}

TEST(BackgroundScan, WriteOpsApplyToEveryRecord) {
  auto cluster = start_cluster(ClusterOptions{});
  RawConnection c = connect_to(*cluster);
  for (int k = 0; k < 50; ++k) write(c, digest_for(uint64_t(k)), {write_int("n", k)});
  Msg m;
  m.info2 = 0x01;
  m.transaction_ttl = 0;
  m.fields = {{0, "test"}, {1, "demo"}, {7, be64(77)}};
  m.ops = {Op{5, 1, "n", int_value(1000)}};
  auto r = call_msg(c, m);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->info3 & 0x01, 0x01);
  EXPECT_EQ(r->result, 0);
  // The job runs after the answer (as on a real server): wait until query-show says done.
  std::string status;
  for (int i = 0; i < 500 && status.find("status=done(ok)") == std::string::npos; ++i) {
    auto body = call_info(c, {"query-show:id=77"});
    ASSERT_TRUE(body);
    status = info_value(*body, "query-show:id=77").value_or("");
    if (status.find("status=done(ok)") == std::string::npos) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ASSERT_NE(status.find("status=done(ok)"), std::string::npos) << status;
  for (int k = 0; k < 50; ++k) {
    DecodedMsg g = get(c, digest_for(uint64_t(k)));
    EXPECT_EQ(int_bin(g, "n"), 1000 + k);
    EXPECT_EQ(g.generation, 2u);
  }
}

class QueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_ = start_cluster(ClusterOptions{});
    conn_ = connect_to(*cluster_);
    for (int k = 0; k < 300; ++k) {
      write(conn_, digest_for(uint64_t(k)), {write_int("age", k % 100), write_str("name", "n" + std::to_string(k % 10))});
    }
  }
  Msg query(Bytes range) {
    Msg m = scan_request(all_partitions(), "demo");
    m.fields.push_back({22, std::move(range)});
    return m;
  }
  static Bytes int_range(const std::string& bin, int64_t lo, int64_t hi) {
    return Bytes("\x01") + char(bin.size()) + bin + "\x01" + be32(8) + int_value(lo) + be32(8) +
           int_value(hi);
  }
  static Bytes str_eq(const std::string& bin, const std::string& v) {
    return Bytes("\x01") + char(bin.size()) + bin + "\x03" + be32(uint32_t(v.size())) + v +
           be32(uint32_t(v.size())) + v;
  }
  std::unique_ptr<aero::testserver::Cluster> cluster_;
  RawConnection conn_;
};

TEST_F(QueryTest, NeedsAnIndexLikeTheServer) {
  auto r = call_msg(conn_, query(int_range("age", 1, 1)));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result, 201);
}

TEST_F(QueryTest, IntegerEqualityAndRangeWithBvals) {
  ASSERT_TRUE(cluster_->create_index("test", "demo", "age", IndexType::kNumeric, "idx_age"));
  ScanResult eq = run_scan(conn_, query(int_range("age", 42, 42)));
  EXPECT_EQ(eq.records.size(), 3u);
  for (const auto& m : eq.records) {
    EXPECT_EQ(int_bin(m, "age"), 42);
    ASSERT_NE(m.field(15), nullptr);
    EXPECT_EQ(to_hex(m.field(15)->data), "2a00000000000000");  // 42, little-endian
  }
  ScanResult range = run_scan(conn_, query(int_range("age", 10, 19)));
  EXPECT_EQ(range.records.size(), 30u);
  // Results come in bval order within a partition; resume after (bval, digest).
  Msg bad = query(int_range("age", 5, 4));
  EXPECT_EQ(call_msg(conn_, bad)->result, 4);
}

TEST_F(QueryTest, StringEqualityThroughInfoCreatedIndex) {
  auto created = call_info(conn_, {"sindex-create:namespace=test;set=demo;indexname=idx_name;"
                                   "bin=name;type=string"});
  ASSERT_TRUE(created);
  EXPECT_NE(created->find("\tok"), std::string::npos) << *created;
  ScanResult r = run_scan(conn_, query(str_eq("name", "n7")));
  EXPECT_EQ(r.records.size(), 30u);
  for (const auto& m : r.records) EXPECT_EQ(m.op("name")->value, "n7");
  auto list = call_info(conn_, {"sindex-list"});
  ASSERT_TRUE(list);
  EXPECT_NE(list->find("indexname=idx_name"), std::string::npos);
  auto dropped = call_info(conn_, {"sindex-delete:namespace=test;indexname=idx_name"});
  EXPECT_NE(dropped->find("\tok"), std::string::npos);
  EXPECT_EQ(call_msg(conn_, query(str_eq("name", "n7")))->result, 201);
}

TEST_F(QueryTest, ResumeAfterBvalAndDigest) {
  ASSERT_TRUE(cluster_->create_index("test", "demo", "age", IndexType::kNumeric, "idx_age"));
  // All matches in one partition so that one resume point covers them.
  const uint32_t pid = 321;
  for (uint64_t k = 0; k < 20; ++k) {
    write(conn_, digest_in_partition(pid, k), {write_int("age", 500 + int64_t(k % 4))});
  }
  Msg first = query(int_range("age", 500, 503));
  first.fields[2] = {11, le16(uint16_t(pid))};  // only that partition
  first.fields.push_back({13, be64(7)});
  ScanResult r1 = run_scan(conn_, first);
  ASSERT_EQ(r1.records.size(), 7u);
  const DecodedMsg& last = r1.records.back();
  Msg rest = query(int_range("age", 500, 503));
  rest.fields.erase(rest.fields.begin() + 2);  // no PID_ARRAY
  rest.fields.push_back({12, digest_of(last)});
  rest.fields.push_back({15, last.field(15)->data});
  ScanResult r2 = run_scan(conn_, rest);
  EXPECT_EQ(r2.records.size(), 13u);
  std::set<std::string> all;
  for (const auto& m : r1.records) all.insert(digest_of(m));
  for (const auto& m : r2.records) EXPECT_TRUE(all.insert(digest_of(m)).second);
  EXPECT_EQ(all.size(), 20u);
}

}  // namespace
