#include "client/client.h"

#include <chrono>
#include <thread>
#include "client/auth/auth_loop.h"
#include "client/metrics/reporter.h"

#include "client/cluster/cluster.h"
#include "client/cluster/tender.h"
#include "client/command/batch_command.h"
#include "client/command/loop_context.h"
#include "client/command/object_pool.h"
#include "client/command/single_command.h"
#include "client/tls/client_tls.h"
#include "client/wire/request.h"
#include "io/loop_thread.h"

namespace aero {

namespace {

thread_local const void* tls_client = nullptr;  // the client whose loop runs on this thread
thread_local std::size_t tls_loop_index = 0;
thread_local bool tls_loop_thread = false;

wire::ReadAttrs read_attrs(const Policy& p, int read_touch_ttl_percent) {
  wire::ReadAttrs a;
  a.server_timeout_ms = wire::server_timeout_ms(static_cast<std::uint32_t>(p.socket_timeout.count()),
                                                static_cast<std::uint32_t>(p.total_timeout.count()));
  a.read_mode_ap = p.read_mode_ap == ReadModeAP::all ? wire::ReadModeAP::kAll : wire::ReadModeAP::kOne;
  a.read_mode_sc = static_cast<wire::ReadModeSC>(static_cast<int>(p.read_mode_sc));
  a.read_touch_ttl_percent = read_touch_ttl_percent;
  a.filter_exp = p.filter_exp.shared();
  return a;
}

wire::WriteAttrs write_attrs(const WritePolicy& p) {
  wire::WriteAttrs a;
  a.server_timeout_ms = wire::server_timeout_ms(static_cast<std::uint32_t>(p.socket_timeout.count()),
                                                static_cast<std::uint32_t>(p.total_timeout.count()));
  a.ttl = p.ttl;
  switch (p.generation_policy) {
    case GenerationPolicy::none: a.generation_policy = wire::GenerationPolicy::kNone; break;
    case GenerationPolicy::expect_equal: a.generation_policy = wire::GenerationPolicy::kExpectEqual; break;
    case GenerationPolicy::expect_greater: a.generation_policy = wire::GenerationPolicy::kExpectGreater; break;
  }
  a.generation = p.generation;
  switch (p.exists) {
    case ExistsAction::upsert: a.exists = wire::ExistsAction::kUpdate; break;
    case ExistsAction::create_only: a.exists = wire::ExistsAction::kCreateOnly; break;
    case ExistsAction::update_only: a.exists = wire::ExistsAction::kUpdateOnly; break;
    case ExistsAction::replace: a.exists = wire::ExistsAction::kCreateOrReplace; break;
    case ExistsAction::replace_only: a.exists = wire::ExistsAction::kReplaceOnly; break;
  }
  a.send_key = p.send_key;
  a.durable_delete = p.durable_delete;
  a.filter_exp = p.filter_exp.shared();
  return a;
}

// Held by a submitting call while it checks that the client is open and hands its command
// to a loop. close() sets closed_ and then waits for outstanding_ to drain, so either the
// call sees closed_ or close() sees the call (both sides sequentially consistent): no
// command reaches a loop that close() has already stopped.
class SubmitGuard {
 public:
  explicit SubmitGuard(std::atomic<std::int64_t>& outstanding) : n_(outstanding) { n_.fetch_add(1); }
  ~SubmitGuard() { n_.fetch_sub(1); }
  SubmitGuard(const SubmitGuard&) = delete;
  SubmitGuard& operator=(const SubmitGuard&) = delete;

 private:
  std::atomic<std::int64_t>& n_;
};

}  // namespace

namespace detail {
bool on_loop_thread() { return tls_loop_thread; }
void mark_loop_thread() { tls_loop_thread = true; }
}  // namespace detail

struct Client::PerLoop {
  PerLoop(io::Loop& loop, std::size_t index, cluster::Cluster& cluster, const ClientConfig& config,
          std::atomic<std::int64_t>* live)
      : ctx(loop, index, cluster, config.completion_executor, config),
        records(loop, live),
        views(loop, live),
        flags(loop, live),
        writes(loop, live) {}
  command::LoopContext ctx;
  command::ObjectPool<command::SingleCommand<Record>> records;
  command::ObjectPool<command::SingleCommand<RecordView>> views;
  command::ObjectPool<command::SingleCommand<bool>> flags;
  command::ObjectPool<command::SingleCommand<void>> writes;

  template <class R>
  auto& pool() {
    if constexpr (std::is_same_v<R, Record>) return records;
    else if constexpr (std::is_same_v<R, RecordView>)
      return views;
    else if constexpr (std::is_same_v<R, bool>) return flags;
    else return writes;
  }
  // Single-record commands given back on the loop's thread (ObjectPool::owner_released).
  std::int64_t owner_released() const {
    return records.owner_released() + views.owner_released() + flags.owner_released() +
           writes.owner_released();
  }
};

Client::Client(ClientConfig config) : config_(std::move(config)) {}

Result<std::unique_ptr<Client>> Client::connect(ClientConfig config) {
  if (config.seeds.empty()) {
    return Status(ClientCode::invalid_argument, "ClientConfig::seeds is empty: name at least one host");
  }
  if (config.user_loops.empty() && config.loops < 1) {
    return Status(ClientCode::invalid_argument, "ClientConfig::loops must be at least 1");
  }
  const FlowControl& fc = config.flow_control;
  if (fc.max_commands_in_process < 0 || fc.max_commands_in_queue < 0) {
    return Status(ClientCode::invalid_argument, "FlowControl limits must be >= 0 (0 = unlimited)");
  }
  if (config.max_error_rate < 0 || config.error_rate_window < 1) {
    return Status(ClientCode::invalid_argument,
                  "ClientConfig::max_error_rate must be >= 0 (0 = no limit) and error_rate_window >= 1");
  }
  std::unique_ptr<Client> c(new Client(std::move(config)));
  Status st = c->start();
  if (!st.ok()) {
    c->close();
    return st;
  }
  return c;
}

Status Client::start() {
  if (config_.user_loops.empty()) {
    for (int i = 0; i < config_.loops; ++i) {
      owned_loops_.push_back(std::make_unique<io::LoopThread>(io::make_loop(config_.io_backend)));
      loops_.push_back(&owned_loops_.back()->loop());
    }
  } else {
    loops_ = config_.user_loops;
  }
  // The loops commands and tending do their I/O on: loops_ themselves, with TLS a TLS loop
  // over each, and with a user an AuthLoop over that (loops_ stay what users name in calls
  // and get from loop()).
  std::vector<io::Loop*> io_loops = loops_;
  cluster::TlsHooks tls_hooks;
  if (config_.tls.enabled) {
    std::string error;
    tls_ = tls::ClientTls::create(config_.tls, &error);
    if (!tls_) return Status(ClientCode::invalid_argument, error);
    for (std::size_t i = 0; i < loops_.size(); ++i) {
      tls_loops_.push_back(tls_->wrap(*loops_[i]));
      io_loops[i] = tls_loops_.back().get();
    }
    tls_hooks.enabled = true;
    tls_hooks.set_name = [t = tls_.get()](const io::Endpoint& address, const std::string& name) {
      t->set_name(address, name);
    };
    tls_hooks.info_loop = tls_->wrap(io::make_loop(config_.io_backend));
  }
  if (Status st = start_security(io_loops); !st.ok()) return st;
  cluster_ = std::make_unique<cluster::Cluster>();
  for (std::size_t i = 0; i < loops_.size(); ++i) {
    per_loop_.push_back(std::make_unique<PerLoop>(*command_loops_[i], i, *cluster_, config_, &outstanding_));
    // Tell the loop's thread who it is: commands submitted from it stay on it, and blocking
    // calls there are refused instead of deadlocking.
    loops_[i]->post([this, i] {
      tls_client = this;
      tls_loop_index = i;
      detail::mark_loop_thread();
    });
  }
  tender_ = std::make_unique<cluster::Tender>(config_, *cluster_, command_loops_, session_,
                                              std::move(tls_hooks));
  Status st = tender_->connect();
  if (!st.ok()) return st;
  tender_->start();
  start_reporter();
  return Status();
}

Client::~Client() { close(); }

void Client::close() {
  if (closed_.exchange(true)) return;
  if (reporter_) reporter_->stop();  // no listener call after close() returns
  if (tender_) tender_->stop();
  // Quiescence: every command taken from a pool comes back once its completion ran and
  // its loop is done with it; each is bounded by its own deadline.
  while (outstanding_now() > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  // Drains of timed-out connections (Policy::timeout_delay) use the per-loop state too: wait
  // for them, each bounded by its delay (on a loop the user keeps running they would
  // otherwise finish after the client is gone).
  auto drains_in_flight = [this] {
    for (const auto& pl : per_loop_) {
      if (pl->ctx.drains_recovered() + pl->ctx.drains_closed() < pl->ctx.drains_started()) return true;
    }
    return false;
  };
  while (drains_in_flight()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  for (auto& t : owned_loops_) t->stop();
  tender_.reset();
  // The per-loop state and the (stopped) loops stay until the destructor: other threads may
  // still call in and must get client_closed, not a destroyed loop.
}

std::size_t Client::loop_count() const { return loops_.size(); }
io::Loop& Client::loop(std::size_t index) { return *loops_.at(index); }

ClientStats Client::stats() const {
  ClientStats s;
  if (cluster_) {
    auto snap = cluster_->snapshot();
    s.nodes = snap->nodes.size();
    for (const auto& n : snap->nodes) {
      s.node_errors += n->errors_total();
      s.error_rate_rejections += n->rejections_total();
    }
  }
  if (tender_) {
    s.tends = tender_->tend_count();
    s.nodes_moved = tender_->nodes_moved();
  }
  for (const auto& pl : per_loop_) {
    s.commands_started += pl->ctx.commands_started();
    s.drains_started += pl->ctx.drains_started();
    s.drains_recovered += pl->ctx.drains_recovered();
    s.drains_closed += pl->ctx.drains_closed();
    const io::LoopStats ls = pl->ctx.loop().stats();
    s.sockets_opened += ls.sockets_opened;
    s.sockets_closed += ls.sockets_closed;
  }
  s.commands_outstanding = outstanding_now();
  add_security_stats(s);
  return s;
}

metrics::MetricsSnapshot Client::metrics() const {
  metrics::MetricsSnapshot m;
  add_node_metrics(m);
  for (const auto& pl : per_loop_) m.loops.push_back(pl->ctx.metrics());
  if (tender_) m.cluster = tender_->metrics();
  return m;
}

std::int64_t Client::outstanding_now() const {
  // The pools' counters first: each only grows, and a command counted there was counted in
  // outstanding_ before (so the difference never undercounts what is in flight).
  std::int64_t released = 0;
  for (const auto& pl : per_loop_) released += pl->owner_released();
  return outstanding_.load() - released;
}

Client::PerLoop& Client::pick(io::Loop* loop) {
  if (loop != nullptr) {
    for (std::size_t i = 0; i < loops_.size(); ++i) {
      if (loops_[i] == loop) return *per_loop_[i];
    }
  }
  if (tls_client == this) return *per_loop_[tls_loop_index];
  std::uint64_t n = round_robin_.fetch_add(1, std::memory_order_relaxed);
  return *per_loop_[n % per_loop_.size()];
}

command::LoopContext& Client::loop_context(io::Loop* loop) { return pick(loop).ctx; }

template <class R>
void Client::fail_now(PerLoop& pl, UniqueFunction<void(Result<R>)>& cb, Status status) {
  // Still through the completion executor, so a callback never runs inside the call that
  // started it; inline only when the executor refuses (it is shut down).
  struct Failed {
    UniqueFunction<void(Result<R>)> cb;
    Status status;
  };
  auto* f = new Failed{std::move(cb), std::move(status)};
  if (!pl.ctx.completion_executor().submit([f] {
        std::unique_ptr<Failed> owned(f);
        owned->cb(Result<R>(std::move(owned->status)));
      })) {
    std::unique_ptr<Failed> owned(f);
    owned->cb(Result<R>(std::move(owned->status)));
  }
}

template <class R, class Encode>
void Client::submit_single(const Key& key, const Policy& policy, bool is_write, int not_found,
                           bool udf, io::Loop* loop, UniqueFunction<void(Result<R>)> cb, Encode&& encode) {
  if (per_loop_.empty()) {
    cb(Result<R>(Status(ClientCode::client_closed, "the client is closed")));
    return;
  }
  PerLoop& pl = pick(loop);
  auto& pool = pl.template pool<R>();
  // acquire() counts the command in outstanding_ (sequentially consistent) before closed_
  // is read: it is this call's SubmitGuard (see there).
  auto* cmd = pool.acquire();
  if (closed_.load() || !cb) {
    fail_now<R>(pl, cb,
                closed_.load() ? Status(ClientCode::client_closed, "the client is closed")
                               : Status(ClientCode::invalid_argument, "empty callback"));
    pool.release(cmd);
    return;
  }
  wire::Status encoded = encode(cmd->request_buffer());
  command::Timing timing = command::Timing::from(policy, is_write, io::Clock::now());
  if (udf) timing.kind = metrics::CommandKind::udf;
  cmd->prepare(&pl.ctx, timing, key.ns(),
               key.partition_id(),
               not_found != 0 ? command::NotFound::false_ : command::NotFound::error,
               std::move(cb), &pool, static_cast<unsigned>(round_robin_.load(std::memory_order_relaxed)));
  if (!encoded.ok()) {
    cmd->use_atomic_refs();  // its two ends may run on two threads (this one and the loop)
    cmd->fail_before_start(Status(ClientCode::invalid_argument, encoded.message()));
    return;
  }
  pl.ctx.submit(cmd);
}

void Client::submit_record_command(const Key& key, const Policy& policy, bool is_write,
                                   io::Loop* loop, RecordCallback cb,
                                   wire::Status (*encode)(wire::Buffer&, const void*),
                                   const void* arg, bool udf) {
  submit_single<Record>(key, policy, is_write, 0, udf, loop, std::move(cb),
                        [&](wire::Buffer& out) { return encode(out, arg); });
}

// ---- callbacks ----

void Client::put(const Key& key, Bins bins, const WritePolicy& policy, WriteCallback cb,
                 io::Loop* loop) {
  wire::WriteAttrs a = write_attrs(policy);
  submit_single<void>(key, policy, true, 0, false, loop, std::move(cb), [&](wire::Buffer& out) {
    return wire::encode_put(out, key, bins.span(), a);
  });
}

void Client::get(const Key& key, const ReadPolicy& policy, RecordCallback cb, io::Loop* loop) {
  wire::ReadAttrs a = read_attrs(policy, policy.read_touch_ttl_percent);
  submit_single<Record>(key, policy, false, 0, false, loop, std::move(cb),
                        [&](wire::Buffer& out) { return wire::encode_get(out, key, a); });
}

void Client::get_view(const Key& key, const ReadPolicy& policy, RecordViewCallback cb,
                      io::Loop* loop) {
  wire::ReadAttrs a = read_attrs(policy, policy.read_touch_ttl_percent);
  submit_single<RecordView>(key, policy, false, 0, false, loop, std::move(cb),
                            [&](wire::Buffer& out) { return wire::encode_get(out, key, a); });
}

void Client::get_view(const Key& key, BinNames bins, const ReadPolicy& policy,
                      RecordViewCallback cb, io::Loop* loop) {
  wire::ReadAttrs a = read_attrs(policy, policy.read_touch_ttl_percent);
  submit_single<RecordView>(
      key, policy, false, 0, false, loop, std::move(cb),
      [&](wire::Buffer& out) { return wire::encode_get_bins(out, key, bins.span(), a); });
}

void Client::get(const Key& key, BinNames bins, const ReadPolicy& policy, RecordCallback cb,
                 io::Loop* loop) {
  wire::ReadAttrs a = read_attrs(policy, policy.read_touch_ttl_percent);
  submit_single<Record>(key, policy, false, 0, false, loop, std::move(cb), [&](wire::Buffer& out) {
    return wire::encode_get_bins(out, key, bins.span(), a);
  });
}

void Client::get_header(const Key& key, const ReadPolicy& policy, RecordCallback cb,
                        io::Loop* loop) {
  wire::ReadAttrs a = read_attrs(policy, policy.read_touch_ttl_percent);
  submit_single<Record>(key, policy, false, 0, false, loop, std::move(cb),
                        [&](wire::Buffer& out) { return wire::encode_get_header(out, key, a); });
}

void Client::exists(const Key& key, const ReadPolicy& policy, ExistsCallback cb, io::Loop* loop) {
  wire::ReadAttrs a = read_attrs(policy, policy.read_touch_ttl_percent);
  submit_single<bool>(key, policy, false, 1, false, loop, std::move(cb),
                      [&](wire::Buffer& out) { return wire::encode_exists(out, key, a); });
}

void Client::remove(const Key& key, const WritePolicy& policy, ExistsCallback cb, io::Loop* loop) {
  wire::WriteAttrs a = write_attrs(policy);
  submit_single<bool>(key, policy, true, 1, false, loop, std::move(cb),
                      [&](wire::Buffer& out) { return wire::encode_delete(out, key, a); });
}

void Client::touch(const Key& key, const WritePolicy& policy, WriteCallback cb, io::Loop* loop) {
  wire::WriteAttrs a = write_attrs(policy);
  submit_single<void>(key, policy, true, 0, false, loop, std::move(cb),
                      [&](wire::Buffer& out) { return wire::encode_touch(out, key, a); });
}

void Client::operate(const Key& key, Operations ops, const WritePolicy& policy, RecordCallback cb,
                     io::Loop* loop) {
  bool writes = false;
  for (const Operation& op : ops.span()) {
    if (op.type != wire::OpType::kRead) writes = true;
  }
  wire::WriteAttrs w = write_attrs(policy);
  wire::ReadAttrs r = read_attrs(policy, 0);
  submit_single<Record>(key, policy, writes, 0, false, loop, std::move(cb), [&](wire::Buffer& out) {
    return wire::encode_operate(out, key, ops.span(), w, r);
  });
}

// ---- batch ----

void Client::batch_get(std::vector<Key> keys, BatchRead what, const BatchPolicy& policy,
                       BatchCallback cb, io::Loop* loop) {
  submit_batch(std::move(keys), std::move(what), {}, false, policy, std::move(cb), loop);
}

void Client::batch_operate(std::vector<Key> keys, std::vector<Operation> ops,
                           const BatchWritePolicy& policy, BatchCallback cb, io::Loop* loop) {
  bool writes = false;
  for (const Operation& op : ops) {
    if (op.type != wire::OpType::kRead) writes = true;
  }
  if (ops.empty()) {
    PerLoop& pl = pick(loop);
    fail_now<std::vector<BatchRecord>>(
        pl, cb, Status(ClientCode::invalid_argument, "batch_operate needs at least one operation"));
    return;
  }
  submit_batch(std::move(keys), BatchRead::all(), std::move(ops), writes, policy, std::move(cb),
               loop);
}

void Client::submit_batch(std::vector<Key> keys, BatchRead what, std::vector<Operation> ops,
                          bool is_write, const BatchPolicy& policy, BatchCallback cb,
                          io::Loop* loop, std::shared_ptr<const wire::BatchUdf> udf) {
  if (per_loop_.empty()) {
    cb(Result<std::vector<BatchRecord>>(Status(ClientCode::client_closed, "the client is closed")));
    return;
  }
  PerLoop& pl = pick(loop);
  SubmitGuard guard(outstanding_);
  if (closed_.load()) {
    fail_now<std::vector<BatchRecord>>(pl, cb, Status(ClientCode::client_closed, "the client is closed"));
    return;
  }
  for (const Key& k : keys) {
    wire::Status st = wire::validate_key(k, false);
    if (!st.ok()) {
      fail_now<std::vector<BatchRecord>>(pl, cb, Status(ClientCode::invalid_argument, st.message()));
      return;
    }
  }
  auto state = std::make_unique<command::BatchState>();
  state->results.resize(keys.size());
  state->answered.assign(keys.size(), 0);
  state->keys = std::move(keys);
  state->what = std::move(what);
  for (const std::string& b : state->what.bins) state->bin_names.push_back(b);
  state->ops = std::move(ops);
  if (udf) state->attrs.filter_exp = policy.filter_exp.shared();  // batch apply honours it
  state->udf = std::move(udf);
  state->is_write = is_write;
  state->read = read_attrs(policy, 0);
  if (is_write) {
    const auto& wp = static_cast<const BatchWritePolicy&>(policy);
    WritePolicy w;
    static_cast<Policy&>(w) = static_cast<const Policy&>(wp);
    state->write = write_attrs(w);
  }
  state->attrs.server_timeout_ms = static_cast<std::uint32_t>(policy.total_timeout.count());
  state->attrs.allow_inline = policy.allow_inline;
  state->attrs.respond_all_keys = policy.respond_all_keys;
  state->attrs.filter_exp = policy.filter_exp.shared();
  state->timing = command::Timing::from(policy, is_write, io::Clock::now());
  state->timing.kind = metrics::CommandKind::batch;
  state->callback = std::move(cb);
  state->ctx = &pl.ctx;
  state->live = &outstanding_;
  outstanding_.fetch_add(1, std::memory_order_relaxed);
  command::BatchState* raw = state.release();
  auto run = [raw] { command::BatchState::start(std::unique_ptr<command::BatchState>(raw)); };
  if (pl.ctx.loop().in_loop_thread()) {
    run();
  } else if (!pl.ctx.loop().post(run)) {
    std::unique_ptr<command::BatchState> owned(raw);
    outstanding_.fetch_sub(1, std::memory_order_acq_rel);
    fail_now<std::vector<BatchRecord>>(pl, owned->callback,
                                      Status(ClientCode::client_closed, "the client is closed"));
  }
}

// ---- futures ----

namespace {
template <class R>
UniqueFunction<void(Result<R>)> fulfil(Promise<R>& p) {
  return [p = std::move(p)](Result<R> r) mutable { p.set(std::move(r)); };
}
}  // namespace

#define AERO_FUTURE(R, call)        \
  Promise<R> p;                     \
  Future<R> f = p.future();         \
  call;                             \
  return f

Future<void> Client::put(const Key& key, Bins bins, const WritePolicy& policy) {
  AERO_FUTURE(void, put(key, bins, policy, fulfil(p)));
}
Future<Record> Client::get(const Key& key, const ReadPolicy& policy) {
  AERO_FUTURE(Record, get(key, policy, fulfil(p)));
}
Future<Record> Client::get(const Key& key, BinNames bins, const ReadPolicy& policy) {
  AERO_FUTURE(Record, get(key, bins, policy, fulfil(p)));
}
Future<Record> Client::get_header(const Key& key, const ReadPolicy& policy) {
  AERO_FUTURE(Record, get_header(key, policy, fulfil(p)));
}
Future<bool> Client::exists(const Key& key, const ReadPolicy& policy) {
  AERO_FUTURE(bool, exists(key, policy, fulfil(p)));
}
Future<bool> Client::remove(const Key& key, const WritePolicy& policy) {
  AERO_FUTURE(bool, remove(key, policy, fulfil(p)));
}
Future<void> Client::touch(const Key& key, const WritePolicy& policy) {
  AERO_FUTURE(void, touch(key, policy, fulfil(p)));
}
Future<Record> Client::operate(const Key& key, Operations ops, const WritePolicy& policy) {
  AERO_FUTURE(Record, operate(key, ops, policy, fulfil(p)));
}
Future<std::vector<BatchRecord>> Client::batch_get(std::vector<Key> keys, BatchRead what,
                                                   const BatchPolicy& policy) {
  AERO_FUTURE(std::vector<BatchRecord>, batch_get(std::move(keys), std::move(what), policy, fulfil(p)));
}
Future<std::vector<BatchRecord>> Client::batch_operate(std::vector<Key> keys,
                                                       std::vector<Operation> ops,
                                                       const BatchWritePolicy& policy) {
  AERO_FUTURE(std::vector<BatchRecord>,
              batch_operate(std::move(keys), std::move(ops), policy, fulfil(p)));
}

#undef AERO_FUTURE

}  // namespace aero
