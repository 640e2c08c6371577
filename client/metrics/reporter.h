// MetricsReporter: the periodic metrics listener behind ClientConfig::metrics_interval /
// metrics_listener (client/policy.h). A timing thread wakes every interval and submits one
// task to the executor; the task takes a snapshot, hands the listener what happened since
// the previous one (MetricsSnapshot::since) and only then lets the timer run again, so calls
// never overlap and the intervals' counts add up to the total exactly.
//
// Threads: construct and stop()/destroy from one controlling thread (never from the
// executor the listener runs on: stop() waits for a call in progress). The listener runs on
// the executor.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "client/metrics/metrics.h"
#include "executor/executor.h"

namespace aero::metrics {

// Calls the periodic listener every interval with the interval's snapshot (see the top of this
// header); owned by the Client.
class MetricsReporter {
 public:
  // Starts the timing thread: every `interval`, `take` is called on `executor` for a
  // snapshot and `listener` gets what happened since the previous call (the first call: since
  // the reporter started, counted from an empty snapshot).
  MetricsReporter(std::function<MetricsSnapshot()> take,
                  std::function<void(const MetricsSnapshot&)> listener,
                  std::chrono::milliseconds interval, Executor& executor);
  ~MetricsReporter() { stop(); }
  MetricsReporter(const MetricsReporter&) = delete;
  MetricsReporter& operator=(const MetricsReporter&) = delete;

  // No call starts after it returns; waits for a call in progress. Idempotent.
  void stop();

  // Calls made so far (any thread).
  std::uint64_t calls() const;

 private:
  void run();   // the timing thread
  void tick();  // on the executor

  std::function<MetricsSnapshot()> take_;
  std::function<void(const MetricsSnapshot&)> listener_;
  const std::chrono::milliseconds interval_;
  Executor& executor_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  bool task_pending_ = false;  // a tick was submitted and has not finished
  std::uint64_t calls_ = 0;
  MetricsSnapshot last_;  // touched by tick() only; ticks never overlap
  std::thread thread_;    // last: starts once everything above exists
};

}  // namespace aero::metrics
