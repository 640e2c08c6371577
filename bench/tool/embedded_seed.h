// Fills the embedded test cluster directly, without the wire: the prefill of a run on the
// embedded cluster takes a fraction of a second instead of a full insert workload, so the
// main job measures the workload, not the loading. The records are exactly what a put of
// the same bins stores (generation 1, no stored user key).
//
// Threads: call from a thread that is not one of the cluster's loops (test/server rules).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "client/types.h"
#include "test/server/cluster.h"

namespace aero::bench {

// Stores keys start_key .. start_key + keys - 1 of ns/set with `bins`. False (with a
// reason) when the namespace does not exist.
bool seed_embedded(testserver::Cluster& cluster, const std::string& ns, const std::string& set,
                   std::int64_t start_key, std::int64_t keys, const std::vector<Bin>& bins,
                   std::string* error);

}  // namespace aero::bench
