// Unit tests of the HyperLogLog operations. Ground truth where the captures have it (an HLL a
// real 8.1.2 server built); otherwise the rules of aerospike-server particle_hll.c.
#include "test/server/cdt/hll_ops.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "test/server/cdt/tests/pack.h"

namespace {
using namespace aero::testserver;
using bittest::int_of;
using bittest::P;

struct Mod {
  uint8_t rc;
  bool changed;
  std::string hll;
  hll::Result res;
};

Mod modify(const P& a, const std::string& bin = "", bool exists = false, uint8_t type = 18) {
  Mod m;
  m.rc = hll::modify(exists, type, bin, a.data(), a.size(), &m.hll, &m.changed, &m.res);
  return m;
}

hll::Result read(const P& a, const std::string& bin, uint8_t want_rc = 0, uint8_t type = 18) {
  hll::Result r;
  EXPECT_EQ(hll::read(type, bin, a.data(), a.size(), &r), want_rc);
  return r;
}

// An HLL holding the strings prefix0 .. prefix<n-1>.
std::string filled(int index_bits, int minhash_bits, const std::string& prefix, int n) {
  P add;
  add.arr(5).i(hll::kAdd).arr(uint32_t(n));
  for (int k = 0; k < n; ++k) add.str(prefix + std::to_string(k));
  add.i(index_bits).i(minhash_bits).i(0);
  Mod m = modify(add);
  EXPECT_EQ(m.rc, 0);
  return m.hll;
}

uint64_t count(const std::string& h) { return uint64_t(int_of(read(P().arr(1).i(hll::kCount), h).value)); }

double as_double(const std::string& v) {
  uint64_t u = uint64_t(int_of(v));
  double d;
  std::memcpy(&d, &u, 8);
  return d;
}

TEST(Hll, CapturedSequenceGivesTheServersBytes) {
  // hll.json.gz vector 8: add three strings at 8 index bits, add one more, fold to 6, refresh.
  Mod a = modify(P().arr(5).i(hll::kAdd).arr(3).str("key1").str("key2").str("key3").i(8).i(-1).i(0));
  ASSERT_EQ(a.rc, 0);
  EXPECT_EQ(int_of(a.res.value), 3);
  Mod b = modify(P().arr(5).i(hll::kAdd).arr(1).str("another val").i(-1).i(-1).i(0), a.hll, true);
  ASSERT_EQ(b.rc, 0);
  EXPECT_EQ(int_of(b.res.value), 1);
  Mod c = modify(P().arr(2).i(hll::kFold).i(6), b.hll, true);
  ASSERT_EQ(c.rc, 0);
  EXPECT_EQ(c.res.particle, 0);
  Mod d = modify(P().arr(1).i(hll::kRefreshCount), c.hll, true);
  ASSERT_EQ(d.rc, 0);
  EXPECT_EQ(int_of(d.res.value), 4);
  EXPECT_EQ(bittest::hex(d.hll),
            "0006000400000000000000001000000000000000000000000000000000000000000000000000000000"
            "000000001000000008000000000000040000");
}

TEST(Hll, InitParametersAndFlags) {
  Mod m = modify(P().arr(4).i(hll::kInit).i(10).i(0).i(0));
  ASSERT_EQ(m.rc, 0);
  EXPECT_EQ(m.hll.size(), 11u + 6 * 1024 / 8);
  EXPECT_EQ(m.res.particle, 0);
  m = modify(P().arr(4).i(hll::kInit).i(10).i(20).i(0));
  ASSERT_EQ(m.rc, 0);
  EXPECT_EQ(m.hll.size(), 11u + 26 * 1024 / 8);
  EXPECT_EQ(modify(P().arr(2).i(hll::kInit).i(3)).rc, 4);
  EXPECT_EQ(modify(P().arr(2).i(hll::kInit).i(17)).rc, 4);
  EXPECT_EQ(modify(P().arr(3).i(hll::kInit).i(8).i(3)).rc, 4);
  EXPECT_EQ(modify(P().arr(3).i(hll::kInit).i(8).i(52)).rc, 4);
  EXPECT_EQ(modify(P().arr(3).i(hll::kInit).i(16).i(49)).rc, 4);  // 65 bits in all
  EXPECT_EQ(modify(P().arr(1).i(hll::kInit)).rc, 26);             // nothing to size a new bin
  EXPECT_EQ(modify(P().arr(3).i(hll::kInit).i(-1).i(4)).rc, 26);
  // Flags.
  const std::string h = filled(8, 0, "a", 50);
  EXPECT_EQ(modify(P().arr(4).i(hll::kInit).i(8).i(0).i(hll::kCreateOnly), h, true).rc, 6);
  Mod nf = modify(P().arr(4).i(hll::kInit).i(8).i(0).i(hll::kCreateOnly | hll::kNoFail), h, true);
  EXPECT_EQ(nf.rc, 0);
  EXPECT_FALSE(nf.changed);
  EXPECT_EQ(modify(P().arr(4).i(hll::kInit).i(8).i(0).i(hll::kUpdateOnly)).rc, 17);
  EXPECT_EQ(modify(P().arr(4).i(hll::kInit).i(8).i(0).i(hll::kUpdateOnly | hll::kNoFail)).rc, 0);
  EXPECT_EQ(modify(P().arr(4).i(hll::kInit).i(8).i(0).i(hll::kCreateOnly | hll::kUpdateOnly)).rc, 4);
  EXPECT_EQ(modify(P().arr(4).i(hll::kInit).i(8).i(0).i(hll::kAllowFold)).rc, 4);
  // Re-init keeps the parameters it is not given and clears the registers.
  Mod re = modify(P().arr(1).i(hll::kInit), h, true);
  ASSERT_EQ(re.rc, 0);
  EXPECT_EQ(re.hll, std::string(hll::required_size(8, 0), '\0').replace(1, 1, 1, '\x08'));
  EXPECT_EQ(count(re.hll), 0u);
}

TEST(Hll, AddCountsAndEstimates) {
  const std::string h = filled(14, 0, "e", 1000);
  const uint64_t c = count(h);
  EXPECT_GT(c, 950u);
  EXPECT_LT(c, 1050u);
  // Adding the same elements again changes no register.
  P again;
  again.arr(2).i(hll::kAdd).arr(3).str("e1").str("e2").str("e3");
  Mod m = modify(again, h, true);
  ASSERT_EQ(m.rc, 0);
  EXPECT_EQ(int_of(m.res.value), 0);
  EXPECT_EQ(m.hll, h);
  // Elements may be any scalar, not lists or maps.
  EXPECT_EQ(modify(P().arr(3).i(hll::kAdd).arr(2).i(5).b(true).i(8)).rc, 0);
  EXPECT_EQ(modify(P().arr(3).i(hll::kAdd).arr(1).arr(0).i(8)).rc, 4);
  EXPECT_EQ(modify(P().arr(3).i(hll::kAdd).arr(0).i(8)).rc, 4);
  EXPECT_EQ(modify(P().arr(2).i(hll::kAdd).arr(1).i(1)).rc, 26);  // new bin without index bits
  EXPECT_EQ(modify(P().arr(5).i(hll::kAdd).arr(1).i(1).i(8).i(0).i(hll::kUpdateOnly)).rc, 4);
  EXPECT_EQ(count(std::string(hll::required_size(4, 0), '\0').replace(1, 1, 1, '\x04')), 0u);
}

TEST(Hll, RefreshFoldAndTheirErrors) {
  EXPECT_EQ(modify(P().arr(1).i(hll::kRefreshCount)).rc, 17);
  EXPECT_EQ(modify(P().arr(2).i(hll::kFold).i(4)).rc, 17);
  const std::string mh = filled(8, 4, "f", 10);
  EXPECT_EQ(modify(P().arr(2).i(hll::kFold).i(4), mh, true).rc, 26);  // has minhash bits
  const std::string h = filled(8, 0, "f", 200);
  EXPECT_EQ(modify(P().arr(2).i(hll::kFold).i(9), h, true).rc, 26);  // more bits than the bin
  EXPECT_EQ(modify(P().arr(2).i(hll::kFold).i(3), h, true).rc, 4);   // out of range
  EXPECT_EQ(modify(P().arr(2).i(hll::kFold).i(12), h, true).rc, 26);
  Mod f = modify(P().arr(2).i(hll::kFold).i(4), h, true);
  ASSERT_EQ(f.rc, 0);
  EXPECT_EQ(f.hll.size(), hll::required_size(4, 0));
  Mod same = modify(P().arr(2).i(hll::kFold).i(8), h, true);
  ASSERT_EQ(same.rc, 0);
  EXPECT_EQ(same.hll, h);
  // The refreshed count is cached in the bin (little-endian) and answered.
  Mod r = modify(P().arr(1).i(hll::kRefreshCount), h, true);
  ASSERT_EQ(r.rc, 0);
  const uint64_t c = uint64_t(int_of(r.res.value));
  EXPECT_EQ(c, count(h));
  uint64_t cached = 0;
  for (int k = 7; k >= 0; --k) cached = (cached << 8) | uint8_t(r.hll[3 + size_t(k)]);
  EXPECT_EQ(cached, c);
  EXPECT_EQ(modify(P().arr(2).i(hll::kRefreshCount).i(1), h, true).rc, 4);
}

TEST(Hll, UnionSetAndReads) {
  const std::string a = filled(10, 0, "x", 300);
  const std::string b = filled(10, 0, "y", 300);
  const std::string small = filled(8, 0, "y", 300);
  P u;
  u.arr(2).i(hll::kUnion).arr(1).blob(b);  // the server ignores the payload's type byte
  Mod m = modify(u, a, true);
  ASSERT_EQ(m.rc, 0);
  const uint64_t uc = count(m.hll);
  EXPECT_GT(uc, 550u);
  EXPECT_LT(uc, 650u);
  // Union count and get union read the same thing without writing.
  P uc_args;
  uc_args.arr(2).i(hll::kUnionCount).arr(1).blob(b);
  EXPECT_EQ(uint64_t(int_of(read(uc_args, a).value)), uc);
  P gu;
  gu.arr(2).i(hll::kGetUnion).arr(1).blob(b);
  hll::Result r = read(gu, a);
  EXPECT_EQ(r.particle, 18);
  EXPECT_EQ(r.value, m.hll);
  // A union with fewer index bits than the bin needs allow-fold.
  P fold_union;
  fold_union.arr(2).i(hll::kUnion).arr(1).blob(small);
  EXPECT_EQ(modify(fold_union, a, true).rc, 26);
  P allow;
  allow.arr(3).i(hll::kUnion).arr(1).blob(small).i(hll::kAllowFold);
  Mod folded = modify(allow, a, true);
  ASSERT_EQ(folded.rc, 0);
  EXPECT_EQ(folded.hll.size(), hll::required_size(8, 0));
  // A union into a missing bin takes the arguments' parameters.
  Mod created = modify(u);
  ASSERT_EQ(created.rc, 0);
  EXPECT_EQ(created.hll.substr(0, 3), b.substr(0, 3));
  // Malformed HLL arguments.
  P bad;
  bad.arr(2).i(hll::kUnion).arr(1).blob(b.substr(0, b.size() - 1));
  EXPECT_EQ(modify(bad, a, true).rc, 4);
  std::string flagged = b;
  flagged[0] = 1;
  P bad2;
  bad2.arr(2).i(hll::kUnion).arr(1).blob(flagged);
  EXPECT_EQ(modify(bad2, a, true).rc, 4);
}

TEST(Hll, IntersectAndSimilarity) {
  const std::string a = filled(12, 0, "s", 1000);
  std::string b = a;
  {
    P more;
    more.arr(2).i(hll::kAdd).arr(1).str("only-in-b");
    b = modify(more, a, true).hll;
  }
  P sim;
  sim.arr(2).i(hll::kSimilarity).arr(1).blob(a);
  hll::Result same = read(sim, a);
  EXPECT_EQ(same.particle, 2);
  EXPECT_EQ(as_double(same.value), 1.0);
  P ic;
  ic.arr(2).i(hll::kIntersectCount).arr(1).blob(a);
  EXPECT_EQ(uint64_t(int_of(read(ic, a).value)), count(a));
  const std::string c = filled(12, 0, "t", 1000);
  P sim2;
  sim2.arr(2).i(hll::kSimilarity).arr(1).blob(c);
  EXPECT_LT(as_double(read(sim2, a).value), 0.1);
  // With minhash bits (HyperMinHash).
  const std::string ma = filled(10, 16, "m", 500);
  P msim;
  msim.arr(2).i(hll::kSimilarity).arr(1).blob(ma);
  EXPECT_NEAR(as_double(read(msim, ma).value), 1.0, 0.01);
  // More than two HLLs need the same non-zero minhash bits, here and in the bin.
  P three;
  three.arr(2).i(hll::kIntersectCount).arr(3).blob(a).blob(a).blob(a);
  read(three, a, 4);
  P three_m;
  three_m.arr(2).i(hll::kIntersectCount).arr(3).blob(ma).blob(ma).blob(ma);
  read(three_m, a, 26);  // the bin has no minhash bits
  EXPECT_GT(int_of(read(three_m, ma).value), 400);
}

TEST(Hll, DescribeWrongTypeAndBadStoredBytes) {
  const std::string h = filled(9, 5, "d", 3);
  hll::Result d = read(P().arr(1).i(hll::kDescribe), h);
  EXPECT_EQ(d.particle, 20);
  EXPECT_EQ(bittest::hex(d.value), "920905");
  read(P().arr(1).i(hll::kCount), "abc", 12, 3);
  EXPECT_EQ(modify(P().arr(1).i(hll::kRefreshCount), "abc", true, 4).rc, 12);
  std::string broken = h.substr(0, h.size() - 1);
  read(P().arr(1).i(hll::kCount), broken, 1);
  read(P().arr(1).i(hll::kInit), h, 4);          // a modify op on the read path
  read(P().arr(1).i(56), h, 4);                  // may-contain is not a server op here
  read(P().arr(2).i(hll::kCount).i(1), h, 4);    // too many args
  EXPECT_EQ(modify(P().arr(1).i(hll::kCount), h, true).rc, 4);  // a read op on the modify path
}

}  // namespace
