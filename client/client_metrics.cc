// Client: the periodic metrics listener (ClientConfig::metrics_interval, client/policy.h).
#include <algorithm>
#include <map>

#include "client/client.h"
#include "client/cluster/cluster.h"
#include "client/cluster/node.h"
#include "client/cluster/tender.h"
#include "client/command/connection_pool.h"
#include "client/metrics/reporter.h"

namespace aero {
namespace {

void add_node(cluster::Node& n, bool active, metrics::NodeMetrics& nm) {
  if (nm.name.empty() || active) {
    nm.name = n.name();
    nm.address = n.address().to_string();
  }
  nm.active = nm.active || active;
  for (std::size_t i = 0; i < n.pool_count(); ++i) {
    n.recorder(i).add_to(nm);
    const metrics::ConnectionMetrics c = n.pool(i).metrics();
    nm.connections.open += c.open;
    nm.connections.opened += c.opened;
    nm.connections.closed += c.closed;
    nm.connections.reused += c.reused;
    nm.connections.broken += c.broken;
    nm.connections.connect_failures += c.connect_failures;
  }
  nm.errors += n.errors_total();
  nm.error_rate_rejections += n.rejections_total();
}

}  // namespace

// Active nodes, then retired ones (cluster::Cluster::retired()) under the same name: a node
// that moved or came back is one entry with every instance's counts.
void Client::add_node_metrics(metrics::MetricsSnapshot& m) const {
  if (cluster_) {
    std::map<std::string, std::size_t> index;
    auto entry = [&](const std::string& name) -> metrics::NodeMetrics& {
      auto [it, fresh] = index.emplace(name, m.nodes.size());
      if (fresh) {
        m.nodes.emplace_back();
        m.nodes.back().active = false;
      }
      return m.nodes[it->second];
    };
    auto snap = cluster_->snapshot();
    for (const auto& n : snap->nodes) add_node(*n, true, entry(n->name()));
    // The tender retires a node before it publishes the snapshot without it: a node in both
    // lists is counted once, as the active one it still is in this snapshot.
    for (const auto& n : cluster_->retired()) {
      const bool listed = std::any_of(snap->nodes.begin(), snap->nodes.end(),
                                      [&](const auto& active) { return active.get() == n.get(); });
      if (!listed) add_node(*n, false, entry(n->name()));
    }
  }
}

void Client::start_reporter() {
  if (config_.metrics_interval.count() <= 0 || !config_.metrics_listener) return;
  Executor* executor = config_.metrics_executor;
  if (executor == nullptr) executor = config_.completion_executor;
  if (executor == nullptr) executor = &loops_.front()->executor();
  reporter_ = std::make_unique<metrics::MetricsReporter>(
      [this] { return metrics(); }, config_.metrics_listener,
      std::chrono::duration_cast<std::chrono::milliseconds>(config_.metrics_interval), *executor);
}

}  // namespace aero
