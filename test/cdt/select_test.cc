// The path "select" builders (client/cdt/select.h, client/exp/path_exp.h) against the requests
// an official client sent to a real 8.1.2 server: every captured select op (CDT op code 0xfe in
// list_basics and map_basics) is rebuilt with the typed builders and must be byte-identical
// (op type, particle type, packed bytes, bin name).
#include <gtest/gtest.h>

#include <span>
#include <string>
#include <vector>

#include "client/cdt/select.h"
#include "client/exp/exp.h"
#include "client/exp/map_exp.h"
#include "client/exp/path_exp.h"
#include "client/wire/wire.h"
#include "test/wire/captures.h"

namespace aero::cdt {
namespace {

using exp::Type;
using wire::testing::CaptureVector;
using wire::testing::find_capture;
using wire::testing::load_captures;
using wire::testing::to_hex;

// The one CDT op of a captured request.
void expect_same(const std::string& file, const std::string& name, const wire::Operation& mine) {
  const auto vectors = load_captures("test/captures/operations/" + file);
  const CaptureVector& v = find_capture(vectors, name);
  wire::Result<wire::MessageView> m = wire::parse_single_message(std::span(v.request).subspan(8));
  ASSERT_TRUE(m.ok()) << name;
  int seen = 0;
  for (wire::OpView op : m->ops()) {
    if (op.op_type != 3 && op.op_type != 4) continue;
    ++seen;
    EXPECT_EQ(static_cast<int>(mine.type), op.op_type) << name;
    EXPECT_EQ(mine.bin_name, op.name) << name;
    ASSERT_NE(mine.value.as_bytes(), nullptr) << name;
    EXPECT_EQ(mine.value.as_bytes()->particle_type, op.value.particle_type()) << name;
    const auto payload = op.value.bytes();
    EXPECT_EQ(to_hex(mine.value.as_bytes()->data), to_hex(payload.data(), payload.size()))
        << name;
  }
  EXPECT_EQ(seen, 1) << name;
}

// price <= 10.0 of the map element being tested.
exp::Expression cheap() {
  return exp::build(exp::le(exp::map::get_by_key<ReturnType::kValue, Type::floating>(
                                exp::str_val("price"), exp::element_value<Type::map>()),
                            10.0));
}

TEST(SelectCaptures, ReadTreeWithIntegerFilter) {
  const auto in_range = exp::build(exp::and_(exp::ge(exp::element_value<Type::integer>(), 14),
                                             exp::lt(exp::element_value<Type::integer>(), 16)));
  expect_same("list_basics.json.gz", "list_basics #6935",
              select_by_path("test-list-1",
                             Context().all_children().all_children_with_filter(in_range),
                             select_flags::kTree));
}

TEST(SelectCaptures, ReadMapKeyValuesThroughMapFilter) {
  const auto title = exp::build(exp::eq(exp::element_key<Type::string>(), "title"));
  expect_same("list_basics.json.gz", "list_basics #6939",
              select_by_path("test-list-1",
                             Context().all_children().all_children_with_filter(cheap())
                                 .all_children_with_filter(title),
                             select_flags::kMapKeyValues));
}

TEST(SelectCaptures, ModifyApplies) {
  expect_same("list_basics.json.gz", "list_basics #6943",
              modify_by_path("test-list-1",
                             Context().map_key("books").all_children().map_key("price"),
                             exp::build(exp::mul(exp::element_value<Type::floating>(), 1.1))));
  expect_same("list_basics.json.gz", "list_basics #6949",
              modify_by_path("test-list-1", Context().all_children().map_key("id"),
                             exp::build(exp::mul(exp::element_value<Type::integer>(), -1))));
  expect_same("map_basics.json.gz", "map_basics #461",
              modify_by_path("testmap", Context().all_children(),
                             exp::build(exp::str_val("updated"))));
  expect_same("map_basics.json.gz", "map_basics #466",
              modify_by_path("testmap", Context().all_children().all_children(),
                             exp::build(exp::add(exp::element_value<Type::integer>(), 5)),
                             /*no_fail=*/true));
}

TEST(SelectCaptures, ModifyRemoves) {
  expect_same("list_basics.json.gz", "list_basics #6954",
              modify_by_path("test-list-1",
                             Context().map_key("books").all_children_with_filter(cheap()),
                             exp::build(exp::remove_result())));
  expect_same("list_basics.json.gz", "list_basics #6959",
              modify_by_path("test-list-1", Context().all_children_with_filter(cheap()),
                             exp::build(exp::remove_result())));
}

TEST(SelectCaptures, ReadWithStringFilter) {
  expect_same("map_basics.json.gz", "map_basics #472",
              select_by_path("testmap",
                             Context().all_children_with_filter(exp::build(
                                 exp::eq(exp::element_value<Type::string>(), "a"))),
                             select_flags::kTree));
}

}  // namespace
}  // namespace aero::cdt
