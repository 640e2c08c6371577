// Client metrics: what the client did, per node and command kind, per loop, and for the
// cluster, as plain values. Client::metrics() takes a MetricsSnapshot from any thread; a
// snapshot can be copied, merged with another (several clients) and subtracted from a
// later one (what happened in an interval), and exported as Prometheus text or JSON
// (client/metrics/export.h).
//
// Recording (client/metrics/recorder.h) happens on the loop threads with no lock and no
// allocation after a kind's first command; it is on when ClientConfig::enable_metrics is set.
//
// Threads: the types here are values, used by one thread at a time.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "client/metrics/histogram.h"

namespace aero::metrics {

// What a command did, for its metrics: a single-record read, a single-record write (put,
// delete, touch, operate with a write, ...), a batch, a scan, a secondary-index query, a
// record UDF apply, or an info command. Also the index into NodeMetrics::kinds.
enum class CommandKind : std::uint8_t { read, write, batch, scan, query, udf, info };
// The number of CommandKind values (the size of NodeMetrics::kinds).
inline constexpr int kCommandKinds = 7;
// The kind's lower-case name as exported: read, write, batch, scan, query, udf or info.
const char* kind_name(CommandKind kind);

// The commands of one kind sent to one node (summed over loops).
struct KindMetrics {
  Histogram latency;  // nanoseconds from submission to completion, every outcome
  // Commands completed, whatever the outcome (ok + the sum of errors).
  std::uint64_t commands = 0;
  // Commands completed with result code 0.
  std::uint64_t ok = 0;
  // Outcomes other than ok by result code: server codes (> 0, e.g. 2 not found, 9 timeout)
  // and client codes (< 0, client/status.h).
  std::map<int, std::uint64_t> errors;
  std::uint64_t client_timeouts = 0;  // ended by the client's own timeout (socket or total)
  std::uint64_t retries = 0;          // attempts after the first
  std::uint64_t in_doubt = 0;         // failed writes that may have been applied

  // Adds `other`'s counts and latency histogram into these (merging nodes or clients).
  void add(const KindMetrics& other);
  // Subtracts `earlier` (a past value of the same counts); a count that went down starts
  // afresh instead of wrapping; error codes that drop to 0 are removed.
  void subtract(const KindMetrics& earlier);
};

// One node's connections (summed over loops). `open` is a gauge; the rest count.
struct ConnectionMetrics {
  std::int64_t open = 0;        // idle + in use + connecting, now
  std::uint64_t opened = 0;     // connects started (open = opened - closed - connect_failures)
  std::uint64_t closed = 0;     // broken, idle too long, or the node left
  std::uint64_t reused = 0;     // commands that took a pooled connection
  std::uint64_t broken = 0;     // of `closed`: an exchange failed on it (socket error,
                                // timeout, bad answer, failed drain)
  std::uint64_t connect_failures = 0;  // connects (or their login) that failed
};

// A node that left the cluster view (or moved to another address) stays in the snapshots of
// its client with active = false and its final counts, so intervals and totals still add
// up; a node that comes back under the same name is one entry again (its counts summed).
// The client keeps the last 64 retired node objects (client/cluster/cluster.h).
struct NodeMetrics {
  // The node name (its node id).
  std::string name;
  // The node's address as host:port.
  std::string address;
  // False once the node left the cluster view (its counts are final).
  bool active = true;
  // Per command kind, indexed by CommandKind (use kind()).
  std::array<KindMetrics, kCommandKinds> kinds;
  // The node's connection counts.
  ConnectionMetrics connections;
  std::uint64_t errors = 0;                 // counted by the circuit breaker
  std::uint64_t error_rate_rejections = 0;  // refused by the circuit breaker

  // The metrics of command kind `k`.
  KindMetrics& kind(CommandKind k) { return kinds[static_cast<std::size_t>(k)]; }
  // The metrics of command kind `k`.
  const KindMetrics& kind(CommandKind k) const { return kinds[static_cast<std::size_t>(k)]; }
};

// One loop. in_process and queued are gauges.
struct LoopMetrics {
  // Commands executing on the loop now (each holding a connection or connecting).
  std::int64_t in_process = 0;
  // Commands waiting for a slot now (FlowControl::max_commands_in_process reached).
  std::int64_t queued = 0;
  // Commands the loop has taken in (before flow control admits or queues them), ever.
  std::uint64_t commands_started = 0;
  std::uint64_t queue_full = 0;  // refused by flow control (ClientCode::queue_full)
};

// The cluster tender's counts (all counters since the client started).
struct ClusterMetrics {
  // Tend rounds run (one every tend interval: node refresh, partition maps, peers).
  std::uint64_t tends = 0;
  std::uint64_t tend_failures = 0;        // node refreshes that failed
  // New partition maps published to the commands (a node or ownership changed).
  std::uint64_t partition_map_changes = 0;
  // Nodes added to the cluster view (seeds and discovered peers).
  std::uint64_t nodes_added = 0;
  // Nodes removed from the cluster view.
  std::uint64_t nodes_removed = 0;
};

// Everything the client counted, taken at one time (Client::metrics()).
struct MetricsSnapshot {
  std::vector<NodeMetrics> nodes;  // the nodes of the cluster when the snapshot was taken
  // One entry per event loop of the client, in loop order.
  std::vector<LoopMetrics> loops;
  // The tender's counts.
  ClusterMetrics cluster;

  // The node named `name`, or nullptr.
  const NodeMetrics* node(std::string_view name) const;
  // One kind over every node.
  KindMetrics total(CommandKind kind) const;
  // Adds `other` (another client's snapshot): nodes matched by name, loops appended.
  void merge(const MetricsSnapshot& other);
  // What happened since `earlier` (a snapshot of the same client): counters subtracted,
  // gauges as now. A node that was not in `earlier` keeps its whole count.
  MetricsSnapshot since(const MetricsSnapshot& earlier) const;
};

}  // namespace aero::metrics
