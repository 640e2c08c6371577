// Focused cases of the test server's list and map operations (cdt_ops.h), each pinning one rule
// of the real server: negative indexes, out-of-range answers, wrong bin types, two-level
// contexts with create flags, and return types. End-to-end coverage over a socket is
// test/server:cdt_replay_test (the captures of a real server).
#include "test/server/cdt/cdt_ops.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace aero::testserver;
using cdt::Answer;
using cdt::BinData;
using mp::Value;

std::string hex(const std::string& s) {
  static const char* d = "0123456789abcdef";
  std::string o;
  for (unsigned char c : s) {
    o.push_back(d[c >> 4]);
    o.push_back(d[c & 15]);
  }
  return o;
}

Value I(int64_t v) { return Value::integer(v); }
Value S(const char* s) { return Value::string(s); }
Value L(std::vector<Value> v) { return Value::list(std::move(v)); }

// [code, args...] or [0xff, ctx, [code, args...]].
std::string op_bytes(int64_t code, std::vector<Value> args, std::vector<Value> ctx = {}) {
  std::vector<Value> body{I(code)};
  for (Value& a : args) body.push_back(std::move(a));
  if (ctx.empty()) return mp::encode(L(std::move(body)));
  return mp::encode(L({I(0xff), L(std::move(ctx)), L(std::move(body))}));
}

struct Outcome {
  uint8_t rc;
  Answer a;
};

Outcome apply(BinData& bin, uint8_t type, const std::string& op) {
  Outcome r;
  r.rc = cdt::apply_op(type, reinterpret_cast<const uint8_t*>(op.data()), op.size(), &bin, &r.a);
  return r;
}

BinData list_bin(std::vector<Value> items) {
  BinData b;
  b.exists = true;
  b.particle = 20;
  b.value = mp::encode(L(std::move(items)));
  return b;
}

int64_t as_int(const Answer& a) {
  EXPECT_EQ(a.particle, 1);
  int64_t v = 0;
  for (unsigned char c : a.bytes) v = (v << 8) | c;
  return v;
}

constexpr uint8_t kRead = 3, kModify = 4;

TEST(CdtOps, NegativeIndexCountsFromTheEnd) {
  BinData b = list_bin({I(1), I(2), I(3)});
  Outcome r = apply(b, kRead, op_bytes(19, {I(7), I(-1)}));  // get_by_index VALUE -1
  ASSERT_EQ(r.rc, 0);
  EXPECT_EQ(as_int(r.a), 3);
  r = apply(b, kRead, op_bytes(24, {I(1), I(-2)}));  // get_by_index_range INDEX -2..
  ASSERT_EQ(r.rc, 0);
  EXPECT_EQ(hex(r.a.bytes), "920102");
  r = apply(b, kRead, op_bytes(21, {I(7), I(-1)}));  // get_by_rank VALUE -1: the largest
  EXPECT_EQ(as_int(r.a), 3);
}

TEST(CdtOps, OutOfRangeSingleFailsRangeIsEmpty) {
  BinData b = list_bin({I(1), I(2)});
  const std::string before = b.value;
  EXPECT_EQ(apply(b, kRead, op_bytes(19, {I(7), I(2)})).rc, 26);
  EXPECT_EQ(apply(b, kModify, op_bytes(5, {I(-3)})).rc, 26);  // pop
  EXPECT_EQ(b.value, before);  // nothing changes on error
  Outcome r = apply(b, kRead, op_bytes(24, {I(7), I(5), I(3)}));
  ASSERT_EQ(r.rc, 0);
  EXPECT_EQ(hex(r.a.bytes), "90");
  // Insert past the end pads with nils; INSERT_BOUNDED refuses, NO_FAIL makes it a no-op.
  EXPECT_EQ(apply(b, kModify, op_bytes(3, {I(4), I(9), I(2)})).rc, 26);
  r = apply(b, kModify, op_bytes(3, {I(4), I(9), I(6)}));
  EXPECT_EQ(r.rc, 0);
  EXPECT_EQ(as_int(r.a), 2);
  r = apply(b, kModify, op_bytes(3, {I(4), I(9)}));
  EXPECT_EQ(as_int(r.a), 5);
  EXPECT_EQ(hex(b.value), "950102c0c009");
}

// Padding that alone passes the largest record the server stores (1 MiB) is answered with 13,
// record too big, and the list stays as it was: cdt_fuzzer found an insert at index 754 million
// that built 754 million nils (out of memory under ASan).
TEST(CdtOps, PaddingPastTheLargestRecordIsRecordTooBig) {
  BinData b = list_bin({I(1)});
  const std::string before = b.value;
  EXPECT_EQ(apply(b, kModify, op_bytes(3, {I(754843648), I(0)})).rc, 13);  // insert
  EXPECT_EQ(b.value, before);
  BinData none;  // no bin: the same
  EXPECT_EQ(apply(none, kModify, op_bytes(3, {I(754843648), I(0)})).rc, 13);
  EXPECT_FALSE(none.exists);
  Outcome r = apply(b, kModify, op_bytes(3, {I(1 + 1024 * 1024), I(7)}));  // exactly 1 MiB of nils
  ASSERT_EQ(r.rc, 0);
  EXPECT_EQ(as_int(r.a), 1024 * 1024 + 2);
}

TEST(CdtOps, WrongBinTypes) {
  BinData ib;
  ib.exists = true;
  ib.particle = 1;
  ib.value = std::string(8, '\0');
  EXPECT_EQ(apply(ib, kModify, op_bytes(1, {I(1)})).rc, 12);        // list op on an int
  EXPECT_EQ(apply(ib, kModify, op_bytes(1, {I(1)}, {I(0x10), I(0)})).rc, 4);  // with context
  BinData lb = list_bin({I(1)});
  EXPECT_EQ(apply(lb, kModify, op_bytes(67, {I(1), I(2)})).rc, 12);  // map op on a list
  EXPECT_EQ(apply(lb, kRead, op_bytes(1, {I(1)})).rc, 4);            // modify code as a read
  EXPECT_EQ(apply(lb, kModify, op_bytes(1, {})).rc, 4);              // missing argument
}

TEST(CdtOps, TwoLevelContextCreatesWhatIsMissing) {
  BinData b;  // no bin yet
  // map key "a" (create K-ordered map) -> list index 0 (create ordered list) -> append 5.
  const std::string op =
      op_bytes(1, {I(5)}, {I(0xa2), S("a"), I(0xd0), I(0)});
  Outcome r = apply(b, kModify, op);
  ASSERT_EQ(r.rc, 0);
  EXPECT_EQ(as_int(r.a), 1);
  ASSERT_TRUE(b.exists);
  EXPECT_EQ(b.particle, 19);
  // {ext(1): nil, "a": [ext(1), [5]]}
  EXPECT_EQ(hex(b.value), "82c70001c0a2036192c700019105");
  // Reading through the same context: list size of the inner list.
  r = apply(b, kRead, op_bytes(16, {}, {I(0x22), S("a"), I(0x10), I(0)}));
  ASSERT_EQ(r.rc, 0);
  EXPECT_EQ(as_int(r.a), 1);
  // A missing key without a create flag is not applicable, and nothing is created.
  EXPECT_EQ(apply(b, kModify, op_bytes(1, {I(1)}, {I(0x22), S("b")})).rc, 26);
  // A clear on a context that does not exist creates nothing.
  BinData none;
  EXPECT_EQ(apply(none, kModify, op_bytes(11, {}, {I(0xd0), I(3)})).rc, 0);
  EXPECT_FALSE(none.exists);
}

TEST(CdtOps, ListReturnTypes) {
  BinData b = list_bin({I(4), I(3), I(1), I(5), I(2)});
  struct Case {
    int rt;
    const char* want;
  } cases[] = {
      {0, ""},             // NONE: no answer
      {1, "920104"},              // INDEX, in index order
      {2, "920300"},              // REVERSE_INDEX
      {3, "920102"},              // RANK: the rank range of [2, 4)
      {4, "920203"},              // REVERSE_RANK
      {5, ""},                    // COUNT (an integer particle, checked below)
      {7, "920302"},              // VALUE, in index order
      {13, ""},                   // EXISTS (a boolean particle, checked below)
      {7 | 0x10000, "93040105"},  // VALUE | INVERTED
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rt);
    // get_by_value_interval [2, 4): values 3 (index 1) and 2 (index 4), ranks 1 and 2.
    Outcome r = apply(b, kRead, op_bytes(25, {I(c.rt), I(2), I(4)}));
    ASSERT_EQ(r.rc, 0);
    if (c.rt == 0) {
      EXPECT_FALSE(r.a.has);
    } else if (c.rt == 5) {
      EXPECT_EQ(as_int(r.a), 2);
    } else if (c.rt == 13) {
      EXPECT_EQ(r.a.particle, 17);
      EXPECT_EQ(hex(r.a.bytes), "01");
    } else {
      EXPECT_EQ(r.a.particle, 20);
      EXPECT_EQ(hex(r.a.bytes), c.want);
    }
  }
  // KEY and map return types are not applicable to lists.
  EXPECT_EQ(apply(b, kRead, op_bytes(25, {I(6), I(2), I(4)})).rc, 26);
}

TEST(CdtOps, MapReturnTypesAndWriteFlags) {
  BinData b;
  // put_items {b: 2, a: 1} creating an unordered map: kept sorted by key, written without a
  // header.
  Value items = Value::map();
  items.entries.push_back({S("b"), I(2)});
  items.entries.push_back({S("a"), I(1)});
  Outcome r = apply(b, kModify, op_bytes(68, {items}));
  ASSERT_EQ(r.rc, 0);
  EXPECT_EQ(as_int(r.a), 2);
  EXPECT_EQ(hex(b.value), "82a2036101a2036202");
  // CREATE_ONLY on an existing key: 24; with NO_FAIL: nothing happens.
  EXPECT_EQ(apply(b, kModify, op_bytes(67, {S("a"), I(9), I(0), I(1)})).rc, 24);
  EXPECT_EQ(apply(b, kModify, op_bytes(67, {S("a"), I(9), I(0), I(5)})).rc, 0);
  // UPDATE_ONLY on a missing key: 23.
  EXPECT_EQ(apply(b, kModify, op_bytes(67, {S("z"), I(9), I(0), I(2)})).rc, 23);
  EXPECT_EQ(hex(b.value), "82a2036101a2036202");
  // get_by_key_interval ["a", nil) as KEY, KEY_VALUE (ext 8 header), ordered map (ext 1).
  r = apply(b, kRead, op_bytes(103, {I(6), S("a")}));
  EXPECT_EQ(hex(r.a.bytes), "92a20361a20362");
  r = apply(b, kRead, op_bytes(103, {I(8), S("a")}));
  EXPECT_EQ(hex(r.a.bytes), "83c70008c0a2036101a2036202");
  r = apply(b, kRead, op_bytes(103, {I(17), S("b")}));
  EXPECT_EQ(hex(r.a.bytes), "82c70001c0a2036202");
  r = apply(b, kRead, op_bytes(103, {I(16), S("b")}));
  EXPECT_EQ(hex(r.a.bytes), "81a2036202");
  // get_by_key missing: VALUE answers nothing, INDEX -1.
  r = apply(b, kRead, op_bytes(97, {I(7), S("q")}));
  EXPECT_EQ(r.rc, 0);
  EXPECT_FALSE(r.a.has);
  r = apply(b, kRead, op_bytes(97, {I(1), S("q")}));
  EXPECT_EQ(as_int(r.a), -1);
}

TEST(CdtOps, NormalizeSortsMapsAndChecksOrder) {
  std::string m = mp::encode([] {
    Value v = Value::map();
    v.entries.push_back({I(2), I(0)});
    v.entries.push_back({I(1), I(0)});
    return v;
  }());
  EXPECT_EQ(cdt::normalize_bin(19, &m), 0);
  EXPECT_EQ(hex(m), "8201000200");
  std::string unsorted_ordered("\x93\xc7\x00\x01\x02\x01", 6);  // ordered list [2, 1]
  EXPECT_EQ(cdt::normalize_bin(20, &unsorted_ordered), 1);
  std::string trailing = std::string("\x91\x01\x00", 3);
  EXPECT_EQ(cdt::normalize_bin(20, &trailing), 1);
}

// A list or map holding a msgpack ext value (not the order header) is refused, nested too: a
// trim that left [3, 1, [5, 4], ext] as [ext] would otherwise store a list whose first ext
// reads back as an order header (cdt_fuzzer found it).
TEST(CdtOps, NormalizeRefusesExtValues) {
  std::string list("\x94\x03\x01\x92\x05\x04\xd4\x03\x61", 9);  // [3, 1, [5, 4], ext 3 'a']
  EXPECT_EQ(cdt::normalize_bin(20, &list), 1);
  std::string nested("\x91\x91\xd4\x03\x61", 5);  // [[ext 3 'a']]
  EXPECT_EQ(cdt::normalize_bin(20, &nested), 1);
  std::string map_value("\x81\x01\xd4\x03\x61", 5);  // {1: ext 3 'a'}
  EXPECT_EQ(cdt::normalize_bin(19, &map_value), 1);
  std::string header_only("\x92\xc7\x00\x01\x05", 5);  // ordered list [5]: the header stays
  EXPECT_EQ(cdt::normalize_bin(20, &header_only), 0);
  EXPECT_EQ(hex(header_only), "92c7000105");
}

}  // namespace
