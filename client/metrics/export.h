// Export of a MetricsSnapshot: Prometheus text exposition (format 0.0.4) and JSON.
//
// Prometheus: counters end in _total; latency is a histogram in seconds with fixed bucket
// bounds from 100 us to 10 s (a bucket holds the recorded values whose log-linear bucket
// lies wholly below the bound, so a count may lag by the values within 0.8% under it).
// JSON: one object with "nodes", "loops" and "cluster"; latencies in microseconds.
//
// Threads: pure functions of their argument.
#pragma once

#include <string>

#include "client/metrics/metrics.h"

namespace aero::metrics {

// Metric names start with `prefix` (e.g. "aerospike_client").
std::string to_prometheus(const MetricsSnapshot& s, const std::string& prefix = "aerospike_client");
// The snapshot as one JSON object (nodes, loops, cluster; latencies in microseconds), for
// logs and dashboards without a Prometheus scraper.
std::string to_json(const MetricsSnapshot& s);

}  // namespace aero::metrics
