// Scan and query job tracking, as `query-show`, `query-abort` and `query-abort-all` see it.
//
// Each node keeps its own table (ClusterState::jobs(node)): the jobs that are running (active)
// and the most recent finished ones (at most `query-max-done` = 100, oldest evicted first, as in
// aerospike-server as/src/query/query_manager.c). Short queries are not tracked, as on a real
// server. A Connection creates a JobRecord when a long scan or query starts, the ScanJob
// counts records into it, and the connection marks it finished.
//
// Threads: JobTable and JobRecord may be used from any thread (a mutex guards the table; the
// counters of a record are atomics).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace aero::testserver {

enum class JobStatus : uint8_t {
  kActive,          // active(ok)
  kDone,            // done(ok)
  kUserAborted,     // done(user-aborted): query-abort / query-abort-all
  kResponseError,   // done(abandoned-response-error): the client went away mid-stream
};

enum class JobType : uint8_t { kBasic, kAggregation, kBackgroundOps, kBackgroundUdf };

struct JobRecord {
  uint64_t trid = 0;
  std::string ns;
  std::string set;          // empty: whole namespace (the key is then left out)
  std::string sindex_name;  // empty: a scan (the key is then left out)
  uint32_t n_pids_requested = 0;
  uint32_t n_keyds_requested = 0;  // partitions resumed after a digest
  uint32_t rps = 0;
  uint32_t socket_timeout = 0;
  JobType type = JobType::kBasic;
  std::string from;  // client address as the server prints it: "127.0.0.1+53320"

  std::atomic<uint64_t> recs_succeeded{0};
  std::atomic<uint64_t> recs_failed{0};
  std::atomic<uint64_t> recs_filtered_meta{0};
  std::atomic<uint64_t> recs_filtered_bins{0};
  std::atomic<uint64_t> net_io_bytes{0};
  std::atomic<bool> abort_requested{false};
  bool completed = false;  // a background job that ScanJob::start ran to completion
  // Background jobs (background.h): partitions walked so far, of pids_total (job-progress).
  std::atomic<uint32_t> pids_done{0};
  uint32_t pids_total = 0;

  // Set by JobTable.
  std::atomic<JobStatus> status{JobStatus::kActive};
  std::chrono::steady_clock::time_point started{};
  std::chrono::steady_clock::time_point finished{};

  bool aborted() const { return abort_requested.load(std::memory_order_relaxed); }
};

class JobTable {
 public:
  static constexpr size_t kMaxDone = 100;  // query-max-done default

  // Starts tracking `job` as active. False (and nothing tracked) when a job with the same
  // trid is still active.
  bool start(const std::shared_ptr<JobRecord>& job);
  // Moves an active job to the finished list with `status` (kDone unless it was aborted).
  void finish(const std::shared_ptr<JobRecord>& job, JobStatus status);
  // Records a job that ran to completion at once (a background job run synchronously).
  void add_finished(const std::shared_ptr<JobRecord>& job);

  // Asks an active job to stop. False when no active job has that trid.
  bool abort(uint64_t trid);
  // Asks every active job to stop; returns how many.
  size_t abort_all();

  std::shared_ptr<JobRecord> find(uint64_t trid) const;
  // Active jobs newest first, then finished jobs newest first (as query-show lists them).
  std::vector<std::shared_ptr<JobRecord>> list() const;
  void clear();

 private:
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<JobRecord>> active_;
  std::deque<std::shared_ptr<JobRecord>> done_;
};

struct MessageView;

// The record for a scan/query request (namespace, set, trid, partitions requested, rps, socket
// timeout, job type from info2 WRITE and the UDF op), or nullptr for a short query (not
// tracked). `from` is the client's address ("127.0.0.1+53320").
std::shared_ptr<JobRecord> new_job_record(const MessageView& m, std::string from);

// One job as `query-show` prints it: trid=..:ns=..:...:socket-timeout=..
std::string job_info_string(const JobRecord& job);

}  // namespace aero::testserver
