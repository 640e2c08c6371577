// Test helpers for load and fault tests: a ledger that checks every submitted command
// completes exactly once, and a bounded wait.
//
// Threads: Ledger::complete() from any thread (completions); the other methods from the
// test's thread. A reader that saw done() reach the expected count (acquire) also sees
// every outcome recorded before those completions.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "client/policy.h"

namespace aero::testing {

// Timeouts long enough that a slow, shared machine (or a sanitizer build) never turns a
// healthy command into a timeout: for tests whose subject is not the timeout itself.
inline void patient(Policy& p) {
  p.total_timeout = std::chrono::seconds(30);
  p.socket_timeout = std::chrono::seconds(10);
}
inline ClientConfig patient(ClientConfig config) {
  patient(config.read);
  patient(config.write);
  patient(config.batch);
  patient(config.batch_write);
  return config;
}

// Waits until `pred` holds, polling every millisecond, for at most `limit`. Returns the
// last value of `pred` (false: the wait ran out).
inline bool wait_until(const std::function<bool()>& pred,
                       std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  auto give_up = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= give_up) return pred();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

class Ledger {
 public:
  explicit Ledger(std::size_t n)
      : n_(n), count_(new std::atomic<int>[n]), code_(new std::atomic<int>[n]) {
    for (std::size_t i = 0; i < n; ++i) {
      count_[i].store(0, std::memory_order_relaxed);
      code_[i].store(kNoCode, std::memory_order_relaxed);
    }
  }

  std::size_t size() const { return n_; }

  // A completion of command `id` with result `code`. Returns how many times it had
  // completed before (0 is the only right answer).
  int complete(std::size_t id, int code) {
    if (id >= n_) {
      out_of_range_.fetch_add(1, std::memory_order_relaxed);
      return -1;
    }
    int before = count_[id].fetch_add(1, std::memory_order_relaxed);
    if (before == 0) code_[id].store(code, std::memory_order_relaxed);
    done_.fetch_add(1, std::memory_order_acq_rel);
    return before;
  }

  // Completions so far (duplicates included).
  std::size_t done() const { return done_.load(std::memory_order_acquire); }

  // Waits until `expected` completions arrived (bounded).
  bool wait_for(std::size_t expected, std::chrono::milliseconds limit = std::chrono::seconds(60)) {
    return wait_until([&] { return done() >= expected; }, limit);
  }

  int count(std::size_t id) const { return count_[id].load(std::memory_order_relaxed); }
  int code(std::size_t id) const { return code_[id].load(std::memory_order_relaxed); }

  // Commands among the first `submitted` ids that completed zero times / more than once.
  std::size_t never(std::size_t submitted) const {
    std::size_t k = 0;
    for (std::size_t i = 0; i < submitted && i < n_; ++i) k += count(i) == 0 ? 1 : 0;
    return k;
  }
  std::size_t twice(std::size_t submitted) const {
    std::size_t k = 0;
    for (std::size_t i = 0; i < submitted && i < n_; ++i) k += count(i) > 1 ? 1 : 0;
    return k;
  }
  std::size_t out_of_range() const { return out_of_range_.load(std::memory_order_relaxed); }

  static constexpr int kNoCode = 1 << 30;

 private:
  std::size_t n_;
  std::unique_ptr<std::atomic<int>[]> count_;
  std::unique_ptr<std::atomic<int>[]> code_;
  std::atomic<std::size_t> done_{0};
  std::atomic<std::size_t> out_of_range_{0};
};

}  // namespace aero::testing
