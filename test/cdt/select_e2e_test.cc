// The 8.1 path "select" operations (client/cdt/select.h) through the client against the
// embedded test server over loopback sockets: reads by path with expression-filtered levels
// in each return type, modifies that apply an expression (ordered lists re-sorted) or remove,
// the no-fail flag, and the server's errors (4 for a filter that cannot evaluate, 12 for a bin
// that is not a list or map).
#include "client/exp/path_exp.h"
#include "test/cdt/e2e.h"

namespace aero::cdt {
namespace {

using exp::Type;
using testing::E2eTest;
using testing::key;
using testing::L;

constexpr int kParameter = 4;
constexpr int kBinType = 12;

Map entries(std::vector<std::pair<Value, Value>> e, uint8_t order = 0) {
  Map m;
  m.entries = std::move(e);
  m.order_flags = order;
  return m;
}

exp::Expression at_least(int64_t n) {
  return exp::build(exp::ge(exp::element_value<Type::integer>(), n));
}

using SelectE2e = E2eTest;

TEST_F(SelectE2e, ReadsEachReturnType) {
  const Key k = key(701);
  run(k, {Operation::write("l", L({L({10, 14, 15, 20}), L({1, 14})}))});
  const Context path = Context().all_children().all_children_with_filter(at_least(14));
  Record r = run(k, {select_by_path("l", path, select_flags::kTree)});
  ASSERT_NE(r.find("l"), nullptr);
  EXPECT_EQ(*r.find("l"), L({L({14, 15, 20}), L({14})}));
  r = run(k, {select_by_path("l", path, select_flags::kValues)});
  ASSERT_NE(r.find("l"), nullptr);
  EXPECT_EQ(*r.find("l"), L({14, 15, 20, 14}));
  // By index: only the second element of each inner list.
  const auto second = exp::build(exp::eq(exp::element_index(), 1));
  r = run(k, {select_by_path("l", Context().all_children().all_children_with_filter(second),
                             select_flags::kValues)});
  ASSERT_NE(r.find("l"), nullptr);
  EXPECT_EQ(*r.find("l"), L({14, 14}));

  const Key m = key(702);
  run(m, {Operation::write("m", Value(entries({{"a", 1}, {"b", 20}, {"c", 30}})))});
  const Context big = Context().all_children_with_filter(at_least(10));
  r = run(m, {select_by_path("m", big, select_flags::kMapKeys)});
  ASSERT_NE(r.find("m"), nullptr);
  EXPECT_EQ(*r.find("m"), L({"b", "c"}));
  r = run(m, {select_by_path("m", big, select_flags::kMapKeyValues)});
  ASSERT_NE(r.find("m"), nullptr);
  EXPECT_EQ(*r.find("m"), L({"b", 20, "c", 30}));
}

TEST_F(SelectE2e, ModifyAppliesAndRemoves) {
  const Key k = key(703);
  run(k, {Operation::write("m", Value(entries({{"a", 1}, {"b", 20}, {"c", 30}})))});
  run(k, {modify_by_path("m", Context().all_children_with_filter(at_least(10)),
                         exp::build(exp::mul(exp::element_value<Type::integer>(), 2)))});
  EXPECT_EQ(stored(k, "m"), Value(entries({{"a", 1}, {"b", 40}, {"c", 60}})));
  run(k, {modify_by_path("m", Context().all_children_with_filter(at_least(50)),
                         exp::build(exp::remove_result()))});
  EXPECT_EQ(stored(k, "m"), Value(entries({{"a", 1}, {"b", 40}})));

  // A list the server keeps ordered is re-sorted after the change.
  const Key o = key(704);
  ListPolicy ordered;
  ordered.order = ListOrder::kOrdered;
  run(o, {list::append_items("l", List{{1, 2, 3}}, ordered)});
  run(o, {modify_by_path("l", Context().all_children(),
                         exp::build(exp::mul(exp::element_value<Type::integer>(), -1)))});
  const Value got = stored(o, "l");
  ASSERT_NE(got.as_list(), nullptr);
  EXPECT_EQ(got.as_list()->items, (std::vector<Value>{-3, -2, -1}));
}

TEST_F(SelectE2e, NoFailAndErrors) {
  const Key k = key(705);
  run(k, {Operation::write("m", Value(entries({{"a", Value()}, {"b", "new"}, {"c", 3}})))});
  const auto is_new = exp::build(exp::eq(exp::element_value<Type::string>(), "new"));
  // A nil and an integer cannot be compared with a string: 4, unless no-fail skips them.
  fails(k, {select_by_path("m", Context().all_children_with_filter(is_new), select_flags::kValues)},
        kParameter);
  Record r = run(k, {select_by_path("m", Context().all_children_with_filter(is_new),
                                    select_flags::kValues | select_flags::kNoFail)});
  ASSERT_NE(r.find("m"), nullptr);
  EXPECT_EQ(*r.find("m"), L({"new"}));
  // The apply expression fails on "b" and "a": without no-fail nothing changes.
  const auto plus = exp::build(exp::add(exp::element_value<Type::integer>(), 1));
  fails(k, {modify_by_path("m", Context().all_children(), plus)}, kParameter);
  EXPECT_EQ(stored(k, "m"), Value(entries({{"a", Value()}, {"b", "new"}, {"c", 3}})));
  run(k, {modify_by_path("m", Context().all_children(), plus, /*no_fail=*/true)});
  EXPECT_EQ(stored(k, "m"), Value(entries({{"a", Value()}, {"b", "new"}, {"c", 4}})));

  const Key s = key(706);
  run(s, {Operation::write("s", Value(7))});
  fails(s, {select_by_path("s", Context().all_children(), select_flags::kValues)}, kBinType);
}

}  // namespace
}  // namespace aero::cdt
