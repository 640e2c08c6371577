#include "client/metrics/reporter.h"

namespace aero::metrics {

MetricsReporter::MetricsReporter(std::function<MetricsSnapshot()> take,
                                 std::function<void(const MetricsSnapshot&)> listener,
                                 std::chrono::milliseconds interval, Executor& executor)
    : take_(std::move(take)),
      listener_(std::move(listener)),
      interval_(interval),
      executor_(executor),
      thread_([this] { run(); }) {}

void MetricsReporter::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::uint64_t MetricsReporter::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

void MetricsReporter::run() {
  using Clock = std::chrono::steady_clock;
  std::unique_lock lock(mutex_);
  Clock::time_point next = Clock::now() + interval_;
  while (!changed_.wait_until(lock, next, [this] { return stopping_; })) {
    // The next deadline follows the schedule; after a slow call it starts afresh (no burst).
    next += interval_;
    if (next < Clock::now()) next = Clock::now() + interval_;
    task_pending_ = true;
    lock.unlock();
    const bool accepted = executor_.submit([this] { tick(); });
    lock.lock();
    if (!accepted) {
      task_pending_ = false;  // the executor shut down: nothing more can be called
      break;
    }
    // Even when stopping: the submitted tick runs (and returns at once), then we are done.
    changed_.wait(lock, [this] { return !task_pending_; });
  }
}

void MetricsReporter::tick() {
  bool call = false;
  {
    std::lock_guard lock(mutex_);
    call = !stopping_;
  }
  if (call) {
    MetricsSnapshot now = take_();
    const MetricsSnapshot interval = now.since(last_);
    last_ = std::move(now);
    listener_(interval);
  }
  {
    std::lock_guard lock(mutex_);
    if (call) ++calls_;
    task_pending_ = false;
  }
  changed_.notify_all();
}

}  // namespace aero::metrics
