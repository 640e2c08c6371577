// Workloads: which commands the load generator sends, in asbench's syntax where asbench has
// one.
//
//   I          insert: write every key of the key space once, in order, then stop
//   RU,<r>     read/update: r% reads (gets of all bins), the rest writes of the object spec;
//              with --batch-size N > 1 each read is a batch read of N random keys
//   RMW        read-modify-write: get a record, then write it back with new values on the
//              condition that its generation did not change (generation errors are counted)
//   BR,<n>     batch reads only, n random keys each (same as RU,100 --batch-size n)
//   SCAN       whole-set scans, records/s and MB/s against a bare reader (stream.h)
//   QUERY      index range queries over the first (integer) bin covering every value,
//              measured the same way (the index is created first)
//
// Threads: plain values and pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace aero::bench {

struct Workload {
  enum class Kind : std::uint8_t { insert, read_update, read_modify_write, batch_read, scan, query };
  Kind kind = Kind::read_update;
  int read_percent = 50;  // read_update
  int batch_size = 1;     // reads are batch reads of this many keys when > 1

  friend bool operator==(const Workload&, const Workload&) = default;
};

inline constexpr int kMaxBatchSize = 5000;

bool parse_workload(std::string_view spec, Workload* out, std::string* error);
std::string workload_string(const Workload& w);  // "RU,80", "BR,10", ...
// SCAN and QUERY: measured as streams (stream.h), not as commands with latencies.
inline bool is_stream(const Workload& w) {
  return w.kind == Workload::Kind::scan || w.kind == Workload::Kind::query;
}

// The command types the tool measures, each with its own histogram and counters.
enum class OpKind : std::uint8_t { read, write, batch, rmw };
inline constexpr int kOpKinds = 4;
const char* op_name(OpKind k);

// Which command types a workload produces (the others stay at zero and are not printed).
std::array<bool, kOpKinds> op_kinds_used(const Workload& w);

}  // namespace aero::bench
