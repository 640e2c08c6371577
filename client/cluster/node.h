// Node: one server of the cluster, as the client sees it.
//
// A Node is shared (std::shared_ptr) by the cluster snapshots that route to it and by the
// commands using it. Its connection pools are per loop: pool(i) belongs to loop i and is
// touched only on that loop's thread, so the command hot path takes no lock.
//
// Threads: name(), address(), label(), active() from any thread. pool(i) on loop i's thread only.
// The tend_* members are the tender thread's alone.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "client/command/connection_pool.h"
#include "client/metrics/recorder.h"
#include "io/loop.h"

namespace aero::cluster {

class Node : public std::enable_shared_from_this<Node> {
 public:
  // `max_conns_per_loop[i]` / `min_conns_per_loop[i]`: the pool limits of loop i.
  Node(std::string name, io::Endpoint address, const std::vector<int>& max_conns_per_loop,
       const std::vector<int>& min_conns_per_loop);

  const std::string& name() const { return name_; }
  const io::Endpoint& address() const { return address_; }
  // "node BB9... at 127.0.0.1:3000", for error messages (made once: errors such as "record
  // not found" are common answers, and formatting the address each time cost more than
  // the rest of such a command).
  const std::string& label() const { return label_; }

  // False once the tender removed the node: its pools close connections as they come back.
  bool active() const { return active_.load(std::memory_order_acquire); }
  void deactivate() { active_.store(false, std::memory_order_release); }

  command::ConnectionPool& pool(std::size_t loop_index) { return *pools_[loop_index]; }
  // Metrics of the commands loop `loop_index` sent to this node (ClientConfig::enable_metrics):
  // recorded on that loop's thread, read from any.
  metrics::NodeLoopRecorder& recorder(std::size_t loop_index) { return *recorders_[loop_index]; }
  const metrics::NodeLoopRecorder& recorder(std::size_t loop_index) const { return *recorders_[loop_index]; }

  // ---- circuit breaker (ClientConfig::max_error_rate), any thread ----
  // An error that closed a connection (socket error, client timeout) or a server timeout or
  // device overload, counted in the current window.
  void add_error() {
    window_errors_.fetch_add(1, std::memory_order_relaxed);
    errors_total_.fetch_add(1, std::memory_order_relaxed);
  }
  int window_errors() const { return window_errors_.load(std::memory_order_relaxed); }
  // A command refused because the node was over the rate.
  void add_rejection() { rejections_total_.fetch_add(1, std::memory_order_relaxed); }
  // The tender, at the end of each window.
  void reset_error_window() { window_errors_.store(0, std::memory_order_relaxed); }
  std::uint64_t errors_total() const { return errors_total_.load(std::memory_order_relaxed); }
  std::uint64_t rejections_total() const { return rejections_total_.load(std::memory_order_relaxed); }
  std::size_t pool_count() const { return pools_.size(); }

  // ---- tender thread only ----
  int tend_failures = 0;
  std::int64_t partition_generation = -1;  // -1: fetch the partition map at the next tend
  std::int64_t peers_generation = -1;      // -1: fetch the peers at the next tend
  int peer_count = 0;                      // peers this node reported at its last peers fetch
  int friends = 0;                         // responding nodes that listed this one, this tend
  bool partition_changed = false;
  bool peers_changed = false;
  bool refreshed = false;                  // the last refresh succeeded

 private:
  std::string name_;
  io::Endpoint address_;
  std::string label_;
  std::atomic<bool> active_{true};
  std::atomic<int> window_errors_{0};
  std::atomic<std::uint64_t> errors_total_{0};
  std::atomic<std::uint64_t> rejections_total_{0};
  std::vector<std::unique_ptr<command::ConnectionPool>> pools_;
  std::vector<std::unique_ptr<metrics::NodeLoopRecorder>> recorders_;
};

using NodePtr = std::shared_ptr<Node>;

}  // namespace aero::cluster
