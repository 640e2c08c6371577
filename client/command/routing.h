// Routing: which node serves a key's partition for a given replica policy and attempt.
//
// Threads: pure function over an immutable snapshot; any thread.
#pragma once

#include <cstdint>
#include <string_view>

#include "client/cluster/partition_map.h"
#include "client/policy.h"

namespace aero::command {

// `attempt_index` counts the replica moves made by retries (0 at the first attempt);
// `rotation` is a per-command number used by Replica::any and Replica::random to spread
// commands over the replicas. Writes pass is_write: they go to the master unless the
// policy is random (then the rotation applies too). Replica::prefer_rack reads go first to
// a replica on `rack_id`, then along the sequence.
// `map` is snapshot.find() of the key's namespace (nullptr: not in the cluster).
inline cluster::Node* route(const cluster::ClusterSnapshot& snapshot,
                            const cluster::NamespaceMap* map, std::uint32_t partition,
                            Replica replica, bool is_write, unsigned attempt_index,
                            unsigned rotation, int rack_id = -1) {
  if (map == nullptr || partition >= static_cast<std::uint32_t>(cluster::kPartitions)) {
    return nullptr;
  }
  unsigned start = 0;
  switch (replica) {
    case Replica::master:
      // Only the master; if it is missing or inactive there is no node.
      return snapshot.route(*map, partition, 0) == map->owner[0][partition]
                 ? map->owner[0][partition]
                 : nullptr;
    case Replica::any:
      start = is_write ? 0 : rotation;
      break;
    case Replica::random:
      start = rotation;
      break;
    case Replica::sequence:
      start = 0;
      break;
    case Replica::prefer_rack:
      if (!is_write && attempt_index == 0 && rack_id >= 0) {
        for (int i = 0; i < map->replicas; ++i) {
          cluster::Node* n = map->owner[static_cast<std::size_t>(i)][partition];
          if (n != nullptr && n->active() && map->rack_of(n) == rack_id) return n;
        }
      }
      start = 0;  // no replica on our rack (or a retry): the sequence
      break;
  }
  return snapshot.route(*map, partition, start + attempt_index);
}

// The same, looking the namespace `ns` up in the snapshot.
inline cluster::Node* route(const cluster::ClusterSnapshot& snapshot, std::string_view ns,
                            std::uint32_t partition, Replica replica, bool is_write,
                            unsigned attempt_index, unsigned rotation, int rack_id = -1) {
  return route(snapshot, snapshot.find(ns), partition, replica, is_write, attempt_index, rotation,
               rack_id);
}

}  // namespace aero::command
