#include "test/server/background.h"

#include <algorithm>

#include "test/server/cluster_state.h"
#include "test/server/response.h"
#include "test/server/udf/apply.h"
#include "test/server/wire.h"

namespace aero::testserver {

namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr size_t kMaxPerStep = 256;  // records written per step of one job

// An owned copy of `m`: its header, its fields (the parser keeps types < 64, each once) and
// its ops region as received.
std::vector<uint8_t> copy_message(const MessageView& m) {
  std::vector<uint8_t> out(wire::kMsgHeaderSize, 0);
  out[0] = wire::kMsgHeaderSize;
  out[1] = m.info1;
  out[2] = m.info2;
  out[3] = m.info3;
  out[4] = m.info4;
  wire::store_be32(out.data() + 6, m.generation);
  wire::store_be32(out.data() + 10, m.record_ttl);
  wire::store_be32(out.data() + 14, m.transaction_ttl);
  uint16_t n_fields = 0;
  for (size_t type = 0; type < m.fields.size(); ++type) {
    const FieldView& f = m.fields[type];
    if (!f.present) continue;
    uint8_t h[5];
    wire::store_be32(h, f.size + 1);
    h[4] = uint8_t(type);
    out.insert(out.end(), h, h + 5);
    out.insert(out.end(), f.data, f.data + f.size);
    ++n_fields;
  }
  const uint8_t* ops_end = m.ops_begin;
  OpIterator it = m.ops();
  OpView op;
  while (it.next(op)) ops_end = op.value + op.value_size;
  if (m.n_ops > 0) out.insert(out.end(), m.ops_begin, ops_end);
  wire::store_be16(out.data() + 18, n_fields);
  wire::store_be16(out.data() + 20, m.n_ops);
  return out;
}

}  // namespace

BackgroundJob::BackgroundJob(const RequestContext& ctx, const MessageView& m, Namespace& ns,
                             int ns_index, std::vector<uint32_t> pids, std::string set,
                             std::unique_ptr<QueryFilter> query, std::shared_ptr<JobRecord> record,
                             uint32_t rps)
    : request_(copy_message(m)),
      node_(ctx.node),
      ns_(&ns),
      ns_index_(ns_index),
      pids_(std::move(pids)),
      set_(std::move(set)),
      query_(std::move(query)),
      record_(std::move(record)),
      rps_(rps == 0 ? kBackgroundQueryMaxRps : rps),
      started_(SteadyClock::now()) {
  // The copy holds what the original held: it parses.
  (void)parse_message(request_.data(), request_.size(), m_);
  if (record_) {
    record_->rps = rps_;
    record_->pids_total = uint32_t(pids_.size());
  }
}

bool BackgroundJob::collect_next_partition(ClusterState& cluster, const PartitionMap& map) {
  pending_.clear();
  next_pending_ = 0;
  while (next_pid_ < pids_.size()) {
    const uint32_t pid = pids_[next_pid_++];
    if (record_) record_->pids_done.fetch_add(1, std::memory_order_relaxed);
    if (map.master(size_t(ns_index_), pid) != node_) continue;
    const uint32_t now = cluster.clock().now();
    Partition& p = ns_->partition(pid);
    std::lock_guard<std::mutex> lock(p.mutex);
    for (const auto& [d, r] : p.records) {
      if (is_expired(r, now)) continue;
      if (!set_.empty() && r.set != set_) continue;
      int64_t bval = 0;
      if (query_ != nullptr && !query_->matches(r, d.data(), now, &bval)) continue;
      pending_.push_back(d);
    }
    if (!pending_.empty()) return true;
  }
  return false;
}

bool BackgroundJob::step(ClusterState& cluster, SteadyClock::time_point now,
                         SteadyClock::time_point* next) {
  if (record_ && record_->aborted()) return true;
  // Records allowed so far at rps_ (the first one at once).
  const auto elapsed_us =
      uint64_t(std::chrono::duration_cast<std::chrono::microseconds>(now - started_).count());
  const uint64_t allowed = elapsed_us * rps_ / 1000000 + 1;
  size_t budget = allowed > processed_ ? size_t(std::min<uint64_t>(allowed - processed_, kMaxPerStep)) : 0;
  const std::shared_ptr<const PartitionMap> map = cluster.map();
  const RequestContext ctx{cluster, node_, map.get()};
  std::vector<uint8_t> scratch;
  while (budget > 0) {
    if (next_pending_ == pending_.size() && !collect_next_partition(cluster, *map)) return true;
    const Digest& d = pending_[next_pending_++];
    scratch.clear();
    ResponseWriter sw(scratch);
    // A background UDF job calls the UDF on the record (udf/apply.h); a background write
    // applies the request's operations.
    const uint8_t result = udf::is_udf_request(m_) ? udf::run_background_udf(ctx, m_, *ns_, d.data())
                                                   : execute_record_command(ctx, m_, d.data(), 0, sw);
    if (record_) {
      ++(result == wire::result::kOk ? record_->recs_succeeded : record_->recs_failed);
    }
    ++processed_;
    --budget;
  }
  if (next_pending_ == pending_.size() && next_pid_ == pids_.size()) return true;
  // Wake when about 10 ms worth of records are due (not once per record).
  const uint64_t batch = std::max<uint64_t>(1, rps_ / 100);
  *next = started_ + std::chrono::microseconds((processed_ + batch - 1) * 1000000 / rps_);
  return false;
}

BackgroundRunner::~BackgroundRunner() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BackgroundRunner::submit(std::unique_ptr<BackgroundJob> job) {
  if (job->record()) cluster_.jobs(size_t(job->node())).start(job->record());
  std::lock_guard<std::mutex> lock(mutex_);
  incoming_.push_back(std::move(job));
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  cv_.notify_all();
}

void BackgroundRunner::run() {
  std::vector<std::unique_ptr<BackgroundJob>> running;
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_) {
    for (auto& j : incoming_) running.push_back(std::move(j));
    incoming_.clear();
    if (running.empty()) {
      cv_.wait(lock, [this] { return stop_ || !incoming_.empty(); });
      continue;
    }
    lock.unlock();
    const auto now = SteadyClock::now();
    auto wake = now + std::chrono::milliseconds(10);
    for (auto it = running.begin(); it != running.end();) {
      SteadyClock::time_point next{};
      if ((*it)->step(cluster_, now, &next)) {
        if ((*it)->record()) cluster_.jobs(size_t((*it)->node())).finish((*it)->record(), JobStatus::kDone);
        it = running.erase(it);
      } else {
        wake = std::min(wake, next);
        ++it;
      }
    }
    lock.lock();
    if (!running.empty() && incoming_.empty() && !stop_) {
      cv_.wait_until(lock, wake, [this] { return stop_ || !incoming_.empty(); });
    }
  }
}

}  // namespace aero::testserver
