// One node of a test cluster: a listening port, one or a few event-loop threads, faults.
//
// Threads: every public method may be called from any thread except the node's own loop
// threads (stop/restart wait for them). Methods of one node are serialised internally.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "test/server/cluster_state.h"
#include "test/server/faults.h"
#include "test/server/stats.h"

namespace aero::testserver {

class NodeLoop;

class Node {
 public:
  Node(ClusterState& cluster, int index);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  int index() const { return index_; }
  const std::string& id() const;      // node name as `node` answers it
  uint16_t port() const;              // 0 before the first start
  uint16_t tls_port() const;          // the TLS listener's port; 0 when TLS is off
  std::string address() const;        // "127.0.0.1:3000"
  bool running() const { return running_.load(std::memory_order_acquire); }

  // Binds (the same port as before, after the first start) and starts serving.
  bool start(std::string* error = nullptr);
  // Closes the listener and every connection, stops the threads. Data is kept (the store is
  // the cluster's). The node stays listed in its peers' answers until Cluster::rebalance().
  void stop();
  bool restart(std::string* error = nullptr) {
    stop();
    return start(error);
  }
  // Stops the node and starts it on a new ephemeral port, same node id and data: a node
  // that comes back under another address (a container rescheduled). Call
  // Cluster::rebalance() afterwards so its peers list the new address.
  bool restart_on_new_port(std::string* error = nullptr);

  // Faults.
  void set_fault(const Fault& f) { faults_.set(f); }
  void clear_fault() { faults_.clear(); }
  Fault fault() const { return faults_.current(); }
  // true: close the listening socket so connects are refused (ECONNREFUSED); existing
  // connections keep working. false: listen again on the same port.
  bool refuse_connections(bool refuse, std::string* error = nullptr);

  NodeStats stats() const { return counters_.snapshot(); }
  int64_t partition_generation() const;
  uint32_t peers_generation() const;

  // For the node's own loops.
  ClusterState& cluster() { return cluster_; }
  NodeCounters& counters() { return counters_; }
  FaultState& faults() { return faults_; }
  NodeLoop& loop(size_t i) { return *loops_[i]; }
  size_t loop_count() const { return loops_.size(); }
  // Scan/query task ids in progress on this node (a duplicate id is not answered).
  bool register_task(uint64_t id);
  void unregister_task(uint64_t id);

 private:
  int open_listener(bool tls, std::string* error);
  // Opens the clear listener and, when the cluster has TLS, the TLS one, and hands them to
  // loop 0; false (both closed) on failure.
  bool open_listeners(std::string* error);

  ClusterState& cluster_;
  const int index_;
  NodeCounters counters_;
  FaultState faults_;
  std::mutex control_mutex_;  // start/stop/refuse
  bool new_port_ = false;     // the next start binds an ephemeral port (restart_on_new_port)
  std::vector<std::unique_ptr<NodeLoop>> loops_;
  std::atomic<bool> running_{false};
  bool refusing_ = false;
  std::mutex tasks_mutex_;
  std::unordered_set<uint64_t> tasks_;
};

}  // namespace aero::testserver
