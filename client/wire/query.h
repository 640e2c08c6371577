// Secondary-index query requests (partition-based protocol, servers >= 6.0), and background
// scans/queries that apply write operations on the server.
//
// A query is a scan with a "where" clause: INDEX_RANGE (field 22, protocol reference §9.5)
// names one bin and either an integer range (equality is begin == end) or a string value.
// Resuming a partition of a query needs both the last digest (DIGEST_ARRAY) and the last
// index value the server reported for it (BVAL_ARRAY, 8-byte little-endian each).
//
// Fields are written in the official C client's order (aerospike_query.c,
// as_query_command_init): namespace, set, RECORDS_PER_SECOND, SOCKET_TIMEOUT (always),
// TASK_ID, INDEX_TYPE (never: default indexes only), INDEX_RANGE, FILTER (43, the policy's
// filter expression: ReadAttrs::filter_exp), PID_ARRAY, DIGEST_ARRAY,
// BVAL_ARRAY, MAX_RECORDS, then the bin-name read ops. The header carries record_ttl
// 0xFFFFFFFF ("never touch on read") for foreground queries, as the C client writes it;
// the result is byte-identical to the queries in test/captures/operations/query_foreach.
//
// Background jobs (`background = true`): info2 WRITE, no PARTITION_DONE bit, record_ttl =
// the TTL for written records, the write operations as ops, no PID_ARRAY (every partition);
// the server answers one LAST message at once and runs the job (poll `query-show`).
//
// Aggregations (`udf` with op 1): a foreground query without PID_ARRAY (every partition the
// node masters), as the C client sends them (query_foreach vectors 234-236, 262-263); the
// node answers one SUCCESS bin per value of the stream's server phase, then LAST.
//
// Geo filters, CDT-context (field 23), named-index (21) and expression-index (24) queries are
// not encoded yet.
//
// Threads: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "client/wire/buffer.h"
#include "client/wire/digest.h"
#include "client/wire/request.h"
#include "client/wire/status.h"

namespace aero::wire {

// The where clause of a query (one bin, one range).
struct IndexFilter {
  enum class Kind : uint8_t { kNone, kIntegerRange, kStringEqual };
  Kind kind = Kind::kNone;
  std::string_view bin;       // 1..15 bytes
  int64_t begin = 0;          // integer: begin <= end
  int64_t end = 0;
  std::string_view value;     // string equality
};

// A UDF run by a scan/query: fields UDF_OP (33), UDF_PACKAGE_NAME (30), UDF_FUNCTION (31),
// UDF_ARGLIST (32), after the where clause (C client as_query_command_init order).
struct QueryUdf {
  uint8_t op = 2;  // 2: background (the server applies it to every match); 1: aggregation
  std::string_view module;    // 1..127 bytes
  std::string_view function;  // 1..127 bytes
  std::span<const uint8_t> args;  // msgpack array (encode_udf_args)
};

struct QueryRequest {
  std::string_view ns;
  std::string_view set;                          // empty: the whole namespace
  IndexFilter filter;                            // kNone: a plain scan in query framing
  std::span<const uint16_t> partitions;          // whole partitions
  std::span<const Digest> resume_after;          // partitions resumed after these digests
  std::span<const int64_t> resume_bvals;         // one per digest (index queries)
  std::span<const std::string_view> bin_names;   // empty: all bins
  bool include_bin_data = true;                  // false: info1 NOBINDATA
  uint64_t max_records = 0;                      // 0: no limit (this node's share)
  uint32_t records_per_second = 0;               // 0: no throttle
  uint32_t socket_timeout_ms = 0;                // always written (0 = server default)
  uint32_t server_timeout_ms = 0;                // transaction_ttl (the total timeout)
  uint64_t task_id = 0;                          // non-zero, unique per query
  ReadAttrs read;                                // AP/SC read mode bits

  // Background job: write `write_ops` to every match, or run `udf` (op 2, no write ops) on it.
  bool background = false;
  std::span<const Operation> write_ops;
  const QueryUdf* udf = nullptr;
  WriteAttrs write;
};

Status encode_query(Buffer& out, const QueryRequest& q);

}  // namespace aero::wire
