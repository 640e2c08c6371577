#include "bench/tool/json.h"

#include <nlohmann/json.hpp>

#include <cmath>

#include "bench/tool/report.h"
#include "client/status.h"

namespace aero::bench {

// Insertion-ordered objects: the keys come out in the order they are set (bench/compare and
// people read the document in that order).
using Json = nlohmann::ordered_json;

namespace {

double us(std::uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

Json config(const Options& o) {
  Json hosts = Json::array();
  for (const Host& h : o.hosts)
    hosts.push_back({{"host", h.name}, {"port", static_cast<int>(h.port)}});
  return {
      {"target", target_string(o)},
      {"embedded", o.embedded()},
      {"hosts", std::move(hosts)},
      {"nodes", o.embedded() ? o.nodes : 0},
      {"namespace", o.ns},
      {"set", o.set},
      {"bin", o.bin},
      {"workload", workload_string(o.workload)},
      {"read_percent", o.workload.read_percent},
      {"batch_size", o.workload.batch_size},
      {"keys", o.keys},
      {"start_key", o.start_key},
      {"object_spec", object_spec_string(o.object)},
      {"random_values", o.random_values},
      {"load_model", o.open_loop() ? "open" : "closed"},
      {"rate", o.rate},
      {"in_flight", o.in_flight},
      {"loops", o.loops},
      {"executor", o.executor == ExecutorKind::serial ? "serial" : "tbb"},
      {"tbb_threads", o.tbb_threads},
      {"duration_s", o.duration_s},
      {"ops", o.ops},
      {"timeout_ms", o.timeout_ms},
      {"seed", o.seed},
  };
}

Json errors(const ErrorClasses& e) {
  return {{"timeout", e.timeout},
          {"connection", e.connection},
          {"server", e.server},
          {"client", e.client}};
}

}  // namespace

std::string result_json(const RunResult& r, const Options& o) {
  const Snapshot& t = *r.totals;
  Json j;
  j["tool"] = "aerobench";
  j["format"] = 1;
  j["config"] = config(o);
  j["prefill"] = r.prefilled ? Json{{"records", r.prefill_records},
                                    {"errors", r.prefill_errors},
                                    {"seconds", r.prefill_s}}
                             : Json();
  std::uint64_t not_found = 0, timeouts = 0;
  for (const auto& k : t.kinds) {
    not_found += k.not_found;
    timeouts += k.timeouts;
  }
  const std::uint64_t total = t.completed();
  j["elapsed_s"] = r.elapsed_s;
  j["commands"] = total;
  j["per_second"] = r.elapsed_s > 0 ? static_cast<double>(total) / r.elapsed_s : 0.0;
  j["not_found"] = not_found;
  j["errors"] = t.errors();
  j["timeouts"] = timeouts;
  if (o.open_loop()) j["max_backlog"] = r.max_backlog;
  j["sockets_opened"] = r.sockets_opened;
  j["sockets_closed"] = r.sockets_closed;
  j["drains_started"] = r.drains_started;
  j["drains_recovered"] = r.drains_recovered;
  j["loop_system_calls"] = r.loop_system_calls;
  j["loop_syscalls_per_command"] =
      total > 0 ? static_cast<double>(r.loop_system_calls) / static_cast<double>(total) : 0.0;
  j["loop_polls_per_command"] =
      total > 0 ? static_cast<double>(r.loop_polls) / static_cast<double>(total) : 0.0;
  if (!r.client_metrics_json.empty()) {
    // client/metrics/export.h's document, embedded as a value (null if it were not JSON).
    Json metrics = Json::parse(r.client_metrics_json, nullptr, /*allow_exceptions=*/false);
    j["client_metrics"] = metrics.is_discarded() ? Json() : std::move(metrics);
  }
  j["cpu"] = {
      {"user_s", r.cpu_user_s},
      {"sys_s", r.cpu_sys_s},
      {"per_command_us",
       total > 0 ? (r.cpu_user_s + r.cpu_sys_s) * 1e6 / static_cast<double>(total) : 0.0},
      {"includes_server", r.cpu_includes_server},
  };

  Json& series = j["series"] = Json::array();
  for (const SecondSample& s : r.series) {
    Json second = {{"t_s", s.t_s}, {"interval_s", s.interval_s}, {"errors", errors(s.errors)}};
    for (int i = 0; i < kOpKinds; ++i) {
      if (!r.used[i]) continue;
      const SecondSample::Kind& k = s.kinds[i];
      second[op_name(static_cast<OpKind>(i))] = {
          {"count", k.completed},
          {"per_second", s.interval_s > 0 ? static_cast<double>(k.completed) / s.interval_s : 0.0},
          {"ok", k.ok},
          {"not_found", k.not_found},
          {"errors", k.errors},
          {"timeouts", k.timeouts},
          {"p50_us", us(k.p50_ns)},
          {"p99_us", us(k.p99_ns)},
          {"max_us", us(k.max_ns)},
      };
    }
    series.push_back(std::move(second));
  }

  Json& latency = j["latency"] = Json::object();
  for (int i = 0; i < kOpKinds; ++i) {
    if (!r.used[i]) continue;
    const Histogram& h = t.kinds[i].latency;
    Json kind = {{"count", h.count()}, {"mean_us", h.mean() / 1000.0}, {"min_us", us(h.min())}};
    static constexpr struct {
      const char* name;
      double p;
    } kPoints[] = {{"p50_us", 50}, {"p90_us", 90}, {"p99_us", 99}, {"p99.9_us", 99.9}, {"p99.99_us", 99.99}};
    for (const auto& p : kPoints) kind[p.name] = us(h.value_at_percentile(p.p));
    kind["max_us"] = us(h.max());
    Json& buckets = kind["buckets"] = Json::array();
    for (std::size_t b = 0; b < Histogram::kBucketCount; ++b) {
      if (h.count_at(b) == 0) continue;
      buckets.push_back({Histogram::lowest_in(b), Histogram::highest_in(b), h.count_at(b)});
    }
    latency[op_name(static_cast<OpKind>(i))] = std::move(kind);
  }

  Json& by_code = j["errors_by_code"] = Json::array();
  for (int slot = 0; slot < kCodeSlots; ++slot) {
    std::uint64_t n = 0;
    for (const auto& k : t.kinds) n += k.by_code[slot];
    if (n == 0) continue;
    const int code = slot_code(slot);
    Json entry = {{"code", code}, {"name", result_code_name(code)}};
    for (int i = 0; i < kOpKinds; ++i) {
      if (r.used[i]) entry[op_name(static_cast<OpKind>(i))] = t.kinds[i].by_code[slot];
    }
    by_code.push_back(std::move(entry));
  }
  // Bytes that are not UTF-8 (a set name given on the command line) are replaced, not thrown.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace aero::bench
