// Faults a node can inject into its answers, controllable from a test while the node serves.
//
// A fault applies per request: when a request's answer is ready, the node asks its FaultState
// which fault (if any) applies to it. Threads: set()/clear()/current() from any thread;
// take() from loop threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

namespace aero::testserver {

enum class FaultKind : uint8_t {
  kNone,
  // Read the request, never answer; the connection stays open and every later request on it is
  // read and dropped too (requests on one connection are answered in order).
  kHang,
  // Answer after `delay` (answers keep their order).
  kDelay,
  // Send the first half of the answer, then close the connection.
  kCloseMidResponse,
  // Send as many bytes of garbage as the answer has (first byte is not a valid version).
  kGarbage,
  // Send the proto header and half of the body, then nothing more on that connection.
  kTruncatedFrame,
  // Send the answer with a proto header declaring an absurd size (2^48 - 1 bytes).
  kAbsurdLength,
  // Send the answer in three pieces `delay` apart, as a slow link might: its first byte, the
  // rest of its proto header, the rest. A client's socket (idle) timeout starts again when
  // the header is complete, so the whole answer may take longer than that timeout.
  kTrickle,
};

enum class FaultScope : uint8_t {
  kAllRequests,
  kInfoRequests,  // type-1 (info) requests only: tending breaks, commands work
  kDataRequests,  // everything but info: commands break, tending works
};

struct Fault {
  FaultKind kind = FaultKind::kNone;
  std::chrono::milliseconds delay{0};  // for kDelay; for kTrickle the gap between pieces
  FaultScope scope = FaultScope::kAllRequests;
  int count = -1;  // answers affected before the fault clears itself; -1 = until clear_fault()

  static Fault hang() { return Fault{FaultKind::kHang}; }
  static Fault delay_by(std::chrono::milliseconds d) { return Fault{FaultKind::kDelay, d}; }
  static Fault close_mid_response() { return Fault{FaultKind::kCloseMidResponse}; }
  static Fault garbage() { return Fault{FaultKind::kGarbage}; }
  static Fault truncated_frame() { return Fault{FaultKind::kTruncatedFrame}; }
  static Fault absurd_length() { return Fault{FaultKind::kAbsurdLength}; }
  static Fault trickle(std::chrono::milliseconds gap) { return Fault{FaultKind::kTrickle, gap}; }
  Fault& only(FaultScope s) {
    scope = s;
    return *this;
  }
  Fault& times(int n) {
    count = n;
    return *this;
  }
};

class FaultState {
 public:
  void set(const Fault& f);
  void clear();
  Fault current() const;

  // The fault that applies to the answer of a request (info or not), consuming one count.
  // Returns kNone when no fault applies.
  FaultKind take(bool is_info, std::chrono::milliseconds* delay);

 private:
  std::atomic<bool> active_{false};
  mutable std::mutex mutex_;
  Fault fault_;
};

}  // namespace aero::testserver
