// The conformance suite, instantiated for the kqueue backend (FreeBSD, macOS;
// on Linux the backend is only compiled, against test/io/kqueue_shim).
#include "io/kqueue/kqueue_poller.h"
#include "test/io/loop_conformance.h"

namespace aero::io::testing {

INSTANTIATE_TEST_SUITE_P(Bsd, LoopConformance,
                         ::testing::Values(Backend{"kqueue", &make_kqueue_loop}), backend_name);

}  // namespace aero::io::testing
