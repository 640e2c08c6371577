// Client: the periodic metrics listener (ClientConfig::metrics_interval, client/policy.h).
#include "client/client.h"
#include "client/metrics/reporter.h"

namespace aero {

void Client::start_reporter() {
  if (config_.metrics_interval.count() <= 0 || !config_.metrics_listener) return;
  Executor* executor = config_.metrics_executor;
  if (executor == nullptr) executor = config_.completion_executor;
  if (executor == nullptr) executor = &loops_.front()->executor();
  reporter_ = std::make_unique<metrics::MetricsReporter>(
      [this] { return metrics(); }, config_.metrics_listener,
      std::chrono::duration_cast<std::chrono::milliseconds>(config_.metrics_interval),
      *executor);
}

}  // namespace aero
