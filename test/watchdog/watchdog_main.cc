// main() for test binaries with a watchdog (watchdog.h): GoogleTest's own main plus a thread
// that watches how long the current test (or the program's exit) takes.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

#include "test/watchdog/watchdog.h"

namespace {

using Clock = std::chrono::steady_clock;

// What the program is doing, as the watchdog sees it.
struct Progress {
  std::mutex mutex;
  std::string phase = "starting";  // "starting", a test's full name, or "exiting"
  Clock::time_point since = Clock::now();

  void enter(std::string what) {
    std::lock_guard<std::mutex> g(mutex);
    phase = std::move(what);
    since = Clock::now();
  }
};

// Never destroyed: the watchdog thread still reads it while static destructors run.
Progress& g_progress = *new Progress;

class Listener : public ::testing::EmptyTestEventListener {
  void OnTestStart(const ::testing::TestInfo& t) override {
    g_progress.enter(std::string(t.test_suite_name()) + "." + t.name());
  }
  void OnTestEnd(const ::testing::TestInfo&) override { g_progress.enter("between tests"); }
  void OnTestProgramEnd(const ::testing::UnitTest&) override {
    g_progress.enter("exiting after the last test");
  }
};

// Prints the phase and the hooks' reports; returns the phase's age in seconds.
void report(const std::string& phase, double age) {
  std::fprintf(stderr, "watchdog: %s for %.0f s\n", phase.c_str(), age);
  aero::testing::run_watchdog_hooks(stderr);
}

void watch(double limit_s) {
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    std::string phase;
    Clock::time_point since;
    {
      std::lock_guard<std::mutex> g(g_progress.mutex);
      phase = g_progress.phase;
      since = g_progress.since;
    }
    const double age = std::chrono::duration<double>(Clock::now() - since).count();
    if (age < limit_s) continue;
    report(phase, age);
    std::this_thread::sleep_for(std::chrono::seconds(3));
    {
      std::lock_guard<std::mutex> g(g_progress.mutex);
      if (g_progress.since != since) {
        std::fprintf(stderr, "watchdog: it moved on meanwhile\n");
        continue;
      }
    }
    report(phase, std::chrono::duration<double>(Clock::now() - since).count());
    std::fprintf(stderr, "watchdog: ending the program (exit code 124)\n");
    std::fflush(stderr);
    std::fflush(stdout);
    std::_Exit(124);
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Unbuffered: a program that hangs and is killed still shows which test it was in (under
  // Wine, and wherever stdout is a file, it is otherwise fully buffered).
  std::setvbuf(stdout, nullptr, _IONBF, 0);
  ::testing::InitGoogleTest(&argc, argv);
  double limit_s = 0;
  if (const char* v = std::getenv("AERO_TEST_WATCHDOG_SECONDS")) limit_s = std::atof(v);
  if (limit_s > 0) {
    ::testing::UnitTest::GetInstance()->listeners().Append(new Listener);
    // Detached and never joined: it also watches what comes after main returns (static
    // destructors, the C runtime's exit), and it touches nothing that is destroyed then.
    std::thread(watch, limit_s).detach();
  }
  const int rc = RUN_ALL_TESTS();
  g_progress.enter("exiting after the last test");
  return rc;
}
