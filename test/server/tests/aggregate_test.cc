// Stream aggregations (queries/scans with UDF_OP 1) against a 3-node test cluster through
// real sockets: every node answers the SERVER phase of the stream function for the records it
// masters, one SUCCESS value per record, so the values of all nodes together equal the same
// computation done here; a module or function that does not exist, and a Lua error, end the
// stream with LAST 100. (The byte-exact answers are checked by query_replay_test against
// the 8.1.2 captures.)
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "test/server/tests/test_util.h"

namespace {

using namespace testclient;
using aero::testserver::ClusterOptions;

constexpr const char* kModule = R"lua(
local function add(a, b) return a + b end
function sum_bin(s, bin)
  return s : map(function(r) return r[bin] end) : reduce(add)
end
function count_by(s)
  local function acc(m, r)
    m[r.g] = (m[r.g] or 0) + 1
    return m
  end
  return s : aggregate(map(), acc) : reduce(function(a, b) return map.merge(a, b, add) end)
end
function only_odd(s)
  return s : filter(function(r) return r.v % 2 == 1 end) : map(function(r) return r.v end)
end
function boom(s)
  return s : map(function(r) error("boom at " .. r.v) end)
end
)lua";

std::string b64(const std::string& s) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    const unsigned v = (unsigned(uint8_t(s[i])) << 16) | (unsigned(uint8_t(s[i + 1])) << 8) |
                       uint8_t(s[i + 2]);
    out += {a[v >> 18], a[(v >> 12) & 63], a[(v >> 6) & 63], a[v & 63]};
  }
  if (i + 1 == s.size()) {
    const unsigned v = unsigned(uint8_t(s[i])) << 16;
    out += {a[v >> 18], a[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == s.size()) {
    const unsigned v = (unsigned(uint8_t(s[i])) << 16) | (unsigned(uint8_t(s[i + 1])) << 8);
    out += {a[v >> 18], a[(v >> 12) & 63], a[(v >> 6) & 63], '='};
  }
  return out;
}

struct Answer {
  std::vector<DecodedOp> values;  // the SUCCESS bins, in order
  int last_result = -1;
  bool ok = true;
};

// Sends an aggregation over set "demo" to one node and reads its stream up to LAST.
Answer aggregate(RawConnection& c, const std::string& module, const std::string& function,
                 const Bytes& args, uint64_t task) {
  Msg m;
  m.info1 = 0x01;
  m.info3 = 0x04;
  m.record_ttl = 0xFFFFFFFF;
  m.fields = {{0, "test"}, {1, "demo"}, {7, be64(task)}, {33, Bytes(1, '\x01')},
              {30, module},  {31, function}, {32, args}};
  Answer a;
  if (!c.send(message_frame(m))) {
    a.ok = false;
    return a;
  }
  for (int i = 0; i < 100000 && a.last_result < 0; ++i) {
    Frame f;
    if (c.read_frame(&f) != ReadStatus::kOk) {
      a.ok = false;
      return a;
    }
    auto msgs = decode_messages(f.body);
    if (!msgs) {
      a.ok = false;
      return a;
    }
    for (const DecodedMsg& d : *msgs) {
      if (d.info3 & 0x01) {
        a.last_result = d.result;
        continue;
      }
      EXPECT_EQ(d.result, 0);
      EXPECT_EQ(d.ops.size(), 1u);
      if (!d.ops.empty()) {
        EXPECT_EQ(d.ops[0].name, "SUCCESS");
        a.values.push_back(d.ops[0]);
      }
    }
  }
  return a;
}

class AggregateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ClusterOptions o;
    o.nodes = 3;
    o.replication_factor = 2;
    cluster_ = start_cluster(o);
    for (size_t i = 0; i < 3; ++i) conns_.push_back(connect_to(*cluster_, i));
    auto put = call_info(conns_[0], {"udf-put:filename=aggr.lua;content=" + b64(kModule) +
                                     ";content-len=" + std::to_string(b64(kModule).size()) +
                                     ";udf-type=LUA;"});
    ASSERT_TRUE(put);
    for (int i = 0; i < kRecords; ++i) {
      const std::string g(1, char('a' + i % 3));
      const DecodedMsg w = write(conns_[size_t(i) % 3], digest_for(uint64_t(i) + 1),
                                 {write_int("v", i), write_str("g", g)});
      ASSERT_EQ(w.result, 0);
      sum_ += i;
      ++groups_[g];
    }
  }

  static constexpr int kRecords = 200;
  std::unique_ptr<aero::testserver::Cluster> cluster_;
  std::vector<RawConnection> conns_;
  int64_t sum_ = 0;
  std::map<std::string, int> groups_;
};

TEST_F(AggregateTest, SumOverAllNodesEqualsTheClientSum) {
  int64_t total = 0;
  size_t values = 0;
  for (size_t n = 0; n < 3; ++n) {
    const Answer a = aggregate(conns_[n], "aggr", "sum_bin", "\x91\xa2\x03v", 100 + n);
    ASSERT_TRUE(a.ok);
    EXPECT_EQ(a.last_result, 0);
    for (const DecodedOp& v : a.values) {
      ASSERT_EQ(v.particle, 1);  // integer
      total += as_int(v.value);
    }
    values += a.values.size();
  }
  EXPECT_EQ(values, size_t(kRecords));  // one value per record, each record on its master
  EXPECT_EQ(total, sum_);
}

TEST_F(AggregateTest, CountByGroupMapsMergeToTheClientCounts) {
  std::map<std::string, int> counts;
  for (size_t n = 0; n < 3; ++n) {
    const Answer a = aggregate(conns_[n], "aggr", "count_by", "\x90", 200 + n);
    ASSERT_TRUE(a.ok);
    EXPECT_EQ(a.last_result, 0);
    for (const DecodedOp& v : a.values) {
      ASSERT_EQ(v.particle, 0x13);  // map {g: 1}: fixmap 1, fixstr with the string type byte
      ASSERT_EQ(v.value.size(), 5u);
      EXPECT_EQ(v.value.substr(0, 3), "\x81\xa2\x03");
      EXPECT_EQ(v.value[4], '\x01');
      ++counts[v.value.substr(3, 1)];
    }
  }
  EXPECT_EQ(counts, groups_);
}

TEST_F(AggregateTest, FilterDropsRecords) {
  size_t values = 0;
  for (size_t n = 0; n < 3; ++n) {
    const Answer a = aggregate(conns_[n], "aggr", "only_odd", "", 300 + n);
    ASSERT_TRUE(a.ok);
    EXPECT_EQ(a.last_result, 0);
    for (const DecodedOp& v : a.values) EXPECT_EQ(as_int(v.value) % 2, 1);
    values += a.values.size();
  }
  EXPECT_EQ(values, size_t(kRecords / 2));
}

TEST_F(AggregateTest, BadModuleFunctionOrLuaErrorEndsWithUdfError) {
  for (const auto& [module, function] :
       std::vector<std::pair<std::string, std::string>>{
           {"no_such_module", "sum_bin"}, {"aggr", "no_such_function"}, {"aggr", "boom"}}) {
    SCOPED_TRACE(module + "." + function);
    const Answer a = aggregate(conns_[0], module, function, "", 400);
    ASSERT_TRUE(a.ok);
    EXPECT_EQ(a.last_result, 100);
    EXPECT_TRUE(a.values.empty());
  }
  // Malformed: no function name.
  Msg m;
  m.info1 = 0x01;
  m.info3 = 0x04;
  m.fields = {{0, "test"}, {1, "demo"}, {33, Bytes(1, '\x01')}, {30, "aggr"}};
  auto r = call_msg(conns_[0], m);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result, 4);
  // The node keeps serving.
  const Answer a = aggregate(conns_[0], "aggr", "sum_bin", "\x91\xa2\x03v", 401);
  EXPECT_EQ(a.last_result, 0);
  EXPECT_FALSE(a.values.empty());
}

}  // namespace
