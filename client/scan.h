// Scans and secondary-index queries: policies, filters, partition filters, the resumable
// cursor, the records and the summary a stream ends with, and RecordStream (the pull style).
//
//   client->scan("test", "demo", aero::ScanPolicy{}, aero::PartitionFilter::all(), {},
//       [](aero::ScanRecord& r) { use(r); return true; },          // false: stop the scan
//       [](aero::ScanSummary s) { s.end, s.records, s.cursor ... });
//   client->query("test", "demo", aero::Filter::range("age", 20, 30), ...same shape...);
//
// How a stream runs: the partitions of the filter are grouped by the node that owns them and
// one request per node is streamed on the command's loop (all nodes in parallel, or
// ScanPolicy::max_concurrent_nodes at a time). Records are delivered in arrival order, one at
// a time, on the completion executor (never two callbacks of one stream at once, even on a
// thread pool). Partitions a node answers as not owned are retried on their owner after a
// tend, until the total timeout (or max_retries rounds when there is none).
//
// Backpressure: at most ScanPolicy::max_pending_records records (plus one frame) are decoded
// and not yet consumed per stream; beyond that the loop stops reading that stream's sockets
// until the consumer is back at half the bound. Memory stays bounded under a slow consumer
// and the loop keeps serving other commands.
//
// Ending: on_done runs exactly once, after the last record callback, with how the stream
// ended: complete; aborted (the record callback returned false, or the stream was dropped;
// the remaining answer is not read: its connections are closed, never reused mid-stream);
// or failed (the first error, naming the node). The cursor in the summary resumes after the
// last record the consumer saw, in this process or another (Cursor::serialize / parse).
//
// Filters: integer equality and range, string equality on a bin with a secondary index.
// Geo filters and filters on CDT elements (context, index types list/map) come later.
//
// Threads: policies, filters, cursors and summaries are plain values. Client::scan/query
// may be called from any thread. RecordStream::next() from one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "client/future.h"
#include "client/policy.h"
#include "client/status.h"
#include "client/types.h"
#include "executor/unique_function.h"

namespace aero {

namespace command {
class ScanJob;
}

// Policy::filter_exp applies: records that do not match are skipped by the server.
struct ScanPolicy : Policy {
  // Scans default to no total timeout and a 30 s socket timeout (C client); max_retries is
  // the number of extra rounds for partitions that were unavailable when there is no total
  // timeout (with one, rounds continue until it expires).
  ScanPolicy() {
    total_timeout = Millis{0};
    socket_timeout = Millis{30000};
    max_retries = 5;
  }
  // Records per call (a page); 0 = no limit. The summary's cursor continues the next page.
  std::uint64_t max_records = 0;
  // Server-side throttle per node; 0 = none.
  std::uint32_t records_per_second = 0;
  // false: metadata only (key, digest, generation, expiry; no bins).
  bool include_bin_data = true;
  // Nodes streamed at once; 0 = all.
  int max_concurrent_nodes = 0;
  // Backpressure bound: records decoded and not yet consumed, per stream (>= 1).
  std::size_t max_pending_records = 5000;
  // Wait between retry rounds; 0 = the client's tend interval (so the map can change).
  Millis retry_wait{0};
};

struct QueryPolicy : ScanPolicy {};

// A secondary-index filter (the query's "where" clause).
struct Filter {
  // What the filter matches: an integer bin value in [begin, end], or a string bin value
  // equal to `value` (sent as INDEX_RANGE, field 22).
  enum class Kind : std::uint8_t { integer_range, string_equal };
  // Which of the two forms this is.
  Kind kind = Kind::integer_range;
  // The indexed bin (1..15 bytes); the namespace needs an index on it of the matching type.
  std::string bin;
  // integer_range: the lowest matching value (inclusive).
  std::int64_t begin = 0;
  // integer_range: the highest matching value (inclusive); begin <= end.
  std::int64_t end = 0;
  // string_equal: the value to match, compared byte for byte.
  std::string value;

  // Integer bin equal to `v` (the range [v, v]).
  static Filter equal(std::string bin, std::int64_t v) { return {Kind::integer_range, std::move(bin), v, v, {}}; }
  // Integer bin in [begin, end], both ends inclusive.
  static Filter range(std::string bin, std::int64_t begin, std::int64_t end) {
    return {Kind::integer_range, std::move(bin), begin, end, {}};
  }
  // String bin equal to `v`.
  static Filter equal(std::string bin, std::string v) {
    return {Kind::string_equal, std::move(bin), 0, 0, std::move(v)};
  }
  // String bin equal to the NUL-terminated `v` (must not be null).
  static Filter equal(std::string bin, const char* v) { return equal(std::move(bin), std::string(v)); }
};

// Where one partition of a stream stands.
struct PartitionState {
  // The partition id, 0..4095.
  std::uint16_t id = 0;
  bool done = false;        // nothing left to read in it
  bool has_digest = false;  // resume after `digest` (and `bval` for queries)
  // The digest of the last record delivered from this partition (valid with has_digest).
  wire::Digest digest{};
  // Queries: the index value of that record (BVAL_ARRAY on resume); 0 for scans.
  std::int64_t bval = 0;
  // Equal when every field is equal.
  friend bool operator==(const PartitionState&, const PartitionState&) = default;
};

// The state of every partition of a stream: where the next page starts. Serializable, so a
// job can resume in another process.
class Cursor {
 public:
  Cursor() = default;
  // The state of a stream over `ns`; `query` for a secondary-index query, else a scan.
  Cursor(std::string ns, bool query, std::vector<PartitionState> parts)
      : ns_(std::move(ns)), query_(query), parts_(std::move(parts)) {}

  // The namespace the stream reads.
  const std::string& ns() const { return ns_; }
  // True for a query's cursor, false for a scan's (a cursor resumes only its own kind).
  bool is_query() const { return query_; }
  // One entry per partition the stream covers, in the order they were listed.
  const std::vector<PartitionState>& partitions() const { return parts_; }
  // True when every partition is done (there is no further page).
  bool done() const;

  // A compact binary form (magic AEC1, kind, namespace, then per partition its id, flags and,
  // when it has one, digest and bval little-endian) to store and later parse().
  std::vector<std::uint8_t> serialize() const;
  // The cursor serialize() wrote; ClientCode::invalid_argument ("not a scan cursor: ...") for
  // anything else (bad header, namespace over 31 bytes, duplicate or out-of-range partition).
  static Result<Cursor> parse(std::span<const std::uint8_t> bytes);

  // Equal when namespace, kind and every partition state are equal.
  friend bool operator==(const Cursor&, const Cursor&) = default;

 private:
  std::string ns_;
  bool query_ = false;
  std::vector<PartitionState> parts_;
};

// Which partitions a stream reads.
struct PartitionFilter {
  // The first partition id read (0..4095).
  std::uint32_t begin = 0;
  // How many consecutive partitions from `begin` (1..4096 - begin; 0 is an invalid argument).
  std::uint32_t count = 4096;
  std::optional<wire::Digest> after;  // with id(): resume after this digest
  std::optional<Cursor> cursor;       // resume(): continue a previous stream

  // Every partition, 0..4095 (the default).
  static PartitionFilter all() { return {}; }
  // The single partition `pid` (0..4095).
  static PartitionFilter id(std::uint32_t pid) { return {pid, 1, {}, {}}; }
  // The `count` partitions from `begin`.
  static PartitionFilter range(std::uint32_t begin, std::uint32_t count) { return {begin, count, {}, {}}; }
  // The partition of `key`, from just after it (in the server's order).
  static PartitionFilter after_key(const Key& key) {
    return {key.partition_id(), 1, key.digest(), {}};
  }
  // Continues the stream `c` came from (its summary's cursor): the partitions it lists, each
  // from where it stopped; done partitions are skipped.
  static PartitionFilter resume(Cursor c) { return {0, 0, {}, std::move(c)}; }
};

// One record of a stream.
struct ScanRecord {
  Key key;               // namespace, set, digest; the user key when the record stored it
  Record record;         // bins (none when include_bin_data is false), generation, void time
  // The partition (0..4095) the record came from.
  std::uint16_t partition = 0;
  std::int64_t bval = 0;  // queries: the index value the server reported
};

// How a stream ended: every partition read (complete); stopped by the consumer (the record
// callback returned false, abort(), or the RecordStream was dropped); or an error (failed).
enum class StreamEnd : std::uint8_t { complete, aborted, failed };

// What a stream did, given when it is over (ScanDoneCallback, RecordStream::summary()).
struct ScanSummary {
  // How the stream ended.
  StreamEnd end = StreamEnd::complete;
  Status status;               // failed: the first error, naming the node
  std::uint64_t records = 0;   // records delivered to the consumer
  std::uint64_t bytes = 0;     // answer bytes received
  int rounds = 0;              // node rounds run (more than 1 after retries)
  std::size_t peak_pending = 0;  // most records decoded and not yet consumed at once
  std::vector<std::uint16_t> incomplete_partitions;  // still unavailable at the end
  Cursor cursor;               // resume point
  // True when a further page exists (some partition is not done): resume with the cursor.
  bool more() const { return !cursor.done(); }
};

// Returns true to continue, false to stop the stream (it then ends as aborted).
using ScanRecordCallback = UniqueFunction<bool(ScanRecord&)>;
// Called once when the stream is over, with its summary.
using ScanDoneCallback = UniqueFunction<void(ScanSummary)>;

// A stream read by pulling: `co_await stream.next()` or `stream.next().get()`.
// next() gives the next record; std::nullopt once the stream is over (summary() then tells
// how it ended; a failed stream also gives its error from next()). Records not pulled stay
// bounded by max_pending_records (the loop stops reading). Dropping the stream aborts it.
// Drop or finish streams before closing the client.
class RecordStream {
 public:
  RecordStream() = default;
  // Wraps a running job; made by the client's scan/query calls, not by users.
  explicit RecordStream(std::shared_ptr<command::ScanJob> job);
  // Takes over the moved-from stream, which is left empty.
  RecordStream(RecordStream&&) noexcept;
  // Aborts this stream's own job (if any), then takes over the moved-from one.
  RecordStream& operator=(RecordStream&&) noexcept;
  ~RecordStream();

  // One outstanding next() at a time.
  Future<std::optional<ScanRecord>> next();
  // Up to `n` records (fewer only at the end of the stream; empty when it is over).
  Future<std::vector<ScanRecord>> page(std::size_t n);
  // Stops the stream (the summary says aborted).
  void abort();
  // How the stream ended, once next() gave std::nullopt or an error.
  std::optional<ScanSummary> summary() const;

 private:
  std::shared_ptr<command::ScanJob> job_;
};

}  // namespace aero
