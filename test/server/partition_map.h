// Ownership of the 4096 partitions of every namespace: which node is master and which are
// replicas, and the `replicas` info encoding of it.
//
// A PartitionMap is immutable once published; ClusterState swaps whole snapshots, so readers on
// any thread can use one without locks.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "test/server/options.h"
#include "test/server/wire.h"

namespace aero::testserver {

struct PartitionMap {
  using Owners = std::array<int8_t, kMaxNodes>;  // node index per replica column, -1 = none

  uint32_t n_replicas = 1;  // effective replication factor (columns in `replicas`)
  // owners[namespace index][partition id][column]
  std::vector<std::vector<Owners>> owners;

  int master(size_t ns, uint32_t pid) const { return owners[ns][pid][0]; }
  // Replica column of `node` for the partition, or -1.
  int column_of(size_t ns, uint32_t pid, int node) const;
  // Number of partitions `node` holds in `column` of namespace `ns`.
  uint32_t count(size_t ns, uint32_t column, int node) const;
};

// Spreads every partition over the live nodes by rendezvous hashing of (node id, partition):
// balanced, deterministic, and a node leaving moves only its own partitions.
std::shared_ptr<PartitionMap> balance_partitions(const std::vector<uint64_t>& node_ids,
                                                 const std::vector<bool>& live,
                                                 size_t n_namespaces, uint32_t rf);

// The 512-byte bitmap (MSB first) of the partitions `node` holds in `column`, base64-encoded:
// always 684 characters.
std::string replicas_bitmap(const PartitionMap& map, size_t ns, uint32_t column, int node);

std::string base64_encode(const uint8_t* data, size_t size);

}  // namespace aero::testserver
