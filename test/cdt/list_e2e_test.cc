// List operations through the client against the embedded test server: the normal case,
// negative index and rank, out of range, wrong bin type, a context two levels deep, every
// return type, and several answers for one bin.
#include "test/cdt/e2e.h"

namespace aero::cdt {
namespace {

using testing::E2eTest;
using testing::key;
using testing::L;

constexpr int kOpNotApplicable = 26;  // AS_ERR_OP_NOT_APPLICABLE

using ListE2e = E2eTest;

TEST_F(ListE2e, AppendInsertSetIncrementAndRead) {
  const Key k = key(1);
  Record r = run(k, {list::append_items("l", List{{10, 20, 30}}), list::append("l", 40),
                     list::insert("l", 1, 15), list::set("l", 0, 5), list::increment("l", 0, 2),
                     list::size("l"), list::get("l", 1), list::get_range("l", 1, 2)});
  const auto all = results(r, "l");
  ASSERT_EQ(all.size(), 7u);      // set answers nothing (particle_list.c list_set)
  EXPECT_EQ(*all[0], Value(3));   // size after append_items
  EXPECT_EQ(*all[1], Value(4));   // size after append
  EXPECT_EQ(*all[2], Value(5));   // size after insert
  EXPECT_EQ(*all[3], Value(7));   // increment answers the new value
  EXPECT_EQ(*all[4], Value(5));   // size
  EXPECT_EQ(*all[5], Value(15));  // get
  EXPECT_EQ(*all[6], L({15, 20}));
  EXPECT_EQ(stored(k, "l"), L({7, 15, 20, 30, 40}));
}

TEST_F(ListE2e, NegativeIndexAndRank) {
  const Key k = key(2);
  run(k, {list::append_items("l", List{{30, 10, 20}})});
  Record r = run(k, {list::get("l", -1), list::get_by_index("l", -2, ReturnType::kValue),
                     list::get_by_rank("l", -1, ReturnType::kValue),
                     list::get_by_rank("l", 0, ReturnType::kIndex),
                     list::get_range("l", -2)});
  const auto all = results(r, "l");
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(*all[0], Value(20));
  EXPECT_EQ(*all[1], Value(10));
  EXPECT_EQ(*all[2], Value(30));
  EXPECT_EQ(*all[3], Value(1));  // the smallest (10) is at index 1
  EXPECT_EQ(*all[4], L({10, 20}));
}

TEST_F(ListE2e, OutOfRangeAndWrongType) {
  const Key k = key(3);
  run(k, {list::append_items("l", List{{1, 2, 3}})});
  fails(k, {list::get("l", 10)}, kOpNotApplicable);
  fails(k, {list::get("l", -10)}, kOpNotApplicable);
  EXPECT_EQ(stored(k, "l"), L({1, 2, 3}));  // nothing changed
  // A range past the end answers what exists.
  Record r = run(k, {list::get_range("l", 2, 10)});
  EXPECT_EQ(*r.find("l"), L({3}));
  // List operations on an integer bin: bin type error, nothing changed.
  ASSERT_TRUE(client().put(k, {{"n", 7}}).get().ok());
  fails(k, {list::append("n", 1)}, result::bin_type_error);
  fails(k, {list::size("n")}, result::bin_type_error);
  EXPECT_EQ(stored(k, "n"), Value(7));
}

TEST_F(ListE2e, ContextTwoLevelsDeep) {
  const Key k = key(4);
  // {"a": [[1, 2], [3, 4]]}
  Map m;
  m.entries.emplace_back("a", L({L({1, 2}), L({3, 4})}));
  ASSERT_TRUE(client().put(k, {{"m", Value(m)}}).get().ok());
  const Context last = Context().map_key("a").list_index(-1);
  Record r = run(k, {list::append("m", 5, std::nullopt, last),
                     list::get_by_index("m", 0, ReturnType::kValue, last),
                     list::size("m", Context().map_key("a"))});
  const auto all = results(r, "m");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(*all[0], Value(3));
  EXPECT_EQ(*all[1], Value(3));
  EXPECT_EQ(*all[2], Value(2));
  Map want;
  want.entries.emplace_back("a", L({L({1, 2}), L({3, 4, 5})}));
  EXPECT_EQ(stored(k, "m"), Value(want));
  // A missing step is an error unless the step creates.
  fails(k, {list::append("m", 1, std::nullopt, Context().map_key("zz"))}, kOpNotApplicable);
  run(k, {list::append("m", 9, std::nullopt,
                       Context().map_key_create("zz", MapOrder::kUnordered))});
}

TEST_F(ListE2e, EveryReturnType) {
  const Key k = key(5);
  run(k, {list::append_items("l", List{{10, 20, 30, 20}})});
  auto one = [&](ReturnType rt) {
    Record r = run(k, {list::get_by_value("l", 20, rt)});
    const Value* v = r.find("l");
    return v ? *v : Value();
  };
  EXPECT_EQ(one(ReturnType::kIndex), L({1, 3}));
  EXPECT_EQ(one(ReturnType::kReverseIndex), L({2, 0}));
  EXPECT_EQ(one(ReturnType::kRank), L({1, 2}));
  // The two 20s have ranks 1 and 2, so reverse ranks 2 and 1, answered in rank order.
  EXPECT_EQ(one(ReturnType::kReverseRank), L({1, 2}));
  EXPECT_EQ(one(ReturnType::kCount), Value(2));
  EXPECT_EQ(one(ReturnType::kValue), L({20, 20}));
  EXPECT_EQ(one(ReturnType::kExists), Value(true));
  EXPECT_EQ(one(ReturnType::kValue | ReturnType::kInverted), L({10, 30}));
  // Ranges: Infinity as the open end, and the same range with the end left out.
  Record r = run(k, {list::get_by_value_range("l", 15, Infinity{}, ReturnType::kCount),
                     list::get_by_value_range("l", 15, Value(), ReturnType::kValue),
                     list::get_by_index_range("l", 1, 2, ReturnType::kValue),
                     list::get_by_rank_range("l", -2, std::nullopt, ReturnType::kValue),
                     list::get_by_value_list("l", List{{10, 30}}, ReturnType::kIndex),
                     list::get_by_value_rel_rank_range("l", 20, 0, 1, ReturnType::kValue)});
  const auto all = results(r, "l");
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(*all[0], Value(3));
  EXPECT_EQ(*all[1], L({20, 30, 20}));
  EXPECT_EQ(*all[2], L({20, 30}));
  EXPECT_EQ(all[3]->as_list()->items.size(), 2u);
  EXPECT_EQ(*all[4], L({0, 2}));
  EXPECT_EQ(*all[5], L({20}));
  // Removal with kNone answers nothing; the removal happened.
  Record rm = run(k, {list::remove_by_value("l", 20, ReturnType::kCount),
                      list::remove_by_index("l", 0, ReturnType::kValue)});
  const auto removed = results(rm, "l");
  ASSERT_EQ(removed.size(), 2u);
  EXPECT_EQ(*removed[0], Value(2));
  EXPECT_EQ(*removed[1], Value(10));
  EXPECT_EQ(stored(k, "l"), L({30}));
}

TEST_F(ListE2e, OrderedListKeepsOrderAndWriteFlags) {
  const Key k = key(6);
  run(k, {list::create("l", ListOrder::kOrdered), list::append_items("l", List{{3, 1, 2}})});
  EXPECT_EQ(stored(k, "l"), Value(List{{1, 2, 3}, 1}));
  // add-unique fails on a duplicate; with no-fail it is skipped.
  fails(k, {list::append("l", 2, ListPolicy{ListOrder::kOrdered, kListWriteAddUnique})}, 24);
  run(k, {list::append("l", 2,
                       ListPolicy{ListOrder::kOrdered, kListWriteAddUnique | kListWriteNoFail})});
  Record r = run(k, {list::get_range("l", 0)});
  EXPECT_EQ(r.find("l")->as_list()->items, (std::vector<Value>{1, 2, 3}));
  // pop and trim
  Record p = run(k, {list::pop("l", -1), list::trim("l", 0, 1)});
  const auto all = results(p, "l");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(*all[0], Value(3));
  EXPECT_EQ(*all[1], Value(1));  // trim answers how many it removed
}

// batch_operate carries the same operations.
TEST_F(ListE2e, BatchOperate) {
  run(key(7), {list::append("l", 1)});
  run(key(8), {list::append_items("l", List{{1, 2}})});
  auto rows = client().batch_operate({key(7), key(8)}, {list::size("l")}).get();
  ASSERT_TRUE(rows.ok()) << rows.status().to_string();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ(*(*rows)[0].record.find("l"), Value(1));
  EXPECT_EQ(*(*rows)[1].record.find("l"), Value(2));
}

}  // namespace
}  // namespace aero::cdt
