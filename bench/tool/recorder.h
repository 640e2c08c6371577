// Recorder: where every completed command is counted, from any thread, without a lock.
//
// Each recording thread gets its own shard (registered once, under a mutex, the first time
// the thread records); from then on record() touches only that shard, with relaxed loads
// and stores (one writer per shard). snapshot() sums every shard into plain counters; the
// reporter calls it once a second and subtracts the previous snapshot to get the second's
// numbers. Nothing is lost between snapshots: every count lands in the next one.
//
// Threads: record() from any thread; snapshot() from any thread, concurrently with
// record(). The Recorder must outlive every thread's last record() call.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "client/metrics/histogram.h"
#include "bench/tool/workload.h"

namespace aero::bench {

using metrics::AtomicHistogram;
using metrics::Histogram;

// Result codes are counted in slots: client codes (negative) and server codes (0..255).
inline constexpr int kLowestCode = -32;
inline constexpr int kHighestCode = 255;
inline constexpr int kCodeSlots = kHighestCode - kLowestCode + 1;
inline int code_slot(int code) {
  if (code < kLowestCode) return 0;
  if (code > kHighestCode) return kCodeSlots - 1;
  return code - kLowestCode;
}
inline int slot_code(int slot) { return slot + kLowestCode; }

struct KindTotals {
  Histogram latency;             // every completion, failures included
  std::uint64_t completed = 0;
  std::uint64_t ok = 0;
  std::uint64_t not_found = 0;   // result 2: counted apart, not an error
  std::uint64_t errors = 0;      // everything else that is not ok
  std::uint64_t timeouts = 0;    // result 9 (server or client timeout), part of errors
  std::array<std::uint64_t, kCodeSlots> by_code{};  // errors only

  void subtract(const KindTotals& earlier);
};

struct Snapshot {
  std::array<KindTotals, kOpKinds> kinds;
  KindTotals& operator[](OpKind k) { return kinds[static_cast<int>(k)]; }
  const KindTotals& operator[](OpKind k) const { return kinds[static_cast<int>(k)]; }
  std::uint64_t completed() const;
  std::uint64_t errors() const;
  void subtract(const Snapshot& earlier);
};

class Recorder {
 public:
  Recorder();
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // One completed command: its latency and its result code (0 = ok).
  void record(OpKind kind, std::uint64_t latency_ns, int code);

  // Sums every shard into `out` (overwritten).
  void snapshot(Snapshot* out) const;

  // Threads that recorded so far (for tests).
  std::size_t shard_count() const;

 private:
  struct Shard;
  Shard& local();
  Shard& register_thread();

  const std::uint64_t id_;
  mutable std::mutex mutex_;  // guards shards_ (registration and snapshot walk the list)
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace aero::bench
