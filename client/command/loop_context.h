// LoopContext: what the client keeps per loop: flow control (commands in process, the
// delay queue), the cached cluster snapshot, and where completions go.
//
// Threads: submit_from_any_thread() from any thread; everything else on the loop's thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "client/cluster/partition_map.h"
#include "client/metrics/metrics.h"
#include "client/policy.h"
#include "client/status.h"
#include "executor/executor.h"
#include "io/loop.h"

namespace aero::cluster {
class Cluster;
}

namespace aero::command {

class Command;

// A finished command waiting for its completion to run (LoopContext::deliver_soon). The
// link lives in the object, so queueing one allocates nothing.
class Deliverable {
 public:
  // Runs the user's completion; the object may be reused as soon as it returns.
  virtual void deliver() = 0;

 protected:
  Deliverable() = default;
  ~Deliverable() = default;

 private:
  friend class LoopContext;
  Deliverable* deliver_next_ = nullptr;
};

class LoopContext {
 public:
  LoopContext(io::Loop& loop, std::size_t index, cluster::Cluster& cluster,
              Executor* completion_executor, const ClientConfig& config);
  ~LoopContext();

  io::Loop& loop() { return loop_; }
  std::size_t index() const { return index_; }
  const ClientConfig& config() const { return config_; }

  // Where completions run: the user's executor, or this loop's serial executor.
  Executor& completion_executor() { return *completion_executor_; }
  // True when completions run on this loop's own serial executor (no user executor).
  bool completes_on_loop() const { return completes_on_loop_; }

  // Runs `d->deliver()` on the completion executor, soon. On the loop thread the finished
  // commands of one loop iteration are collected and handed over together: one task posted
  // to the loop per iteration, which runs them (serial executor) or hands them to the user's
  // executor as tasks of up to kDeliveriesPerTask completions each (one submit per task
  // instead of one per command). Off the loop thread (a command failed before it reached its
  // loop) it is submitted alone. Where an executor refuses (shut down), the deliveries run
  // on the calling thread.
  void deliver_soon(Deliverable* d);
  // The most completions one task on a user's executor runs, one after the other (the
  // tasks themselves run in parallel on a pool).
  static constexpr int kDeliveriesPerTask = 16;

  // Any thread: hands `cmd` to the loop (directly when already on it). If the loop no
  // longer accepts work, the command fails with ClientCode::client_closed on this thread.
  void submit(Command* cmd);

  // Loop thread: flow control. A command runs now, waits in the delay queue, or fails with
  // queue_full.
  void admit(Command* cmd);
  // Loop thread: a running command finished; starts the oldest queued one.
  void on_command_done();
  // Loop thread: removes a queued command (its deadline passed). False if not queued.
  bool remove_queued(Command* cmd);

  // Loop thread: the current cluster snapshot (re-read only when the cluster published a
  // new one; reading it takes no lock).
  const cluster::ClusterSnapshot& snapshot();
  // Loop thread: snapshot().find(ns), remembered for the namespace asked last (a loop's
  // commands mostly go to one namespace: the lookup then reads only this context, not the
  // snapshot's namespace list and each map's name, cache misses on every command).
  const cluster::NamespaceMap* namespace_map(std::string_view ns);

  // Loop thread: fail everything queued (client closing).
  void fail_queued(const Status& status);

  // Counters for tests and metrics (loop thread writes; relaxed reads from anywhere).
  std::uint64_t commands_started() const { return started_.load(std::memory_order_relaxed); }
  int in_process() const { return in_process_; }
  // Connections of timed-out commands drained (Policy::timeout_delay): started, put back in
  // the pool, closed (not complete by the deadline, or broken).
  std::uint64_t drains_started() const { return drains_started_.load(std::memory_order_relaxed); }
  std::uint64_t drains_recovered() const { return drains_recovered_.load(std::memory_order_relaxed); }
  std::uint64_t drains_closed() const { return drains_closed_.load(std::memory_order_relaxed); }
  void note_drain_started() { bump(drains_started_); }
  void note_drain_finished(bool recovered) { bump(recovered ? drains_recovered_ : drains_closed_); }
  int queued() const { return queued_count_; }
  // Any thread (relaxed): gauges and the flow-control refusals.
  metrics::LoopMetrics metrics() const {
    metrics::LoopMetrics m;
    m.in_process = in_process_gauge_.load(std::memory_order_relaxed);
    m.queued = queued_gauge_.load(std::memory_order_relaxed);
    m.commands_started = commands_started();
    m.queue_full = queue_full_.load(std::memory_order_relaxed);
    return m;
  }

 private:
  io::Loop& loop_;
  std::size_t index_;
  cluster::Cluster& cluster_;
  Executor* completion_executor_;
  const ClientConfig& config_;

  void flush_deliveries();                     // loop thread
  static void run_deliveries(Deliverable* d);  // runs a list; touches no LoopContext

  bool completes_on_loop_;
  Deliverable* deliver_head_ = nullptr;  // loop thread: finished, completion not handed over
  Deliverable* deliver_tail_ = nullptr;
  bool flush_posted_ = false;

  std::shared_ptr<const cluster::ClusterSnapshot> snapshot_;
  std::uint64_t snapshot_version_ = ~0ull;
  // namespace_map()'s memory: the map of `map_ns_` in the snapshot of `map_version_`.
  std::string map_ns_;
  const cluster::NamespaceMap* map_ = nullptr;
  std::uint64_t map_version_ = ~0ull;

  int in_process_ = 0;
  bool draining_ = false;
  int queued_count_ = 0;
  Command* queue_head_ = nullptr;
  Command* queue_tail_ = nullptr;
  std::atomic<std::uint64_t> started_{0};
  std::atomic<std::uint64_t> drains_started_{0};
  std::atomic<std::uint64_t> drains_recovered_{0};
  std::atomic<std::uint64_t> drains_closed_{0};
  std::atomic<std::uint64_t> queue_full_{0};
  std::atomic<int> in_process_gauge_{0};  // copies of in_process_ and queued_count_ for
  std::atomic<int> queued_gauge_{0};      // readers on other threads (plain stores)
  void publish_gauges() {
    in_process_gauge_.store(in_process_, std::memory_order_relaxed);
    queued_gauge_.store(queued_count_, std::memory_order_relaxed);
  }

  // Written by the loop thread only: a relaxed load and store, no locked instruction.
  static void bump(std::atomic<std::uint64_t>& c) {
    c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
};

}  // namespace aero::command
