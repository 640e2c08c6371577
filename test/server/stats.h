// Per-node counters, updated by loop threads and readable from any thread (relaxed atomics:
// each value is exact once the node is quiet, e.g. after the client finished).
#pragma once

#include <atomic>
#include <cstdint>

namespace aero::testserver {

// A plain copy of the counters.
struct NodeStats {
  uint64_t connections_opened = 0;
  uint64_t connections_closed = 0;
  uint64_t info_requests = 0;
  uint64_t record_requests = 0;      // single-record commands
  uint64_t batch_requests = 0;
  uint64_t scan_requests = 0;        // scans and queries
  uint64_t admin_requests = 0;
  uint64_t not_master_requests = 0;  // single-record commands this node is not master for
  uint64_t faults_applied = 0;       // responses altered by a fault
  uint64_t protocol_errors = 0;      // connections closed for a bad header or frame

  uint64_t open_connections() const { return connections_opened - connections_closed; }
};

struct NodeCounters {
  std::atomic<uint64_t> connections_opened{0};
  std::atomic<uint64_t> connections_closed{0};
  std::atomic<uint64_t> info_requests{0};
  std::atomic<uint64_t> record_requests{0};
  std::atomic<uint64_t> batch_requests{0};
  std::atomic<uint64_t> scan_requests{0};
  std::atomic<uint64_t> admin_requests{0};
  std::atomic<uint64_t> not_master_requests{0};
  std::atomic<uint64_t> faults_applied{0};
  std::atomic<uint64_t> protocol_errors{0};

  static void bump(std::atomic<uint64_t>& c) { c.fetch_add(1, std::memory_order_relaxed); }
  NodeStats snapshot() const;
};

}  // namespace aero::testserver
