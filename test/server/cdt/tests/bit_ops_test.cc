// Unit tests of the bit operations on blobs. Expected values follow aerospike-server
// as/src/base/particle_blob.c (the captures cover the plain cases of every op; these cover
// the flags, limits and error codes).
#include "test/server/cdt/bit_ops.h"

#include <gtest/gtest.h>

#include "test/server/cdt/tests/pack.h"

namespace {
using namespace aero::testserver;
using bittest::bytes;
using bittest::int_of;
using bittest::P;

const std::string kBlob = bytes({0x01, 0x42, 0x03, 0x04, 0x05});

struct Mod {
  uint8_t rc;
  bool changed;
  std::string blob;
};

Mod modify(const P& a, const std::string& blob = kBlob, bool exists = true, uint8_t type = 4) {
  Mod m;
  m.rc = bits::modify(exists, type, blob, a.data(), a.size(), &m.blob, &m.changed);
  return m;
}

uint8_t read(const P& a, bits::Result* r, const std::string& blob = kBlob, uint8_t type = 4) {
  return bits::read(type, blob, a.data(), a.size(), r);
}

int64_t read_int(const P& a, const std::string& blob = kBlob) {
  bits::Result r;
  EXPECT_EQ(read(a, &r, blob), 0);
  EXPECT_EQ(r.particle, 1);
  return int_of(r.value);
}

void expect_blob(const Mod& m, const std::string& want) {
  EXPECT_EQ(m.rc, 0);
  EXPECT_TRUE(m.changed);
  EXPECT_EQ(m.blob, want);
}
void expect_unchanged(const Mod& m) {
  EXPECT_EQ(m.rc, 0);
  EXPECT_FALSE(m.changed);
}

TEST(BitResize, GrowShrinkAndFromFront) {
  expect_blob(modify(P().arr(2).i(bits::kResize).i(7)), kBlob + bytes({0, 0}));
  expect_blob(modify(P().arr(4).i(bits::kResize).i(7).i(0).i(bits::kFromFront)),
              bytes({0, 0}) + kBlob);
  expect_blob(modify(P().arr(2).i(bits::kResize).i(2)), bytes({0x01, 0x42}));
  expect_blob(modify(P().arr(4).i(bits::kResize).i(2).i(0).i(bits::kFromFront)),
              bytes({0x04, 0x05}));
  expect_unchanged(modify(P().arr(2).i(bits::kResize).i(5)));  // already that size
}

TEST(BitResize, GrowOnlyShrinkOnlyAndNoFail) {
  EXPECT_EQ(modify(P().arr(4).i(bits::kResize).i(2).i(0).i(bits::kGrowOnly)).rc, 4);
  expect_unchanged(modify(P().arr(4).i(bits::kResize).i(2).i(bits::kNoFail).i(bits::kGrowOnly)));
  EXPECT_EQ(modify(P().arr(4).i(bits::kResize).i(9).i(0).i(bits::kShrinkOnly)).rc, 4);
  expect_unchanged(
      modify(P().arr(4).i(bits::kResize).i(9).i(bits::kNoFail).i(bits::kShrinkOnly)));
  expect_blob(modify(P().arr(4).i(bits::kResize).i(9).i(0).i(bits::kGrowOnly)),
              kBlob + std::string(4, '\0'));
  // Both at once, or an unknown resize flag: parameter error.
  EXPECT_EQ(modify(P().arr(4).i(bits::kResize).i(9).i(0).i(6)).rc, 4);
  EXPECT_EQ(modify(P().arr(4).i(bits::kResize).i(9).i(0).i(8)).rc, 4);
}

TEST(BitResize, CreatesMissingBinAndWriteFlags) {
  expect_blob(modify(P().arr(2).i(bits::kResize).i(3), "", false), std::string(3, '\0'));
  expect_unchanged(modify(P().arr(2).i(bits::kResize).i(0), "", false));  // nothing to create
  EXPECT_EQ(modify(P().arr(3).i(bits::kResize).i(3).i(bits::kCreateOnly)).rc, 6);
  expect_unchanged(
      modify(P().arr(3).i(bits::kResize).i(3).i(bits::kCreateOnly | bits::kNoFail)));
  EXPECT_EQ(modify(P().arr(3).i(bits::kResize).i(3).i(bits::kUpdateOnly), "", false).rc, 17);
  expect_unchanged(
      modify(P().arr(3).i(bits::kResize).i(3).i(bits::kUpdateOnly | bits::kNoFail), "", false));
  EXPECT_EQ(modify(P().arr(3).i(bits::kResize).i(3).i(bits::kCreateOnly | bits::kUpdateOnly)).rc,
            4);
  EXPECT_EQ(modify(P().arr(3).i(bits::kResize).i(3).i(bits::kPartial)).rc, 4);  // not allowed
  expect_blob(modify(P().arr(3).i(bits::kResize).i(3).i(bits::kCreateOnly), "", false),
              std::string(3, '\0'));
}

TEST(BitResize, Limits) {
  EXPECT_EQ(modify(P().arr(2).i(bits::kResize).i(128 * 1024 * 1024 + 1)).rc, 4);
  EXPECT_EQ(modify(P().arr(2).i(bits::kResize).i(128 * 1024 * 1024)).rc, 4);  // >= max size
  EXPECT_EQ(modify(P().arr(2).i(bits::kResize).i(-1)).rc, 4);
}

TEST(BitInsert, InsideBeyondAndNegative) {
  expect_blob(modify(P().arr(3).i(bits::kInsert).i(1).blob({0xFF, 0xEE})),
              bytes({0x01, 0xFF, 0xEE, 0x42, 0x03, 0x04, 0x05}));
  expect_blob(modify(P().arr(3).i(bits::kInsert).i(7).blob({0xFF})),
              kBlob + bytes({0, 0, 0xFF}));
  expect_blob(modify(P().arr(3).i(bits::kInsert).i(-1).blob({0xFF})),
              bytes({0x01, 0x42, 0x03, 0x04, 0xFF, 0x05}));
  EXPECT_EQ(modify(P().arr(3).i(bits::kInsert).i(-6).blob({0xFF})).rc, 4);
  // A missing bin is created, zero-filled up to the offset; negative offsets need a bin.
  expect_blob(modify(P().arr(3).i(bits::kInsert).i(2).blob({0xFF}), "", false),
              bytes({0, 0, 0xFF}));
  EXPECT_EQ(modify(P().arr(3).i(bits::kInsert).i(-1).blob({0xFF}), "", false).rc, 4);
  // A payload of only the type byte is refused.
  EXPECT_EQ(modify(P().arr(3).i(bits::kInsert).i(0).blob("")).rc, 4);
}

TEST(BitRemove, RangeAndPartialAndNoFail) {
  expect_blob(modify(P().arr(3).i(bits::kRemove).i(1).i(2)), bytes({0x01, 0x04, 0x05}));
  EXPECT_EQ(modify(P().arr(3).i(bits::kRemove).i(4).i(2)).rc, 4);
  expect_blob(modify(P().arr(4).i(bits::kRemove).i(4).i(2).i(bits::kPartial)),
              bytes({0x01, 0x42, 0x03, 0x04}));
  EXPECT_EQ(modify(P().arr(3).i(bits::kRemove).i(5).i(1)).rc, 4);
  expect_unchanged(modify(P().arr(4).i(bits::kRemove).i(5).i(1).i(bits::kNoFail)));
  expect_blob(modify(P().arr(3).i(bits::kRemove).i(-2).i(2)), bytes({0x01, 0x42, 0x03}));
  EXPECT_EQ(modify(P().arr(3).i(bits::kRemove).i(0).i(0)).rc, 4);  // size 0
  EXPECT_EQ(modify(P().arr(3).i(bits::kRemove).i(0).i(1), "", false).rc, 17);
  EXPECT_EQ(modify(P().arr(4).i(bits::kRemove).i(0).i(1).i(bits::kCreateOnly)).rc, 4);
}

TEST(BitSet, WindowPartialAndErrors) {
  expect_blob(modify(P().arr(4).i(bits::kSet).i(13).i(3).blob({0xE0})),
              bytes({0x01, 0x47, 0x03, 0x04, 0x05}));
  // Across a byte boundary: bits 6..13 take 0xFF.
  expect_blob(modify(P().arr(4).i(bits::kSet).i(6).i(8).blob({0xFF})),
              bytes({0x03, 0xFE, 0x03, 0x04, 0x05}));
  // Negative offset: the last byte.
  expect_blob(modify(P().arr(4).i(bits::kSet).i(-8).i(8).blob({0xAA})),
              bytes({0x01, 0x42, 0x03, 0x04, 0xAA}));
  EXPECT_EQ(modify(P().arr(4).i(bits::kSet).i(40).i(8).blob({0xFF})).rc, 26);
  EXPECT_EQ(modify(P().arr(4).i(bits::kSet).i(36).i(8).blob({0xFF})).rc, 26);
  expect_blob(modify(P().arr(5).i(bits::kSet).i(36).i(8).blob({0xFF}).i(bits::kPartial)),
              bytes({0x01, 0x42, 0x03, 0x04, 0x0F}));
  expect_unchanged(modify(P().arr(5).i(bits::kSet).i(36).i(8).blob({0xFF}).i(bits::kNoFail)));
  EXPECT_EQ(modify(P().arr(4).i(bits::kSet).i(0).i(9).blob({0xFF})).rc, 4);  // buffer too short
  EXPECT_EQ(modify(P().arr(4).i(bits::kSet).i(0).i(0).blob({0xFF})).rc, 4);  // size 0
  EXPECT_EQ(modify(P().arr(4).i(bits::kSet).i(-41).i(8).blob({0xFF})).rc, 4);
  EXPECT_EQ(modify(P().arr(4).i(bits::kSet).i(0).i(8).blob({0xFF}), "", false).rc, 17);
  expect_unchanged(
      modify(P().arr(5).i(bits::kSet).i(0).i(8).blob({0xFF}).i(bits::kNoFail), "", false));
  EXPECT_EQ(modify(P().arr(4).i(bits::kSet).i(0).i(8).blob({0xFF}), "abc", true, 3).rc, 12);
  EXPECT_EQ(modify(P().arr(5).i(bits::kSet).i(0).i(8).blob({0xFF}).i(bits::kCreateOnly)).rc, 4);
}

TEST(BitLogic, OrXorAndNot) {
  expect_blob(modify(P().arr(4).i(bits::kOr).i(17).i(6).blob({0xA8})),
              bytes({0x01, 0x42, 0x57, 0x04, 0x05}));
  expect_blob(modify(P().arr(4).i(bits::kXor).i(17).i(6).blob({0xAC})),
              bytes({0x01, 0x42, 0x55, 0x04, 0x05}));
  expect_blob(modify(P().arr(4).i(bits::kAnd).i(23).i(9).blob({0x3C, 0x80})),
              bytes({0x01, 0x42, 0x02, 0x00, 0x05}));
  expect_blob(modify(P().arr(3).i(bits::kNot).i(25).i(6)), bytes({0x01, 0x42, 0x03, 0x7A, 0x05}));
  expect_blob(modify(P().arr(3).i(bits::kNot).i(0).i(40)),
              bytes({0xFE, 0xBD, 0xFC, 0xFB, 0xFA}));
  EXPECT_EQ(modify(P().arr(3).i(bits::kNot).i(0).i(41)).rc, 26);
  expect_blob(modify(P().arr(4).i(bits::kNot).i(32).i(16).i(bits::kPartial)),
              bytes({0x01, 0x42, 0x03, 0x04, 0xFA}));
}

TEST(BitShift, LeftRightAndLimits) {
  expect_blob(modify(P().arr(4).i(bits::kLshift).i(32).i(8).i(3)),
              bytes({0x01, 0x42, 0x03, 0x04, 0x28}));
  expect_blob(modify(P().arr(4).i(bits::kRshift).i(0).i(9).i(1)),
              bytes({0x00, 0xC2, 0x03, 0x04, 0x05}));
  // Shifting by the window size or more clears the window only.
  expect_blob(modify(P().arr(4).i(bits::kLshift).i(8).i(8).i(8)),
              bytes({0x01, 0x00, 0x03, 0x04, 0x05}));
  expect_blob(modify(P().arr(4).i(bits::kRshift).i(4).i(8).i(100)),
              bytes({0x00, 0x02, 0x03, 0x04, 0x05}));
  // Across bytes: 0x0142 << 4 within bits 0..15.
  expect_blob(modify(P().arr(4).i(bits::kLshift).i(0).i(16).i(4)),
              bytes({0x14, 0x20, 0x03, 0x04, 0x05}));
  EXPECT_EQ(modify(P().arr(4).i(bits::kLshift).i(0).i(8).i(-1)).rc, 4);  // n bits too large
}

TEST(BitInt, AddSubtractSetInt) {
  expect_blob(modify(P().arr(6).i(bits::kAdd).i(24).i(16).i(128).i(0).i(0)),
              bytes({0x01, 0x42, 0x03, 0x04, 0x85}));
  expect_blob(modify(P().arr(6).i(bits::kSubtract).i(24).i(16).i(128).i(0).i(0)),
              bytes({0x01, 0x42, 0x03, 0x03, 0x85}));
  expect_blob(modify(P().arr(4).i(bits::kSetInt).i(1).i(8).i(127)),
              bytes({0x3F, 0xC2, 0x03, 0x04, 0x05}));
  EXPECT_EQ(modify(P().arr(4).i(bits::kAdd).i(0).i(0).i(1)).rc, 4);   // size 0
  EXPECT_EQ(modify(P().arr(4).i(bits::kAdd).i(0).i(65).i(1)).rc, 4);  // size > 64
  EXPECT_EQ(modify(P().arr(4).i(bits::kAdd).i(36).i(8).i(1)).rc, 26);
  expect_unchanged(modify(P().arr(5).i(bits::kAdd).i(36).i(8).i(1).i(bits::kNoFail)));
  EXPECT_EQ(modify(P().arr(5).i(bits::kAdd).i(0).i(8).i(1).i(bits::kPartial)).rc, 4);
  EXPECT_EQ(modify(P().arr(6).i(bits::kAdd).i(0).i(8).i(1).i(0).i(8)).rc, 4);  // unknown flag
  EXPECT_EQ(modify(P().arr(6).i(bits::kAdd).i(0).i(8).i(1).i(0).i(6)).rc, 4);  // both actions
  // 64-bit window.
  expect_blob(modify(P().arr(4).i(bits::kSetInt).i(0).i(64).i(-1), std::string(8, '\0')),
              std::string(8, '\xFF'));
}

TEST(BitInt, UnsignedOverflowActions) {
  const std::string ff = bytes({0xFF});
  EXPECT_EQ(modify(P().arr(6).i(bits::kAdd).i(0).i(8).i(1).i(0).i(0), ff).rc, 26);
  expect_unchanged(modify(P().arr(6).i(bits::kAdd).i(0).i(8).i(1).i(bits::kNoFail).i(0), ff));
  expect_blob(modify(P().arr(6).i(bits::kAdd).i(0).i(8).i(1).i(0).i(bits::kSaturate), ff), ff);
  expect_blob(modify(P().arr(6).i(bits::kAdd).i(0).i(8).i(1).i(0).i(bits::kWrap), ff),
              bytes({0}));
  const std::string zero = bytes({0});
  EXPECT_EQ(modify(P().arr(6).i(bits::kSubtract).i(0).i(8).i(1).i(0).i(0), zero).rc, 26);
  expect_blob(modify(P().arr(6).i(bits::kSubtract).i(0).i(8).i(1).i(0).i(bits::kSaturate), zero),
              zero);
  expect_blob(modify(P().arr(6).i(bits::kSubtract).i(0).i(8).i(1).i(0).i(bits::kWrap), zero), ff);
  // A 4-bit field inside a byte: the other bits stay.
  expect_blob(modify(P().arr(6).i(bits::kAdd).i(2).i(4).i(3).i(0).i(bits::kSaturate),
                     bytes({0xBD})),
              bytes({0xBD}));
  expect_blob(modify(P().arr(6).i(bits::kAdd).i(2).i(4).i(1).i(0).i(0), bytes({0x81})),
              bytes({0x85}));
}

TEST(BitInt, SignedOverflowActions) {
  const std::string max = bytes({0x7F}), min = bytes({0x80});
  const int64_t s = bits::kSigned;
  EXPECT_EQ(modify(P().arr(6).i(bits::kAdd).i(0).i(8).i(1).i(0).i(s), max).rc, 26);
  expect_blob(modify(P().arr(6).i(bits::kAdd).i(0).i(8).i(1).i(0).i(s | bits::kSaturate), max),
              max);
  expect_blob(modify(P().arr(6).i(bits::kAdd).i(0).i(8).i(1).i(0).i(s | bits::kWrap), max), min);
  EXPECT_EQ(modify(P().arr(6).i(bits::kSubtract).i(0).i(8).i(1).i(0).i(s), min).rc, 26);
  expect_blob(
      modify(P().arr(6).i(bits::kSubtract).i(0).i(8).i(1).i(0).i(s | bits::kSaturate), min), min);
  expect_blob(modify(P().arr(6).i(bits::kSubtract).i(0).i(8).i(1).i(0).i(s | bits::kWrap), min),
              max);
  // Adding a negative number (two's complement in the field) is a subtraction.
  expect_blob(modify(P().arr(6).i(bits::kAdd).i(0).i(8).i(-1).i(0).i(s), bytes({0x05})),
              bytes({0x04}));
  // Unsigned, the same add overflows.
  EXPECT_EQ(modify(P().arr(6).i(bits::kAdd).i(0).i(8).i(-1).i(0).i(0), bytes({0x05})).rc, 26);
}

TEST(BitRead, GetCountScansAndInts) {
  bits::Result r;
  ASSERT_EQ(read(P().arr(3).i(bits::kGet).i(9).i(5), &r), 0);
  EXPECT_EQ(r.particle, 4);
  EXPECT_EQ(r.value, bytes({0x80}));
  ASSERT_EQ(read(P().arr(3).i(bits::kGet).i(4).i(12), &r, bytes({0xAB, 0xCD})), 0);
  EXPECT_EQ(r.value, bytes({0xBC, 0xD0}));
  EXPECT_EQ(read_int(P().arr(3).i(bits::kCount).i(20).i(4)), 2);
  EXPECT_EQ(read_int(P().arr(3).i(bits::kCount).i(0).i(40)), 1 + 2 + 2 + 1 + 2);
  EXPECT_EQ(read_int(P().arr(4).i(bits::kLscan).i(24).i(8).b(true)), 5);
  EXPECT_EQ(read_int(P().arr(4).i(bits::kLscan).i(0).i(7).b(true)), -1);
  EXPECT_EQ(read_int(P().arr(4).i(bits::kLscan).i(0).i(8).b(false)), 0);
  EXPECT_EQ(read_int(P().arr(4).i(bits::kLscan).i(0).i(8).b(true), bytes({0xFF})), 0);
  EXPECT_EQ(read_int(P().arr(4).i(bits::kRscan).i(32).i(8).b(true)), 7);
  EXPECT_EQ(read_int(P().arr(4).i(bits::kRscan).i(0).i(16).b(false), bytes({0xFF, 0xFE})), 15);
  EXPECT_EQ(read_int(P().arr(4).i(bits::kRscan).i(0).i(8).b(true), bytes({0x00})), -1);
  // The server's rscan does not mask the bits before the offset in the first byte.
  EXPECT_EQ(read_int(P().arr(4).i(bits::kRscan).i(2).i(4).b(true), bytes({0x80})), -2);
  EXPECT_EQ(read_int(P().arr(3).i(bits::kGetInt).i(8).i(16)), 0x4203);
  EXPECT_EQ(read_int(P().arr(4).i(bits::kGetInt).i(0).i(4).i(0), bytes({0xF0})), 15);
  EXPECT_EQ(read_int(P().arr(4).i(bits::kGetInt).i(0).i(4).i(bits::kSigned), bytes({0xF0})), -1);
  EXPECT_EQ(read_int(P().arr(4).i(bits::kGetInt).i(0).i(64).i(bits::kSigned),
                     std::string(8, '\xFF')),
            -1);
}

TEST(BitRead, Errors) {
  bits::Result r;
  EXPECT_EQ(read(P().arr(3).i(bits::kGet).i(40).i(8), &r), 26);
  EXPECT_EQ(read(P().arr(3).i(bits::kGet).i(36).i(8), &r), 26);
  EXPECT_EQ(read(P().arr(3).i(bits::kGet).i(-41).i(8), &r), 4);
  EXPECT_EQ(read(P().arr(3).i(bits::kGet).i(0).i(8), &r, "abc", 3), 12);
  EXPECT_EQ(read(P().arr(3).i(bits::kGet).i(0).i(0), &r), 4);
  EXPECT_EQ(read(P().arr(4).i(bits::kGet).i(0).i(8).i(0), &r), 4);  // too many args
  EXPECT_EQ(read(P().arr(3).i(bits::kLscan).i(0).i(8), &r), 4);     // too few
  EXPECT_EQ(read(P().arr(4).i(bits::kLscan).i(0).i(8).i(1), &r), 4);  // not a boolean
  EXPECT_EQ(read(P().arr(4).i(bits::kGetInt).i(0).i(8).i(2), &r), 4);  // unknown flag
  EXPECT_EQ(read(P().arr(3).i(bits::kSet).i(0).i(8), &r), 4);          // a modify op
  EXPECT_EQ(read(P().arr(0), &r), 4);
  EXPECT_EQ(read(P().i(50), &r), 4);  // not an array
  EXPECT_EQ(read(P(), &r), 4);
  P truncated = P().arr(3).i(bits::kGet).i(0);
  EXPECT_EQ(read(truncated, &r), 4);
}

TEST(BitModify, ParseErrors) {
  EXPECT_EQ(modify(P().arr(2).i(bits::kGet).i(0)).rc, 4);  // a read op
  EXPECT_EQ(modify(P().arr(2).i(13).i(0)).rc, 4);
  EXPECT_EQ(modify(P().arr(1).i(bits::kNot)).rc, 4);
  EXPECT_EQ(modify(P().arr(2).str("x").i(0)).rc, 4);
  EXPECT_EQ(modify(P().arr(3).i(bits::kInsert).i(0).i(5)).rc, 4);  // buffer is not bytes
  // Five elements announced, four present: the flags are missing.
  EXPECT_EQ(modify(P().arr(5).i(bits::kSet).i(0).i(8).blob({0xFF})).rc, 4);
  // Bytes after the array are not looked at (as on the server).
  expect_blob(modify(P().arr(4).i(bits::kSet).i(0).i(8).blob({0xFF}).i(1)),
              bytes({0xFF, 0x42, 0x03, 0x04, 0x05}));
  EXPECT_EQ(modify(P().arr(3).i(bits::kNot).i(int64_t(1) << 40).i(8)).rc, 4);
}

}  // namespace
