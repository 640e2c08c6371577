#include <gtest/gtest.h>
#include <oneapi/tbb/task_arena.h>
#include <openssl/evp.h>
#include <zlib.h>
TEST(Smoke, Works) { tbb::task_arena a(1); int x=0; a.execute([&]{x=1;}); EXPECT_EQ(x,1); EXPECT_NE(zlibVersion(), nullptr); }
// x
