// The test server's msgpack model: round trips, order headers, non-storage values, the
// server's comparison order and CDT op parsing.
#include "test/server/cdt/msgpack_value.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

using namespace aero::testserver::mp;

std::string hex(const std::string& s) {
  static const char* d = "0123456789abcdef";
  std::string o;
  for (unsigned char c : s) {
    o.push_back(d[c >> 4]);
    o.push_back(d[c & 15]);
  }
  return o;
}

std::string unhex(const std::string& h) {
  std::string o;
  for (size_t k = 0; k + 1 < h.size(); k += 2) o.push_back(char(std::stoi(h.substr(k, 2), nullptr, 16)));
  return o;
}

Value dec(const std::string& h) {
  Value v;
  EXPECT_TRUE(decode_all(unhex(h), &v)) << h;
  return v;
}

TEST(MsgpackValue, RoundTripsMinimalEncodings) {
  for (const char* h : {"00", "7f", "cc80", "cd0376", "ce00010000", "cf8000000000000000", "ff",
                        "e0", "d0df", "d1ff7f", "d2ffff7fff", "d38000000000000000", "c0", "c2",
                        "c3", "a403616263", "c40304ab01", "cb3ff0000000000000", "ca3f800000",
                        "93010203", "82a2036101a2036202", "d4ff01", "d4ff00", "d7010000000000000000"}) {
    EXPECT_EQ(hex(encode(dec(h))), h);
  }
}

TEST(MsgpackValue, OrderHeadersBecomeFlags) {
  Value l = dec("93c700010102");
  ASSERT_TRUE(l.is_list());
  EXPECT_TRUE(l.has_header);
  EXPECT_EQ(l.flags, 1);
  EXPECT_EQ(l.items.size(), 2u);
  EXPECT_EQ(hex(encode(l)), "93c700010102");
  Value m = dec("82c70001c0a2036101");
  ASSERT_TRUE(m.is_map());
  EXPECT_TRUE(m.has_header);
  EXPECT_EQ(m.flags, 1);
  ASSERT_EQ(m.entries.size(), 1u);
  EXPECT_EQ(hex(encode(m)), "82c70001c0a2036101");
}

TEST(MsgpackValue, RejectsMalformedInput) {
  Value v;
  for (const char* h : {"", "c1", "cd01", "a5036162", "9201", "dc0001", "c7020001", "8101"}) {
    EXPECT_FALSE(decode_all(unhex(h), &v)) << h;
  }
  // Deep nesting is refused rather than overflowing the stack.
  std::string deep(100000, char(0x91));
  deep.push_back(0);
  EXPECT_FALSE(decode_all(deep, &v));
}

TEST(MsgpackValue, ServerOrder) {
  // nil < false < true < -1 < 0 < "a" < [] < {} < blob < 1.0 < ext < infinity
  const char* ordered[] = {"c0", "c2", "c3", "d080", "ff", "00", "7f", "cf8000000000000000",
                           "a20361", "a3036161", "a20362", "90", "9100", "9101", "920100",
                           "80", "81000a", "820001 0203", "c40104", "c40204ff", "cbbff0000000000000",
                           "ca3f800000", "d7010000000000000000", "d4ff01"};
  std::vector<Value> vs;
  for (const char* h : ordered) {
    std::string s(h);
    s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
    vs.push_back(dec(s));
  }
  for (size_t a = 0; a < vs.size(); ++a) {
    for (size_t b = 0; b < vs.size(); ++b) {
      const int want = a < b ? -1 : (a > b ? 1 : 0);
      EXPECT_EQ(compare(vs[a], vs[b]), want) << ordered[a] << " vs " << ordered[b];
    }
  }
  // Empty str/bin compare as bytes; ordered-list headers are not compared.
  EXPECT_GT(compare(dec("a0"), dec("a20361")), 0);
  EXPECT_EQ(compare(dec("92c7000101"), dec("9101")), 0);
  // A wildcard anywhere makes the values equal.
  EXPECT_EQ(compare(dec("92d4ff0005"), dec("930107ff")), 0);
  EXPECT_EQ(compare(dec("d4ff00"), dec("c0")), 0);
}

TEST(MsgpackValue, ParsesOpsWithAndWithoutContext) {
  Op op;
  const std::string plain = unhex("930353cd0376");
  ASSERT_TRUE(parse_op(reinterpret_cast<const uint8_t*>(plain.data()), plain.size(), &op));
  EXPECT_EQ(op.code, 3);
  ASSERT_EQ(op.args.size(), 2u);
  EXPECT_EQ(op.args[1].as_int(), 886);
  EXPECT_TRUE(op.ctx.empty());
  const std::string with = unhex("93ccff94cca20050ccc79201ccc2");
  ASSERT_TRUE(parse_op(reinterpret_cast<const uint8_t*>(with.data()), with.size(), &op));
  EXPECT_EQ(op.code, 1);
  ASSERT_EQ(op.ctx.size(), 2u);
  EXPECT_EQ(op.ctx[0].type, 0xa2u);
  EXPECT_EQ(op.ctx[1].type, 0x50u);
  EXPECT_EQ(op.ctx[1].value.as_int(), 0xc7);
  ASSERT_EQ(op.args.size(), 1u);
  EXPECT_EQ(op.args[0].as_int(), 0xc2);
  const std::string bad = unhex("93ccff9100920101");
  EXPECT_FALSE(parse_op(reinterpret_cast<const uint8_t*>(bad.data()), bad.size(), &op));
}

}  // namespace
