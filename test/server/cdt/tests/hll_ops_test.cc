#include "test/server/cdt/hll_ops.h"

#include <gtest/gtest.h>

#include "test/server/cdt/tests/pack.h"

namespace {
using namespace aero::testserver;
using bittest::P;

TEST(HllOps, Placeholder) { EXPECT_EQ(hll::required_size(4, 0), 11u + 12u); }

}  // namespace
