// The conformance suite, instantiated for the io_uring backend (skipped, with the reason, where
// the kernel refuses io_uring), once with the default ring and once with a ring so small
// (2 SQEs, 2 CQEs) that a full SQ and an overflowing CQ are the rule, not the exception.
#include <gtest/gtest.h>

#include <cstdio>

#include "io/uring/uring_loop.h"
#include "test/io/loop_conformance.h"

namespace aero::io::testing {
namespace {

std::unique_ptr<Loop> make_or_explain(const UringOptions& options) {
  std::error_code why;
  std::unique_ptr<Loop> loop = make_uring_loop(options, &why);
  if (loop == nullptr) std::printf("io_uring refused: %s\n", why.message().c_str());
  return loop;
}

std::unique_ptr<Loop> make_default() { return make_or_explain(UringOptions{}); }
std::unique_ptr<Loop> make_tiny() { return make_or_explain(UringOptions{2, 2}); }

}  // namespace

INSTANTIATE_TEST_SUITE_P(Linux, LoopConformance,
                         ::testing::Values(Backend{"uring", &make_default},
                                           Backend{"uring_tiny_rings", &make_tiny}),
                         backend_name);

}  // namespace aero::io::testing
