// Map operations through the client against the embedded test server: puts with each write
// mode and flag, increments, negative index and rank, not-found/exists errors, wrong bin
// type, a context two levels deep, every return type, ordered results round-tripping as
// ordered maps.
#include "test/cdt/e2e.h"

namespace aero::cdt {
namespace {

using testing::E2eTest;
using testing::key;
using testing::L;

constexpr int kElementNotFound = 23;  // AS_ERR_ELEMENT_NOT_FOUND
constexpr int kElementExists = 24;    // AS_ERR_ELEMENT_EXISTS
constexpr int kOpNotApplicable = 26;

Map entries(std::vector<std::pair<Value, Value>> e, uint8_t order = 0) {
  Map m;
  m.entries = std::move(e);
  m.order_flags = order;
  return m;
}

using MapE2e = E2eTest;

TEST_F(MapE2e, PutModesIncrementAndSize) {
  const Key k = key(101);
  MapPolicy ordered;
  ordered.order = MapOrder::kKeyOrdered;
  Record r = run(k, {map::put("m", "b", 2, ordered), map::put("m", "a", 1, ordered),
                     map::put_items("m", entries({{"c", 3}, {"d", 4}}), ordered),
                     map::increment("m", "a", 10, ordered), map::decrement("m", "d", 1, ordered),
                     map::size("m")});
  const auto all = results(r, "m");
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(*all[0], Value(1));
  EXPECT_EQ(*all[1], Value(2));
  EXPECT_EQ(*all[2], Value(4));
  EXPECT_EQ(*all[3], Value(11));
  EXPECT_EQ(*all[4], Value(3));
  EXPECT_EQ(*all[5], Value(4));
  // The stored map is key-ordered and reads back as one.
  EXPECT_EQ(stored(k, "m"), Value(entries({{"a", 11}, {"b", 2}, {"c", 3}, {"d", 3}}, 1)));

  MapPolicy update_only;
  update_only.write_mode = MapWriteMode::kUpdateOnly;
  fails(k, {map::put("m", "zz", 1, update_only)}, kElementNotFound);
  MapPolicy create_only;
  create_only.write_mode = MapWriteMode::kCreateOnly;
  fails(k, {map::put("m", "a", 1, create_only)}, kElementExists);
  MapPolicy flags;
  flags.flags = kMapWriteCreateOnly | kMapWriteNoFail;
  run(k, {map::put("m", "a", 99, flags)});  // skipped, no error
  EXPECT_EQ(*stored(k, "m").as_map()->entries[0].second.as_int(), 11);
}

TEST_F(MapE2e, NegativeIndexRankAndWrongType) {
  const Key k = key(102);
  MapPolicy ordered;
  ordered.order = MapOrder::kKeyOrdered;
  run(k, {map::put_items("m", entries({{"a", 30}, {"b", 10}, {"c", 20}}), ordered)});
  Record r = run(k, {map::get_by_index("m", -1, ReturnType::kKey),
                     map::get_by_rank("m", -1, ReturnType::kKey),
                     map::get_by_rank("m", 0, ReturnType::kValue)});
  const auto all = results(r, "m");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(*all[0], Value("c"));
  EXPECT_EQ(*all[1], Value("a"));
  EXPECT_EQ(*all[2], Value(10));
  // A single index out of range is an error (particle_map.c: index out of bounds), while a
  // range past the end selects nothing.
  fails(k, {map::get_by_index("m", 10, ReturnType::kValue)}, kOpNotApplicable);
  Record empty = run(k, {map::get_by_index_range("m", 10, 2, ReturnType::kValue)});
  ASSERT_NE(empty.find("m"), nullptr);
  EXPECT_EQ(*empty.find("m"), L({}));
  ASSERT_TRUE(client().put(k, {{"s", "text"}}).get().ok());
  fails(k, {map::put("s", 1, 1)}, result::bin_type_error);
  fails(k, {map::size("s")}, result::bin_type_error);
  EXPECT_EQ(stored(k, "s"), Value("text"));
}

TEST_F(MapE2e, ContextTwoLevelsDeep) {
  const Key k = key(103);
  // {"x": {"y": {"z": 1}}}
  const Value inner(entries({{"z", 1}}));
  ASSERT_TRUE(client().put(k, {{"m", Value(entries({{"x", Value(entries({{"y", inner}}))}}))}}).get().ok());
  const Context xy = Context().map_key("x").map_key("y");
  Record r = run(k, {map::increment("m", "z", 2, {}, xy),
                     map::get_by_key("m", "z", ReturnType::kValue, xy)});
  const auto all = results(r, "m");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(*all[0], Value(3));
  EXPECT_EQ(*all[1], Value(3));
  // A missing step fails; create steps build the path.
  fails(k, {map::put("m", "k", 1, {}, Context().map_key("nope").map_key("y"))}, kOpNotApplicable);
  run(k, {map::put("m", "k", 1, {},
                   Context().map_key_create("new", MapOrder::kKeyOrdered)
                       .map_key_create("deeper", MapOrder::kUnordered))});
  Record g = run(k, {map::get_by_key("m", "k", ReturnType::kValue,
                                     Context().map_key("new").map_key("deeper"))});
  EXPECT_EQ(*g.find("m"), Value(1));
}

TEST_F(MapE2e, EveryReturnType) {
  const Key k = key(104);
  MapPolicy ordered;
  ordered.order = MapOrder::kKeyOrdered;
  run(k, {map::put_items("m", entries({{"a", 1}, {"b", 2}, {"c", 3}, {"d", 2}}), ordered)});
  auto one = [&](ReturnType rt) {
    Record r = run(k, {map::get_by_value("m", 2, rt)});
    const Value* v = r.find("m");
    return v ? *v : Value();
  };
  EXPECT_EQ(one(ReturnType::kKey), L({"b", "d"}));
  EXPECT_EQ(one(ReturnType::kValue), L({2, 2}));
  EXPECT_EQ(one(ReturnType::kIndex), L({1, 3}));
  EXPECT_EQ(one(ReturnType::kReverseIndex), L({2, 0}));
  EXPECT_EQ(one(ReturnType::kCount), Value(2));
  EXPECT_EQ(one(ReturnType::kExists), Value(true));
  EXPECT_EQ(one(ReturnType::kUnorderedMap), Value(entries({{"b", 2}, {"d", 2}})));
  const Value ordered_result = one(ReturnType::kOrderedMap);
  ASSERT_NE(ordered_result.as_map(), nullptr);
  EXPECT_EQ(ordered_result.as_map()->order_flags, 1);  // key-ordered, as the server marks it
  EXPECT_EQ(ordered_result.as_map()->entries.size(), 2u);
  EXPECT_EQ(one(ReturnType::kKey | ReturnType::kInverted), L({"a", "c"}));
  Record r = run(k, {map::get_by_key_range("m", "b", Value(), ReturnType::kKey),
                     map::get_by_key_range("m", "b", Infinity{}, ReturnType::kCount),
                     map::get_by_key_list("m", List{{"a", "c"}}, ReturnType::kValue),
                     map::get_by_value_range("m", 2, 3, ReturnType::kKey),
                     map::get_by_index_range("m", 1, 2, ReturnType::kKey),
                     map::get_by_rank_range("m", -1, std::nullopt, ReturnType::kValue),
                     map::get_by_key_rel_index_range("m", "b", 1, std::nullopt, ReturnType::kKey),
                     map::get_by_value_list("m", List{{3}}, ReturnType::kKey)});
  const auto all = results(r, "m");
  ASSERT_EQ(all.size(), 8u);
  EXPECT_EQ(*all[0], L({"b", "c", "d"}));
  EXPECT_EQ(*all[1], Value(3));
  EXPECT_EQ(*all[2], L({1, 3}));
  EXPECT_EQ(*all[3], L({"b", "d"}));
  EXPECT_EQ(*all[4], L({"b", "c"}));
  EXPECT_EQ(*all[5], L({3}));
  EXPECT_EQ(*all[6], L({"c", "d"}));
  EXPECT_EQ(*all[7], L({"c"}));
  // Removals answer what they were asked for; kNone answers nil (every map op answers).
  Record rm = run(k, {map::remove_by_key("m", "a", ReturnType::kValue),
                      map::remove_by_value("m", 2, ReturnType::kNone), map::size("m")});
  const auto removed = results(rm, "m");
  ASSERT_EQ(removed.size(), 3u);
  EXPECT_EQ(*removed[0], Value(1));
  EXPECT_TRUE(removed[1]->is_nil());
  EXPECT_EQ(*removed[2], Value(1));
  run(k, {map::clear("m")});
  EXPECT_EQ(*run(k, {map::size("m")}).find("m"), Value(0));
}

}  // namespace
}  // namespace aero::cdt
