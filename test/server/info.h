// The info protocol (type-1 frames): the commands a client's tend and start-up send (node,
// features, build, cluster-name, partition-generation, peers-generation, peers-clear-std,
// replicas, service-clear-std, statistics, ...), index and truncate commands, and the legacy
// summary for an empty request.
//
// Callable from any thread.
#pragma once

#include <string>
#include <string_view>

#include "test/server/cluster_state.h"
#include "test/server/response.h"
#include "test/server/stats.h"

namespace aero::testserver {

struct InfoContext {
  ClusterState& cluster;
  int node = 0;
  const PartitionMap* map = nullptr;
  const NodeCounters* counters = nullptr;
};

// Appends one type-1 frame answering `body`: for each '\n'-terminated line, the line as
// received, a tab, the value and '\n' (an unterminated last line is ignored, as the server
// does). An empty body gets the legacy summary.
void answer_info(const InfoContext& ctx, std::string_view body, ResponseWriter& w);

// The value one command line produces (exposed for tests).
std::string info_value(const InfoContext& ctx, std::string_view line);

}  // namespace aero::testserver
