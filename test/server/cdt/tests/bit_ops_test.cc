#include "test/server/cdt/bit_ops.h"

#include <gtest/gtest.h>

#include "test/server/cdt/tests/pack.h"

namespace {
using namespace aero::testserver;
using bittest::bytes;
using bittest::int_of;
using bittest::P;

TEST(BitOps, Placeholder) {
  bits::Result r;
  P a;
  a.arr(3).i(bits::kGet).i(0).i(8);
  ASSERT_EQ(bits::read(4, bytes({0xAB}), a.data(), a.size(), &r), 0);
  EXPECT_EQ(r.value, bytes({0xAB}));
}

}  // namespace
