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
  explicit SyncRecords(RecordStream s) : s_(std::move(s)) {}
  // The next record; std::nullopt inside the Result once the stream is over; an error when
  // it failed. (Wrapped in std::optional so `while (auto r = it.next())` reads naturally.)
  std::optional<Result<std::optional<ScanRecord>>> next() { return s_.next().get(); }
  std::optional<ScanSummary> summary() const { return s_.summary(); }
  void abort() { s_.abort(); }

 private:
  RecordStream s_;
};

class SyncClient {
 public:
  explicit SyncClient(Client& client) : client_(client) {}

  Result<void> put(const Key& key, Bins bins) { return client_.put(key, bins).get(); }
  Result<void> put(const Key& key, Bins bins, const WritePolicy& p) {
    return client_.put(key, bins, p).get();
  }
  Result<Record> get(const Key& key) { return client_.get(key).get(); }
  Result<Record> get(const Key& key, const ReadPolicy& p) { return client_.get(key, p).get(); }
  Result<Record> get(const Key& key, BinNames bins) { return client_.get(key, bins).get(); }
  Result<Record> get_header(const Key& key) { return client_.get_header(key).get(); }
  Result<bool> exists(const Key& key) { return client_.exists(key).get(); }
  Result<bool> remove(const Key& key) { return client_.remove(key).get(); }
  Result<bool> remove(const Key& key, const WritePolicy& p) { return client_.remove(key, p).get(); }
  Result<void> touch(const Key& key) { return client_.touch(key).get(); }
  Result<void> touch(const Key& key, const WritePolicy& p) { return client_.touch(key, p).get(); }
  Result<Record> operate(const Key& key, Operations ops) { return client_.operate(key, ops).get(); }
  Result<Record> operate(const Key& key, Operations ops, const WritePolicy& p) {
    return client_.operate(key, ops, p).get();
  }
  Result<std::vector<BatchRecord>> batch_get(std::vector<Key> keys, BatchRead what = BatchRead::all()) {
    return client_.batch_get(std::move(keys), std::move(what)).get();
  }
  Result<Value> apply(const Key& key, std::string_view module, std::string_view function,
                      ListRef<Value> args) {
    return client_.apply(key, module, function, args).get();
  }
  Result<Value> apply(const Key& key, std::string_view module, std::string_view function,
                      ListRef<Value> args, const WritePolicy& p) {
    return client_.apply(key, module, function, args, p).get();
  }
  Result<std::vector<BatchRecord>> batch_operate(std::vector<Key> keys, std::vector<Operation> ops) {
    return client_.batch_operate(std::move(keys), std::move(ops)).get();
  }
  Result<std::vector<BatchRecord>> batch_apply(std::vector<Key> keys, std::string_view module,
                                               std::string_view function, ListRef<Value> args) {
    return client_.batch_apply(std::move(keys), module, function, args).get();
  }

  SyncRecords scan(std::string_view ns, std::string_view set, const ScanPolicy& p = {},
                   PartitionFilter pf = PartitionFilter::all(), BinNames bins = {}) {
    return SyncRecords(client_.scan_stream(ns, set, p, std::move(pf), bins));
  }
  SyncRecords query(std::string_view ns, std::string_view set, Filter where,
                    const QueryPolicy& p = {}, PartitionFilter pf = PartitionFilter::all(),
                    BinNames bins = {}) {
    return SyncRecords(client_.query_stream(ns, set, std::move(where), p, std::move(pf), bins));
  }

 private:
  Client& client_;
};

}  // namespace aero
