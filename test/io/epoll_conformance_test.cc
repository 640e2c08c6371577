// The conformance suite, instantiated for the epoll backend.
#include "io/epoll/epoll_loop.h"
#include "test/io/loop_conformance.h"

namespace aero::io::testing {

INSTANTIATE_TEST_SUITE_P(Linux, LoopConformance,
                         ::testing::Values(Backend{"epoll", &make_epoll_loop}), backend_name);

}  // namespace aero::io::testing
