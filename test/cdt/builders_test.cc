// Exact bytes of the builders the captures do not cover (laid out by hand from the C
// client's as_list_operations.c / as_map_operations.c / as_hll_operations.c and
// as_cdt_internal.c), contexts two levels deep with create flags, return-type flags,
// Infinity/Wildcard operands, and how the ops set the message header when encoded.
#include <gtest/gtest.h>

#include "client/cdt/bit.h"
#include "client/cdt/hll.h"
#include "client/cdt/list.h"
#include "client/cdt/map.h"
#include "client/cdt/results.h"
#include "client/wire/wire.h"
#include "test/wire/captures.h"

namespace aero::cdt {
namespace {

using wire::Infinity;
using wire::List;
using wire::OpType;
using wire::Operation;
using wire::Value;
using wire::Wildcard;
using wire::testing::to_hex;

std::string hex(const Operation& op) {
  EXPECT_NE(op.value.as_bytes(), nullptr);
  if (op.value.as_bytes() == nullptr) return "";
  EXPECT_EQ(op.value.as_bytes()->particle_type, wire::particle::kBlob);
  return to_hex(op.value.as_bytes()->data);
}

TEST(ListBuilders, PositionalAndRange) {
  EXPECT_EQ(hex(list::get("l", 2)), "921102");                 // [17, 2]
  EXPECT_EQ(hex(list::get_range("l", -3)), "9212fd");          // [18, -3]
  EXPECT_EQ(hex(list::get_range("l", 1, 2)), "93120102");      // [18, 1, 2]
  EXPECT_EQ(hex(list::increment("l", 0)), "920c00");           // [12, 0]
  EXPECT_EQ(hex(list::size("l")), "9110");                     // [16]
  EXPECT_EQ(list::get("l", 0).type, OpType::kCdtRead);
  EXPECT_EQ(list::pop("l", 0).type, OpType::kCdtModify);
  EXPECT_FALSE(list::append("l", 1).respond_all_ops);
}

TEST(ListBuilders, CreateTopLevelAndNested) {
  // Top level: SET_TYPE with the order, persist index as bit 0x10.
  EXPECT_EQ(hex(list::create("l", ListOrder::kOrdered, false, true)), "920011");
  // Nested: the last context step carries the create flag (0x40 | 0x10 = 0x50 unordered,
  // 0x80 | 0x10 padded, 0xc0 | 0x10 ordered): [0xff, [type, 0], [0, order]].
  EXPECT_EQ(hex(list::create("l", ListOrder::kUnordered, false, false, Context().list_index(0))),
            "93ccff925000920000");
  EXPECT_EQ(hex(list::create("l", ListOrder::kUnordered, true, false, Context().list_index(0))),
            "93ccff92cc9000920000");
  EXPECT_EQ(hex(list::create("l", ListOrder::kOrdered, false, false, Context().list_index(3))),
            "93ccff92ccd003920001");
}

TEST(ListBuilders, RangesWithInfinityWildcardAndInverted) {
  // A nil end is left out; Infinity is sent as d4 ff 01.
  EXPECT_EQ(hex(list::get_by_value_range("l", 10, Value(), ReturnType::kCount)), "9319050a");
  EXPECT_EQ(hex(list::get_by_value_range("l", 10, Infinity{}, ReturnType::kCount)),
            "9419050ad4ff01");
  EXPECT_EQ(hex(list::get_by_value("l", List{{Value("a"), Value(Wildcard{})}},
                                   ReturnType::kValue)),
            "931607" "92a20361d4ff00");
  // kInverted is bit 16: 0x10007 packs as uint32.
  EXPECT_EQ(hex(list::remove_by_index_range("l", 0, 2, ReturnType::kValue | ReturnType::kInverted)),
            "9425ce000100070002");
}

TEST(ContextBuilders, TwoLevelsWithCreate) {
  const Context ctx = Context().map_key("a").list_index(-1);
  // [0xff, [0x22, "a", 0x10, -1], [1, 5]]
  EXPECT_EQ(hex(list::append("l", 5, std::nullopt, ctx)), "93ccff9422a2036110ff920105");
  const Context created = Context().map_key_create("m", MapOrder::kKeyOrdered).list_index_create(
      0, ListOrder::kUnordered, true);
  EXPECT_EQ(hex(list::append("l", 5, std::nullopt, created)), "93ccff94cca2a2036dcc9000920105");
  EXPECT_EQ(hex(map::size("m", Context().list_rank(-1).map_value(7).map_index(2).map_rank(0)
                                      .list_value("x"))),
            "93ccff9a" "11ff" "2307" "2002" "2100" "13a20378" "9160");
  EXPECT_EQ(Context().map_key("a").size(), 1u);
  EXPECT_TRUE(Context().empty());
}

TEST(MapBuilders, CreatePoliciesAndCommands) {
  // Nested create: [0xff, [0xa2, "key3"], [64, 1]] (as captured from the official client).
  EXPECT_EQ(hex(map::create("m", MapOrder::kKeyOrdered, false, Context().map_key("key3"))),
            "93ccff92cca2a5036b657933924001");
  EXPECT_EQ(hex(map::create("m", MapOrder::kKeyValueOrdered, true)), "924013");
  MapPolicy p;
  p.order = MapOrder::kKeyOrdered;
  EXPECT_EQ(hex(map::put("m", 1, 2, p)), "9443010201");            // PUT k v attr
  p.flags = kMapWriteCreateOnly | kMapWriteNoFail;
  EXPECT_EQ(hex(map::put("m", 1, 2, p)), "954301020105");          // PUT k v attr flags
  p.flags = 0;
  p.write_mode = MapWriteMode::kUpdateOnly;
  EXPECT_EQ(hex(map::put("m", 1, 2, p)), "93450102");              // REPLACE k v
  p.write_mode = MapWriteMode::kCreateOnly;
  EXPECT_EQ(hex(map::put("m", 1, 2, p)), "9441010201");            // ADD k v attr
  EXPECT_EQ(hex(map::increment("m", "k", Value(), {})), "9449a2036bc000");
  EXPECT_TRUE(map::size("m").respond_all_ops);
  EXPECT_TRUE(map::put("m", 1, 2).respond_all_ops);
}

TEST(MapBuilders, SelectorsTheCapturesLack) {
  EXPECT_EQ(hex(map::remove_by_index("m", -1, ReturnType::kKeyValue)), "934d08ff");
  EXPECT_EQ(hex(map::remove_by_rank("m", 0, ReturnType::kValue)), "934f0700");
  EXPECT_EQ(hex(map::remove_by_value_list("m", List{{1, 2}}, ReturnType::kNone)), "9353009201" "02");
  EXPECT_EQ(hex(map::get_by_index_range("m", 1, std::nullopt, ReturnType::kOrderedMap)),
            "93681101");
  EXPECT_EQ(hex(map::get_by_key_range("m", Value(), "c", ReturnType::kKey)), "946706c0a20363");
}

TEST(HllBuilders, MayContainAndDefaults) {
  EXPECT_EQ(hex(hll::may_contain("h", List{{Value("a")}})), "923891a20361");
  EXPECT_EQ(hll::may_contain("h", List{}).type, OpType::kHllRead);
  EXPECT_EQ(hex(hll::add("h", List{{1}})), "950191" "01ffff00");  // no init sizes: -1, -1
  // HLL operands go as blobs whatever particle type they were read with.
  EXPECT_EQ(hex(hll::get_union_count("h", {wire::Bytes({1, 2}, wire::particle::kHll)})),
            "923491a3040102");
}

TEST(BitBuilders, SignedGetIntAndOverflow) {
  EXPECT_EQ(hex(bit::get_int("b", 8, 16, true)), "94360810" "01");
  EXPECT_EQ(hex(bit::add("b", 0, 8, 1, true, BitOverflowAction::kWrap)), "960a0008010005");
  EXPECT_EQ(bit::get("b", 0, 8).type, OpType::kBitRead);
  EXPECT_EQ(bit::set_int("b", 0, 8, 1).type, OpType::kBitModify);
}

// The header bits encode_operate derives: map ops ask for every answer (RESPOND_ALL_OPS),
// list ops alone do not; bit and HLL ops always do.
TEST(Encoding, RespondAllOpsFollowsTheFamilies) {
  const wire::Key key("test", "demo", 1);
  auto info2 = [&](std::vector<Operation> ops) {
    wire::Buffer out;
    EXPECT_TRUE(wire::encode_operate(out, key, ops, {}, {}).ok());
    auto m = wire::parse_single_message(out.span().subspan(8));
    EXPECT_TRUE(m.ok());
    return m.ok() ? m->header.info2 : 0;
  };
  EXPECT_EQ(info2({list::append("l", 1)}) & wire::info2::kRespondAllOps, 0);
  EXPECT_NE(info2({list::append("l", 1), map::put("m", 1, 1)}) & wire::info2::kRespondAllOps, 0);
  EXPECT_NE(info2({map::size("m")}) & wire::info2::kRespondAllOps, 0);
  EXPECT_NE(info2({bit::count("b", 0, 8)}) & wire::info2::kRespondAllOps, 0);
}

TEST(Results, SeveralAnswersForOneBinInOpOrder) {
  wire::Record r;
  r.bins = {{"l", 3}, {"m", 1}, {"l", Value(List{{1, 2}})}, {"l", Value()}};
  const auto all = results(r, "l");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(*all[0], Value(3));
  EXPECT_EQ(*all[1], Value(List{{1, 2}}));
  EXPECT_TRUE(all[2]->is_nil());
  EXPECT_EQ(*result(r, "l", 1), Value(List{{1, 2}}));
  EXPECT_EQ(result(r, "l", 3), nullptr);
  EXPECT_EQ(result(r, "x", 0), nullptr);
}

}  // namespace
}  // namespace aero::cdt
