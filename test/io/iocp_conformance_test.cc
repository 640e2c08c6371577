// The conformance suite, instantiated for the IOCP backend (Windows; run under Wine in CI:
// tools/test_windows.sh).
#include "io/iocp/iocp_loop.h"
#include "test/io/loop_conformance.h"

namespace aero::io::testing {

INSTANTIATE_TEST_SUITE_P(Windows, LoopConformance,
                         ::testing::Values(Backend{"iocp", &make_iocp_loop}), backend_name);

}  // namespace aero::io::testing
