// The JSON document aerobench writes with --json (made with nlohmann-json, Debian's
// nlohmann-json3-dev; keys in the order below, compact, numbers that are not finite as null).
//
// The document:
//   { "tool": "aerobench", "format": 1,
//     "config": { every option, resolved },
//     "prefill": null | { "records", "errors", "seconds" },
//     "elapsed_s", "commands", "per_second", "not_found", "errors", "timeouts",
//     "cpu": { "user_s", "sys_s", "per_command_us", "includes_server" },
//     "series": [ { "t_s", "interval_s", "errors": {...},
//                   "read": { "count", "per_second", "ok", "not_found", "errors",
//                             "timeouts", "p50_us", "p99_us", "max_us" }, ... }, ... ],
//     "latency": { "read": { "count", "mean_us", "min_us", "p50_us", "p90_us", "p99_us",
//                            "p99.9_us", "p99.99_us", "max_us",
//                            "buckets": [ [low_ns, high_ns, count], ... ] }, ... },
//     "errors_by_code": [ { "code", "name", "read", "write", ... }, ... ] }
// Only the command types the workload produces appear in "series" and "latency".
//
// Threads: pure functions.
#pragma once

#include <string>

#include "bench/tool/flags.h"
#include "bench/tool/result.h"

namespace aero::bench {

// The document above, with a trailing newline.
std::string result_json(const RunResult& r, const Options& o);

}  // namespace aero::bench
