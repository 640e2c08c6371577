// Recording side of the client's metrics (metrics.h has the snapshot types).
//
// NodeLoopRecorder: the commands one loop sent to one node. Only that loop's thread records;
// any thread may read (add_to) at the same time. A counter increment is a relaxed load and
// store (no lock, no read-modify-write instruction); a kind's counters and histogram are
// allocated when its first command completes, so a client that never scans pays nothing for
// scans.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>

#include "client/metrics/histogram.h"
#include "client/metrics/metrics.h"

namespace aero::metrics {

// A counter with one writer thread.
class Counter {
 public:
  // Adds `n`; only the owning writer thread.
  void add(std::uint64_t n = 1) { v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
  // The current value; any thread (it may lag the writer by the latest adds).
  std::uint64_t get() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> v_{0};
};

// One finished command, as the loop saw it.
struct CommandOutcome {
  // Which kind of command it was.
  CommandKind kind = CommandKind::read;
  // Nanoseconds from submission to completion, retries included.
  std::uint64_t latency_ns = 0;
  int code = 0;                 // 0 ok, > 0 server result code, < 0 client code
  bool client_timeout = false;  // the client's own timer ended it
  // Attempts after the first.
  int retries = 0;
  // A failed write that may have been applied on the server.
  bool in_doubt = false;
};

// The commands one loop sent to one node, by kind (see the top of this file for threads).
class NodeLoopRecorder {
 public:
  NodeLoopRecorder() = default;
  ~NodeLoopRecorder();
  NodeLoopRecorder(const NodeLoopRecorder&) = delete;
  NodeLoopRecorder& operator=(const NodeLoopRecorder&) = delete;

  // The loop thread.
  void record(const CommandOutcome& outcome);
  // Any thread: adds what was recorded into `out` (name and address are the caller's).
  void add_to(NodeMetrics& out) const;

 private:
  struct Kind {
    AtomicHistogram latency;
    Counter commands, ok, client_timeouts, retries, in_doubt;
    std::array<Counter, 256> server_codes;  // 1..255
    std::array<Counter, 64> client_codes;   // -1..-64 at [0..63]
    Counter other_codes;
  };
  std::array<std::atomic<Kind*>, kCommandKinds> kinds_{};
};

}  // namespace aero::metrics
