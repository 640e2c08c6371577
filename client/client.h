// Client: the async Aerospike client. Start here.
//
//   aero::ClientConfig config;
//   config.seeds = {{"127.0.0.1", 3000}};
//   auto client = aero::Client::connect(config).value_or_throw();   // or check .ok()
//
//   // 1. callbacks (the classic event-loop model): the callback runs on the completion
//   //    executor, by default the serial executor of the command's loop
//   client->put(key, {{"name", "alice"}, {"age", 30}}, [](aero::Result<void> r) { ... });
//   client->get(key, [](aero::Result<aero::Record> r) { ... });
//   // 2. futures
//   aero::Future<aero::Record> f = client->get(key);
//   // 3. coroutines (inside an aero::CoTask)
//   aero::Record rec = co_await client->get(key);
//   // 4. blocking (scripts, tools): see SyncClient
//
// Every command completes exactly once: with its value, a server result code (e.g. 2,
// record not found) or a client error (ClientCode: timeout uses the server's code 9).
//
// Threads: every command method may be called from any thread, including from inside a
// completion. connect() and close()/the destructor block: call them from a thread that is
// not one of the client's loops. Commands are sent by the loop named in the call, or by the
// loop of the calling thread when it is one of the client's loops, or else round-robin.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "client/future.h"
#include "client/info.h"
#include "client/metrics/metrics.h"
#include "client/policy.h"
#include "client/record_view.h"
#include "client/scan.h"
#include "client/status.h"
#include "client/types.h"
#include "client/udf.h"
#include "executor/unique_function.h"
#include "io/loop.h"

namespace aero {

namespace auth {
class AuthLoop;
class Session;
}  // namespace auth
namespace command {
struct AdminAnswer;
class LoopContext;
class ScanJob;
}
namespace cluster {
class Cluster;
class Node;
class Tender;
}
namespace io {
class LoopThread;
}
namespace metrics {
class MetricsReporter;
}
namespace tls {
class ClientTls;
}
namespace wire {
struct BatchUdf;
}

// Completion of get, get_header and operate: the record or the error. Each
// callback runs exactly once, on the completion executor (ClientConfig::completion_executor;
// by default the serial executor of the command's loop).
using RecordCallback = UniqueFunction<void(Result<Record>)>;
// Completion of put and touch: ok or the error.
using WriteCallback = UniqueFunction<void(Result<void>)>;
// Completion of exists and remove: whether the record existed (not found is false, not an
// error).
using ExistsCallback = UniqueFunction<void(Result<bool>)>;
// Completion of batch_get, batch_operate and batch_apply: one row per key, in key order.
using BatchCallback = UniqueFunction<void(Result<std::vector<BatchRecord>>)>;

// Counters for tests and metrics (a snapshot; relaxed reads).
struct ClientStats {
  std::size_t nodes = 0;                  // nodes in the current cluster view
  std::uint64_t tends = 0;                // tend rounds run since connect
  std::uint64_t commands_started = 0;     // commands the loops started, over all loops
  std::int64_t commands_outstanding = 0;  // taken from a pool and not yet fully done
  // Sockets the client's loops opened (commands and tending) and closed.
  std::uint64_t sockets_opened = 0;
  std::uint64_t sockets_closed = 0;  // sockets closed by the client's loops
  // Nodes followed to a new address (restarted elsewhere, or a seed name that now resolves
  // to another address).
  std::uint64_t nodes_moved = 0;
  // Circuit breaker (ClientConfig::max_error_rate), over the nodes in the cluster now:
  // errors counted, and commands refused because their node was over the rate.
  std::uint64_t node_errors = 0;
  std::uint64_t error_rate_rejections = 0;  // commands failed with ClientCode::max_error_rate
  // Connections of timed-out commands drained (Policy::timeout_delay): put back in the
  // pool, or closed because the answer did not complete in time.
  std::uint64_t drains_started = 0;
  std::uint64_t drains_recovered = 0;  // drained connections put back in the pool
  std::uint64_t drains_closed = 0;     // drained connections closed (answer not in time)
  // Security (ClientConfig::user): LOGIN exchanges, connections authenticated with a session
  // token, and tokens the server refused as expired or invalid (then renewed by a login on
  // the same connection).
  std::uint64_t logins = 0;
  std::uint64_t authentications = 0;   // connections authenticated with the session token
  std::uint64_t session_renewals = 0;  // tokens refused by a server and renewed by a login
};

// The async client: one per cluster. Made by connect(); every command method (not the
// blocking UDF module calls) is safe from any thread and completes exactly once, through a
// callback, a Future or co_await (see the top of this file). Call close() (or destroy it) from a
// thread that is not one of its loops.
class Client {
 public:
  // Seeds the cluster and runs the first tend (blocking), then tends in the background.
  // Fails when no seed answers (ClientCode::connection_failed) or the config is invalid.
  static Result<std::unique_ptr<Client>> connect(ClientConfig config);

  ~Client();  // close()
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Stops tending, refuses new commands (ClientCode::client_closed), waits until every
  // command in flight has completed (each ends by its own deadline at the latest), then
  // stops the loops the client created. Idempotent. Never call it on a loop thread.
  void close();

  // The loops commands run on (created by the client, or the user's).
  std::size_t loop_count() const;
  // Loop `index` (0 .. loop_count()-1), e.g. to pass as a command's `loop` argument; throws
  // std::out_of_range for a bad index.
  io::Loop& loop(std::size_t index);

  // The configuration the client was connected with (its policies are the defaults of the
  // overloads that take none).
  const ClientConfig& config() const { return config_; }
  // A snapshot of the client's counters (relaxed reads); any thread.
  ClientStats stats() const;
  // Any thread: per node and command kind (latency histograms and outcomes, with
  // ClientConfig::enable_metrics), per loop and for the cluster. See client/metrics/metrics.h;
  // client/metrics/export.h turns it into Prometheus text or JSON.
  metrics::MetricsSnapshot metrics() const;

  // ---- put: write bins (create or update per policy.exists) ----
  // Sends one write command with a WRITE op per bin to the partition's master (with
  // Replica::random, a rotating replica). `cb` runs once on the completion executor: ok, a
  // server code (e.g. 5 record exists with create_only, 3 generation), a timeout (9), or
  // ClientCode::invalid_argument (bad key or bins), client_closed, queue_full, cancelled.
  // `loop`: the loop that sends it (nullptr: the calling loop thread's, else round-robin).
  void put(const Key& key, Bins bins, const WritePolicy& policy, WriteCallback cb,
           io::Loop* loop = nullptr);
  // put() with ClientConfig::write.
  void put(const Key& key, Bins bins, WriteCallback cb) { put(key, bins, config_.write, std::move(cb)); }
  // put() as a Future, set on the completion executor.
  Future<void> put(const Key& key, Bins bins, const WritePolicy& policy);
  // put() as a Future, with ClientConfig::write.
  Future<void> put(const Key& key, Bins bins) { return put(key, bins, config_.write); }

  // ---- get: all bins; named bins; header (generation and expiry) only ----
  // Reads every bin (info1 READ | GET_ALL) from the replica policy.replica picks. `cb` runs
  // once on the completion executor: the record, 2 when there is none, a timeout (9), or a
  // client error as for put.
  void get(const Key& key, const ReadPolicy& policy, RecordCallback cb, io::Loop* loop = nullptr);
  // get() with ClientConfig::read.
  void get(const Key& key, RecordCallback cb) { get(key, config_.read, std::move(cb)); }
  // Reads the named bins only (one READ op per name); otherwise as get().
  void get(const Key& key, BinNames bins, const ReadPolicy& policy, RecordCallback cb,
           io::Loop* loop = nullptr);
  // Reads generation and expiry without bins (info1 NOBINDATA); 2 when there is no record.
  void get_header(const Key& key, const ReadPolicy& policy, RecordCallback cb,
                  io::Loop* loop = nullptr);
  // get() as a Future, set on the completion executor.
  Future<Record> get(const Key& key, const ReadPolicy& policy);
  // get() as a Future, with ClientConfig::read.
  Future<Record> get(const Key& key) { return get(key, config_.read); }
  // get() of the named bins, as a Future.
  Future<Record> get(const Key& key, BinNames bins, const ReadPolicy& policy);
  // get() of the named bins, as a Future, with ClientConfig::read.
  Future<Record> get(const Key& key, BinNames bins) { return get(key, bins, config_.read); }
  // get_header() as a Future.
  Future<Record> get_header(const Key& key, const ReadPolicy& policy);
  // get_header() as a Future, with ClientConfig::read.
  Future<Record> get_header(const Key& key) { return get_header(key, config_.read); }

  // ---- get_view: get (all bins, or the named ones) without allocating ----
  // The callback receives the record as views into the command's receive buffer
  // (client/record_view.h), valid only while it runs: nothing is copied and, in steady
  // state, nothing is allocated. Not found, errors and cancellation arrive as with get()
  // (a Status; exactly one call).
  void get_view(const Key& key, const ReadPolicy& policy, RecordViewCallback cb,
                io::Loop* loop = nullptr);
  // get_view() with the client's default read policy.
  void get_view(const Key& key, RecordViewCallback cb) {
    get_view(key, config_.read, std::move(cb));
  }
  // get_view() of the named bins only.
  void get_view(const Key& key, BinNames bins, const ReadPolicy& policy, RecordViewCallback cb,
                io::Loop* loop = nullptr);

  // ---- exists: true when the record exists ----
  void exists(const Key& key, const ReadPolicy& policy, ExistsCallback cb, io::Loop* loop = nullptr);
  // exists() as a Future.
  Future<bool> exists(const Key& key, const ReadPolicy& policy);
  // exists() as a Future, with ClientConfig::read.
  Future<bool> exists(const Key& key) { return exists(key, config_.read); }

  // ---- remove: true when the record existed ----
  void remove(const Key& key, const WritePolicy& policy, ExistsCallback cb, io::Loop* loop = nullptr);
  // remove() as a Future: true when the record existed and was deleted, false when it did not.
  Future<bool> remove(const Key& key, const WritePolicy& policy);
  // remove() as a Future, with ClientConfig::write.
  Future<bool> remove(const Key& key) { return remove(key, config_.write); }

  // ---- touch: reset the TTL (policy.ttl) and bump the generation ----
  void touch(const Key& key, const WritePolicy& policy, WriteCallback cb, io::Loop* loop = nullptr);
  // touch() as a Future; fails with 2 when there is no record.
  Future<void> touch(const Key& key, const WritePolicy& policy);
  // touch() as a Future, with ClientConfig::write.
  Future<void> touch(const Key& key) { return touch(key, config_.write); }

  // ---- operate: several read and write operations on one record, atomically ----
  void operate(const Key& key, Operations ops, const WritePolicy& policy, RecordCallback cb,
               io::Loop* loop = nullptr);
  // operate() as a Future: the record holding the read ops' results.
  Future<Record> operate(const Key& key, Operations ops, const WritePolicy& policy);
  // operate() as a Future, with ClientConfig::write (also for read-only ops).
  Future<Record> operate(const Key& key, Operations ops) { return operate(key, ops, config_.write); }

  // ---- batch: many keys at once, split per node and sent in parallel ----
  // Results come in the order of `keys`; a missing record is a row with code 2. The Result
  // itself fails only when the batch could not be attempted at all.
  void batch_get(std::vector<Key> keys, BatchRead what, const BatchPolicy& policy,
                 BatchCallback cb, io::Loop* loop = nullptr);
  // batch_get() as a Future, set on the completion executor.
  Future<std::vector<BatchRecord>> batch_get(std::vector<Key> keys, BatchRead what,
                                             const BatchPolicy& policy);
  // batch_get() as a Future, with ClientConfig::batch (default: all bins of every key).
  Future<std::vector<BatchRecord>> batch_get(std::vector<Key> keys,
                                             BatchRead what = BatchRead::all()) {
    return batch_get(std::move(keys), std::move(what), config_.batch);
  }
  // The same operations on every key (reads and/or writes). No ops: fails with
  // ClientCode::invalid_argument.
  void batch_operate(std::vector<Key> keys, std::vector<Operation> ops,
                     const BatchWritePolicy& policy, BatchCallback cb, io::Loop* loop = nullptr);
  // batch_operate() as a Future.
  Future<std::vector<BatchRecord>> batch_operate(std::vector<Key> keys, std::vector<Operation> ops,
                                                 const BatchWritePolicy& policy);
  // batch_operate() as a Future, with ClientConfig::batch_write.
  Future<std::vector<BatchRecord>> batch_operate(std::vector<Key> keys, std::vector<Operation> ops) {
    return batch_operate(std::move(keys), std::move(ops), config_.batch_write);
  }

  // ---- scan and query: streams of records (client/scan.h) ----
  // Every record of `set` in `ns` (empty set: the whole namespace) in the partitions of
  // `filter`, with the named bins (empty: all bins). on_record runs for each record (return
  // false to stop), then on_done once with the summary. Bad input ends the stream at once:
  // on_done gets a failed summary with ClientCode::invalid_argument (or 20 for a namespace
  // the cluster does not have).
  void scan(std::string_view ns, std::string_view set, const ScanPolicy& policy,
            PartitionFilter filter, BinNames bins, ScanRecordCallback on_record,
            ScanDoneCallback on_done, io::Loop* loop = nullptr);
  // The records that match a secondary-index filter; same shape as scan.
  void query(std::string_view ns, std::string_view set, Filter where, const QueryPolicy& policy,
             PartitionFilter filter, BinNames bins, ScanRecordCallback on_record,
             ScanDoneCallback on_done, io::Loop* loop = nullptr);
  // Futures: the summary once the stream ended (records still go to on_record).
  Future<ScanSummary> scan(std::string_view ns, std::string_view set, const ScanPolicy& policy,
                           PartitionFilter filter, BinNames bins, ScanRecordCallback on_record);
  // query() with the summary as a Future (records still go to on_record).
  Future<ScanSummary> query(std::string_view ns, std::string_view set, Filter where,
                            const QueryPolicy& policy, PartitionFilter filter, BinNames bins,
                            ScanRecordCallback on_record);
  // Pull style: `co_await stream.next()`, `stream.page(n)`, or blocking via SyncClient.
  RecordStream scan_stream(std::string_view ns, std::string_view set, const ScanPolicy& policy,
                           PartitionFilter filter = PartitionFilter::all(), BinNames bins = {},
                           io::Loop* loop = nullptr);
  // query() read by pulling, as scan_stream (the stream starts at once).
  RecordStream query_stream(std::string_view ns, std::string_view set, Filter where,
                            const QueryPolicy& policy, PartitionFilter filter = PartitionFilter::all(),
                            BinNames bins = {}, io::Loop* loop = nullptr);

  // ---- info and admin (client/info.h) ----
  // Info commands to every active node (one answer per node, in node order), to one node by
  // name, or to any node.
  Future<std::vector<InfoAnswer>> info_all(std::vector<std::string> commands,
                                           const Policy& policy = {});
  // The commands to the active node named `node`: ClientCode::invalid_node when there is no
  // such node; a failed exchange fails the future (an ERROR value in the answer does not:
  // see InfoAnswer::error()).
  Future<InfoAnswer> info_node(std::string_view node, std::vector<std::string> commands,
                               const Policy& policy = {});
  // The commands to the first active node of the current cluster view; as info_node.
  Future<InfoAnswer> info_any(std::vector<std::string> commands, const Policy& policy = {});
  // What the client knows now (from the last tend).
  std::vector<NodeInfo> nodes() const;
  // Names of the namespaces in the current partition maps (from the last tend).
  std::vector<std::string> namespaces() const;
  // The sets of `ns` with their record counts (summed over the nodes).
  Future<std::vector<SetInfo>> sets(std::string_view ns);
  // Secondary index on `bin` of `set` (empty: every set), asked of one node (the cluster
  // distributes it); the task waits until every node reports it built. drop_index's task waits until no node has it.
  Future<AdminTask> create_index(std::string_view ns, std::string_view set, std::string_view name,
                                 std::string_view bin, IndexKind kind, const Policy& policy = {});
  // Drops index `name` of `ns` (info sindex-delete to one node); error 20 for an unknown
  // namespace. The task waits until no node has the index.
  Future<AdminTask> drop_index(std::string_view ns, std::string_view name, const Policy& policy = {});
  // Removes the records of `set` (empty: the whole namespace) last updated before `before`
  // (default: now, as the server sees it); sent to one node, the cluster distributes it.
  Future<void> truncate(std::string_view ns, std::string_view set,
                        std::chrono::system_clock::time_point before = {}, const Policy& policy = {});
  // Background scan (no filter) or query: the server applies the write `ops` to every matching
  // record of `set`; the task waits for the job on every node (query-show).
  Future<AdminTask> background(std::string_view ns, std::string_view set, std::optional<Filter> where,
                               std::vector<Operation> ops, const WritePolicy& policy);
  // Ok when the cluster has `ns`; otherwise error 20 naming the namespaces it has.
  Status check_namespace(std::string_view ns) const;
  // ---- UDFs (client/udf.h; bodies in client_udf.cc) ----
  // apply: run module.function(record, args...) on one record; the function's value or its
  // error (code 100). Writes made by the function follow `policy` (ttl, generation, ...).
  void apply(const Key& key, std::string_view module, std::string_view function,
             ListRef<Value> args, const WritePolicy& policy, ValueCallback cb,
             io::Loop* loop = nullptr);
  // apply() with ClientConfig::write.
  void apply(const Key& key, std::string_view module, std::string_view function,
             ListRef<Value> args, ValueCallback cb) {
    apply(key, module, function, args, config_.write, std::move(cb));
  }
  // apply() as a Future, set on the completion executor.
  Future<Value> apply(const Key& key, std::string_view module, std::string_view function,
                      ListRef<Value> args, const WritePolicy& policy);
  // apply() as a Future, with ClientConfig::write.
  Future<Value> apply(const Key& key, std::string_view module, std::string_view function,
                      ListRef<Value> args) {
    return apply(key, module, function, args, config_.write);
  }
  // batch_apply: the same UDF on every key, split per node as batch_operate is. One row per
  // key, in the order of `keys`: code 0 with the function's value in bin "SUCCESS", or 100
  // with the Lua error in message (and bin "FAILURE"), or the row's other error (27 when
  // policy.filter_exp does not match); udf_result(row) (client/udf.h) gives the value or error.
  void batch_apply(std::vector<Key> keys, std::string_view module, std::string_view function,
                   ListRef<Value> args, const BatchWritePolicy& policy, BatchCallback cb,
                   io::Loop* loop = nullptr);
  // batch_apply() as a Future.
  Future<std::vector<BatchRecord>> batch_apply(std::vector<Key> keys, std::string_view module,
                                               std::string_view function, ListRef<Value> args,
                                               const BatchWritePolicy& policy);
  // batch_apply() as a Future, with ClientConfig::batch_write.
  Future<std::vector<BatchRecord>> batch_apply(std::vector<Key> keys, std::string_view module,
                                               std::string_view function, ListRef<Value> args) {
    return batch_apply(std::move(keys), module, function, args, config_.batch_write);
  }
  // Background UDF over a scan (`where` empty) or a query: every node runs
  // module.function(record, args...) on each matching record of `set` it masters
  // (policy.filter_exp narrows the match; policy.ttl applies to the writes). The task waits
  // for the job on every node, as background() does. Bad names fail the future with
  // ClientCode::invalid_argument.
  Future<AdminTask> background_udf(std::string_view ns, std::string_view set,
                                   std::optional<Filter> where, std::string_view module,
                                   std::string_view function, ListRef<Value> args,
                                   const WritePolicy& policy);
  // background_udf() with ClientConfig::write.
  Future<AdminTask> background_udf(std::string_view ns, std::string_view set,
                                   std::optional<Filter> where, std::string_view module,
                                   std::string_view function, ListRef<Value> args) {
    return background_udf(ns, set, std::move(where), module, function, args, config_.write);
  }
  // Module management (blocking; never on a loop thread). `filename` ends in ".lua"; the
  // module name used by apply() is the file name without it.
  Result<void> register_udf(std::string_view filename, std::string_view content,
                            std::chrono::milliseconds wait = std::chrono::seconds(10));
  // register_udf() of the file at `path`, registered under its base name; an unreadable file
  // is ClientCode::invalid_argument.
  Result<void> register_udf_file(const std::string& path,
                                 std::chrono::milliseconds wait = std::chrono::seconds(10));
  // Removes module `filename` (info udf-remove to one node), then waits up to `wait` until no
  // node lists it (else error 9, timeout).
  Result<void> remove_udf(std::string_view filename,
                          std::chrono::milliseconds wait = std::chrono::seconds(10));
  // The modules one node lists (info udf-list): name, hash and type of each.
  Result<std::vector<UdfModule>> list_udfs();
  // The text of module `filename` as one node serves it (info udf-get); 2 when there is none.
  Result<std::string> get_udf(std::string_view filename);
  // The text of `filename` as last registered through this client (register_udf/_file; a
  // remove_udf forgets it). Stream aggregations (client/aggregate.h) run their reduce phase on it.
  std::optional<std::string> registered_udf_source(std::string_view filename) const;
  // Stream aggregation, server phase only (client_aggregate.cc; no Lua in the client): runs
  // package.function as a stream UDF over the query (`where` empty: every record of `set`) on
  // every node and completes once, on the completion executor, with the values the nodes
  // answered (in arrival order), or the first error (a Lua error: code 100 with its text).
  // aero::aggregate() (client/aggregate.h, target //client:aggregate) adds the reduce phase.
  void aggregate_values(std::string_view ns, std::string_view set, std::optional<Filter> where,
                        std::string_view package, std::string_view function,
                        ListRef<Value> args, const QueryPolicy& policy,
                        UniqueFunction<void(Result<std::vector<Value>>)> cb,
                        io::Loop* loop = nullptr);

 private:
  struct PerLoop;
  void info_nodes(std::vector<std::shared_ptr<cluster::Node>> nodes, std::vector<std::string> commands,
                  const Policy& policy, UniqueFunction<void(Result<std::vector<InfoAnswer>>)> cb);
  command::LoopContext& loop_context(io::Loop* loop);  // client.cc
  // User administration (client/admin.h, admin.cc): one admin frame to a random active node.
  friend class Admin;
  void run_admin(std::vector<std::uint8_t> request, std::uint8_t kind, const Policy& policy,
                 UniqueFunction<void(Result<command::AdminAnswer>)> cb);
  // Background jobs (writes or a UDF over a scan or query; client_info.cc): fills `job`'s
  // common fields from the arguments and submits it, or fails the task with `invalid` when
  // that is not empty.
  Future<AdminTask> submit_background(std::shared_ptr<command::ScanJob> job, std::string_view ns,
                                      std::string_view set, std::optional<Filter> where,
                                      const WritePolicy& policy, std::string_view invalid);
  void submit_stream(std::shared_ptr<command::ScanJob> job, PartitionFilter filter,
                     std::span<const std::string_view> bins, io::Loop* loop);
  explicit Client(ClientConfig config);
  Status start();
  PerLoop& pick(io::Loop* loop);
  template <class R, class Encode>
  // `udf`: counted as a UDF command in the metrics.
  void submit_single(const Key& key, const Policy& policy, bool is_write, int not_found,
                     bool udf, io::Loop* loop, UniqueFunction<void(Result<R>)> cb, Encode&& encode);
  template <class R>
  static void fail_now(PerLoop& pl, UniqueFunction<void(Result<R>)>& cb, Status status);
  // A single-record command answered with a Record, encoded by `encode(buffer, arg)`.
  void submit_record_command(const Key& key, const Policy& policy, bool is_write,
                             io::Loop* loop, RecordCallback cb,
                             wire::Status (*encode)(wire::Buffer&, const void*),
                             const void* arg, bool udf = false);
  // Sends `command` to every node (or the first only) and returns the answers' values.
  Result<std::vector<std::string>> udf_info(const std::string& command, bool all_nodes);
  void submit_batch(std::vector<Key> keys, BatchRead what, std::vector<Operation> ops,
                    bool is_write, const BatchPolicy& policy, BatchCallback cb, io::Loop* loop,
                    std::shared_ptr<const wire::BatchUdf> udf = nullptr);

  // Security (client_auth.cc): checks the settings, computes the credential and wraps each of
  // `io_loops` (loops_, or their TLS loops) in an auth::AuthLoop (command_loops_); without a
  // user command_loops_ = io_loops.
  Status start_security(const std::vector<io::Loop*>& io_loops);
  void add_security_stats(ClientStats& s) const;
  void start_reporter();                                     // client_metrics.cc
  void add_node_metrics(metrics::MetricsSnapshot& m) const;  // client_metrics.cc

  ClientConfig config_;
  std::vector<std::unique_ptr<io::LoopThread>> owned_loops_;
  // The decorators, declared after what they wrap so that they go first: TLS
  // (ClientConfig::tls: the shared context and a TLS loop over each of loops_; empty when TLS
  // is off), then security (an AuthLoop over each TLS or plain loop when there is a user).
  std::unique_ptr<tls::ClientTls> tls_;
  std::vector<std::unique_ptr<io::Loop>> tls_loops_;
  std::shared_ptr<auth::Session> session_;
  std::vector<std::unique_ptr<auth::AuthLoop>> auth_loops_;
  std::vector<io::Loop*> command_loops_;  // what commands and the tender connect through
  std::vector<io::Loop*> loops_;
  std::unique_ptr<cluster::Cluster> cluster_;
  std::vector<std::unique_ptr<PerLoop>> per_loop_;
  std::unique_ptr<cluster::Tender> tender_;
  std::unique_ptr<metrics::MetricsReporter> reporter_;  // ClientConfig::metrics_listener
  std::atomic<std::uint64_t> round_robin_{0};
  std::atomic<bool> closed_{false};
  // Commands, batches, scans and info calls in flight: taken (incremented) and finished
  // (decremented), except single-record commands finished on their loop's thread, which
  // their pool counts instead (command/object_pool.h); outstanding_now() adds it up.
  std::atomic<std::int64_t> outstanding_{0};
  std::int64_t outstanding_now() const;
  mutable std::mutex udf_sources_mutex_;  // guards udf_sources_
  std::map<std::string, std::string, std::less<>> udf_sources_;  // registered through this client
};

}  // namespace aero
