// Filter expressions and expression operations through the client against the test server
// (real sockets): every command kind with filter_exp (27 when the record does not match,
// batch rows answering 27), expression read/write operations with each flag, the evaluator's
// semantics (unknowns, overflow, division by zero, regex, geo, cond/let, metadata) and bad
// expressions answered with 4, never a crash.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "test/client/fixture.h"

namespace aero {
namespace {

using namespace aero::exp;  // NOLINT: the builder reads best unqualified
using testing::ClusterClient;
using testing::key;

constexpr int kFilteredOut = 27;
constexpr int kOpNotApplicable = 26;
constexpr int kParameter = 4;

class ExpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cc_ = ClusterClient::start({.nodes = 1});
    ASSERT_NE(cc_.client, nullptr);
    WritePolicy wp;
    wp.send_key = true;
    ASSERT_TRUE(client().put(key(1), {{"a", 1}, {"s", "active"}, {"f", 2.5}, {"d", 2}}, wp).get().ok());
    ASSERT_TRUE(client().put(key(2), {{"b", 2}, {"s", "idle"}, {"d", 2}}).get().ok());
  }
  Client& client() { return *cc_.client; }

  // The value of `e` for record `k`, through an expression read.
  Result<Record> read_exp(const Key& k, const Expression& e, uint32_t flags = read_flags::none) {
    std::vector<Operation> ops{exp_read("EV", e, flags)};
    return client().operate(k, ops).get();
  }
  template <Type T>
  Value value_of(const Exp<T>& e, const Key& k = key(1)) {
    Result<Record> r = read_exp(k, build(e));
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    if (!r.ok() || r->find("EV") == nullptr) return Value();
    return *r->find("EV");
  }
  int64_t int_of(const IntExp& e) {
    Value v = value_of(e);
    return v.as_int() ? *v.as_int() : -999999;
  }
  bool bool_of(const BoolExp& e, const Key& k = key(1)) {
    Value v = value_of(e, k);
    EXPECT_NE(v.as_bool(), nullptr);
    return v.as_bool() && *v.as_bool();
  }

  ClusterClient cc_;
};

TEST_F(ExpTest, FilterOnGetMatchesFiltersOutAndTreatsUnknownAsNoMatch) {
  ReadPolicy p;
  p.filter_exp = filter(eq(str_bin("s"), "active"));
  EXPECT_TRUE(client().get(key(1), p).get().ok());
  Result<Record> other = client().get(key(2), p).get();
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.code(), kFilteredOut);
  // key(2) has no bin "a": unknown, which is no match.
  p.filter_exp = filter(eq(int_bin("a"), 1));
  EXPECT_EQ(client().get(key(2), p).get().code(), kFilteredOut);
  EXPECT_EQ(client().get(key(2), {"b"}, p).get().code(), kFilteredOut);
  EXPECT_EQ(client().get_header(key(2), p).get().code(), kFilteredOut);
  EXPECT_EQ(client().exists(key(2), p).get().code(), kFilteredOut);
  EXPECT_TRUE(client().exists(key(1), p).get().value());
  // A missing record is still "not found", whatever the filter.
  EXPECT_EQ(client().get(key(404), p).get().code(), result::record_not_found);
}

TEST_F(ExpTest, FilterOnWritesLeavesNonMatchingRecordsAlone) {
  WritePolicy p;
  p.filter_exp = filter(gt(int_bin("d"), 5));
  EXPECT_EQ(client().put(key(1), {{"x", 1}}, p).get().code(), kFilteredOut);
  EXPECT_EQ(client().touch(key(1), p).get().code(), kFilteredOut);
  EXPECT_EQ(client().remove(key(1), p).get().code(), kFilteredOut);
  std::vector<Operation> ops{Operation::write("x", 1)};
  EXPECT_EQ(client().operate(key(1), ops, p).get().code(), kFilteredOut);
  Result<Record> r = client().get(key(1)).get();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->find("x"), nullptr);
  EXPECT_EQ(r->generation, 1u);
  // Matching: everything applies.
  p.filter_exp = filter(le(int_bin("d"), 5));
  EXPECT_TRUE(client().put(key(1), {{"x", 1}}, p).get().ok());
  EXPECT_TRUE(client().touch(key(1), p).get().ok());
  EXPECT_TRUE(client().operate(key(1), ops, p).get().ok());
  EXPECT_TRUE(client().remove(key(1), p).get().value());
  // A record that does not exist yet is created: the filter applies to existing records.
  EXPECT_TRUE(client().put(key(3), {{"d", 1}}, p).get().ok());
}

TEST_F(ExpTest, BatchRowsThatDoNotMatchAnswer27) {
  BatchPolicy p;
  p.filter_exp = filter(eq(str_bin("s"), "idle"));
  auto rows = client().batch_get({key(1), key(2), key(404)}, BatchRead::all(), p).get();
  ASSERT_TRUE(rows.ok()) << rows.status().to_string();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].code, kFilteredOut);
  EXPECT_TRUE((*rows)[1].found());
  EXPECT_EQ((*rows)[2].code, result::record_not_found);

  BatchWritePolicy wp;
  wp.filter_exp = filter(eq(str_bin("s"), "active"));
  auto written = client().batch_operate({key(1), key(2)}, {Operation::write("w", 7)}, wp).get();
  ASSERT_TRUE(written.ok());
  EXPECT_EQ((*written)[0].code, 0);
  EXPECT_EQ((*written)[1].code, kFilteredOut);
  EXPECT_EQ(client().get(key(2)).get()->find("w"), nullptr);
}

TEST_F(ExpTest, ExpressionReadComputesAndFailsOnUnknown) {
  EXPECT_EQ(int_of(add(int_bin("a"), 4)), 5);
  // key(2) has no "a": 26, or nil with eval_no_fail.
  Result<Record> r = read_exp(key(2), build(add(int_bin("a"), 4)));
  EXPECT_EQ(r.code(), kOpNotApplicable);
  r = read_exp(key(2), build(add(int_bin("a"), 4)), read_flags::eval_no_fail);
  ASSERT_TRUE(r.ok());
  ASSERT_NE(r->find("EV"), nullptr);
  EXPECT_TRUE(r->find("EV")->is_nil());
}

TEST_F(ExpTest, ExpressionWriteHonoursEveryFlag) {
  const Expression plus4 = build(add(int_bin("a"), 4));
  auto write = [&](const char* bin, const Expression& e, uint32_t flags) {
    std::vector<Operation> ops{exp_write(bin, e, flags)};
    return client().operate(key(1), ops).get();
  };
  auto bin = [&](const char* name) -> Value {
    Result<Record> r = client().get(key(1)).get();
    const Value* v = r.ok() ? r->find(name) : nullptr;
    return v ? *v : Value();
  };
  EXPECT_EQ(write("c", plus4, write_flags::update_only).code(), 17);  // bin not found
  EXPECT_TRUE(write("c", plus4, write_flags::update_only | write_flags::policy_no_fail).ok());
  EXPECT_TRUE(bin("c").is_nil());
  EXPECT_TRUE(write("c", plus4, write_flags::create_only).ok());
  EXPECT_EQ(*bin("c").as_int(), 5);
  EXPECT_EQ(write("c", plus4, write_flags::create_only).code(), 6);  // bin exists
  EXPECT_TRUE(write("c", plus4, write_flags::create_only | write_flags::policy_no_fail).ok());
  EXPECT_TRUE(write("c", build(mul(int_bin("c"), 3)), write_flags::update_only).ok());
  EXPECT_EQ(*bin("c").as_int(), 15);
  // nil: refused unless allow_delete, which deletes the bin.
  EXPECT_EQ(write("c", build(nil()), write_flags::none).code(), kOpNotApplicable);
  EXPECT_TRUE(write("c", build(nil()), write_flags::policy_no_fail).ok());
  EXPECT_EQ(*bin("c").as_int(), 15);
  EXPECT_TRUE(write("c", build(nil()), write_flags::allow_delete).ok());
  EXPECT_TRUE(bin("c").is_nil());
  // unknown: 26 unless eval_no_fail (then nothing is written).
  const Expression missing = build(add(int_bin("zz"), 1));
  EXPECT_EQ(write("c", missing, write_flags::none).code(), kOpNotApplicable);
  EXPECT_TRUE(write("c", missing, write_flags::eval_no_fail).ok());
  EXPECT_TRUE(bin("c").is_nil());
  // Other types are stored as such.
  EXPECT_TRUE(write("t", build(eq(int_bin("a"), 1)), write_flags::none).ok());
  EXPECT_EQ(*bin("t").as_bool(), true);
  EXPECT_TRUE(write("t", build(str_val("x")), write_flags::none).ok());
  EXPECT_EQ(*bin("t").as_string(), "x");
}

TEST_F(ExpTest, Arithmetic) {
  EXPECT_EQ(int_of(sub(int_bin("a"), 10)), -9);
  EXPECT_EQ(int_of(sub(int_bin("a"))), -1);
  EXPECT_EQ(int_of(mul(int_bin("d"), 21, 1)), 42);
  EXPECT_EQ(int_of(div(int_val(7), int_bin("d"))), 3);
  EXPECT_EQ(int_of(mod(int_val(7), int_bin("d"))), 1);
  EXPECT_EQ(int_of(abs(int_val(-3))), 3);
  EXPECT_EQ(int_of(min(int_val(3), 1, 2)), 1);
  EXPECT_EQ(int_of(max(int_val(3), 1, 2)), 3);
  EXPECT_EQ(int_of(to_int(float_val(2.9))), 2);
  EXPECT_EQ(*value_of(pow(float_val(2), 10.0)).as_double(), 1024.0);
  EXPECT_EQ(*value_of(log(float_val(8), 2.0)).as_double(), 3.0);
  EXPECT_EQ(*value_of(floor(float_bin("f"))).as_double(), 2.0);
  EXPECT_EQ(*value_of(ceil(float_bin("f"))).as_double(), 3.0);
  EXPECT_EQ(*value_of(add(float_bin("f"), 0.5)).as_double(), 3.0);
  EXPECT_EQ(*value_of(to_float(int_bin("a"))).as_double(), 1.0);
  // Overflow wraps; integer division and modulo by zero are unknown (26).
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(int_of(add(int_val(kMax), 1)), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(read_exp(key(1), build(div(int_bin("a"), 0))).code(), kOpNotApplicable);
  EXPECT_EQ(read_exp(key(1), build(mod(int_bin("a"), 0))).code(), kOpNotApplicable);
}

TEST_F(ExpTest, IntegerBits) {
  EXPECT_EQ(int_of(int_and(int_val(0b1100), 0b1010)), 0b1000);
  EXPECT_EQ(int_of(int_or(int_val(0b1100), 0b1010)), 0b1110);
  EXPECT_EQ(int_of(int_xor(int_val(0b1100), 0b1010)), 0b0110);
  EXPECT_EQ(int_of(int_not(int_val(0))), -1);
  EXPECT_EQ(int_of(int_lshift(int_val(1), 4)), 16);
  EXPECT_EQ(int_of(int_rshift(int_val(-1), 60)), 15);
  EXPECT_EQ(int_of(int_arshift(int_val(-16), 2)), -4);
  EXPECT_EQ(int_of(int_count(int_val(0xff))), 8);
  EXPECT_EQ(int_of(int_lscan(int_val(1), true)), 63);
  EXPECT_EQ(int_of(int_rscan(int_val(1), true)), 63);
  EXPECT_EQ(int_of(int_lscan(int_val(0), true)), -1);
  EXPECT_EQ(int_of(int_rscan(int_val(0x10), true)), 59);
}

TEST_F(ExpTest, LogicComparisonsRegexAndGeo) {
  EXPECT_TRUE(bool_of(and_(eq(int_bin("a"), 1), ne(str_bin("s"), "x"), true)));
  EXPECT_FALSE(bool_of(or_(lt(int_bin("a"), 1), gt(float_bin("f"), 3.0))));
  EXPECT_TRUE(bool_of(not_(ge(str_bin("s"), "b"))));  // "active" < "b"
  EXPECT_TRUE(bool_of(exclusive(eq(int_bin("a"), 1), eq(int_bin("a"), 2))));
  EXPECT_FALSE(bool_of(exclusive(eq(int_bin("a"), 1), true)));
  // or: an unknown operand does not stop a later true; and: a false wins over unknown.
  EXPECT_TRUE(bool_of(or_(eq(int_bin("zz"), 1), true)));
  EXPECT_FALSE(bool_of(and_(eq(int_bin("zz"), 1), false)));
  EXPECT_EQ(read_exp(key(1), build(and_(eq(int_bin("zz"), 1), true))).code(), kOpNotApplicable);
  EXPECT_TRUE(bool_of(regex_compare("^ACT", regex::icase, str_bin("s"))));
  EXPECT_FALSE(bool_of(regex_compare("^ACT", regex::none, str_bin("s"))));
  EXPECT_TRUE(bool_of(bin_exists("s")));
  EXPECT_FALSE(bool_of(bin_exists("zz")));
  EXPECT_EQ(int_of(bin_type("s")), 3);
  const std::string point = R"({"type":"Point","coordinates":[-122.0,37.5]})";
  const std::string region =
      R"({"type":"Polygon","coordinates":[[[-123,37],[-121,37],[-121,38],[-123,38],[-123,37]]]})";
  const std::string circle = R"({"type":"AeroCircle","coordinates":[[-122.0,37.5],1000]})";
  EXPECT_TRUE(bool_of(geo_compare(geo_val(point), geo_val(region))));
  EXPECT_TRUE(bool_of(geo_compare(geo_val(circle), geo_val(point))));
  EXPECT_FALSE(bool_of(geo_compare(geo_val(R"({"type":"Point","coordinates":[0,0]})"), geo_val(region))));
  wire::List l;
  l.items = {Value(1), Value("x")};
  EXPECT_TRUE(bool_of(eq(list_val(l), list_val(l))));
}

TEST_F(ExpTest, CondLetAndVar) {
  const IntExp graded = cond<Type::integer>(
      {{lt(int_bin("d"), 0), int_val(-1)}, {eq(int_bin("d"), 2), int_val(20)}}, 99);
  EXPECT_EQ(int_of(graded), 20);
  const IntExp twice = let({def("x", add(int_bin("a"), 1)), def("y", mul(var<Type::integer>("x"), 2))},
                           add(var<Type::integer>("x"), var<Type::integer>("y")));
  EXPECT_EQ(int_of(twice), 6);
  // An unknown branch taken makes the whole expression unknown.
  EXPECT_EQ(read_exp(key(1), build(cond<Type::integer>({{true, unknown<Type::integer>()}}, 1))).code(),
            kOpNotApplicable);
}

TEST_F(ExpTest, Metadata) {
  EXPECT_TRUE(bool_of(key_exists()));
  EXPECT_FALSE(bool_of(key_exists(), key(2)));
  EXPECT_EQ(int_of(key_int()), 1);
  EXPECT_EQ(*value_of(set_name()).as_string(), key(1).set());
  EXPECT_EQ(int_of(exp::ttl()), -1);        // never expires (namespace default 0)
  EXPECT_EQ(int_of(void_time()), -1);
  EXPECT_FALSE(bool_of(is_tombstone()));
  EXPECT_GT(int_of(record_size()), 0);
  EXPECT_EQ(int_of(device_size()), 0);  // memory namespace
  EXPECT_GT(int_of(last_update()), int64_t{1262304000} * 1000000000);
  EXPECT_GE(int_of(since_update()), 0);
  const int64_t m = int_of(digest_modulo(3));
  EXPECT_TRUE(m >= 0 && m < 3) << m;
  ReadPolicy p;
  p.filter_exp = filter(eq(digest_modulo(3), m));
  EXPECT_TRUE(client().get(key(1), p).get().ok());
}

// Bad expressions the builder cannot catch: hand-packed, or typed through var(). The server
// answers 4; nothing crashes.
TEST_F(ExpTest, BadExpressionsAnswer4) {
  auto filtered_get = [&](std::string packed) {
    ReadPolicy p;
    p.filter_exp = make_filter(std::move(packed));
    return client().get(key(1), p).get().code();
  };
  EXPECT_EQ(filtered_get("\x93\x01\x01"), kParameter);                 // eq with one argument
  EXPECT_EQ(filtered_get(std::string("\x93\x01\x01\xa2\x03x", 6)), kParameter);  // int == str
  EXPECT_EQ(filtered_get("\x01"), kParameter);                          // not boolean
  EXPECT_EQ(filtered_get("\x91\x60"), kParameter);                      // op code 96: none
  EXPECT_EQ(filtered_get("\xc1"), kParameter);                          // not msgpack
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += "\x92\x12";  // not(not(...))
  deep += "\xc3";
  EXPECT_EQ(filtered_get(deep), kParameter);
  // A var used with another type than it was defined with.
  const BoolExp wrong = let({def("x", int_val(1))}, var<Type::boolean>("x"));
  EXPECT_EQ(filtered_get(std::string(filter(and_(wrong, true)).bytes())), kParameter);
  EXPECT_EQ(filtered_get(std::string(filter(regex_compare("(", regex::extended, str_bin("s"))).bytes())),
            kParameter);
  std::vector<Operation> ops{exp_read("EV", Expression(std::string("\x92\x14", 2)))};  // add()
  EXPECT_EQ(client().operate(key(1), ops).get().code(), kParameter);
}

}  // namespace
}  // namespace aero
