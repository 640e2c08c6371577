// The list, map, bit and HLL read expressions (client/exp/{list,map,bit,hll}_exp.h) reproduce,
// byte for byte, the filter expressions (field 43) an official client sent to a real 8.1.2
// server in test/captures/operations/{query_foreach,list_basics,map_basics,bit,hll}.json.gz:
// the call framing, result types chosen from return types, nested calls (a read on another
// read's result), quoted list arguments and single-HLL arguments.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "client/exp/bit_exp.h"
#include "client/exp/exp.h"
#include "client/exp/hll_exp.h"
#include "client/exp/list_exp.h"
#include "client/exp/map_exp.h"
#include "test/wire/captures.h"

namespace aero::exp {
namespace {

using cdt::ReturnType;
using wire::List;
using wire::testing::ByteVec;
using wire::testing::CaptureVector;
using wire::testing::load_captures;
using wire::testing::to_hex;

const std::vector<CaptureVector>& file(const std::string& name) {
  static std::map<std::string, std::vector<CaptureVector>> cache;
  auto it = cache.find(name);
  if (it == cache.end()) {
    it = cache.emplace(name, load_captures("test/captures/operations/" + name)).first;
  }
  return it->second;
}

// The filter expression (field 43) of a captured request, as hex ("" if none).
std::string filter_of(const ByteVec& req) {
  if (req.size() < 8 + 22) return "";
  const size_t n_fields = (size_t(req[8 + 18]) << 8) | req[8 + 19];
  size_t p = 8 + 22;
  for (size_t f = 0; f < n_fields && p + 5 <= req.size(); ++f) {
    const uint32_t size = (uint32_t(req[p]) << 24) | (uint32_t(req[p + 1]) << 16) |
                          (uint32_t(req[p + 2]) << 8) | req[p + 3];
    if (size == 0 || p + 4 + size > req.size()) return "";
    if (req[p + 4] == 43) return to_hex(&req[p + 5], size - 1);
    p += 4 + size;
  }
  return "";
}

std::string hex(const Exp<Type::boolean>& e) {
  return to_hex(reinterpret_cast<const uint8_t*>(e.packed().data()), e.packed().size());
}

struct Case {
  const char* file;
  size_t vector;
  std::function<BoolExp()> build;
};

TEST(ExpCdtEncode, ReadExpressionsReproduceTheCapturedFilters) {
  const ListExp x = list_bin("x");
  const MapExp y = map_bin("y");
  const ListExp l1 = list_bin("test-list-1");
  const MapExp tm = map_bin("testmap");
  const BlobExp b = blob_bin("bitbin");
  const HllExp h1 = hll_bin("hllbin_1"), h2 = hll_bin("hllbin_2"), h3 = hll_bin("hllbin_3");
  const std::vector<Case> cases = {
      // query_foreach: list and map reads in query filters.
      {"query_foreach.json.gz", 258,
       [&] { return ne(list::get_by_value<ReturnType::kCount>(str_val("x2"), x), 0); }},
      {"query_foreach.json.gz", 259,
       [&] { return ne(map::get_by_key<ReturnType::kCount>(str_val("ykey_not"), y), 0); }},
      {"query_foreach.json.gz", 260,
       [&] {
         return and_(map::get_by_value<ReturnType::kExists>(str_val("yvalue"), y),
                     ne(map::get_by_value<ReturnType::kCount>(str_val("yvalue"), y), 0));
       }},
      // list_basics: a map read on a list read's result; every list selector family.
      {"list_basics.json.gz", 6896,
       [&] {
         return eq(map::get_by_index<ReturnType::kValue, Type::integer>(
                       0, list::get_by_rank<ReturnType::kValue, Type::map>(4, l1)),
                   1);
       }},
      {"list_basics.json.gz", 6903,
       [&] {
         return and_(
             eq(list::get_by_value_range<ReturnType::kValue>(int_val(8), int_val(9), l1),
                list_val(List{{8}})),
             eq(list::get_by_value_rel_rank_range<ReturnType::kCount>(
                    int_val(5), 0,
                    list::get_by_value_list<ReturnType::kValue>(list_val(List{{3, 5, 8}}), l1)),
                2),
             eq(list::get_by_value_rel_rank_range<ReturnType::kCount>(int_val(5), 0, 3, l1), 3),
             list::get_by_value_rel_rank_range<ReturnType::kExists>(int_val(5), 0, 3, l1),
             eq(list::get_by_index_range<ReturnType::kValue>(3, l1), list_val(List{{8, 5, 3}})),
             eq(list::get_by_rank_range<ReturnType::kValue>(
                    0, 1, list::get_by_rank_range<ReturnType::kValue>(2, l1)),
                list_val(List{{8}})));
       }},
      // map_basics: size of a key-list selection (quoted key list, key/value result).
      {"map_basics.json.gz", 414,
       [&] {
         return eq(
             map::size(map::get_by_key_list<ReturnType::kKeyValue>(list_val(List{{"A", "C"}}), tm)),
             2);
       }},
      // bit: every bit read.
      {"bit.json.gz", 58, [&] { return ne(bit::get(16, 8, b), bit::get(16, 8, b)); }},
      {"bit.json.gz", 60, [&] { return ne(bit::count(16, 8, b), bit::count(32, 8, b)); }},
      {"bit.json.gz", 62, [&] { return ne(int_val(5), bit::lscan(32, 8, true, b)); }},
      {"bit.json.gz", 66, [&] { return ne(int_val(7), bit::rscan(32, 8, true, b)); }},
      {"bit.json.gz", 68, [&] { return ne(int_val(5), bit::get_int(32, 8, true, b)); }},
      // hll: count, single-HLL arguments, nested union, describe + list read, may_contain.
      {"hll.json.gz", 15, [&] { return eq(hll::count(h1), 0); }},
      {"hll.json.gz", 26,
       [&] { return le(hll::intersect_count(h2, h1), hll::intersect_count(h3, h1)); }},
      {"hll.json.gz", 30, [&] { return le(hll::similarity(h2, h1), hll::similarity(h3, h1)); }},
      {"hll.json.gz", 31,
       [&] {
         return ne(list::get_by_index<ReturnType::kValue, Type::integer>(0, hll::describe(h1)),
                   list::get_by_index<ReturnType::kValue, Type::integer>(0, hll::describe(h2)));
       }},
      {"hll.json.gz", 33,
       [&] { return eq(int_val(1), hll::may_contain(list_val(List{{"new_val"}}), h2)); }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.file) + " vector " + std::to_string(c.vector));
    const auto& v = file(c.file);
    ASSERT_LT(c.vector, v.size());
    const std::string want = filter_of(v[c.vector].request);
    ASSERT_FALSE(want.empty());
    EXPECT_EQ(hex(c.build()), want);
  }
}

// hll.json.gz vector 20 compares union_count(get_union(hllbin_2 on hllbin_1) on hllbin_3) with
// a union count over three literal HLLs: the left side, built here, is the filter's prefix.
TEST(ExpCdtEncode, NestedHllUnionMatchesTheCapturedPrefix) {
  const IntExp left = hll::union_count(hll::get_union(hll_bin("hllbin_2"), hll_bin("hllbin_1")),
                                       hll_bin("hllbin_3"));
  const std::string want = filter_of(file("hll.json.gz")[20].request);
  const std::string got =
      to_hex(reinterpret_cast<const uint8_t*>(left.packed().data()), left.packed().size());
  EXPECT_EQ(want.substr(0, 4), "9301");  // [EQ, left, right]
  EXPECT_EQ(want.substr(4, got.size()), got);
}

// Result types follow the return type (compile-time checks).
static_assert(std::is_same_v<
              decltype(list::get_by_value<ReturnType::kCount>(int_val(1), list_bin("l"))), IntExp>);
static_assert(
    std::is_same_v<decltype(list::get_by_value<ReturnType::kValue>(int_val(1), list_bin("l"))),
                   ListExp>);
static_assert(
    std::is_same_v<decltype(list::get_by_value<ReturnType::kExists | ReturnType::kInverted>(
                       int_val(1), list_bin("l"))),
                   BoolExp>);
static_assert(
    std::is_same_v<decltype(list::get_by_index<ReturnType::kValue, Type::string>(0, list_bin("l"))),
                   StrExp>);
static_assert(
    std::is_same_v<decltype(list::get_by_index<ReturnType::kRank>(0, list_bin("l"))), IntExp>);
static_assert(std::is_same_v<
              decltype(list::get_by_index_range<ReturnType::kRank>(0, list_bin("l"))), ListExp>);
static_assert(
    std::is_same_v<decltype(map::get_by_key<ReturnType::kKeyValue>(str_val("k"), map_bin("m"))),
                   MapExp>);
static_assert(
    std::is_same_v<decltype(map::get_by_key_list<ReturnType::kKey>(list_val(List{}), map_bin("m"))),
                   ListExp>);
static_assert(
    std::is_same_v<decltype(map::get_by_rank<ReturnType::kKey, Type::integer>(0, map_bin("m"))),
                   IntExp>);
// An inverted single map selector answers a selection (an inverted single list selector is
// refused by the server and does not compile: see ListIndexRead below).
static_assert(std::is_same_v<decltype(map::get_by_key<ReturnType::kKey | ReturnType::kInverted>(str_val("k"), map_bin("m"))), ListExp>);
// A list read cannot answer map results, nor a single element's value without its type.
template <ReturnType R>
concept ListValueRead = requires {
  list::get_by_value<R>(int_val(1), list_bin("l"));
};
static_assert(!ListValueRead<ReturnType::kKeyValue>);
static_assert(!ListValueRead<ReturnType::kNone>);
template <ReturnType R>
concept ListIndexRead = requires {
  list::get_by_index<R>(int_val(0), list_bin("l"));
};
static_assert(!ListIndexRead<ReturnType::kValue>);
static_assert(ListIndexRead<ReturnType::kCount>);
static_assert(!ListIndexRead<ReturnType::kCount | ReturnType::kInverted>);

}  // namespace
}  // namespace aero::exp
