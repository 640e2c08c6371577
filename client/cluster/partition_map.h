// ClusterSnapshot: the cluster as routing sees it at one moment, immutable once published.
//
// The tender builds a new snapshot whenever nodes or partition ownership change and swaps
// it in (Cluster::publish); routing reads the current one without taking a lock. A snapshot
// keeps the nodes it names alive.
//
// Threads: a published snapshot is read-only and may be read from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "client/cluster/node.h"

namespace aero::cluster {

inline constexpr int kPartitions = 4096;
inline constexpr int kMaxReplicas = 3;  // columns kept per namespace, as the C client

// One namespace's partition table: owner[column][partition]; column 0 is the master.
struct NamespaceMap {
  std::string name;
  int replicas = 1;   // columns in use (1..kMaxReplicas)
  bool sc_mode = false;
  std::array<std::array<Node*, kPartitions>, kMaxReplicas> owner{};
  std::array<std::uint32_t, kPartitions> regime{};
  // Rack of each node in this namespace (from `rack-ids`; fetched only when the client has
  // a rack id, for Replica::prefer_rack).
  std::vector<std::pair<const Node*, int>> racks;

  int rack_of(const Node* n) const {
    for (const auto& [node, rack] : racks) {
      if (node == n) return rack;
    }
    return -1;
  }
};

class ClusterSnapshot {
 public:
  std::uint64_t version = 0;
  std::vector<NodePtr> nodes;  // keeps every node in `namespaces` alive
  std::vector<std::shared_ptr<const NamespaceMap>> namespaces;

  const NamespaceMap* find(std::string_view ns) const {
    for (const auto& m : namespaces) {
      if (m->name == ns) return m.get();
    }
    return nullptr;
  }

  // The node for `partition` of `ns` at replica position `attempt` (0 = master, 1 = first
  // replica, wrapping), skipping missing and inactive nodes; nullptr if none is available.
  Node* route(const NamespaceMap& map, std::uint32_t partition, unsigned attempt) const {
    const auto replicas = static_cast<unsigned>(map.replicas);
    if (replicas == 0) return nullptr;
    // One division at most (a retry past the last replica), none on a first attempt: this
    // runs for every command.
    unsigned column = attempt < replicas ? attempt : attempt % replicas;
    for (unsigned i = 0; i < replicas; ++i) {
      Node* n = map.owner[column][partition];
      if (n != nullptr && n->active()) return n;
      if (++column == replicas) column = 0;
    }
    return nullptr;
  }
};

}  // namespace aero::cluster
