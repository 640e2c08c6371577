// The io::Loop conformance suite: written once against io/loop.h, instantiated for every
// backend the platform has (a backend joins with one INSTANTIATE_TEST_SUITE_P line, see
// epoll_conformance_test.cc).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <system_error>

#include "io/loop.h"

namespace aero::io::testing {

// What a cancelled or closed operation completes with.
inline const std::error_code kCanceled = std::make_error_code(std::errc::operation_canceled);

struct Backend {
  std::string name;
  std::unique_ptr<Loop> (*make)();
};

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param.name;
}

class LoopConformance : public ::testing::TestWithParam<Backend> {
 protected:
  // A backend the machine refuses (make returns nullptr: io_uring disabled by policy) skips.
  void SetUp() override {
    loop_ = GetParam().make();
    if (loop_ == nullptr) GTEST_SKIP() << GetParam().name << " is not available here";
  }

  Loop& loop() { return *loop_; }

  // Runs the loop on the test thread until a handler calls loop().stop(), or fails the test
  // and stops after a generous watchdog (bounded, not a timing assertion).
  void run_loop();

 private:
  Timer watchdog_;                // declared before loop_: outlives it
  std::unique_ptr<Loop> loop_;
};

}  // namespace aero::io::testing
