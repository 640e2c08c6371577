// Client: scan and query entry points (the stream machinery is client/command/scan_command).
#include <algorithm>
#include <string>

#include "client/client.h"
#include "client/command/loop_context.h"
#include "client/command/scan_command.h"

namespace aero {

namespace {

Status invalid(std::string msg) { return Status(ClientCode::invalid_argument, std::move(msg)); }

Status check_partitions(const PartitionFilter& pf, bool is_query, std::string_view ns,
                        std::vector<command::PartitionTrack>& parts) {
  if (pf.cursor) {
    const Cursor& c = *pf.cursor;
    if (c.ns() != ns) {
      return invalid("the cursor belongs to namespace '" + c.ns() + "', not '" + std::string(ns) + "'");
    }
    if (c.is_query() != is_query) {
      return invalid(std::string("the cursor comes from a ") + (c.is_query() ? "query" : "scan") +
                     ", not a " + (is_query ? "query" : "scan"));
    }
    if (c.partitions().empty()) return invalid("the cursor names no partitions");
    for (const PartitionState& p : c.partitions()) parts.push_back({p, 0, false});
    return Status();
  }
  if (pf.count == 0) return invalid("the partition filter is empty (count 0)");
  if (pf.begin >= 4096 || pf.count > 4096 - pf.begin) {
    return invalid("the partition filter " + std::to_string(pf.begin) + "+" +
                   std::to_string(pf.count) + " is out of range (partitions are 0..4095)");
  }
  if (pf.after) {
    if (is_query) {
      return invalid("PartitionFilter::after_key applies to scans; resume a query with its cursor");
    }
    if (pf.count != 1 || wire::partition_id(*pf.after) != pf.begin) {
      return invalid("the digest to resume after is not in the filter's partition");
    }
  }
  for (std::uint32_t pid = pf.begin; pid < pf.begin + pf.count; ++pid) {
    command::PartitionTrack t;
    t.state.id = static_cast<std::uint16_t>(pid);
    if (pf.after) {
      t.state.has_digest = true;
      t.state.digest = *pf.after;
    }
    parts.push_back(t);
  }
  return Status();
}

Status check_common(std::string_view ns, std::string_view set, const ScanPolicy& policy,
                    std::span<const std::string_view> bins) {
  if (ns.empty() || ns.size() > 31) return invalid("namespace must be 1..31 bytes");
  if (set.size() > 63) return invalid("set name longer than 63 bytes");
  if (policy.max_pending_records == 0) return invalid("ScanPolicy::max_pending_records must be >= 1");
  if (policy.max_concurrent_nodes < 0) return invalid("ScanPolicy::max_concurrent_nodes must be >= 0");
  for (std::size_t i = 0; i < bins.size(); ++i) {
    if (bins[i].empty()) return invalid("bin name " + std::to_string(i) + " is empty");
    if (bins[i].size() > 15) return invalid("bin name '" + std::string(bins[i]) + "' is longer than 15 bytes");
    for (std::size_t k = 0; k < i; ++k) {
      if (bins[k] == bins[i]) return invalid("bin '" + std::string(bins[i]) + "' is named twice");
    }
  }
  return Status();
}

std::shared_ptr<command::ScanJob> make_job(std::string_view ns, std::string_view set,
                                           const ScanPolicy& policy, BinNames bins) {
  auto job = std::make_shared<command::ScanJob>();
  job->ns = std::string(ns);
  job->set = std::string(set);
  job->policy = policy;
  for (std::string_view b : bins.span()) job->bins.emplace_back(b);
  job->read_attrs.read_mode_ap =
      policy.read_mode_ap == ReadModeAP::all ? wire::ReadModeAP::kAll : wire::ReadModeAP::kOne;
  job->read_attrs.read_mode_sc = static_cast<wire::ReadModeSC>(static_cast<int>(policy.read_mode_sc));
  job->read_attrs.filter_exp = policy.filter_exp.shared();
  return job;
}

// Guards a submission against close() (see SubmitGuard in client.cc).
class StreamGuard {
 public:
  explicit StreamGuard(std::atomic<std::int64_t>& n) : n_(n) { n_.fetch_add(1); }
  ~StreamGuard() { n_.fetch_sub(1); }
  StreamGuard(const StreamGuard&) = delete;
  StreamGuard& operator=(const StreamGuard&) = delete;

 private:
  std::atomic<std::int64_t>& n_;
};

}  // namespace

void Client::submit_stream(std::shared_ptr<command::ScanJob> job, PartitionFilter pf,
                           std::span<const std::string_view> bins, io::Loop* loop) {
  if (per_loop_.empty()) {
    // Never started: there is no executor to deliver through.
    ScanSummary s;
    s.end = StreamEnd::failed;
    s.status = Status(ClientCode::client_closed, "the client is closed");
    if (job->on_done) job->on_done(std::move(s));
    return;
  }
  StreamGuard guard(outstanding_);
  job->ctx = &loop_context(loop);
  job->live = &outstanding_;
  outstanding_.fetch_add(1, std::memory_order_relaxed);  // released by ~ScanJob
  if (closed_.load()) {
    job->fail_without_loop(Status(ClientCode::client_closed, "the client is closed"));
    return;
  }
  Status st = job->invalid.empty() ? check_common(job->ns, job->set, job->policy, bins)
                                   : invalid(job->invalid);
  if (st.ok()) st = check_partitions(pf, job->is_query, job->ns, job->parts);
  if (st.ok() && job->filter) {
    const Filter& f = *job->filter;
    if (f.bin.empty() || f.bin.size() > 15) {
      st = invalid("the filter's bin name must be 1..15 bytes");
    } else if (f.kind == Filter::Kind::integer_range && f.begin > f.end) {
      st = invalid("the filter's range begins (" + std::to_string(f.begin) + ") after its end (" +
                   std::to_string(f.end) + ")");
    }
  }
  if (!st.ok()) {
    job->fail_without_loop(std::move(st));
    return;
  }
  io::Loop& l = job->ctx->loop();
  if (l.in_loop_thread()) {
    command::ScanJob::start(std::move(job));
    return;
  }
  auto copy = job;
  if (!l.post([job = std::move(copy)]() mutable { command::ScanJob::start(std::move(job)); })) {
    job->fail_without_loop(Status(ClientCode::client_closed, "the client is closed"));
  }
}

void Client::scan(std::string_view ns, std::string_view set, const ScanPolicy& policy,
                  PartitionFilter filter, BinNames bins, ScanRecordCallback on_record,
                  ScanDoneCallback on_done, io::Loop* loop) {
  auto job = make_job(ns, set, policy, bins);
  job->on_record = on_record ? std::move(on_record) : ScanRecordCallback([](ScanRecord&) { return true; });
  job->on_done = std::move(on_done);
  submit_stream(std::move(job), std::move(filter), bins.span(), loop);
}

void Client::query(std::string_view ns, std::string_view set, Filter where,
                   const QueryPolicy& policy, PartitionFilter filter, BinNames bins,
                   ScanRecordCallback on_record, ScanDoneCallback on_done, io::Loop* loop) {
  auto job = make_job(ns, set, policy, bins);
  job->is_query = true;
  job->filter = std::move(where);
  job->on_record = on_record ? std::move(on_record) : ScanRecordCallback([](ScanRecord&) { return true; });
  job->on_done = std::move(on_done);
  submit_stream(std::move(job), std::move(filter), bins.span(), loop);
}

Future<ScanSummary> Client::scan(std::string_view ns, std::string_view set,
                                 const ScanPolicy& policy, PartitionFilter filter, BinNames bins,
                                 ScanRecordCallback on_record) {
  Promise<ScanSummary> p;
  Future<ScanSummary> f = p.future();
  scan(ns, set, policy, std::move(filter), bins, std::move(on_record),
       [p = std::move(p)](ScanSummary s) mutable { p.set(std::move(s)); });
  return f;
}

Future<ScanSummary> Client::query(std::string_view ns, std::string_view set, Filter where,
                                  const QueryPolicy& policy, PartitionFilter filter,
                                  BinNames bins, ScanRecordCallback on_record) {
  Promise<ScanSummary> p;
  Future<ScanSummary> f = p.future();
  query(ns, set, std::move(where), policy, std::move(filter), bins, std::move(on_record),
        [p = std::move(p)](ScanSummary s) mutable { p.set(std::move(s)); });
  return f;
}

RecordStream Client::scan_stream(std::string_view ns, std::string_view set,
                                 const ScanPolicy& policy, PartitionFilter filter, BinNames bins,
                                 io::Loop* loop) {
  auto job = make_job(ns, set, policy, bins);
  RecordStream stream(job);
  submit_stream(std::move(job), std::move(filter), bins.span(), loop);
  return stream;
}

RecordStream Client::query_stream(std::string_view ns, std::string_view set, Filter where,
                                  const QueryPolicy& policy, PartitionFilter filter,
                                  BinNames bins, io::Loop* loop) {
  auto job = make_job(ns, set, policy, bins);
  job->is_query = true;
  job->filter = std::move(where);
  RecordStream stream(job);
  submit_stream(std::move(job), std::move(filter), bins.span(), loop);
  return stream;
}

// ---- RecordStream ----

RecordStream::RecordStream(std::shared_ptr<command::ScanJob> job) : job_(std::move(job)) {}
RecordStream::RecordStream(RecordStream&&) noexcept = default;
RecordStream& RecordStream::operator=(RecordStream&& o) noexcept {
  if (this != &o) {
    if (job_) job_->abort();
    job_ = std::move(o.job_);
  }
  return *this;
}
RecordStream::~RecordStream() {
  if (job_) job_->abort();
}

Future<std::optional<ScanRecord>> RecordStream::next() {
  if (!job_) {
    Promise<std::optional<ScanRecord>> p;
    auto f = p.future();
    p.set(Status(ClientCode::invalid_argument, "RecordStream: empty stream"));
    return f;
  }
  return job_->next();
}

Future<std::vector<ScanRecord>> RecordStream::page(std::size_t n) {
  if (!job_) {
    Promise<std::vector<ScanRecord>> p;
    auto f = p.future();
    p.set(Status(ClientCode::invalid_argument, "RecordStream: empty stream"));
    return f;
  }
  return job_->page(n);
}

void RecordStream::abort() {
  if (job_) job_->abort();
}

std::optional<ScanSummary> RecordStream::summary() const {
  if (!job_) return std::nullopt;
  return job_->summary();
}

}  // namespace aero
