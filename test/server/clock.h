// The server's notion of "now", in seconds since the Aerospike epoch (2010-01-01 UTC).
//
// By default it follows the system clock; tests freeze it and move it forward by hand so that
// TTL and expiration are deterministic. Every method may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace aero::testserver {

class Clock {
 public:
  // Seconds since 2010-01-01T00:00:00Z: real time plus every advance(), or the frozen value.
  uint32_t now() const;
  // The same in milliseconds (a record's last-update time, truncate thresholds): now() * 1000
  // when frozen, else the system clock's milliseconds plus every advance().
  uint64_t now_ms() const;

  // Moves "now" forward (negative moves it back). Applies whether frozen or not.
  void advance(std::chrono::seconds delta);

  // Stops following the system clock: now() keeps the current value until advance().
  void freeze();
  // Follows the system clock again (keeping the accumulated offset).
  void unfreeze();
  bool frozen() const { return frozen_.load(std::memory_order_acquire); }

 private:
  uint32_t system_now() const;

  std::atomic<int64_t> offset_{0};
  std::atomic<bool> frozen_{false};
  std::atomic<int64_t> frozen_value_{0};
};

}  // namespace aero::testserver
