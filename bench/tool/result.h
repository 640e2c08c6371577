// RunResult: everything one aerobench run measured, as plain data for the text report, the
// JSON file and the SVG plot.
//
// Threads: plain values.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bench/tool/recorder.h"
#include "bench/tool/workload.h"

namespace aero::bench {

// Errors grouped the way a person reads them.
struct ErrorClasses {
  std::uint64_t timeout = 0;     // result 9
  std::uint64_t connection = 0;  // connection failed / no more connections
  std::uint64_t server = 0;      // any other server result code
  std::uint64_t client = 0;      // any other client-side code
};
ErrorClasses classify_errors(const KindTotals& k);

// One reporting interval (normally one second; the last one may be shorter).
struct SecondSample {
  double t_s = 0;         // end of the interval, seconds since the start
  double interval_s = 0;  // its length
  struct Kind {
    std::uint64_t completed = 0, ok = 0, not_found = 0, errors = 0, timeouts = 0;
    std::uint64_t p50_ns = 0, p99_ns = 0, max_ns = 0;
  };
  std::array<Kind, kOpKinds> kinds;
  ErrorClasses errors;  // over every command type
};

struct RunResult {
  std::array<bool, kOpKinds> used{};  // command types the workload produces
  std::vector<SecondSample> series;
  std::unique_ptr<Snapshot> totals;   // final, exact
  double elapsed_s = 0;
  double cpu_user_s = 0;
  double cpu_sys_s = 0;
  bool cpu_includes_server = false;   // the embedded cluster ran in this process
  std::int64_t max_backlog = 0;       // open loop only
  // The client's connections during the measured run (ClientStats differences).
  std::uint64_t sockets_opened = 0;
  std::uint64_t sockets_closed = 0;
  std::uint64_t drains_started = 0;
  std::uint64_t drains_recovered = 0;
  // The client's loops during the measured run (io::LoopStats differences, summed over the
  // loops): the system calls they made (exact counts, see io::LoopStats::system_calls) and
  // their waits.
  std::uint64_t loop_system_calls = 0;
  std::uint64_t loop_polls = 0;
  // --metrics: the client's own metrics of the measured run (client/metrics), per node.
  std::string client_metrics_json;  // client/metrics/export.h's to_json
  std::string per_node_report;      // one line per node and command kind
  // Prefill (insert of the key space before the run), when done.
  bool prefilled = false;
  std::uint64_t prefill_records = 0;
  std::uint64_t prefill_errors = 0;
  double prefill_s = 0;
};

}  // namespace aero::bench
