// HyperLogLog operations through the client against the embedded test server: init, add,
// counts, unions and similarity between HLL bins, describe, fold, may contain, errors.
#include "test/cdt/e2e.h"

#include <cmath>
#include <string>

namespace aero::cdt {
namespace {

using testing::E2eTest;
using testing::key;
using testing::L;

using HllE2e = E2eTest;

List numbered(const std::string& prefix, int from, int to) {
  List l;
  for (int i = from; i < to; ++i) l.items.emplace_back(prefix + std::to_string(i));
  return l;
}

TEST_F(HllE2e, InitAddCountDescribe) {
  const Key k = key(301);
  Record r = run(k, {hll::init("h", 10), hll::add("h", numbered("v", 0, 200)),
                     hll::get_count("h"), hll::describe("h")});
  const auto all = results(r, "h");
  ASSERT_EQ(all.size(), 4u);
  ASSERT_NE(all[1]->as_int(), nullptr);
  EXPECT_GT(*all[1]->as_int(), 0);
  ASSERT_NE(all[2]->as_int(), nullptr);
  EXPECT_NEAR(static_cast<double>(*all[2]->as_int()), 200.0, 20.0);
  EXPECT_EQ(*all[3], L({10, 0}));
  // The stored bin is an HLL particle.
  const Value stored_hll = stored(k, "h");
  ASSERT_NE(stored_hll.as_bytes(), nullptr);
  EXPECT_EQ(stored_hll.as_bytes()->particle_type, wire::particle::kHll);
  // add creates the HLL with the given sizes when the bin is missing.
  Record c = run(k, {hll::add("h2", numbered("w", 0, 10), 8), hll::describe("h2")});
  EXPECT_EQ(*result(c, "h2", 1), L({8, 0}));
}

// HLL_OP_MAY_CONTAIN (56): 1 when every element's register in the HLL is at least the value
// the element hashes to (it may have been added), 0 when one cannot have been.
TEST_F(HllE2e, MayContain) {
  const Key k = key(304);
  run(k, {hll::add("h", numbered("w", 0, 10), 8)});
  Record r = run(k, {hll::may_contain("h", numbered("w", 0, 10)),
                     hll::may_contain("h", List{{Value("w3")}}),
                     hll::may_contain("h", numbered("never-added-", 0, 50))});
  const auto all = results(r, "h");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(*all[0], Value(1));
  EXPECT_EQ(*all[1], Value(1));
  EXPECT_EQ(*all[2], Value(0));  // 50 new elements in a 256-register HLL holding 10
}

TEST_F(HllE2e, UnionIntersectSimilarityFold) {
  const Key k = key(302);
  run(k, {hll::add("a", numbered("v", 0, 100), 12), hll::add("b", numbered("v", 50, 150), 12)});
  const Value b = stored(k, "b");
  ASSERT_NE(b.as_bytes(), nullptr);
  const hll::Hlls others = {*b.as_bytes()};
  Record r = run(k, {hll::get_union_count("a", others), hll::get_intersect_count("a", others),
                     hll::get_similarity("a", others), hll::get_union("a", others)});
  const auto all = results(r, "a");
  ASSERT_EQ(all.size(), 4u);
  EXPECT_NEAR(static_cast<double>(*all[0]->as_int()), 150.0, 15.0);
  EXPECT_NEAR(static_cast<double>(*all[1]->as_int()), 50.0, 15.0);
  ASSERT_NE(all[2]->as_double(), nullptr);
  EXPECT_NEAR(*all[2]->as_double(), 1.0 / 3.0, 0.1);
  ASSERT_NE(all[3]->as_bytes(), nullptr);
  run(k, {hll::set_union("a", others), hll::refresh_count("a"), hll::fold("a", 8)});
  Record d = run(k, {hll::describe("a"), hll::get_count("a")});
  EXPECT_EQ(*result(d, "a", 0), L({8, 0}));
  EXPECT_NEAR(static_cast<double>(*result(d, "a", 1)->as_int()), 150.0, 30.0);
}

TEST_F(HllE2e, Errors) {
  const Key k = key(303);
  ASSERT_TRUE(client().put(k, {{"s", "text"}}).get().ok());
  fails(k, {hll::add("s", numbered("v", 0, 3), 8)}, result::bin_type_error);
  fails(k, {hll::init("h", 3)}, result::parameter_error);  // index bits below 4
}

}  // namespace
}  // namespace aero::cdt
