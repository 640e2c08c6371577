// A watchdog for test binaries: when one test runs longer than AERO_TEST_WATCHDOG_SECONDS
// (unset or 0: off), or the program has not exited that long after its last test, it prints
// which test, how long, and what every registered hook reports (for the client tests: the
// client's counters and whether each of its loops still runs a posted task), twice a few
// seconds apart so that progress shows, and then ends the program with exit code 124.
//
// Made for hangs that a debugger cannot show (tests under Wine, where winedbg attaches to
// nothing useful): the binary itself says where it stood. Link `//test/watchdog:main` instead
// of `@gtest//:gtest_main`.
//
// Threads: WatchdogHook may be made and destroyed on any thread; hooks run on the watchdog's
// own thread, so what they print must be safe to read from another thread.
#pragma once

#include <cstdio>
#include <functional>

namespace aero::testing {

// Registers `dump` for as long as this object lives. `dump` writes to the given stream.
class WatchdogHook {
 public:
  explicit WatchdogHook(std::function<void(std::FILE*)> dump);
  ~WatchdogHook();
  WatchdogHook(const WatchdogHook&) = delete;
  WatchdogHook& operator=(const WatchdogHook&) = delete;

 private:
  std::function<void(std::FILE*)> dump_;
  friend void run_watchdog_hooks(std::FILE* out);
};

// Runs every registered hook (the watchdog thread calls it).
void run_watchdog_hooks(std::FILE* out);

}  // namespace aero::testing
