// Test helper: waits on a condition variable for a predicate, with a generous limit that only
// turns a deadlock into a test failure (no test asserts how long anything takes).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace aero::test {

inline constexpr std::chrono::seconds kDeadlockLimit{60};

template <class Predicate>
bool wait_until(std::mutex& mutex, std::condition_variable& cv, Predicate done) {
  std::unique_lock<std::mutex> lock(mutex);
  return cv.wait_for(lock, kDeadlockLimit, done);
}

}  // namespace aero::test
