#include "client/metrics/metrics.h"

namespace aero::metrics {

const char* kind_name(CommandKind kind) {
  switch (kind) {
    case CommandKind::read: return "read";
    case CommandKind::write: return "write";
    case CommandKind::batch: return "batch";
    case CommandKind::scan: return "scan";
    case CommandKind::query: return "query";
    case CommandKind::udf: return "udf";
    case CommandKind::info: return "info";
  }
  return "unknown";
}

void KindMetrics::add(const KindMetrics& o) {
  latency.add(o.latency);
  commands += o.commands;
  ok += o.ok;
  for (const auto& [code, n] : o.errors) errors[code] += n;
  client_timeouts += o.client_timeouts;
  retries += o.retries;
  in_doubt += o.in_doubt;
}

namespace {
// Counters only grow; a smaller later value (a node replaced under the same name) counts as
// a fresh start rather than wrapping around.
std::uint64_t minus(std::uint64_t now, std::uint64_t before) { return now >= before ? now - before : now; }
}  // namespace

void KindMetrics::subtract(const KindMetrics& e) {
  if (latency.count() >= e.latency.count()) {
    latency.subtract(e.latency);
    latency.forget_exact_max();
  }
  commands = minus(commands, e.commands);
  ok = minus(ok, e.ok);
  for (auto it = errors.begin(); it != errors.end();) {
    auto before = e.errors.find(it->first);
    if (before != e.errors.end()) it->second = minus(it->second, before->second);
    it = it->second == 0 ? errors.erase(it) : std::next(it);
  }
  client_timeouts = minus(client_timeouts, e.client_timeouts);
  retries = minus(retries, e.retries);
  in_doubt = minus(in_doubt, e.in_doubt);
}

const NodeMetrics* MetricsSnapshot::node(std::string_view name) const {
  for (const NodeMetrics& n : nodes) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

KindMetrics MetricsSnapshot::total(CommandKind kind) const {
  KindMetrics t;
  for (const NodeMetrics& n : nodes) t.add(n.kind(kind));
  return t;
}

void MetricsSnapshot::merge(const MetricsSnapshot& other) {
  for (const NodeMetrics& o : other.nodes) {
    NodeMetrics* mine = nullptr;
    for (NodeMetrics& n : nodes) {
      if (n.name == o.name) mine = &n;
    }
    if (mine == nullptr) {
      nodes.push_back(o);
      continue;
    }
    for (std::size_t k = 0; k < mine->kinds.size(); ++k) mine->kinds[k].add(o.kinds[k]);
    mine->connections.open += o.connections.open;
    mine->connections.opened += o.connections.opened;
    mine->connections.closed += o.connections.closed;
    mine->connections.reused += o.connections.reused;
    mine->connections.broken += o.connections.broken;
    mine->connections.connect_failures += o.connections.connect_failures;
    mine->active = mine->active || o.active;
    mine->errors += o.errors;
    mine->error_rate_rejections += o.error_rate_rejections;
  }
  loops.insert(loops.end(), other.loops.begin(), other.loops.end());
  cluster.tends += other.cluster.tends;
  cluster.tend_failures += other.cluster.tend_failures;
  cluster.partition_map_changes += other.cluster.partition_map_changes;
  cluster.nodes_added += other.cluster.nodes_added;
  cluster.nodes_removed += other.cluster.nodes_removed;
}

MetricsSnapshot MetricsSnapshot::since(const MetricsSnapshot& e) const {
  MetricsSnapshot d = *this;
  for (NodeMetrics& n : d.nodes) {
    const NodeMetrics* before = e.node(n.name);
    if (before == nullptr) continue;
    for (std::size_t k = 0; k < n.kinds.size(); ++k) n.kinds[k].subtract(before->kinds[k]);
    n.connections.opened = minus(n.connections.opened, before->connections.opened);
    n.connections.closed = minus(n.connections.closed, before->connections.closed);
    n.connections.reused = minus(n.connections.reused, before->connections.reused);
    n.connections.broken = minus(n.connections.broken, before->connections.broken);
    n.connections.connect_failures =
        minus(n.connections.connect_failures, before->connections.connect_failures);
    n.errors = minus(n.errors, before->errors);
    n.error_rate_rejections = minus(n.error_rate_rejections, before->error_rate_rejections);
  }
  for (std::size_t i = 0; i < d.loops.size() && i < e.loops.size(); ++i) {
    d.loops[i].commands_started = minus(d.loops[i].commands_started, e.loops[i].commands_started);
    d.loops[i].queue_full = minus(d.loops[i].queue_full, e.loops[i].queue_full);
  }
  d.cluster.tends = minus(cluster.tends, e.cluster.tends);
  d.cluster.tend_failures = minus(cluster.tend_failures, e.cluster.tend_failures);
  d.cluster.partition_map_changes = minus(cluster.partition_map_changes, e.cluster.partition_map_changes);
  d.cluster.nodes_added = minus(cluster.nodes_added, e.cluster.nodes_added);
  d.cluster.nodes_removed = minus(cluster.nodes_removed, e.cluster.nodes_removed);
  return d;
}

}  // namespace aero::metrics
