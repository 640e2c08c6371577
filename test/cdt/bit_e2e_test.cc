// Bit operations through the client against the embedded test server: reads and writes on a
// blob, negative offsets, overflow actions, out of range, wrong bin type.
#include "test/cdt/e2e.h"

namespace aero::cdt {
namespace {

using testing::E2eTest;
using testing::key;

constexpr int kOpNotApplicable = 26;

using BitE2e = E2eTest;

Value blob(std::vector<uint8_t> b) { return Value(Bytes(std::move(b))); }

TEST_F(BitE2e, ReadsOnABlob) {
  const Key k = key(201);
  ASSERT_TRUE(client().put(k, {{"b", blob({0xf0, 0x0f})}}).get().ok());
  Record r = run(k, {bit::get("b", 0, 4), bit::count("b", 0, 16), bit::lscan("b", 0, 16, false),
                     bit::rscan("b", 0, 16, true), bit::get_int("b", 0, 8),
                     bit::get_int("b", 0, 8, true), bit::get("b", -8, 8)});
  const auto all = results(r, "b");
  ASSERT_EQ(all.size(), 7u);
  EXPECT_EQ(*all[0], blob({0xf0}));
  EXPECT_EQ(*all[1], Value(8));
  EXPECT_EQ(*all[2], Value(4));
  EXPECT_EQ(*all[3], Value(15));
  EXPECT_EQ(*all[4], Value(240));
  EXPECT_EQ(*all[5], Value(-16));
  EXPECT_EQ(*all[6], blob({0x0f}));
}

TEST_F(BitE2e, WritesAndOverflowActions) {
  const Key k = key(202);
  ASSERT_TRUE(client().put(k, {{"b", blob({0xf0, 0x0f})}}).get().ok());
  run(k, {bit::set("b", 4, 4, {0xf0}), bit::add("b", 8, 8, 1, false, BitOverflowAction::kFail)});
  EXPECT_EQ(stored(k, "b"), blob({0xff, 0x10}));
  fails(k, {bit::add("b", 8, 8, 250, false, BitOverflowAction::kFail)}, kOpNotApplicable);
  EXPECT_EQ(stored(k, "b"), blob({0xff, 0x10}));  // nothing changed
  run(k, {bit::add("b", 8, 8, 250, false, BitOverflowAction::kSaturate)});
  EXPECT_EQ(stored(k, "b"), blob({0xff, 0xff}));
  run(k, {bit::add("b", 8, 8, 2, false, BitOverflowAction::kWrap)});
  EXPECT_EQ(stored(k, "b"), blob({0xff, 0x01}));
  run(k, {bit::subtract("b", 8, 8, 2, false, BitOverflowAction::kWrap),
          bit::bit_not("b", 0, 8), bit::lshift("b", 8, 8, 4)});
  EXPECT_EQ(stored(k, "b"), blob({0x00, 0xf0}));
  run(k, {bit::set_int("b", 0, 8, 0x55), bit::bit_or("b", 0, 8, {0x0a}),
          bit::bit_xor("b", 8, 8, {0xff}), bit::bit_and("b", 8, 8, {0x3c}),
          bit::rshift("b", 8, 8, 2)});
  EXPECT_EQ(stored(k, "b"), blob({0x5f, 0x03}));
  run(k, {bit::resize("b", 4), bit::insert("b", 0, {0xaa}), bit::remove("b", 3, 2)});
  EXPECT_EQ(stored(k, "b"), blob({0xaa, 0x5f, 0x03}));
  run(k, {bit::resize("b", 1, kBitResizeFromFront)});
  EXPECT_EQ(stored(k, "b"), blob({0x03}));
}

TEST_F(BitE2e, OutOfRangeAndWrongType) {
  const Key k = key(203);
  ASSERT_TRUE(client().put(k, {{"b", blob({0x01})}, {"n", 5}}).get().ok());
  fails(k, {bit::get("b", 8, 8)}, kOpNotApplicable);
  fails(k, {bit::set("b", 4, 8, {0xff})}, kOpNotApplicable);
  EXPECT_EQ(stored(k, "b"), blob({0x01}));
  fails(k, {bit::count("n", 0, 8)}, result::bin_type_error);
  fails(k, {bit::set("n", 0, 8, {0xff})}, result::bin_type_error);
  // create-only on an existing bin, update-only on a missing one
  fails(k, {bit::resize("b", 2, kBitResizeDefault, BitPolicy{kBitWriteCreateOnly})}, 6);  // bin exists
  fails(k, {bit::resize("none", 2, kBitResizeDefault, BitPolicy{kBitWriteUpdateOnly})}, 17);  // bin not found
}

}  // namespace
}  // namespace aero::cdt
