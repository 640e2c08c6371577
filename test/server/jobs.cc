#include "test/server/jobs.h"

#include <algorithm>
#include <cstdio>

#include "test/server/message.h"
#include "test/server/wire.h"

namespace aero::testserver {

namespace {

const char* status_text(JobStatus s) {
  switch (s) {
    case JobStatus::kActive:
      return "active(ok)";
    case JobStatus::kDone:
      return "done(ok)";
    case JobStatus::kUserAborted:
      return "done(user-aborted)";
    case JobStatus::kResponseError:
      return "done(abandoned-response-error)";
  }
  return "done(ok)";
}

const char* type_text(JobType t) {
  switch (t) {
    case JobType::kBasic:
      return "basic";
    case JobType::kAggregation:
      return "aggregation";
    case JobType::kBackgroundOps:
      return "background-ops";
    case JobType::kBackgroundUdf:
      return "background-udf";
  }
  return "basic";
}

int64_t ms_between(std::chrono::steady_clock::time_point a,
                   std::chrono::steady_clock::time_point b) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
}

}  // namespace

bool JobTable::start(const std::shared_ptr<JobRecord>& job) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& j : active_) {
    if (j->trid == job->trid && job->trid != 0) return false;
  }
  job->status.store(JobStatus::kActive);
  job->started = std::chrono::steady_clock::now();
  active_.push_back(job);
  return true;
}

void JobTable::finish(const std::shared_ptr<JobRecord>& job, JobStatus status) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = std::find(active_.begin(), active_.end(), job);
  if (it == active_.end()) return;
  active_.erase(it);
  if (job->aborted()) status = JobStatus::kUserAborted;
  job->status.store(status);
  job->finished = std::chrono::steady_clock::now();
  done_.push_back(job);
  while (done_.size() > kMaxDone) done_.pop_front();
}

void JobTable::add_finished(const std::shared_ptr<JobRecord>& job) {
  std::lock_guard<std::mutex> lock(mutex_);
  job->started = std::chrono::steady_clock::now();
  job->finished = job->started;
  job->status.store(JobStatus::kDone);
  done_.push_back(job);
  while (done_.size() > kMaxDone) done_.pop_front();
}

bool JobTable::abort(uint64_t trid) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& j : active_) {
    if (j->trid == trid) {
      j->abort_requested.store(true);
      return true;
    }
  }
  return false;
}

size_t JobTable::abort_all() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& j : active_) j->abort_requested.store(true);
  return active_.size();
}

std::shared_ptr<JobRecord> JobTable::find(uint64_t trid) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& j : active_) {
    if (j->trid == trid) return j;
  }
  for (auto it = done_.rbegin(); it != done_.rend(); ++it) {
    if ((*it)->trid == trid) return *it;
  }
  return nullptr;
}

std::vector<std::shared_ptr<JobRecord>> JobTable::list() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<JobRecord>> out(active_.rbegin(), active_.rend());
  out.insert(out.end(), done_.rbegin(), done_.rend());
  return out;
}

void JobTable::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  active_.clear();
  done_.clear();
}

std::shared_ptr<JobRecord> new_job_record(const MessageView& m, std::string from) {
  if (m.info1 & wire::info1::kShortQuery) return nullptr;
  auto job = std::make_shared<JobRecord>();
  const FieldView& ns = m.field(wire::field::kNamespace);
  if (ns.present) job->ns.assign(ns.str());
  const FieldView& set = m.field(wire::field::kSet);
  if (set.present) job->set.assign(set.str());
  const FieldView& trid = m.field(wire::field::kTaskId);
  if (trid.present && trid.size == 8) job->trid = wire::load_be64(trid.data);
  const FieldView& pids = m.field(wire::field::kPidArray);
  if (pids.present) job->n_pids_requested = uint32_t(pids.size / 2);
  const FieldView& digests = m.field(wire::field::kDigestArray);
  if (digests.present) job->n_keyds_requested = uint32_t(digests.size / wire::kDigestSize);
  const FieldView& rps = m.field(wire::field::kRecordsPerSecond);
  if (rps.present && rps.size == 4) job->rps = wire::load_be32(rps.data);
  const FieldView& timeout = m.field(wire::field::kSocketTimeout);
  if (timeout.present && timeout.size == 4) job->socket_timeout = wire::load_be32(timeout.data);
  const FieldView& udf_op = m.field(wire::field::kUdfOp);
  if (udf_op.present && udf_op.size == 1) {
    job->type = udf_op.data[0] == 1 ? JobType::kAggregation : JobType::kBackgroundUdf;
  } else if (m.info2 & wire::info2::kWrite) {
    job->type = JobType::kBackgroundOps;
  }
  job->from = std::move(from);
  return job;
}

// Key order as an 8.1.2 node prints it (captures/operations/info_commands.json, query-show).
std::string job_info_string(const JobRecord& job) {
  const JobStatus status = job.status.load();
  const bool active = status == JobStatus::kActive;
  const auto now = std::chrono::steady_clock::now();
  std::string out = "trid=" + std::to_string(job.trid) + ":ns=" + job.ns;
  if (!job.set.empty()) out += ":set=" + job.set;
  if (!job.sindex_name.empty()) out += ":sindex-name=" + job.sindex_name;
  if (job.n_pids_requested != 0 || job.n_keyds_requested != 0) {
    out += ":n-pids-requested=" + std::to_string(job.n_pids_requested);
    out += ":n-keyds-requested=" + std::to_string(job.n_keyds_requested);
  }
  out += ":rps=" + std::to_string(job.rps);
  out += ":active-threads=" + std::string(active ? "1" : "0");
  out += ":status=" + std::string(status_text(status));
  std::string progress = active ? "0.00" : "100.00";
  if (active && job.pids_total != 0) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.2f", 100.0 * job.pids_done.load() / job.pids_total);
    progress = buf;
  }
  out += ":job-progress=" + progress;
  out += ":run-time=" + std::to_string(ms_between(job.started, active ? now : job.finished));
  out += ":time-since-done=" + std::to_string(active ? 0 : ms_between(job.finished, now));
  out += ":recs-throttled=0";
  out += ":recs-filtered-meta=" + std::to_string(job.recs_filtered_meta.load());
  out += ":recs-filtered-bins=" + std::to_string(job.recs_filtered_bins.load());
  out += ":recs-succeeded=" + std::to_string(job.recs_succeeded.load());
  out += ":recs-failed=" + std::to_string(job.recs_failed.load());
  if (!job.from.empty()) out += ":from=" + job.from;
  out += ":job-type=" + std::string(type_text(job.type));
  out += ":net-io-bytes=" + std::to_string(job.net_io_bytes.load());
  out += ":net-io-time=0";
  out += ":socket-timeout=" + std::to_string(job.socket_timeout);
  return out;
}

}  // namespace aero::testserver
