#include "test/server/faults.h"

namespace aero::testserver {

void FaultState::set(const Fault& f) {
  std::lock_guard<std::mutex> lock(mutex_);
  fault_ = f;
  active_.store(f.kind != FaultKind::kNone && f.count != 0, std::memory_order_release);
}

void FaultState::clear() { set(Fault{}); }

Fault FaultState::current() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return fault_;
}

FaultKind FaultState::take(bool is_info, std::chrono::milliseconds* delay) {
  if (!active_.load(std::memory_order_acquire)) return FaultKind::kNone;
  std::lock_guard<std::mutex> lock(mutex_);
  if (fault_.kind == FaultKind::kNone || fault_.count == 0) return FaultKind::kNone;
  if ((fault_.scope == FaultScope::kInfoRequests && !is_info) ||
      (fault_.scope == FaultScope::kDataRequests && is_info)) {
    return FaultKind::kNone;
  }
  const FaultKind kind = fault_.kind;
  *delay = fault_.delay;
  if (fault_.count > 0 && --fault_.count == 0) {
    fault_ = Fault{};
    active_.store(false, std::memory_order_release);
  }
  return kind;
}

}  // namespace aero::testserver
