#include "test/server/clock.h"

#include "test/server/wire.h"

namespace aero::testserver {

uint32_t Clock::system_now() const {
  const int64_t unix_now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  return uint32_t(unix_now - wire::kCitrusleafEpochUnix);
}

uint32_t Clock::now() const {
  if (frozen_.load(std::memory_order_acquire)) {
    return uint32_t(frozen_value_.load(std::memory_order_acquire));
  }
  return uint32_t(int64_t(system_now()) + offset_.load(std::memory_order_acquire));
}

uint64_t Clock::now_ms() const {
  if (frozen_.load(std::memory_order_acquire)) {
    return uint64_t(frozen_value_.load(std::memory_order_acquire)) * 1000;
  }
  const int64_t unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
  return uint64_t(unix_ms - wire::kCitrusleafEpochUnix * 1000 +
                  offset_.load(std::memory_order_acquire) * 1000);
}

void Clock::advance(std::chrono::seconds delta) {
  offset_.fetch_add(delta.count(), std::memory_order_acq_rel);
  frozen_value_.fetch_add(delta.count(), std::memory_order_acq_rel);
}

void Clock::freeze() {
  frozen_value_.store(int64_t(now()), std::memory_order_release);
  frozen_.store(true, std::memory_order_release);
}

void Clock::unfreeze() { frozen_.store(false, std::memory_order_release); }

}  // namespace aero::testserver
