#include "bench/tool/json.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "bench/tool/report.h"
#include "client/status.h"

namespace aero::bench {

std::string JsonWriter::quote(std::string_view s) {
  std::string q;
  q.reserve(s.size() + 2);
  q += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': q += "\\\""; break;
      case '\\': q += "\\\\"; break;
      case '\b': q += "\\b"; break;
      case '\f': q += "\\f"; break;
      case '\n': q += "\\n"; break;
      case '\r': q += "\\r"; break;
      case '\t': q += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          q += buf;
        } else {
          q += static_cast<char>(c);
        }
    }
  }
  q += '"';
  return q;
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_items_.empty()) {
    if (has_items_.back()) out_ += ',';
    has_items_.back() = true;
  }
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  out_ += '{';
  has_items_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  has_items_.pop_back();
  out_ += '}';
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  out_ += '[';
  has_items_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  has_items_.pop_back();
  out_ += ']';
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
  before_value();
  out_ += quote(k);
  out_ += ':';
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
  before_value();
  out_ += quote(s);
  return *this;
}

JsonWriter& JsonWriter::value(bool b) {
  before_value();
  out_ += b ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t n) {
  before_value();
  out_ += std::to_string(n);
  return *this;
}

JsonWriter& JsonWriter::value(std::uint64_t n) {
  before_value();
  out_ += std::to_string(n);
  return *this;
}

JsonWriter& JsonWriter::value(double d) {
  if (!std::isfinite(d)) return null();
  before_value();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  // Keep short forms short: 0.1 rather than 0.10000000000000001 when it round-trips.
  for (int prec = 6; prec < 17; ++prec) {
    char shorter[40];
    std::snprintf(shorter, sizeof shorter, "%.*g", prec, d);
    if (std::strtod(shorter, nullptr) == d) {
      out_ += shorter;
      return *this;
    }
  }
  out_ += buf;
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  before_value();
  out_ += json;
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_ += "null";
  return *this;
}

namespace {

double us(std::uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

void write_config(JsonWriter& j, const Options& o) {
  j.key("config").begin_object();
  j.field("target", target_string(o));
  j.field("embedded", o.embedded());
  j.key("hosts").begin_array();
  for (const Host& h : o.hosts) {
    j.begin_object().field("host", h.name).field("port", static_cast<int>(h.port)).end_object();
  }
  j.end_array();
  j.field("nodes", o.embedded() ? o.nodes : 0);
  j.field("namespace", o.ns).field("set", o.set).field("bin", o.bin);
  j.field("workload", workload_string(o.workload));
  j.field("read_percent", o.workload.read_percent).field("batch_size", o.workload.batch_size);
  j.field("keys", o.keys).field("start_key", o.start_key);
  j.field("object_spec", object_spec_string(o.object)).field("random_values", o.random_values);
  j.field("load_model", o.open_loop() ? "open" : "closed");
  j.field("rate", o.rate);
  j.field("in_flight", o.in_flight).field("loops", o.loops);
  j.field("executor", o.executor == ExecutorKind::serial ? "serial" : "tbb");
  j.field("tbb_threads", o.tbb_threads);
  j.field("duration_s", o.duration_s).field("ops", o.ops);
  j.field("timeout_ms", o.timeout_ms).field("seed", o.seed);
  j.end_object();
}

void write_errors(JsonWriter& j, const ErrorClasses& e) {
  j.begin_object()
      .field("timeout", e.timeout)
      .field("connection", e.connection)
      .field("server", e.server)
      .field("client", e.client)
      .end_object();
}

}  // namespace

std::string result_json(const RunResult& r, const Options& o) {
  JsonWriter j;
  const Snapshot& t = *r.totals;
  j.begin_object();
  j.field("tool", "aerobench").field("format", 1);
  write_config(j, o);
  j.key("prefill");
  if (r.prefilled) {
    j.begin_object()
        .field("records", r.prefill_records)
        .field("errors", r.prefill_errors)
        .field("seconds", r.prefill_s)
        .end_object();
  } else {
    j.null();
  }
  std::uint64_t not_found = 0, timeouts = 0;
  for (const auto& k : t.kinds) {
    not_found += k.not_found;
    timeouts += k.timeouts;
  }
  const std::uint64_t total = t.completed();
  j.field("elapsed_s", r.elapsed_s).field("commands", total);
  j.field("per_second", r.elapsed_s > 0 ? static_cast<double>(total) / r.elapsed_s : 0.0);
  j.field("not_found", not_found).field("errors", t.errors()).field("timeouts", timeouts);
  if (o.open_loop()) j.field("max_backlog", r.max_backlog);
  j.field("sockets_opened", r.sockets_opened);
  j.field("sockets_closed", r.sockets_closed);
  j.field("drains_started", r.drains_started);
  j.field("drains_recovered", r.drains_recovered);
  j.field("loop_system_calls", r.loop_system_calls);
  j.field("loop_syscalls_per_command",
          total > 0 ? static_cast<double>(r.loop_system_calls) / static_cast<double>(total) : 0.0);
  j.field("loop_polls_per_command",
          total > 0 ? static_cast<double>(r.loop_polls) / static_cast<double>(total) : 0.0);
  if (!r.client_metrics_json.empty()) j.key("client_metrics").raw(r.client_metrics_json);
  j.key("cpu").begin_object();
  j.field("user_s", r.cpu_user_s).field("sys_s", r.cpu_sys_s);
  j.field("per_command_us",
          total > 0 ? (r.cpu_user_s + r.cpu_sys_s) * 1e6 / static_cast<double>(total) : 0.0);
  j.field("includes_server", r.cpu_includes_server);
  j.end_object();

  j.key("series").begin_array();
  for (const SecondSample& s : r.series) {
    j.begin_object().field("t_s", s.t_s).field("interval_s", s.interval_s);
    j.key("errors");
    write_errors(j, s.errors);
    for (int i = 0; i < kOpKinds; ++i) {
      if (!r.used[i]) continue;
      const SecondSample::Kind& k = s.kinds[i];
      j.key(op_name(static_cast<OpKind>(i))).begin_object();
      j.field("count", k.completed);
      j.field("per_second", s.interval_s > 0 ? static_cast<double>(k.completed) / s.interval_s : 0.0);
      j.field("ok", k.ok).field("not_found", k.not_found).field("errors", k.errors);
      j.field("timeouts", k.timeouts);
      j.field("p50_us", us(k.p50_ns)).field("p99_us", us(k.p99_ns)).field("max_us", us(k.max_ns));
      j.end_object();
    }
    j.end_object();
  }
  j.end_array();

  j.key("latency").begin_object();
  for (int i = 0; i < kOpKinds; ++i) {
    if (!r.used[i]) continue;
    const Histogram& h = t.kinds[i].latency;
    j.key(op_name(static_cast<OpKind>(i))).begin_object();
    j.field("count", h.count()).field("mean_us", h.mean() / 1000.0).field("min_us", us(h.min()));
    static constexpr struct {
      const char* name;
      double p;
    } kPoints[] = {{"p50_us", 50}, {"p90_us", 90}, {"p99_us", 99}, {"p99.9_us", 99.9}, {"p99.99_us", 99.99}};
    for (const auto& p : kPoints) j.field(p.name, us(h.value_at_percentile(p.p)));
    j.field("max_us", us(h.max()));
    j.key("buckets").begin_array();
    for (std::size_t b = 0; b < Histogram::kBucketCount; ++b) {
      if (h.count_at(b) == 0) continue;
      j.begin_array()
          .value(Histogram::lowest_in(b))
          .value(Histogram::highest_in(b))
          .value(h.count_at(b))
          .end_array();
    }
    j.end_array();
    j.end_object();
  }
  j.end_object();

  j.key("errors_by_code").begin_array();
  for (int slot = 0; slot < kCodeSlots; ++slot) {
    std::uint64_t n = 0;
    for (const auto& k : t.kinds) n += k.by_code[slot];
    if (n == 0) continue;
    const int code = slot_code(slot);
    j.begin_object().field("code", code).field("name", result_code_name(code));
    for (int i = 0; i < kOpKinds; ++i) {
      if (r.used[i]) j.field(op_name(static_cast<OpKind>(i)), t.kinds[i].by_code[slot]);
    }
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return j.str() + "\n";
}

}  // namespace aero::bench
