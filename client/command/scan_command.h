// Scan and query streams: ScanJob (one user scan or query) and ScanNodeCommand (its request
// to one node for one round).
//
// A ScanJob tracks every partition of the stream (done, last digest, last bval, replica
// position), runs rounds (partitions grouped by owner node, one ScanNodeCommand per node,
// max_concurrent_nodes at a time), retries partitions a node did not serve on a later round,
// and hands records to its consumer through a bounded queue:
//   - push: a drain task on the completion executor calls the record callback, one record at
//     a time, then on_done once (a strand per stream);
//   - pull: RecordStream::next()/page() take records from the queue.
// Backpressure: when the queue holds max_pending_records, each node command stops reading
// after its current frame (Command::hold_reading) and the consumer posts a resume to the
// loop once the queue is back at half the bound.
//
// Threads: the tracker, the rounds and the node commands belong to the loop thread. The
// queue and the consumer state are shared with the consumer (one mutex, never held while
// user code runs). The job is shared-owned (loop side, node commands, drain tasks, a
// RecordStream) and decrements the client's outstanding count when destroyed.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "client/command/command.h"
#include "client/command/loop_context.h"
#include "client/scan.h"
#include "client/wire/batch.h"
#include "client/wire/query.h"
#include "executor/unique_function.h"

namespace aero::command {

class ScanNodeCommand;

// Loop-side state of one partition.
struct PartitionTrack {
  PartitionState state;
  unsigned replica_index = 0;
  bool unavailable = false;  // not served in the last round it was sent in
};

class ScanJob : public std::enable_shared_from_this<ScanJob> {
 public:
  ScanJob() = default;
  ~ScanJob();
  ScanJob(const ScanJob&) = delete;
  ScanJob& operator=(const ScanJob&) = delete;

  // ---- set by the submitter before start() ----
  std::string ns;
  std::string set;
  bool is_query = false;
  std::optional<Filter> filter;
  std::vector<std::string> bins;
  ScanPolicy policy;
  std::vector<PartitionTrack> parts;  // the stream's partitions, in filter order
  LoopContext* ctx = nullptr;
  std::atomic<std::int64_t>* live = nullptr;  // the client's outstanding count
  ScanRecordCallback on_record;  // push mode (empty: pull mode)
  ScanDoneCallback on_done;
  // Background job: write these ops on the server (no records come back).
  bool background = false;
  std::uint64_t shared_task_id = 0;  // background: one task id on every node (0: fresh ids)
  std::vector<Operation> write_ops;
  wire::WriteAttrs write_attrs;
  // Background UDF job (instead of write_ops): module.function(record, args) on every match.
  std::shared_ptr<const wire::BatchUdf> udf;
  // Stream aggregation (UDF op 1, with `udf`; client/aggregate.h): each node answers the
  // values of the stream's server phase as records with one bin, SUCCESS (no digest); a
  // FAILURE bin or an error ends the job. A node that fails is not retried (its values may
  // already be delivered), so any node error fails the whole stream.
  bool aggregate = false;
  // Set by the submitter: the stream fails at once with invalid_argument and this text.
  std::string invalid;

  // Loop thread: validates against the cluster and runs the first round.
  static void start(std::shared_ptr<ScanJob> job);

  // Any thread, instead of start(): the stream fails before it reaches a loop (bad input, a
  // closed client); on_done / next() get `status` through the completion executor.
  void fail_without_loop(Status status);

  // ---- consumer side (any thread) ----
  // Stops the stream: pending records are dropped, the loop closes the connections.
  void abort();
  // Pull mode.
  Future<std::optional<ScanRecord>> next();
  Future<std::vector<ScanRecord>> page(std::size_t n);
  std::optional<ScanSummary> summary() const;
  // Task ids of the last round (background jobs poll them).
  std::vector<std::uint64_t> task_ids() const;

  // ---- node commands (loop thread) ----
  bool on_record_decoded(ScanNodeCommand& cmd, ScanRecord rec);
  bool should_hold(ScanNodeCommand& cmd);
  void node_done(ScanNodeCommand& cmd, Status status);
  const Timing& timing() const { return timing_; }
  wire::ReadAttrs read_attrs;

 private:
  struct Pending {  // an outstanding pull
    std::size_t n = 0;
    bool single = true;
    std::optional<Promise<std::optional<ScanRecord>>> one;
    std::optional<Promise<std::vector<ScanRecord>>> many;
    std::vector<ScanRecord> got;
  };

  void run_round();
  void start_more_nodes();
  void round_done();
  void finish_loop(StreamEnd end, Status status);
  void loop_abort();
  void loop_resume();
  void fail_all(Status status);
  void publish(ScanSummary s);
  void schedule_drain_locked(std::unique_lock<std::mutex>& lock);
  void drain();
  void after_pop_locked();
  void note_consumed_locked(const ScanRecord& rec);
  void serve_pending_locked(std::unique_lock<std::mutex>& lock);
  void patch_cursor_locked(ScanSummary& s);
  void submit_task(Task task);

  // Loop side.
  Timing timing_;
  std::shared_ptr<ScanJob> loop_ref_;  // alive while the loop side runs
  std::vector<ScanNodeCommand*> waiting_;  // this round's commands not started yet
  std::vector<ScanNodeCommand*> running_;
  std::vector<ScanNodeCommand*> held_;     // paused by backpressure
  std::vector<std::uint64_t> task_ids_;
  std::vector<int> index_of_;              // partition id -> index in parts (-1: not ours)
  int round_ = 0;
  int retry_rounds_ = 0;
  std::uint64_t records_received_ = 0;     // this call, accepted (max_records)
  bool loop_finished_ = false;
  bool aborting_ = false;
  std::optional<Status> failure_;
  Status last_retry_error_;
  std::uint64_t bytes_ = 0;
  io::Timer retry_timer_;
  std::vector<PartitionState> initial_;    // the cursor as the stream started

  // Shared with the consumer.
  mutable std::mutex mutex_;
  std::deque<ScanRecord> queue_;
  std::size_t peak_pending_ = 0;
  bool held_flag_ = false;        // some command is held by backpressure
  bool resume_posted_ = false;
  bool abort_requested_ = false;
  bool drain_scheduled_ = false;
  bool done_pushed_ = false;      // the loop side finished; summary_ is set
  bool done_delivered_ = false;
  ScanSummary summary_;
  std::uint64_t consumed_ = 0;
  std::vector<bool> dropped_;     // partitions with records dropped by an abort
  std::vector<std::optional<std::pair<wire::Digest, std::int64_t>>> consumed_last_;
  std::unique_ptr<Pending> pending_;
  std::vector<std::uint64_t> task_ids_shared_;
};

class ScanNodeCommand final : public Command {
 public:
  ScanNodeCommand(std::shared_ptr<ScanJob> job, cluster::NodePtr node);

  std::vector<std::uint16_t> full;      // whole partitions
  std::vector<std::uint16_t> partial;   // partitions resumed after a digest
  std::vector<std::uint16_t> unavailable;
  std::uint64_t quota = 0;              // max_records share; 0 = none
  std::uint64_t records = 0;
  std::uint64_t bytes = 0;
  std::uint64_t task_id = 0;
  cluster::Node& node() { return *node_; }

  Status encode();
  void resume() { resume_reading(); }
  void abort(Status s) { abort_now(std::move(s)); }

 private:
  cluster::Node* select_node(const cluster::ClusterSnapshot& snapshot, unsigned replica_index) override;
  std::span<const std::uint8_t> request() override { return request_.span(); }
  Result<bool> on_frame(std::span<const std::uint8_t> body) override;
  bool hold_reading() override;
  void complete(Status status) override;
  void on_loop_done() override;
  Status aggregate_failure(const wire::MessageView& msg, int code);

  std::shared_ptr<ScanJob> job_;
  cluster::NodePtr node_;
  wire::Buffer request_;
};

// A fresh random non-zero 64-bit task id.
std::uint64_t new_task_id();

}  // namespace aero::command
