#include "client/metrics/export.h"

#include <cinttypes>
#include <cstdio>

namespace aero::metrics {

namespace {

std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string u64(std::uint64_t v) { return std::to_string(v); }

std::string seconds(double ns) {
  char b[64];
  std::snprintf(b, sizeof b, "%.9g", ns / 1e9);
  return b;
}

constexpr double kBoundsSeconds[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                     0.025,  0.05,    0.1,    0.25,  0.5,    1.0,   2.5,
                                     5.0,    10.0};

class Prom {
 public:
  explicit Prom(const std::string& prefix) : prefix_(prefix) {}
  void header(const char* name, const char* type, const char* help) {
    out_ += "# HELP " + prefix_ + "_" + name + " " + help + "\n";
    out_ += "# TYPE " + prefix_ + "_" + name + " " + type + "\n";
  }
  void sample(const std::string& name, const std::string& labels, const std::string& value) {
    out_ += prefix_ + "_" + name + "{" + labels + "} " + value + "\n";
  }
  void sample(const std::string& name, const std::string& value) {
    out_ += prefix_ + "_" + name + " " + value + "\n";
  }
  std::string take() { return std::move(out_); }

 private:
  std::string prefix_;
  std::string out_;
};

std::string node_labels(const NodeMetrics& n) {
  return "node=\"" + escape_label(n.name) + "\",address=\"" + escape_label(n.address) + "\"";
}

}  // namespace

std::string to_prometheus(const MetricsSnapshot& s, const std::string& prefix) {
  Prom p(prefix);
  p.header("commands_total", "counter", "Commands completed, by node, kind and result (ok or the result code).");
  for (const NodeMetrics& n : s.nodes) {
    for (int k = 0; k < kCommandKinds; ++k) {
      const KindMetrics& m = n.kinds[static_cast<std::size_t>(k)];
      if (m.commands == 0) continue;
      const std::string l = node_labels(n) + ",kind=\"" + kind_name(static_cast<CommandKind>(k)) + "\"";
      p.sample("commands_total", l + ",result=\"ok\"", u64(m.ok));
      for (const auto& [code, count] : m.errors) {
        p.sample("commands_total", l + ",result=\"" + std::to_string(code) + "\"", u64(count));
      }
    }
  }
  struct Counted {
    const char* name;
    const char* help;
    std::uint64_t KindMetrics::*field;
  };
  const Counted counted[] = {
      {"client_timeouts_total", "Commands ended by the client's own timeout.", &KindMetrics::client_timeouts},
      {"retries_total", "Attempts after the first.", &KindMetrics::retries},
      {"in_doubt_total", "Failed writes that may have been applied.", &KindMetrics::in_doubt},
  };
  for (const Counted& c : counted) {
    p.header(c.name, "counter", c.help);
    for (const NodeMetrics& n : s.nodes) {
      for (int k = 0; k < kCommandKinds; ++k) {
        const KindMetrics& m = n.kinds[static_cast<std::size_t>(k)];
        if (m.commands == 0) continue;
        p.sample(c.name, node_labels(n) + ",kind=\"" + kind_name(static_cast<CommandKind>(k)) + "\"",
                 u64(m.*(c.field)));
      }
    }
  }
  p.header("latency_seconds", "histogram", "Command latency from submission to completion.");
  for (const NodeMetrics& n : s.nodes) {
    for (int k = 0; k < kCommandKinds; ++k) {
      const KindMetrics& m = n.kinds[static_cast<std::size_t>(k)];
      if (m.commands == 0) continue;
      const std::string l = node_labels(n) + ",kind=\"" + kind_name(static_cast<CommandKind>(k)) + "\"";
      std::size_t bucket = 0;
      std::uint64_t below = 0;
      for (double bound : kBoundsSeconds) {
        const auto bound_ns = static_cast<std::uint64_t>(bound * 1e9);
        while (bucket < Histogram::kBucketCount && Histogram::highest_in(bucket) <= bound_ns) {
          below += m.latency.count_at(bucket++);
        }
        char le[32];
        std::snprintf(le, sizeof le, "%g", bound);
        p.sample("latency_seconds_bucket", l + ",le=\"" + le + "\"", u64(below));
      }
      p.sample("latency_seconds_bucket", l + ",le=\"+Inf\"", u64(m.latency.count()));
      p.sample("latency_seconds_sum", l, seconds(m.latency.mean() * static_cast<double>(m.latency.count())));
      p.sample("latency_seconds_count", l, u64(m.latency.count()));
    }
  }
  p.header("connections", "gauge", "Connections open (idle, in use or connecting).");
  for (const NodeMetrics& n : s.nodes) p.sample("connections", node_labels(n), std::to_string(n.connections.open));
  p.header("connections_opened_total", "counter", "Connections opened.");
  for (const NodeMetrics& n : s.nodes) p.sample("connections_opened_total", node_labels(n), u64(n.connections.opened));
  p.header("connections_closed_total", "counter", "Connections closed (broken, idle too long, node gone).");
  for (const NodeMetrics& n : s.nodes) p.sample("connections_closed_total", node_labels(n), u64(n.connections.closed));
  p.header("connections_broken_total", "counter",
           "Connections closed because an exchange failed on them.");
  for (const NodeMetrics& n : s.nodes)
    p.sample("connections_broken_total", node_labels(n), u64(n.connections.broken));
  p.header("connect_failures_total", "counter", "Connects (or their login) that failed.");
  for (const NodeMetrics& n : s.nodes) {
    p.sample("connect_failures_total", node_labels(n), u64(n.connections.connect_failures));
  }
  p.header("node_active", "gauge", "1 while the node is in the cluster view, 0 after it left.");
  for (const NodeMetrics& n : s.nodes)
    p.sample("node_active", node_labels(n), n.active ? "1" : "0");
  p.header("node_errors_total", "counter", "Errors counted by the circuit breaker.");
  for (const NodeMetrics& n : s.nodes) p.sample("node_errors_total", node_labels(n), u64(n.errors));
  p.header("error_rate_rejections_total", "counter", "Commands refused by the circuit breaker.");
  for (const NodeMetrics& n : s.nodes) {
    p.sample("error_rate_rejections_total", node_labels(n), u64(n.error_rate_rejections));
  }
  p.header("loop_in_process", "gauge", "Commands executing on the loop.");
  for (std::size_t i = 0; i < s.loops.size(); ++i) {
    p.sample("loop_in_process", "loop=\"" + std::to_string(i) + "\"", std::to_string(s.loops[i].in_process));
  }
  p.header("loop_queued", "gauge", "Commands waiting in the loop's delay queue.");
  for (std::size_t i = 0; i < s.loops.size(); ++i) {
    p.sample("loop_queued", "loop=\"" + std::to_string(i) + "\"", std::to_string(s.loops[i].queued));
  }
  p.header("loop_queue_full_total", "counter", "Commands refused by flow control.");
  for (std::size_t i = 0; i < s.loops.size(); ++i) {
    p.sample("loop_queue_full_total", "loop=\"" + std::to_string(i) + "\"", u64(s.loops[i].queue_full));
  }
  p.header("tends_total", "counter", "Cluster tends.");
  p.sample("tends_total", u64(s.cluster.tends));
  p.header("tend_failures_total", "counter", "Node refreshes that failed.");
  p.sample("tend_failures_total", u64(s.cluster.tend_failures));
  p.header("partition_map_changes_total", "counter", "Partition maps published.");
  p.sample("partition_map_changes_total", u64(s.cluster.partition_map_changes));
  p.header("nodes_added_total", "counter", "Nodes added to the cluster view.");
  p.sample("nodes_added_total", u64(s.cluster.nodes_added));
  p.header("nodes_removed_total", "counter", "Nodes removed from the cluster view.");
  p.sample("nodes_removed_total", u64(s.cluster.nodes_removed));
  return p.take();
}

namespace {

std::string quoted(const std::string& v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", static_cast<unsigned>(c));
      out += b;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string us(double ns) {
  char b[64];
  std::snprintf(b, sizeof b, "%.3f", ns / 1e3);
  return b;
}

std::string kind_json(const KindMetrics& m) {
  std::string j = "{\"commands\":" + u64(m.commands) + ",\"ok\":" + u64(m.ok) + ",\"errors\":{";
  bool first = true;
  for (const auto& [code, n] : m.errors) {
    j += (first ? "" : ",") + quoted(std::to_string(code)) + ":" + u64(n);
    first = false;
  }
  j += "},\"client_timeouts\":" + u64(m.client_timeouts) + ",\"retries\":" + u64(m.retries) +
       ",\"in_doubt\":" + u64(m.in_doubt) + ",\"latency_us\":{";
  const Histogram& h = m.latency;
  j += "\"count\":" + u64(h.count()) + ",\"mean\":" + us(h.mean());
  const std::pair<const char*, double> points[] = {{"p50", 50}, {"p90", 90}, {"p99", 99}, {"p99.9", 99.9}};
  for (const auto& [name, p] : points) {
    j += ",\"" + std::string(name) + "\":" + us(static_cast<double>(h.value_at_percentile(p)));
  }
  j += ",\"max\":" + us(static_cast<double>(h.max())) + "}}";
  return j;
}

}  // namespace

std::string to_json(const MetricsSnapshot& s) {
  std::string j = "{\"nodes\":[";
  for (std::size_t i = 0; i < s.nodes.size(); ++i) {
    const NodeMetrics& n = s.nodes[i];
    j += (i ? "," : "") + std::string("{\"name\":") + quoted(n.name) +
         ",\"address\":" + quoted(n.address) +
         ",\"connections\":{\"open\":" + std::to_string(n.connections.open) +
         ",\"opened\":" + u64(n.connections.opened) + ",\"closed\":" + u64(n.connections.closed) +
         ",\"reused\":" + u64(n.connections.reused) + ",\"broken\":" + u64(n.connections.broken) +
         ",\"connect_failures\":" + u64(n.connections.connect_failures) +
         "},\"active\":" + (n.active ? "true" : "false") + ",\"errors\":" + u64(n.errors) +
         ",\"error_rate_rejections\":" + u64(n.error_rate_rejections) + ",\"kinds\":{";
    bool first = true;
    for (int k = 0; k < kCommandKinds; ++k) {
      const KindMetrics& m = n.kinds[static_cast<std::size_t>(k)];
      if (m.commands == 0) continue;
      j += (first ? "" : ",") + quoted(kind_name(static_cast<CommandKind>(k))) + ":" + kind_json(m);
      first = false;
    }
    j += "}}";
  }
  j += "],\"loops\":[";
  for (std::size_t i = 0; i < s.loops.size(); ++i) {
    const LoopMetrics& l = s.loops[i];
    j += (i ? "," : "") + std::string("{\"in_process\":") + std::to_string(l.in_process) +
         ",\"queued\":" + std::to_string(l.queued) + ",\"commands_started\":" + u64(l.commands_started) +
         ",\"queue_full\":" + u64(l.queue_full) + "}";
  }
  const ClusterMetrics& c = s.cluster;
  j += "],\"cluster\":{\"tends\":" + u64(c.tends) + ",\"tend_failures\":" + u64(c.tend_failures) +
       ",\"partition_map_changes\":" + u64(c.partition_map_changes) + ",\"nodes_added\":" +
       u64(c.nodes_added) + ",\"nodes_removed\":" + u64(c.nodes_removed) + "}}";
  return j;
}

}  // namespace aero::metrics
