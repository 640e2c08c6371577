// JSON output: a small streaming writer (correct escaping, no dependencies), and the
// document aerobench writes with --json.
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
// Threads: a JsonWriter is used by one thread; the functions are pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bench/tool/flags.h"
#include "bench/tool/result.h"

namespace aero::bench {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(bool b);
  JsonWriter& value(std::int64_t n);
  JsonWriter& value(std::uint64_t n);
  JsonWriter& value(int n) { return value(static_cast<std::int64_t>(n)); }
  JsonWriter& value(double d);  // non-finite numbers become null
  JsonWriter& null();
  // A value that is already JSON text (e.g. client/metrics/export.h's), written as is.
  JsonWriter& raw(std::string_view json);
  // Shorthand: key(k).value(v).
  template <class T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }
  const std::string& str() const { return out_; }

  // The JSON string literal for `s` (quotes included). Bytes >= 0x80 pass through (UTF-8
  // is kept as is); control characters, quotes and backslashes are escaped.
  static std::string quote(std::string_view s);

 private:
  void before_value();
  std::string out_;
  std::vector<bool> has_items_;  // per open container: an item was written
  bool after_key_ = false;
};

std::string result_json(const RunResult& r, const Options& o);

}  // namespace aero::bench
