// Single-record commands with Aerospike semantics: read (all bins, named bins, header only),
// write/operate (write, incr, append, prepend, touch, delete-all, read, read-all), delete.
//
// Used for top-level single-record requests and for every batch row. Callable from any thread
// (each call locks the record's partition while it runs).
#pragma once

#include <cstdint>

#include "test/server/cluster_state.h"
#include "test/server/message.h"
#include "test/server/response.h"

namespace aero::testserver {

// Who is answering: the node (for ownership decisions) and the partition map it sees.
struct RequestContext {
  ClusterState& cluster;
  int node = 0;
  const PartitionMap* map = nullptr;  // must be set
};

// Executes the command `m` on the record `digest` (20 bytes) and appends exactly one as_msg
// (no proto frame) describing the outcome to `w`. `transaction_ttl` is copied into the
// answer's header (0 for single-record answers, the row index for batch rows). Returns the
// result code of the answer.
uint8_t execute_record_command(const RequestContext& ctx, const MessageView& m,
                               const uint8_t* digest, uint32_t transaction_ttl,
                               ResponseWriter& w);

}  // namespace aero::testserver
