// Single-record semantics through real sockets: generations, TTL and expiration with a
// controllable clock, exists actions, send-key storage, operate ops, values stored as given,
// durable delete, and what a node answers for partitions it does not hold.
#include <gtest/gtest.h>

#include <chrono>

#include "test/server/tests/test_util.h"

namespace {

using namespace testclient;
using aero::testserver::ClusterOptions;
using aero::testserver::NotOwnerPolicy;
using std::chrono::seconds;

constexpr uint8_t kCreateOnly = 0x20;      // info2
constexpr uint8_t kGeneration = 0x04;      // info2
constexpr uint8_t kGenerationGt = 0x08;    // info2
constexpr uint8_t kDurableDelete = 0x10;   // info2
constexpr uint8_t kRespondAllOps = 0x80;   // info2
constexpr uint8_t kUpdateOnly = 0x08;      // info3
constexpr uint8_t kCreateOrReplace = 0x10; // info3
constexpr uint8_t kReplaceOnly = 0x20;     // info3

class RecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ClusterOptions o;
    o.namespaces = {"test", "bar"};
    cluster_ = start_cluster(o);
    conn_ = connect_to(*cluster_);
  }
  std::unique_ptr<aero::testserver::Cluster> cluster_;
  RawConnection conn_;
};

TEST_F(RecordTest, GenerationCountsEveryWriteAndGuardsChecks) {
  const Bytes d = digest_for(1);
  for (uint32_t g = 1; g <= 3; ++g) {
    DecodedMsg r = write(conn_, d, {write_int("a", g)});
    EXPECT_EQ(r.result, 0);
    EXPECT_EQ(r.generation, g);
  }
  // Equality check: fails with the stored generation in the answer.
  DecodedMsg bad = write(conn_, d, {write_int("a", 9)}, kGeneration, 0, 0, 2);
  EXPECT_EQ(bad.result, 3);
  EXPECT_EQ(bad.generation, 3u);
  EXPECT_EQ(write(conn_, d, {write_int("a", 9)}, kGeneration, 0, 0, 3).generation, 4u);
  // Greater-than check is strict (the server's rule, not the client comments').
  EXPECT_EQ(write(conn_, d, {write_int("a", 9)}, kGenerationGt, 0, 0, 4).result, 3);
  EXPECT_EQ(write(conn_, d, {write_int("a", 9)}, kGenerationGt, 0, 0, 5).result, 0);
  // Reads do not move it; deletes answer generation 0.
  EXPECT_EQ(get(conn_, d).generation, 5u);
  DecodedMsg del = remove(conn_, d);
  EXPECT_EQ(del.result, 0);
  EXPECT_EQ(del.generation, 0u);
  EXPECT_EQ(get(conn_, d).result, 2);
  // Delete with a failing generation check keeps the record.
  write(conn_, d, {write_int("a", 1)});
  Msg m = keyed("test", "demo", d);
  m.info2 = 0x03 | kGeneration;
  m.generation = 7;
  EXPECT_EQ(call_msg(conn_, m)->result, 3);
  EXPECT_EQ(get(conn_, d).result, 0);
}

TEST_F(RecordTest, TtlAndExpirationFollowTheClock) {
  auto& clock = cluster_->clock();
  clock.freeze();
  const uint32_t t0 = clock.now();
  const Bytes d = digest_for(2);
  DecodedMsg r = write(conn_, d, {write_int("a", 1)}, 0, 0, 100);
  EXPECT_EQ(r.void_time, t0 + 100);
  EXPECT_EQ(cluster_->record_count("test"), 1u);
  clock.advance(seconds(100));
  EXPECT_EQ(get(conn_, d).result, 0);  // expires once the void time is strictly past
  EXPECT_EQ(get(conn_, d).void_time, t0 + 100);
  clock.advance(seconds(1));
  EXPECT_EQ(get(conn_, d).result, 2);
  EXPECT_EQ(cluster_->record_count("test"), 0u);
  // An expired record is a fresh create: generation 1 again.
  EXPECT_EQ(write(conn_, d, {write_int("a", 1)}).generation, 1u);

  // -1 never expires, -2 keeps the void time, touch resets it.
  const uint32_t t1 = clock.now();
  EXPECT_EQ(write(conn_, d, {write_int("a", 2)}, 0, 0, 50).void_time, t1 + 50);
  EXPECT_EQ(write(conn_, d, {write_int("a", 3)}, 0, 0, 0xFFFFFFFEu).void_time, t1 + 50);
  EXPECT_EQ(write(conn_, d, {write_int("a", 4)}, 0, 0, 0xFFFFFFFFu).void_time, 0u);
  DecodedMsg touched = write(conn_, d, {Op{11, 0, "", {}}}, 0, 0, 30);
  EXPECT_EQ(touched.result, 0);
  EXPECT_EQ(touched.void_time, t1 + 30);
  EXPECT_EQ(touched.generation, 5u);
  // TTL -2 on a new record means the namespace default (never, here).
  EXPECT_EQ(write(conn_, digest_for(3), {write_int("a", 1)}, 0, 0, 0xFFFFFFFEu).void_time, 0u);
  // More than ten years is a parameter error.
  EXPECT_EQ(write(conn_, d, {write_int("a", 1)}, 0, 0, 315360001).result, 4);
  // Touching a missing record.
  EXPECT_EQ(write(conn_, digest_for(4), {Op{11, 0, "", {}}}).result, 2);
}

TEST(RecordTtl, NamespaceDefaultTtlApplies) {
  ClusterOptions o;
  o.default_ttl = 500;
  auto cluster = start_cluster(o);
  cluster->clock().freeze();
  RawConnection c = connect_to(*cluster);
  DecodedMsg r = write(c, digest_for(1), {write_int("a", 1)});
  EXPECT_EQ(r.void_time, cluster->clock().now() + 500);
}

TEST_F(RecordTest, ExistsActions) {
  const Bytes d = digest_for(10);
  // update-only and replace-only need the record.
  EXPECT_EQ(write(conn_, d, {write_int("a", 1)}, 0, kUpdateOnly).result, 2);
  EXPECT_EQ(write(conn_, d, {write_int("a", 1)}, 0, kReplaceOnly).result, 2);
  // create-only creates once.
  EXPECT_EQ(write(conn_, d, {write_int("a", 1), write_int("b", 2)}, kCreateOnly).result, 0);
  DecodedMsg dup = write(conn_, d, {write_int("a", 1)}, kCreateOnly);
  EXPECT_EQ(dup.result, 5);
  EXPECT_EQ(dup.generation, 1u);
  // update-only merges bins.
  EXPECT_EQ(write(conn_, d, {write_int("c", 3)}, 0, kUpdateOnly).result, 0);
  EXPECT_EQ(get(conn_, d).ops.size(), 3u);
  // replace-only replaces every bin.
  EXPECT_EQ(write(conn_, d, {write_int("z", 26)}, 0, kReplaceOnly).result, 0);
  DecodedMsg after = get(conn_, d);
  ASSERT_EQ(after.ops.size(), 1u);
  EXPECT_EQ(int_bin(after, "z"), 26);
  // create-or-replace: replaces an existing record, creates a missing one.
  EXPECT_EQ(write(conn_, d, {write_int("y", 25)}, 0, kCreateOrReplace).result, 0);
  after = get(conn_, d);
  ASSERT_EQ(after.ops.size(), 1u);
  EXPECT_EQ(int_bin(after, "y"), 25);
  EXPECT_EQ(write(conn_, digest_for(11), {write_int("x", 1)}, 0, kCreateOrReplace).result, 0);
  // Replace cannot be combined with modify ops or bin deletes.
  EXPECT_EQ(write(conn_, d, {Op{5, 1, "y", int_value(1)}}, 0, kCreateOrReplace).result, 4);
  EXPECT_EQ(write(conn_, d, {Op{2, 0, "y", {}}}, 0, kReplaceOnly).result, 4);
}

TEST_F(RecordTest, SendKeyIsStoredAndChecked) {
  const Bytes d = digest_for(20);
  Msg m = keyed("test", "demo", d);
  m.info2 = 0x01;
  m.fields.push_back({2, Bytes("\x03") + "key20"});
  m.ops.push_back(write_int("a", 1));
  EXPECT_EQ(call_msg(conn_, m)->result, 0);
  auto stored = cluster_->record("test", reinterpret_cast<const uint8_t*>(d.data()));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->key, Bytes("\x03") + "key20");
  // Same key again: fine. A different key for the digest: 19, on writes, reads and deletes.
  EXPECT_EQ(call_msg(conn_, m)->result, 0);
  m.fields.back().data = Bytes("\x03") + "other";
  EXPECT_EQ(call_msg(conn_, m)->result, 19);
  Msg read = keyed("test", "demo", d);
  read.info1 = 0x03;
  read.fields.push_back({2, Bytes("\x03") + "other"});
  EXPECT_EQ(call_msg(conn_, read)->result, 19);
  Msg del = keyed("test", "demo", d);
  del.info2 = 0x03;
  del.fields.push_back({2, Bytes("\x03") + "other"});
  EXPECT_EQ(call_msg(conn_, del)->result, 19);
  // A malformed integer key (not 8 bytes) is refused like the server does.
  Msg bad = keyed("test", "demo", digest_for(21));
  bad.info2 = 0x01;
  bad.fields.push_back({2, Bytes("\x01\x00\x01", 3)});
  bad.ops.push_back(write_int("a", 1));
  EXPECT_EQ(call_msg(conn_, bad)->result, 16);
}

TEST_F(RecordTest, OperateAppliesOpsInOrder) {
  const Bytes d = digest_for(30);
  write(conn_, d, {write_int("n", 10), write_str("s", "mid"), Op{2, 2, "f", be64(0x3FF8000000000000ull)}});
  Msg m = keyed("test", "demo", d);
  m.info1 = 0x01;
  m.info2 = 0x01;
  m.ops = {Op{5, 1, "n", int_value(5)},  Op{1, 0, "n", {}},
           Op{9, 3, "s", "-end"},          Op{10, 3, "s", "start-"},
           Op{5, 2, "f", be64(0x3FF8000000000000ull)},  // 1.5 + 1.5
           Op{1, 0, "s", {}},              Op{1, 0, "f", {}},
           Op{5, 1, "fresh", int_value(-3)}, Op{1, 0, "fresh", {}}};
  auto r = call_msg(conn_, m);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result, 0);
  EXPECT_EQ(r->generation, 2u);
  ASSERT_EQ(r->ops.size(), 4u);  // only reads answer without respond-all-ops
  EXPECT_EQ(as_int(r->ops[0].value), 15);
  EXPECT_EQ(r->ops[1].value, "start-mid-end");
  EXPECT_EQ(to_hex(r->ops[2].value), "4008000000000000");  // 3.0
  EXPECT_EQ(as_int(r->ops[3].value), -3);

  // Type errors answer 12 and change nothing.
  m.ops = {Op{5, 1, "s", int_value(1)}};
  EXPECT_EQ(call_msg(conn_, m)->result, 12);
  m.ops = {Op{9, 3, "n", "x"}};
  EXPECT_EQ(call_msg(conn_, m)->result, 12);
  m.ops = {Op{9, 4, "s", "x"}};  // blob onto a string
  EXPECT_EQ(call_msg(conn_, m)->result, 12);
  EXPECT_EQ(get(conn_, d).generation, 2u);

  // respond-all-ops: one answer per op, writes answer an empty value.
  Msg all = keyed("test", "demo", d);
  all.info1 = 0x01;
  all.info2 = 0x01 | kRespondAllOps;
  all.ops = {write_int("w", 7), Op{1, 0, "w", {}}, Op{1, 0, "missing", {}}, Op{14, 0, "", {}}};
  r = call_msg(conn_, all);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->ops.size(), 4u);
  EXPECT_EQ(r->ops[0].type, 2);
  EXPECT_EQ(r->ops[0].particle, 0);
  EXPECT_EQ(as_int(r->ops[1].value), 7);
  EXPECT_EQ(r->ops[2].particle, 0);
  // The delete-all op removed every bin: the record is gone, the answer carries gen 0.
  EXPECT_EQ(r->generation, 0u);
  EXPECT_EQ(get(conn_, d).result, 2);
}

TEST_F(RecordTest, ReadAllInsideOperate) {
  const Bytes d = digest_for(31);
  write(conn_, d, {write_int("a", 1)});
  Msg m = keyed("test", "demo", d);
  m.info1 = 0x03;  // READ | GET_ALL with a read-all op
  m.info2 = 0x01;
  m.ops = {write_int("b", 2), Op{1, 0, "", {}}};
  auto r = call_msg(conn_, m);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result, 0);
  ASSERT_EQ(r->ops.size(), 2u);
  EXPECT_EQ(int_bin(*r, "a"), 1);
  EXPECT_EQ(int_bin(*r, "b"), 2);
  // GET_ALL without a read-all op, or read-all with respond-all-ops: 4.
  m.ops = {write_int("b", 3)};
  EXPECT_EQ(call_msg(conn_, m)->result, 4);
  m.info2 = 0x01 | kRespondAllOps;
  m.ops = {Op{1, 0, "", {}}};
  EXPECT_EQ(call_msg(conn_, m)->result, 4);
}

TEST_F(RecordTest, ListsMapsAndOtherValuesAreStoredAsGiven) {
  const Bytes d = digest_for(40);
  const Bytes list = from_hex("93" "01" "a3036162" "c3");          // [1, "ab", true]
  const Bytes map = from_hex("82" "a2036b" "01" "a2036c" "92" "02" "03");  // {"k":1,"l":[2,3]}
  const Bytes geo = Bytes("\x00\x00\x00", 3) + R"({"type":"Point","coordinates":[1,2]})";
  std::vector<Op> ops = {Op{2, 20, "list", list}, Op{2, 19, "map", map},
                         Op{2, 23, "geo", geo},   Op{2, 17, "bool", Bytes("\x01")},
                         Op{2, 4, "blob", Bytes("\x00\xff", 2)}};
  EXPECT_EQ(write(conn_, d, ops).result, 0);
  DecodedMsg r = get(conn_, d);
  ASSERT_EQ(r.ops.size(), ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    EXPECT_EQ(r.ops[i].name, ops[i].name);
    EXPECT_EQ(r.ops[i].particle, ops[i].particle);
    EXPECT_EQ(r.ops[i].value, ops[i].value);
  }
  // Malformed fixed-size values are refused.
  EXPECT_EQ(write(conn_, d, {Op{2, 1, "i", Bytes("\x01", 1)}}).result, 4);
  EXPECT_EQ(write(conn_, d, {Op{2, 99, "x", Bytes("\x01", 1)}}).result, 4);
}

TEST_F(RecordTest, DurableDeleteIsEnterpriseOnly) {
  const Bytes d = digest_for(50);
  write(conn_, d, {write_int("a", 1)});
  EXPECT_EQ(remove(conn_, d, kDurableDelete).result, 25);
  EXPECT_EQ(get(conn_, d).result, 0);
  // Deleting the last bin durably is a durable delete too.
  EXPECT_EQ(write(conn_, d, {Op{2, 0, "a", {}}}, kDurableDelete).result, 25);

  ClusterOptions o;
  o.enterprise = true;
  auto ee = start_cluster(o);
  RawConnection c = connect_to(*ee);
  write(c, d, {write_int("a", 1)});
  EXPECT_EQ(remove(c, d, kDurableDelete).result, 0);
  EXPECT_EQ(get(c, d).result, 2);
}

TEST_F(RecordTest, RequestChecks) {
  const Bytes d = digest_for(60);
  write(conn_, d, {write_int("a", 1)});
  // A different set for an existing record.
  EXPECT_EQ(write(conn_, d, {write_int("a", 2)}, 0, 0, 0, 0, "other").result, 4);
  EXPECT_EQ(get(conn_, d, "other").result, 4);
  EXPECT_EQ(get(conn_, d, "").result, 0);  // no set in the request is allowed
  // Bin names: 15 bytes fine, 16 refused.
  EXPECT_EQ(write(conn_, d, {write_int(std::string(15, 'b'), 1)}).result, 0);
  EXPECT_EQ(write(conn_, d, {write_int(std::string(16, 'b'), 1)}).result, 21);
  // A write without ops; deleting the only bin of a record that does not exist.
  EXPECT_EQ(write(conn_, d, {}).result, 4);
  EXPECT_EQ(write(conn_, digest_for(61), {Op{2, 0, "a", {}}}).result, 2);
  // Namespaces are independent.
  EXPECT_EQ(get(conn_, d, "demo", "bar").result, 2);
  // A list append without its value (CDT ops: test/server/cdt) is a parameter error.
  EXPECT_EQ(write(conn_, d, {Op{4, 20, "l", from_hex("9101")}}).result, 4);
  // Filter expressions (field 43): true matches, false answers 27, a non-boolean filter 4.
  Msg filtered = keyed("test", "demo", d);
  filtered.info1 = 0x03;
  filtered.fields.push_back({43, from_hex("c3")});
  EXPECT_EQ(call_msg(conn_, filtered)->result, 0);
  filtered.fields.back().data = from_hex("c2");
  EXPECT_EQ(call_msg(conn_, filtered)->result, 27);
  filtered.fields.back().data = from_hex("01");
  EXPECT_EQ(call_msg(conn_, filtered)->result, 4);
}

TEST(NotOwnerPolicy, UnavailableAnswersElevenAtNonOwners) {
  ClusterOptions o;
  o.nodes = 3;
  o.replication_factor = 2;
  auto cluster = start_cluster(o);
  std::vector<RawConnection> conns;
  for (size_t i = 0; i < 3; ++i) conns.push_back(connect_to(*cluster, i));
  const Bytes d = digest_in_partition(77, 1);
  const auto owners = cluster->replicas("test", 77);
  ASSERT_EQ(owners.size(), 2u);
  const size_t master = size_t(owners[0]), prole = size_t(owners[1]);
  const size_t other = 3 - master - prole;

  // Default: every node answers (the real server proxies).
  EXPECT_EQ(write(conns[other], d, {write_int("a", 1)}).result, 0);
  EXPECT_EQ(get(conns[prole], d).result, 0);
  EXPECT_GE(cluster->node(other).stats().not_master_requests, 1u);

  cluster->set_not_owner_policy(NotOwnerPolicy::kUnavailable);
  EXPECT_EQ(write(conns[other], d, {write_int("a", 2)}).result, 11);
  EXPECT_EQ(write(conns[prole], d, {write_int("a", 2)}).result, 11);
  EXPECT_EQ(write(conns[master], d, {write_int("a", 2)}).result, 0);
  EXPECT_EQ(get(conns[prole], d).result, 0);  // a replica may serve reads
  EXPECT_EQ(get(conns[other], d).result, 11);
}

}  // namespace
