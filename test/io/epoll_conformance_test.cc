// The conformance suite, instantiated for the epoll backend, plus what is epoll-specific.
#include <gtest/gtest.h>

#include "io/epoll/epoll_loop.h"
#include "test/io/loop_conformance.h"

namespace aero::io::testing {

INSTANTIATE_TEST_SUITE_P(Linux, LoopConformance,
                         ::testing::Values(Backend{"epoll", &make_epoll_loop}), backend_name);

// Posts made on the running loop's own thread need no eventfd write: the loop checks for
// them before it blocks.
TEST(EpollLoop, PostsFromTheLoopThreadCostNoWakeup) {
  auto loop = make_epoll_loop();
  int ran = 0;
  std::uint64_t wakeups_inside = 0;
  loop->post([&] {
    wakeups_inside = loop->stats().wakeups;
    for (int i = 0; i < 100; ++i) {
      loop->post([&] {
        if (++ran == 100) loop->stop();
      });
    }
  });
  loop->run();
  EXPECT_EQ(ran, 100);
  EXPECT_EQ(loop->stats().wakeups, wakeups_inside);
}

}  // namespace aero::io::testing
