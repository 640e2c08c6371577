// Background scans and queries (info2 WRITE: the request's write operations applied by the
// server to every matching record), run asynchronously as a real server runs them.
//
// The request is answered at once (one LAST message); the job then walks the partitions this
// node masters on the cluster's background worker thread, at most `rps` records per second
// (the request's RECORDS_PER_SECOND, or the namespace's background-query-max-rps, 10000 in
// 8.1, when it asks for none; aerospike-server as/src/query/query.c,
// validate_background_query_rps). While it runs, query-show lists it as active(ok) with its
// progress; it ends as done(ok), or done(user-aborted) after query-abort.
//
// Threads: BackgroundRunner::submit() from any thread (node loops); the jobs run on the
// runner's own thread, which the destructor joins (ClusterState owns the runner).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "test/server/jobs.h"
#include "test/server/message.h"
#include "test/server/query_filter.h"
#include "test/server/record_ops.h"
#include "test/server/store.h"

namespace aero::testserver {

class ClusterState;

// background-query-max-rps, the 8.1 default (captured get-config:context=namespace).
inline constexpr uint32_t kBackgroundQueryMaxRps = 10000;

class BackgroundJob {
 public:
  // Copies the request `m` (its ops are applied to every match). `pids`: the partitions asked
  // for (the job skips those this node does not master when it reaches them).
  BackgroundJob(const RequestContext& ctx, const MessageView& m, Namespace& ns, int ns_index,
                std::vector<uint32_t> pids, std::string set, std::unique_ptr<QueryFilter> query,
                std::shared_ptr<JobRecord> record, uint32_t rps);

  // Applies the ops to the records due by `now` (a bounded number). Returns true when the job
  // is over (every partition walked, or aborted); otherwise `*next` is when more are due.
  bool step(ClusterState& cluster, std::chrono::steady_clock::time_point now,
            std::chrono::steady_clock::time_point* next);

  const std::shared_ptr<JobRecord>& record() const { return record_; }
  int node() const { return node_; }

 private:
  bool collect_next_partition(ClusterState& cluster, const PartitionMap& map);

  std::vector<uint8_t> request_;  // an owned copy of the message
  MessageView m_;                 // parsed from request_
  int node_ = 0;
  Namespace* ns_ = nullptr;
  int ns_index_ = 0;
  std::vector<uint32_t> pids_;
  size_t next_pid_ = 0;
  std::string set_;
  std::unique_ptr<QueryFilter> query_;
  std::shared_ptr<JobRecord> record_;
  uint32_t rps_ = kBackgroundQueryMaxRps;
  std::vector<Digest> pending_;  // matches of the current partition, not yet written
  size_t next_pending_ = 0;
  uint64_t processed_ = 0;
  std::chrono::steady_clock::time_point started_;
};

class BackgroundRunner {
 public:
  explicit BackgroundRunner(ClusterState& cluster) : cluster_(cluster) {}
  ~BackgroundRunner();
  BackgroundRunner(const BackgroundRunner&) = delete;
  BackgroundRunner& operator=(const BackgroundRunner&) = delete;

  // Lists the job as active in its node's JobTable and starts running it.
  void submit(std::unique_ptr<BackgroundJob> job);

 private:
  void run();

  ClusterState& cluster_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<BackgroundJob>> incoming_;
  bool stop_ = false;
  std::thread thread_;  // started by the first submit()
};

}  // namespace aero::testserver
