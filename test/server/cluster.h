// aero::testserver::Cluster: an in-memory cluster of 1..8 Aerospike-wire-compatible nodes on
// loopback, for tests, examples and benchmarks. A test double, not a database: it answers like
// Aerospike 8.1.2.0 wherever a client can observe it, and lets a test inject faults.
//
//   aero::testserver::Cluster cluster({.nodes = 3, .replication_factor = 2,
//                                      .namespaces = {"test"}});
//   std::string error;
//   if (!cluster.start(&error)) { ... }
//   connect the client to 127.0.0.1:cluster.seed_port()
//   cluster.node(1).set_fault(aero::testserver::Fault::delay_by(50ms));
//   cluster.node(2).stop();  cluster.node(2).start();
//   cluster.migrate_partition("test", 1207, 0);
//   cluster.clock().freeze();  cluster.clock().advance(100s);
//   cluster.record_count("test");
//
// Threads: every method of Cluster, Node and Clock may be called from any thread that is not
// one of the cluster's own loop threads (the server never calls user code, so in practice:
// any of the test's threads). Calls that change topology (start, stop, rebalance,
// migrate_partition) are serialised internally and take effect before they return: the next
// request any node reads sees the new state. Destroying the Cluster stops every node.
//
// What is emulated and what is not: see test/server/README.md.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "test/server/clock.h"
#include "test/server/faults.h"
#include "test/server/node.h"
#include "test/server/options.h"
#include "test/server/store.h"

namespace aero::testserver {

class ClusterState;
namespace security {
class Security;
}

class Cluster {
 public:
  explicit Cluster(ClusterOptions options = {});
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  // Validates the options, balances the partitions and starts every node. On failure returns
  // false with a reason in `*error` and leaves nothing running.
  bool start(std::string* error = nullptr);
  void stop();

  const ClusterOptions& options() const { return options_; }
  size_t size() const { return nodes_.size(); }
  Node& node(size_t i) { return *nodes_[i]; }
  uint16_t seed_port() const { return nodes_.empty() ? 0 : nodes_[0]->port(); }
  std::string seed_address() const { return nodes_.empty() ? "" : nodes_[0]->address(); }
  std::vector<std::string> addresses() const;
  Clock& clock();
  // Users, roles and sessions when ClusterOptions::security is set; nullptr otherwise.
  security::Security* security();

  // The user agents node `i`'s open connections sent (`user-agent-set`, clients of 8.1+
  // servers), decoded: e.g. "1,cpp-async-0.3.0,not-set". One entry per connection, sorted.
  std::vector<std::string> user_agents(size_t i) const;

  // ---- Data. ----
  // Live (not expired) records of a namespace; 0 for an unknown one.
  size_t record_count(std::string_view ns);
  // A copy of a live record, looked up by digest (20 bytes).
  std::optional<Record> record(std::string_view ns, const uint8_t* digest);
  // Stores `r` under `digest` as is (seeding without going through the wire).
  bool put_record(std::string_view ns, const uint8_t* digest, Record r);
  // Removes every record of `ns` (of `set` only when not empty).
  bool truncate(std::string_view ns, std::string_view set = {});
  // Defines a secondary index; queries on an undefined index get result 201, as on Aerospike.
  bool create_index(std::string_view ns, std::string_view set, std::string_view bin,
                    IndexType type, std::string_view name);

  // ---- Partitions. ----
  // Node indexes holding `pid` of `ns`: master first, then replicas.
  std::vector<int> replicas(std::string_view ns, uint32_t pid) const;
  // A migration: `to_node` becomes master of the partition (the old master becomes a replica
  // if the replication factor allows), and every node whose share changed bumps its
  // partition-generation, so tending clients refetch `replicas`.
  bool migrate_partition(std::string_view ns, uint32_t pid, size_t to_node);
  // The cluster notices which nodes are running: stopped nodes leave the peers lists and the
  // partition map, restarted ones rejoin; peers-generation and partition-generation move on
  // the nodes concerned.
  void rebalance();
  // What a node answers for a partition it does not hold (default kProxy, like a real AP
  // cluster; kUnavailable answers 11, what clients meet at an old owner during a migration).
  void set_not_owner_policy(NotOwnerPolicy policy);

 private:
  void publish(std::shared_ptr<PartitionMap> map, const std::vector<bool>& listed);

  const ClusterOptions options_;
  std::unique_ptr<ClusterState> state_;
  std::vector<std::unique_ptr<Node>> nodes_;
  mutable std::mutex topology_mutex_;
};

}  // namespace aero::testserver
