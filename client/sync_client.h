// SyncClient: blocking calls for scripts and tools, on the same core as the async API.
//
//   aero::SyncClient sync(*client);
//   aero::Result<aero::Record> r = sync.get(key);
//
// Each call submits the async command and waits for its completion. On a thread that runs
// one of the client's loops, waiting would deadlock the loop, so the call refuses with
// ClientCode::would_block_loop instead.
//
// Threads: any thread except the client's loop threads (there it refuses).
#pragma once

#include <optional>

#include "client/client.h"

namespace aero {

// A blocking iterator over a scan or query (built on RecordStream: the same backpressure).
//   auto it = sync.scan("test", "demo");
//   while (auto r = it.next()) { if (!r->ok()) ...; if (!r->value()) break; use(*r->value()); }
class SyncRecords {
 public:
  // Wraps a stream from Client::scan_stream or Client::query_stream.
  explicit SyncRecords(RecordStream s) : s_(std::move(s)) {}
  // The next record; std::nullopt inside the Result once the stream is over; an error when
  // it failed. (Wrapped in std::optional so `while (auto r = it.next())` reads naturally.)
  std::optional<Result<std::optional<ScanRecord>>> next() { return s_.next().get(); }
  // How the stream ended, once next() gave std::nullopt or an error; std::nullopt before.
  std::optional<ScanSummary> summary() const { return s_.summary(); }
  // Stops the stream: no more records are read (the summary says aborted).
  void abort() { s_.abort(); }

 private:
  RecordStream s_;
};

// Blocking wrappers over a Client's future-returning calls: each submits the command and
// waits for it with Future::get(). The overloads without a policy use the ClientConfig's
// defaults. Results and errors are those of the async call. On one of the client's loop
// threads the wait is refused with ClientCode::would_block_loop (unless the result is
// already there); the command was submitted all the same and still runs.
class SyncClient {
 public:
  // Wraps `client`, which must outlive this object. Cheap: holds only the reference.
  explicit SyncClient(Client& client) : client_(client) {}

  // Client::put: writes the bins (create or update per the default WritePolicy).
  Result<void> put(const Key& key, Bins bins) { return client_.put(key, bins).get(); }
  // Client::put with the given policy.
  Result<void> put(const Key& key, Bins bins, const WritePolicy& p) {
    return client_.put(key, bins, p).get();
  }
  // Client::get: all bins; a missing record is an error with code 2.
  Result<Record> get(const Key& key) { return client_.get(key).get(); }
  // Client::get, all bins, with the given policy.
  Result<Record> get(const Key& key, const ReadPolicy& p) { return client_.get(key, p).get(); }
  // Client::get of the named bins only.
  Result<Record> get(const Key& key, BinNames bins) { return client_.get(key, bins).get(); }
  // Client::get_header: generation and expiry, no bins.
  Result<Record> get_header(const Key& key) { return client_.get_header(key).get(); }
  // Client::exists: true or false (a missing record is not an error).
  Result<bool> exists(const Key& key) { return client_.exists(key).get(); }
  // Client::remove: true when the record existed and was deleted, false when it did not exist.
  Result<bool> remove(const Key& key) { return client_.remove(key).get(); }
  // Client::remove with the given policy.
  Result<bool> remove(const Key& key, const WritePolicy& p) { return client_.remove(key, p).get(); }
  // Client::touch: resets the TTL and bumps the generation (error 2 when there is no record).
  Result<void> touch(const Key& key) { return client_.touch(key).get(); }
  // Client::touch with the given policy (its ttl is the new TTL).
  Result<void> touch(const Key& key, const WritePolicy& p) { return client_.touch(key, p).get(); }
  // Client::operate: the operations applied atomically, in order, to one record.
  Result<Record> operate(const Key& key, Operations ops) { return client_.operate(key, ops).get(); }
  // Client::operate with the given policy.
  Result<Record> operate(const Key& key, Operations ops, const WritePolicy& p) {
    return client_.operate(key, ops, p).get();
  }
  // Client::batch_get: one BatchRecord per key, in the order of `keys`.
  Result<std::vector<BatchRecord>> batch_get(std::vector<Key> keys, BatchRead what = BatchRead::all()) {
    return client_.batch_get(std::move(keys), std::move(what)).get();
  }
  // Client::apply: runs the record UDF module.function(record, args...) and returns its value.
  Result<Value> apply(const Key& key, std::string_view module, std::string_view function,
                      ListRef<Value> args) {
    return client_.apply(key, module, function, args).get();
  }
  // Client::apply with the given policy.
  Result<Value> apply(const Key& key, std::string_view module, std::string_view function,
                      ListRef<Value> args, const WritePolicy& p) {
    return client_.apply(key, module, function, args, p).get();
  }
  // Client::batch_operate: the same operations on every key; one row per key.
  Result<std::vector<BatchRecord>> batch_operate(std::vector<Key> keys, std::vector<Operation> ops) {
    return client_.batch_operate(std::move(keys), std::move(ops)).get();
  }
  // Client::batch_apply: the same record UDF on every key; one row per key.
  Result<std::vector<BatchRecord>> batch_apply(std::vector<Key> keys, std::string_view module,
                                               std::string_view function, ListRef<Value> args) {
    return client_.batch_apply(std::move(keys), module, function, args).get();
  }

  // Client::scan_stream, read by blocking next() calls: the records of `set` in `ns` (empty
  // set: the whole namespace) in the partitions of `pf`, with `bins` (empty: all).
  SyncRecords scan(std::string_view ns, std::string_view set, const ScanPolicy& p = {},
                   PartitionFilter pf = PartitionFilter::all(), BinNames bins = {}) {
    return SyncRecords(client_.scan_stream(ns, set, p, std::move(pf), bins));
  }
  // Client::query_stream, read by blocking next() calls: the records that match `where`.
  SyncRecords query(std::string_view ns, std::string_view set, Filter where,
                    const QueryPolicy& p = {}, PartitionFilter pf = PartitionFilter::all(),
                    BinNames bins = {}) {
    return SyncRecords(client_.query_stream(ns, set, std::move(where), p, std::move(pf), bins));
  }

 private:
  Client& client_;
};

}  // namespace aero
