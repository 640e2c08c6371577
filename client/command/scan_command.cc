#include "client/command/scan_command.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <thread>

#include "client/cluster/cluster.h"
#include "client/command/routing.h"
#include "client/wire/message.h"
#include "client/wire/scan.h"
#include "client/wire/udf.h"

namespace aero::command {

namespace {

// Node-level outcomes after which the node's partitions are tried again on a later round
// (the partition tracker of the official clients: as_partition_tracker.c, Java
// PartitionTracker.shouldRetry).
bool retryable(const Status& s) {
  return s.code() == result::partition_unavailable || s.code() == result::timeout ||
         s.is(ClientCode::invalid_node) || s.is(ClientCode::connection_failed) ||
         s.is(ClientCode::no_more_connections) || s.is(ClientCode::queue_full);
}

constexpr int kDrainBatch = 256;  // records per drain task before it yields the executor

}  // namespace

std::uint64_t new_task_id() {
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    std::uint64_t seed = (std::uint64_t{rd()} << 32) ^ rd();
    seed ^= static_cast<std::uint64_t>(
        std::chrono::steady_clock::now().time_since_epoch().count());
    seed ^= std::hash<std::thread::id>{}(std::this_thread::get_id());
    return seed;
  }());
  std::uint64_t id = 0;
  while (id == 0) id = rng();
  return id;
}

// ---------------------------------------------------------------------------------------
// ScanJob: loop side

ScanJob::~ScanJob() {
  if (live != nullptr) live->fetch_sub(1, std::memory_order_acq_rel);
}

void ScanJob::submit_task(Task task) {
  if (!ctx->completion_executor().submit(std::move(task))) {
    // The executor is shut down: run here rather than lose the completion.
    // (submit() leaves the task intact when it refuses.)
    task();
  }
}

void ScanJob::start(std::shared_ptr<ScanJob> job) {
  ScanJob& j = *job;
  j.loop_ref_ = job;
  j.dropped_.assign(cluster::kPartitions, false);
  j.consumed_last_.resize(cluster::kPartitions);
  j.index_of_.assign(cluster::kPartitions, -1);
  for (std::size_t i = 0; i < j.parts.size(); ++i) j.index_of_[j.parts[i].state.id] = static_cast<int>(i);
  for (const PartitionTrack& t : j.parts) j.initial_.push_back(t.state);
  j.timing_ = Timing::from(j.policy, j.background, io::Clock::now());
  j.timing_.kind = j.filter ? metrics::CommandKind::query : metrics::CommandKind::scan;
  j.timing_.max_retries = 0;  // a node's stream is never replayed: the tracker retries partitions
  j.retry_timer_.set_handler([&j] {
    auto self = j.shared_from_this();
    j.run_round();
  });
  const cluster::ClusterSnapshot& snap = j.ctx->snapshot();
  if (snap.find(j.ns) == nullptr) {
    if (snap.namespaces.empty()) {
      j.finish_loop(StreamEnd::failed,
                    Status(ClientCode::invalid_node, "the cluster has no active node with a partition map"));
    } else {
      std::string names;
      for (const auto& m : snap.namespaces) names += (names.empty() ? "" : ", ") + m->name;
      j.finish_loop(StreamEnd::failed,
                    Status(20, "namespace '" + j.ns + "' is not in the cluster (it has: " + names + ")"));
    }
    return;
  }
  j.run_round();
}

void ScanJob::run_round() {
  auto self = shared_from_this();
  if (aborting_) {
    finish_loop(StreamEnd::aborted, Status());
    return;
  }
  ++round_;
  const cluster::ClusterSnapshot& snap = ctx->snapshot();
  std::map<cluster::Node*, ScanNodeCommand*> by_node;
  std::vector<ScanNodeCommand*> order;
  Replica replica = policy.replica == Replica::master ? Replica::master : Replica::sequence;
  for (PartitionTrack& t : parts) {
    if (t.state.done) continue;
    cluster::Node* n = route(snap, ns, t.state.id, replica, false, t.replica_index, 0);
    if (n == nullptr) {
      t.unavailable = true;
      last_retry_error_ = Status(ClientCode::invalid_node,
                                 "no active node serves partition " + std::to_string(t.state.id) +
                                     " of namespace '" + ns + "'");
      continue;
    }
    t.unavailable = false;
    ScanNodeCommand*& cmd = by_node[n];
    if (cmd == nullptr) {
      cmd = new ScanNodeCommand(shared_from_this(), n->shared_from_this());
      order.push_back(cmd);
    }
    (t.state.has_digest ? cmd->partial : cmd->full).push_back(t.state.id);
  }
  if (policy.max_records > 0 && !order.empty()) {
    std::uint64_t remaining = policy.max_records - std::min(policy.max_records, records_received_);
    std::uint64_t n = order.size();
    for (std::size_t i = 0; i < order.size(); ++i) {
      order[i]->quota = remaining < n ? 1 : remaining / n + (i < remaining % n ? 1 : 0);
    }
  }
  task_ids_.clear();
  for (ScanNodeCommand* cmd : order) {
    Status st = cmd->encode();
    if (!st.ok()) {
      for (ScanNodeCommand* c : order) delete c;
      failure_ = Status(ClientCode::invalid_argument, st.message());
      finish_loop(StreamEnd::failed, *failure_);
      return;
    }
    task_ids_.push_back(cmd->task_id);
  }
  {
    std::lock_guard<std::mutex> g(mutex_);
    task_ids_shared_ = task_ids_;
  }
  if (order.empty()) {
    round_done();
    return;
  }
  waiting_ = std::move(order);
  start_more_nodes();
}

void ScanJob::start_more_nodes() {
  auto self = shared_from_this();
  while (!waiting_.empty() &&
         (policy.max_concurrent_nodes <= 0 ||
          running_.size() < static_cast<std::size_t>(policy.max_concurrent_nodes))) {
    ScanNodeCommand* cmd = waiting_.front();
    waiting_.erase(waiting_.begin());
    running_.push_back(cmd);
    ctx->admit(cmd);  // may complete at once (flow control), re-entering node_done
  }
}

bool ScanJob::on_record_decoded(ScanNodeCommand& cmd, ScanRecord rec) {
  if (aggregate) {
    ++records_received_;  // a stream value: no partition to track
    ++cmd.records;
  } else {
    int idx = index_of_[rec.partition];
    if (idx < 0) return true;  // not a partition of this stream: ignore it
    if (policy.max_records > 0 && records_received_ >= policy.max_records) return true;
    ++records_received_;
    ++cmd.records;
    PartitionState& st = parts[static_cast<std::size_t>(idx)].state;
    st.has_digest = true;
    st.digest = rec.key.digest();
    st.bval = rec.bval;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  if (abort_requested_) {
    dropped_[rec.partition] = true;
    return true;
  }
  queue_.push_back(std::move(rec));
  peak_pending_ = std::max(peak_pending_, queue_.size());
  if (on_record) {
    schedule_drain_locked(lock);
  } else {
    serve_pending_locked(lock);
  }
  return true;
}

bool ScanJob::should_hold(ScanNodeCommand& cmd) {
  std::size_t bound = std::max<std::size_t>(1, policy.max_pending_records);
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (abort_requested_) return false;
    if (queue_.size() < bound) return false;
    held_flag_ = true;
  }
  held_.push_back(&cmd);
  return true;
}

void ScanJob::node_done(ScanNodeCommand& cmd, Status status) {
  auto self = shared_from_this();
  auto erase = [&](std::vector<ScanNodeCommand*>& v) {
    v.erase(std::remove(v.begin(), v.end(), &cmd), v.end());
  };
  erase(running_);
  erase(held_);
  bytes_ += cmd.bytes;
  auto for_parts = [&](auto&& fn) {
    for (std::uint16_t pid : cmd.full) fn(parts[static_cast<std::size_t>(index_of_[pid])]);
    for (std::uint16_t pid : cmd.partial) fn(parts[static_cast<std::size_t>(index_of_[pid])]);
  };
  if (aborting_ || failure_) {
    // Nothing to record: the stream is ending.
  } else if (status.ok()) {
    std::vector<bool> unavailable(cluster::kPartitions, false);
    for (std::uint16_t pid : cmd.unavailable) unavailable[pid] = true;
    bool quota_reached = cmd.quota > 0 && cmd.records >= cmd.quota;
    for_parts([&](PartitionTrack& t) {
      if (unavailable[t.state.id]) {
        t.unavailable = true;
        ++t.replica_index;
        last_retry_error_ = Status(result::partition_unavailable,
                                   "partition " + std::to_string(t.state.id) +
                                       " unavailable on node " + cmd.node().name() + " at " +
                                       cmd.node().address().to_string());
      } else if (!quota_reached) {
        t.state.done = true;
      }
    });
  } else if (retryable(status) && !aggregate) {
    last_retry_error_ = status;
    for_parts([&](PartitionTrack& t) {
      if (t.state.done) return;
      t.unavailable = true;
      ++t.replica_index;
    });
  } else {
    fail_all(status);
  }
  start_more_nodes();
  if (running_.empty() && waiting_.empty() && !loop_finished_) round_done();
}

void ScanJob::fail_all(Status status) {
  if (!failure_) failure_ = std::move(status);
  for (ScanNodeCommand* c : waiting_) delete c;
  waiting_.clear();
  std::vector<ScanNodeCommand*> running = running_;
  for (ScanNodeCommand* c : running) {
    if (std::find(running_.begin(), running_.end(), c) == running_.end()) continue;
    c->abort(Status(ClientCode::client_error, "the stream failed on another node"));
  }
}

void ScanJob::round_done() {
  auto self = shared_from_this();
  if (loop_finished_) return;
  if (aborting_) {
    finish_loop(StreamEnd::aborted, Status());
    return;
  }
  if (failure_) {
    finish_loop(StreamEnd::failed, *failure_);
    return;
  }
  bool page_full = policy.max_records > 0 && records_received_ >= policy.max_records;
  bool any_unavailable = false, any_open = false;
  for (const PartitionTrack& t : parts) {
    if (t.state.done) continue;
    any_open = true;
    if (t.unavailable) any_unavailable = true;
  }
  if (page_full || !any_open) {
    finish_loop(StreamEnd::complete, Status());
    return;
  }
  if (!any_unavailable) {
    run_round();  // nodes stopped at their share of max_records: ask for the rest
    return;
  }
  io::TimePoint now = ctx->loop().now();
  ++retry_rounds_;
  bool out_of_time = timing_.deadline != io::TimePoint{} ? now >= timing_.deadline
                                                          : retry_rounds_ > policy.max_retries;
  if (out_of_time) {
    Status st = last_retry_error_;
    if (timing_.deadline != io::TimePoint{}) {
      st = Status(result::timeout, "total timeout expired with partitions still unavailable (last: " +
                                       last_retry_error_.message() + ")");
    }
    finish_loop(StreamEnd::failed, std::move(st));
    return;
  }
  Millis wait = policy.retry_wait.count() > 0 ? policy.retry_wait : ctx->config().tend_interval;
  io::TimePoint at = now + wait;
  if (timing_.deadline != io::TimePoint{} && at > timing_.deadline) at = timing_.deadline;
  ctx->loop().start_timer(retry_timer_, at);
}

void ScanJob::finish_loop(StreamEnd end, Status status) {
  if (loop_finished_) return;
  loop_finished_ = true;
  if (retry_timer_.armed()) ctx->loop().cancel_timer(retry_timer_);
  ScanSummary s;
  s.end = end;
  s.status = std::move(status);
  s.rounds = round_;
  s.bytes = bytes_;
  std::vector<PartitionState> states;
  states.reserve(parts.size());
  for (const PartitionTrack& t : parts) {
    states.push_back(t.state);
    if (end == StreamEnd::failed && !t.state.done && t.unavailable) {
      s.incomplete_partitions.push_back(t.state.id);
    }
  }
  s.cursor = Cursor(ns, is_query, std::move(states));
  publish(std::move(s));
  std::shared_ptr<ScanJob> keep = std::move(loop_ref_);  // released as this returns
}

void ScanJob::publish(ScanSummary s) {
  std::unique_lock<std::mutex> lock(mutex_);
  summary_ = std::move(s);
  done_pushed_ = true;
  if (on_record || on_done) {
    schedule_drain_locked(lock);
  } else {
    serve_pending_locked(lock);
  }
}

void ScanJob::fail_without_loop(Status status) {
  ScanSummary s;
  s.end = StreamEnd::failed;
  s.status = std::move(status);
  dropped_.assign(cluster::kPartitions, false);
  consumed_last_.resize(cluster::kPartitions);
  loop_finished_ = true;
  publish(std::move(s));
}

void ScanJob::loop_abort() {
  auto self = shared_from_this();
  if (loop_finished_) return;
  aborting_ = true;
  if (retry_timer_.armed()) ctx->loop().cancel_timer(retry_timer_);
  for (ScanNodeCommand* c : waiting_) delete c;
  waiting_.clear();
  std::vector<ScanNodeCommand*> running = running_;
  for (ScanNodeCommand* c : running) {
    if (std::find(running_.begin(), running_.end(), c) == running_.end()) continue;
    c->abort(Status(ClientCode::client_error, "stream aborted by the consumer"));
  }
  if (running_.empty() && !loop_finished_) finish_loop(StreamEnd::aborted, Status());
}

void ScanJob::loop_resume() {
  auto self = shared_from_this();
  {
    std::lock_guard<std::mutex> g(mutex_);
    held_flag_ = false;
    resume_posted_ = false;
  }
  std::vector<ScanNodeCommand*> held;
  held.swap(held_);
  for (ScanNodeCommand* c : held) {
    // A command that ended meanwhile is no longer running (node_done removed it).
    if (std::find(running_.begin(), running_.end(), c) == running_.end()) continue;
    c->resume();
  }
}

// ---------------------------------------------------------------------------------------
// ScanJob: consumer side

void ScanJob::after_pop_locked() {
  std::size_t bound = std::max<std::size_t>(1, policy.max_pending_records);
  if (held_flag_ && !resume_posted_ && queue_.size() <= bound / 2) {
    resume_posted_ = true;
    auto self = shared_from_this();
    if (!ctx->loop().post([self] { self->loop_resume(); })) resume_posted_ = false;
  }
}

void ScanJob::note_consumed_locked(const ScanRecord& rec) {
  ++consumed_;
  consumed_last_[rec.partition] = std::make_pair(rec.key.digest(), rec.bval);
}

void ScanJob::schedule_drain_locked(std::unique_lock<std::mutex>&) {
  if (drain_scheduled_) return;
  drain_scheduled_ = true;
  auto self = shared_from_this();
  submit_task([self] { self->drain(); });
}

void ScanJob::drain() {
  for (int i = 0; i < kDrainBatch; ++i) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (queue_.empty()) {
      if (done_pushed_ && !done_delivered_) {
        done_delivered_ = true;
        drain_scheduled_ = false;
        ScanSummary s = summary_;
        patch_cursor_locked(s);
        lock.unlock();
        auto cb = std::move(on_done);
        on_done = nullptr;
        on_record = nullptr;
        if (cb) cb(std::move(s));
        return;
      }
      drain_scheduled_ = false;
      return;
    }
    ScanRecord rec = std::move(queue_.front());
    queue_.pop_front();
    after_pop_locked();
    lock.unlock();
    bool go = on_record ? on_record(rec) : true;
    lock.lock();
    note_consumed_locked(rec);
    lock.unlock();
    if (!go) abort();
  }
  auto self = shared_from_this();
  submit_task([self] { self->drain(); });  // yield: other tasks of the executor run too
}

void ScanJob::abort() {
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (abort_requested_ || done_delivered_) return;
    abort_requested_ = true;
    for (const ScanRecord& r : queue_) dropped_[r.partition] = true;
    queue_.clear();
    if (done_pushed_) return;
  }
  auto self = shared_from_this();
  ctx->loop().post([self] { self->loop_abort(); });
}

void ScanJob::patch_cursor_locked(ScanSummary& s) {
  s.records = consumed_;
  s.peak_pending = peak_pending_;
  if (abort_requested_ && s.end == StreamEnd::complete) s.end = StreamEnd::aborted;
  if (!abort_requested_) return;
  std::vector<PartitionState> states = s.cursor.partitions();
  for (PartitionState& st : states) {
    if (!dropped_[st.id]) continue;
    // Records of this partition were decoded but never seen: resume after the last one
    // the consumer saw (or where the stream started).
    st.done = false;
    if (const auto& last = consumed_last_[st.id]) {
      st.has_digest = true;
      st.digest = last->first;
      st.bval = last->second;
    } else {
      for (const PartitionState& init : initial_) {
        if (init.id == st.id) {
          st = init;
          st.done = false;
        }
      }
    }
  }
  s.cursor = Cursor(s.cursor.ns(), s.cursor.is_query(), std::move(states));
}

Future<std::optional<ScanRecord>> ScanJob::next() {
  auto p = std::make_unique<Pending>();
  p->single = true;
  p->n = 1;
  p->one.emplace();
  Future<std::optional<ScanRecord>> f = p->one->future();
  std::unique_lock<std::mutex> lock(mutex_);
  if (pending_) {
    lock.unlock();
    p->one->set(Status(ClientCode::invalid_argument, "RecordStream: one next()/page() at a time"));
    return f;
  }
  pending_ = std::move(p);
  serve_pending_locked(lock);
  return f;
}

Future<std::vector<ScanRecord>> ScanJob::page(std::size_t n) {
  auto p = std::make_unique<Pending>();
  p->single = false;
  p->n = std::max<std::size_t>(1, n);
  p->many.emplace();
  Future<std::vector<ScanRecord>> f = p->many->future();
  std::unique_lock<std::mutex> lock(mutex_);
  if (pending_) {
    lock.unlock();
    p->many->set(Status(ClientCode::invalid_argument, "RecordStream: one next()/page() at a time"));
    return f;
  }
  pending_ = std::move(p);
  serve_pending_locked(lock);
  return f;
}

void ScanJob::serve_pending_locked(std::unique_lock<std::mutex>&) {
  if (!pending_) return;
  Pending& p = *pending_;
  while (p.got.size() < p.n && !queue_.empty()) {
    p.got.push_back(std::move(queue_.front()));
    queue_.pop_front();
    note_consumed_locked(p.got.back());
    after_pop_locked();
  }
  bool ready = p.got.size() >= p.n || done_pushed_;
  if (!ready) return;
  std::unique_ptr<Pending> owned = std::move(pending_);
  std::optional<Status> error;
  if (owned->got.empty() && done_pushed_) {
    done_delivered_ = true;
    ScanSummary s = summary_;
    patch_cursor_locked(s);
    summary_ = s;
    if (s.end == StreamEnd::failed) error = s.status;
  }
  auto deliver = [owned = std::move(owned), error = std::move(error)]() mutable {
    if (owned->single) {
      if (error) {
        owned->one->set(*error);
      } else if (owned->got.empty()) {
        owned->one->set(std::optional<ScanRecord>());
      } else {
        owned->one->set(std::optional<ScanRecord>(std::move(owned->got.front())));
      }
    } else if (error) {
      owned->many->set(*error);
    } else {
      owned->many->set(std::move(owned->got));
    }
  };
  submit_task(Task(std::move(deliver)));
}

std::optional<ScanSummary> ScanJob::summary() const {
  std::lock_guard<std::mutex> g(mutex_);
  if (!done_delivered_) return std::nullopt;
  return summary_;
}

std::vector<std::uint64_t> ScanJob::task_ids() const {
  std::lock_guard<std::mutex> g(mutex_);
  return task_ids_shared_;
}

// ---------------------------------------------------------------------------------------
// ScanNodeCommand

ScanNodeCommand::ScanNodeCommand(std::shared_ptr<ScanJob> job, cluster::NodePtr node)
    : job_(std::move(job)), node_(std::move(node)) {
  bind(job_->ctx, job_->timing());
}

Status ScanNodeCommand::encode() {
  task_id = job_->shared_task_id != 0 ? job_->shared_task_id : new_task_id();
  const ScanJob& j = *job_;
  std::vector<wire::Digest> digests;
  std::vector<std::int64_t> bvals;
  for (std::uint16_t pid : partial) {
    for (const PartitionTrack& t : j.parts) {
      if (t.state.id != pid) continue;
      digests.push_back(t.state.digest);
      bvals.push_back(t.state.bval);
    }
  }
  std::vector<std::string_view> names(j.bins.begin(), j.bins.end());
  const auto socket_ms = static_cast<std::uint32_t>(j.policy.socket_timeout.count());
  const auto total_ms = static_cast<std::uint32_t>(j.policy.total_timeout.count());
  wire::Status st;
  if (!j.is_query && !j.background && !j.read_attrs.filter_exp) {
    wire::ScanRequest r;
    r.ns = j.ns;
    r.set = j.set;
    r.partitions = full;
    r.resume_after = digests;
    r.bin_names = names;
    r.include_bin_data = j.policy.include_bin_data;
    r.max_records = quota;
    r.records_per_second = j.policy.records_per_second;
    r.socket_timeout_ms = socket_ms;
    r.server_timeout_ms = total_ms;
    r.task_id = task_id;
    r.read = j.read_attrs;
    st = wire::encode_scan(request_, r);
  } else {
    wire::QueryRequest q;
    q.ns = j.ns;
    q.set = j.set;
    if (j.filter) {
      q.filter.kind = j.filter->kind == Filter::Kind::integer_range
                          ? wire::IndexFilter::Kind::kIntegerRange
                          : wire::IndexFilter::Kind::kStringEqual;
      q.filter.bin = j.filter->bin;
      q.filter.begin = j.filter->begin;
      q.filter.end = j.filter->end;
      q.filter.value = j.filter->value;
    }
    q.partitions = full;
    q.resume_after = digests;
    q.resume_bvals = bvals;
    q.bin_names = names;
    q.include_bin_data = j.policy.include_bin_data;
    q.max_records = quota;
    q.records_per_second = j.policy.records_per_second;
    q.socket_timeout_ms = socket_ms;
    q.server_timeout_ms = total_ms;
    q.task_id = task_id;
    q.read = j.read_attrs;
    q.background = j.background;
    q.write_ops = j.write_ops;
    q.write = j.write_attrs;
    wire::QueryUdf udf;
    if (j.udf) {
      udf.op = j.aggregate ? 1 : 2;
      udf.module = j.udf->module;
      udf.function = j.udf->function;
      udf.args = j.udf->args;
      q.udf = &udf;
    }
    if (j.background) {
      q.partitions = {};
      q.resume_after = {};
      q.resume_bvals = {};
      q.max_records = 0;
    }
    st = wire::encode_query(request_, q);
  }
  if (!st.ok()) return Status(ClientCode::invalid_argument, st.message());
  return Status();
}

cluster::Node* ScanNodeCommand::select_node(const cluster::ClusterSnapshot&, unsigned) {
  return node_->active() ? node_.get() : nullptr;
}

Result<bool> ScanNodeCommand::on_frame(std::span<const std::uint8_t> body) {
  bytes += body.size() + 8;
  wire::MessageIterator it(body);
  for (;;) {
    auto next = it.next();
    if (!next.ok()) return Status(ClientCode::bad_response, next.status().message());
    if (!next->has_value()) return false;  // the frame ended; more frames follow
    const wire::MessageView& msg = **next;
    switch (wire::classify_scan_message(msg)) {
      case wire::StreamMessageKind::kLast: {
        if (!it.at_end()) return Status(ClientCode::bad_response, "messages after the stream's LAST message");
        int code = msg.header.result_code;
        if (code != result::ok && job_->aggregate) return aggregate_failure(msg, code);
        if (code != result::ok) return server_status(code, "");
        return true;
      }
      case wire::StreamMessageKind::kPartitionDone:
        if (msg.header.result_code != result::ok) {
          unavailable.push_back(static_cast<std::uint16_t>(msg.partition_id() & 0xFFF));
        }
        continue;
      case wire::StreamMessageKind::kError: {
        int code = msg.header.result_code;
        if (job_->aggregate) return aggregate_failure(msg, code);
        // Background jobs: "record not found" when the set does not exist on the node.
        if (job_->background && code == result::record_not_found) return true;
        return server_status(code, "");
      }
      case wire::StreamMessageKind::kRecord:
        break;
    }
    if (job_->background) continue;
    if (job_->aggregate) {
      auto rec = msg.to_record();
      if (!rec.ok()) return Status(ClientCode::bad_response, rec.status().message());
      if (rec->find("SUCCESS") == nullptr) return aggregate_failure(msg, result::udf_error);
      ScanRecord out{Key::from_digest(job_->ns, job_->set, wire::Digest{}), std::move(rec).value(), 0, 0};
      job_->on_record_decoded(*this, std::move(out));
      continue;
    }
    auto digest = msg.digest();
    if (!digest) return Status(ClientCode::bad_response, "a record without a 20-byte digest");
    auto rec = msg.to_record();
    if (!rec.ok()) return Status(ClientCode::bad_response, rec.status().message());
    std::string set(msg.set_name().value_or(std::string_view{}));
    std::optional<Value> user_key;
    if (auto k = msg.user_key()) {
      auto v = k->to_value();
      if (v.ok()) user_key = std::move(v).value();
    }
    ScanRecord out{user_key ? Key::from_parts(job_->ns, std::move(set), *digest, std::move(*user_key))
                            : Key::from_digest(job_->ns, std::move(set), *digest),
                   std::move(rec).value(), static_cast<std::uint16_t>(wire::partition_id(*digest)), 0};
    if (auto b = msg.find_field(wire::FieldType::kBvalArray); b && b->data.size() == 8) {
      std::uint64_t v = 0;
      for (int i = 7; i >= 0; --i) v = (v << 8) | b->data[static_cast<std::size_t>(i)];
      out.bval = static_cast<std::int64_t>(v);
    }
    job_->on_record_decoded(*this, std::move(out));
  }
}

Status ScanNodeCommand::aggregate_failure(const wire::MessageView& msg, int code) {
  // The node's stream function failed: a FAILURE bin carries the Lua error (C client
  // as_command_parse_success_failure_bins); without one, the result code says what.
  std::string text;
  if (auto rec = msg.to_record(); rec.ok()) text = wire::udf_failure_text(*rec);
  if (code == result::ok) code = result::udf_error;
  if (text.empty()) return server_status(code, "aggregation on node " + node_->name());
  return Status(code, "UDF error: " + text + " (aggregation on node " + node_->name() + ")");
}

bool ScanNodeCommand::hold_reading() { return job_->should_hold(*this); }

void ScanNodeCommand::complete(Status status) { job_->node_done(*this, std::move(status)); }

void ScanNodeCommand::on_loop_done() { delete this; }

}  // namespace aero::command
