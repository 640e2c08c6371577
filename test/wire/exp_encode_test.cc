// The expression builder and the operate encoder reproduce, byte for byte, the requests an
// official client sent for expression read/write operations
// (test/captures/operations/exp_operate.json.gz): same packing of values, bins, metadata,
// arithmetic, cond/unknown, flags and op headers. Also: a filter adds field 43 after the key
// fields (single record) or before the batch field (batch), and a reused expression is never
// re-encoded (the same bytes object is shared).
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "client/exp/exp.h"
#include "client/exp/exp_operation.h"
#include "client/wire/batch.h"
#include "client/wire/request.h"
#include "test/wire/captures.h"

namespace aero::wire {
namespace {

using namespace aero::exp;  // NOLINT
using testing::CaptureVector;
using testing::load_captures;
using testing::to_hex;

const std::vector<CaptureVector>& vectors() {
  static const auto v = load_captures("test/captures/operations/exp_operate.json.gz");
  return v;
}

// The key of a captured single-record request: namespace, set and digest fields.
Key key_of(const testing::ByteVec& req) {
  size_t p = 8 + 22;
  std::string ns, set;
  Digest d{};
  for (int f = 0; f < 3; ++f) {
    const uint32_t size = (uint32_t(req[p]) << 24) | (uint32_t(req[p + 1]) << 16) |
                          (uint32_t(req[p + 2]) << 8) | req[p + 3];
    const uint8_t type = req[p + 4];
    const char* data = reinterpret_cast<const char*>(&req[p + 5]);
    if (type == 0) ns.assign(data, size - 1);
    if (type == 1) set.assign(data, size - 1);
    if (type == 4) std::memcpy(d.data(), data, kDigestSize);
    p += 4 + size;
  }
  return Key::from_digest(ns, set, d);
}

std::string encoded(const Key& k, const std::vector<Operation>& ops) {
  WriteAttrs wa;
  wa.server_timeout_ms = 1000;
  ReadAttrs ra;
  ra.server_timeout_ms = 1000;
  Buffer out;
  EXPECT_TRUE(encode_operate(out, k, ops, wa, ra).ok());
  return to_hex(out.data(), out.size());
}

struct Case {
  size_t vector;
  std::function<std::vector<Operation>()> ops;
};

TEST(ExpEncode, BuilderReproducesTheCapturedRequests) {
  const IntExp a4 = add(int_bin("A"), 4);
  const IntExp c = cond<Type::integer>(
      {{eq(int_bin("C"), 5), unknown<Type::integer>()}, {bin_exists("A"), 5}},
      unknown<Type::integer>());
  const FloatExp af = add(to_float(int_bin("A")), 4.0);
  const uint8_t xxx[] = {'x', 'x', 'x'};
  const std::vector<Case> cases = {
      {7, [&] { return std::vector<Operation>{exp_read("EV", build(a4))}; }},
      {9, [&] { return std::vector<Operation>{exp_read("EV", build(a4), read_flags::eval_no_fail)}; }},
      {12, [&] {
         return std::vector<Operation>{exp_write("D", build(int_bin("D"))),
                                       exp_read("EV", build(int_bin("A")))};
       }},
      {15, [&] {
         return std::vector<Operation>{exp_write("C", build(a4)), exp_read("EV", build(int_bin("C"))),
                                       Operation::read("C")};
       }},
      {19, [&] { return std::vector<Operation>{exp_write("C", build(a4), write_flags::update_only)}; }},
      {20, [&] {
         return std::vector<Operation>{
             exp_write("C", build(a4), write_flags::update_only | write_flags::policy_no_fail)};
       }},
      {21, [&] { return std::vector<Operation>{exp_write("C", build(a4), write_flags::create_only)}; }},
      {23, [&] {
         return std::vector<Operation>{
             exp_write("C", build(a4), write_flags::create_only | write_flags::policy_no_fail)};
       }},
      {24, [&] { return std::vector<Operation>{exp_write("C", build(nil()))}; }},
      {25, [&] { return std::vector<Operation>{exp_write("C", build(nil()), write_flags::policy_no_fail)}; }},
      {26, [&] { return std::vector<Operation>{exp_write("C", build(nil()), write_flags::allow_delete)}; }},
      {28, [&] { return std::vector<Operation>{exp_write("C", build(c)), Operation::read("C")}; }},
      {29, [&] {
         return std::vector<Operation>{exp_write("C", build(c), write_flags::eval_no_fail),
                                       Operation::read("C")};
       }},
      {30, [&] {
         return std::vector<Operation>{exp_read("EV", build(nil())), Operation::read("C")};
       }},
      {33, [&] {
         return std::vector<Operation>{exp_write("C", build(af)), Operation::read("C"),
                                       exp_read("EV", build(af))};
       }},
      {35, [&] {
         return std::vector<Operation>{exp_write("C", build(str_val("xxx"))), Operation::read("C"),
                                       exp_read("EV", build(str_val("xxx")))};
       }},
      {37, [&] {
         return std::vector<Operation>{exp_write("C", build(blob_val(xxx))), Operation::read("C"),
                                       exp_read("EV", build(blob_val(xxx)))};
       }},
      {39, [&] {
         const BoolExp e = eq(int_bin("A"), 1);
         return std::vector<Operation>{exp_write("C", build(e)), Operation::read("C"),
                                       exp_read("EV", build(e))};
       }},
      {43, [&] {
         return std::vector<Operation>{
             exp_read("res1", build(and_(eq(int_bin("A"), 0), eq(int_bin("D"), 2)))),
             exp_read("res2", build(or_(eq(int_bin("A"), 0), eq(int_bin("D"), 2))))};
       }},
  };
  for (const Case& cs : cases) {
    SCOPED_TRACE("vector " + std::to_string(cs.vector));
    const CaptureVector& v = vectors().at(cs.vector);
    EXPECT_EQ(encoded(key_of(v.request), cs.ops()), to_hex(v.request));
  }
}

TEST(ExpEncode, FilterFieldFollowsTheKeyAndPrecedesTheBatchField) {
  const Filter f = filter(eq(int_bin("a"), 1));
  const std::string fhex = to_hex(reinterpret_cast<const uint8_t*>(f.bytes().data()), f.bytes().size());
  const Key k("test", "demo", int64_t{1});
  ReadAttrs ra;
  ra.filter_exp = f.shared();
  Buffer out;
  ASSERT_TRUE(encode_get(out, k, ra).ok());
  std::string hex = to_hex(out.data(), out.size());
  // n_fields 4, and the last field is 43 holding the packed expression.
  EXPECT_EQ(hex.substr(2 * (8 + 18), 4), "0004");
  EXPECT_EQ(hex.substr(hex.size() - fhex.size() - 10), "000000092b" + fhex);
  EXPECT_EQ(fhex, "9301935102a16101");  // [eq, [bin, int, "a"], 1]

  BatchAttrs ba;
  ba.filter_exp = f.shared();
  const BatchRow row{&k, 0, BatchRowKind::kReadAll, {}, {}, nullptr, nullptr};
  ASSERT_TRUE(encode_batch(out, std::span<const BatchRow>(&row, 1), ba).ok());
  hex = to_hex(out.data(), out.size());
  EXPECT_EQ(hex.substr(2 * (8 + 18), 4), "0002");
  EXPECT_EQ(hex.substr(2 * (8 + 22), 10 + fhex.size()), "000000092b" + fhex);
}

TEST(ExpEncode, AReusedExpressionSharesItsBytes) {
  const Filter f = filter(eq(str_bin("s"), "x"));
  const Filter copy = f;
  EXPECT_EQ(f.bytes().data(), copy.bytes().data());
  ReadAttrs a, b;
  a.filter_exp = f.shared();
  b.filter_exp = copy.shared();
  EXPECT_EQ(a.filter_exp.get(), b.filter_exp.get());
}

}  // namespace
}  // namespace aero::wire
