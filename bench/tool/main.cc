// aerobench: the load generator and latency harness (see --help and bench/README.md).
//
//   bazel run //bench/tool:aerobench                       # 10 s on an embedded 3-node cluster
//   bazel run //bench/tool:aerobench -- --hosts 10.0.0.1:3000 -w RU,80 -o S100 --rate 50000
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <initializer_list>
#include <optional>
#include <string>

#include "bench/tool/embedded_seed.h"
#include "client/metrics/export.h"
#include "bench/tool/flags.h"
#include "bench/tool/hgrm.h"
#include "bench/tool/json.h"
#include "bench/tool/load.h"
#include "bench/tool/recorder.h"
#include "bench/tool/report.h"
#include "bench/tool/stream.h"
#include "bench/tool/svg.h"
#include "bench/tool/target.h"
#include "client/client.h"
#include "executor/tbb_executor.h"
#include "test/server/cluster.h"

namespace {

using namespace aero;
using namespace aero::bench;

std::atomic<LoadRun*> g_run{nullptr};
std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int) {
  g_interrupted.store(true);
  LoadRun* run = g_run.load();
  if (run != nullptr) run->stop();
}

double cpu_seconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

struct Cpu {
  double user = 0, sys = 0;
  static Cpu now() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return {cpu_seconds(ru.ru_utime), cpu_seconds(ru.ru_stime)};
  }
};

// `bazel run` starts the program in its runfiles tree and says where the user was in
// BUILD_WORKING_DIRECTORY: relative output paths are meant from there.
std::string user_path(const std::string& p) {
  const char* wd = std::getenv("BUILD_WORKING_DIRECTORY");
  if (p.empty() || p.front() == '/' || wd == nullptr || *wd == '\0') return p;
  return std::string(wd) + "/" + p;
}

// An output file, opened before the run so that a bad path fails before any load.
struct OutputFile {
  std::string path;
  std::FILE* f = nullptr;
  bool open(const std::string& p) {
    path = user_path(p);
    f = std::fopen(path.c_str(), "w");
    return f != nullptr;
  }
  bool write(const std::string& text) {
    const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    return std::fclose(std::exchange(f, nullptr)) == 0 && ok;
  }
  ~OutputFile() {
    if (f != nullptr) std::fclose(f);
  }
};

bool workload_reads(const Workload& w) {
  return is_stream(w) || w.kind == Workload::Kind::read_modify_write || w.kind == Workload::Kind::batch_read ||
         (w.kind == Workload::Kind::read_update && w.read_percent > 0);
}

// The resilience flags onto every policy the run uses.
void apply_resilience_flags(const Options& o, ClientConfig& config) {
  for (Policy* p : std::initializer_list<Policy*>{&config.read, &config.write, &config.batch,
                                                  &config.batch_write}) {
    if (o.socket_timeout_ms >= 0) p->socket_timeout = Millis(o.socket_timeout_ms);
    if (o.max_retries >= 0) p->max_retries = o.max_retries;
    if (o.sleep_between_retries_ms >= 0) p->sleep_between_retries = Millis(o.sleep_between_retries_ms);
    p->sleep_multiplier = o.sleep_multiplier;
    p->max_sleep_between_retries = Millis(o.max_sleep_ms);
    p->retry_jitter = o.retry_jitter;
    p->timeout_delay = Millis(o.timeout_delay_ms);
  }
  if (o.max_error_rate >= 0) config.max_error_rate = o.max_error_rate;
  if (o.error_rate_window >= 1) config.error_rate_window = o.error_rate_window;
  config.use_services_alternate = o.services_alternate;
  config.enable_metrics = o.metrics;
  config.flow_control.max_commands_in_process = o.max_commands_in_process;
  config.flow_control.max_commands_in_queue = o.max_commands_in_queue;
}

// The client's view per node: commands, errors and latency percentiles per command kind.
std::string per_node_lines(const metrics::MetricsSnapshot& m) {
  std::string s = "per node (client metrics):\n";
  for (const metrics::NodeMetrics& n : m.nodes) {
    for (int k = 0; k < metrics::kCommandKinds; ++k) {
      const metrics::KindMetrics& km = n.kinds[static_cast<std::size_t>(k)];
      if (km.commands == 0) continue;
      char line[256];
      std::snprintf(line, sizeof line,
                    "  %s %s %-6s %10llu commands, %llu errors, %llu timeouts; p50 %.0f us, p99 %.0f us, max %.0f us\n",
                    n.name.c_str(), n.address.c_str(), metrics::kind_name(static_cast<metrics::CommandKind>(k)),
                    static_cast<unsigned long long>(km.commands),
                    static_cast<unsigned long long>(km.commands - km.ok),
                    static_cast<unsigned long long>(km.client_timeouts),
                    static_cast<double>(km.latency.value_at_percentile(50)) / 1e3,
                    static_cast<double>(km.latency.value_at_percentile(99)) / 1e3,
                    static_cast<double>(km.latency.max()) / 1e3);
      s += line;
    }
  }
  return s;
}

int run(const Options& o) {
  // ---- Outputs first: a bad path is an error before anything starts. ----
  OutputFile json, plot;
  std::vector<std::unique_ptr<OutputFile>> hgrm(kOpKinds);
  if (!o.json_path.empty() && !json.open(o.json_path)) {
    std::fprintf(stderr, "aerobench: cannot write --json file '%s': %m\n", json.path.c_str());
    return 1;
  }
  if (!o.plot_path.empty() && !plot.open(o.plot_path)) {
    std::fprintf(stderr, "aerobench: cannot write --plot file '%s': %m\n", plot.path.c_str());
    return 1;
  }
  const std::array<bool, kOpKinds> used = op_kinds_used(o.workload);
  if (!o.hgrm_prefix.empty()) {
    for (int i = 0; i < kOpKinds; ++i) {
      if (!used[i]) continue;
      hgrm[i] = std::make_unique<OutputFile>();
      const std::string path = o.hgrm_prefix + "." + op_name(static_cast<OpKind>(i)) + ".hgrm";
      if (!hgrm[i]->open(path)) {
        std::fprintf(stderr, "aerobench: cannot write --hgrm file '%s': %m\n", hgrm[i]->path.c_str());
        return 1;
      }
    }
  }

  // ---- The cluster: embedded, or the hosts given. ----
  std::unique_ptr<testserver::Cluster> embedded;
  ClientConfig config;
  if (o.embedded()) {
    testserver::ClusterOptions co;
    co.nodes = o.nodes;
    co.replication_factor = std::min(2, o.nodes);
    co.namespaces = {o.ns};
    embedded = std::make_unique<testserver::Cluster>(co);
    std::string error;
    if (!embedded->start(&error)) {
      std::fprintf(stderr, "aerobench: cannot start the embedded test cluster: %s\n", error.c_str());
      return 1;
    }
    config.seeds.push_back({"127.0.0.1", embedded->seed_port()});
  } else if (o.server_delay_ms > 0) {
    std::fprintf(stderr, "aerobench: --server-delay needs the embedded cluster (no --hosts)\n");
    return 2;
  } else {
    config.seeds = o.hosts;
  }
  config.tls = o.tls;
  std::optional<TbbExecutor> pool;
  if (o.executor == ExecutorKind::tbb) {
    config.completion_executor = o.tbb_threads > 0 ? &pool.emplace(o.tbb_threads) : &pool.emplace();
  }
  apply_resilience_flags(o, config);
  config.user = o.user;
  config.password = o.password;
  config.auth_mode = o.auth_mode;
  config.loops = o.loops;
  if (o.io_uring) config.io_backend = io::LoopKind::io_uring;
  config.async_max_conns_per_node = o.max_conns_per_node > 0 ? o.max_conns_per_node
                                                             : std::max(100, o.in_flight);
  auto connected = Client::connect(config);
  if (!connected.ok()) {
    std::fprintf(stderr, "aerobench: cannot connect to %s: %s\n", target_string(o).c_str(),
                 connected.status().to_string().c_str());
    return 1;
  }
  std::unique_ptr<Client> client = std::move(connected).value();
  ClientTarget target(*client, o.timeout_ms);

  const BinMaker maker(o.object, o.bin);
  const std::vector<Bin> fixed = fixed_bins(o.object, o.bin, o.seed);

  LoadConfig base;
  base.workload = o.workload;
  base.ns = o.ns;
  base.set = o.set;
  base.start_key = o.start_key;
  base.keys = o.keys;
  base.in_flight = o.in_flight;
  base.fixed_bins = &fixed;
  base.maker = &maker;
  base.random_values = o.random_values;
  base.seed = o.seed;

  RunResult result;
  result.used = used;
  result.cpu_includes_server = o.embedded();
  std::printf("%s", run_banner(o, is_stream(o.workload) ? std::string("rounds of one client pass and one bare-reader pass")
                                 : o.open_loop() ? "open loop at " + format_count(static_cast<std::uint64_t>(o.rate)) +
                                                     "/s (latency from intended start), at most " +
                                                     std::to_string(o.in_flight) + " in flight"
                                               : "closed loop, " + std::to_string(o.in_flight) +
                                                     " in flight")
                        .c_str());

  // ---- Prefill: insert the key space (closed loop), so reads find records. ----
  const bool prefill = o.prefill == Prefill::yes ||
                       (o.prefill == Prefill::automatic && o.embedded() && workload_reads(o.workload));
  if (prefill && embedded) {
    // Straight into the embedded cluster's store: a fraction of a second.
    const std::uint64_t t0 = now_ns();
    std::string error;
    if (!seed_embedded(*embedded, o.ns, o.set, o.start_key, o.keys, fixed, &error)) {
      std::fprintf(stderr, "aerobench: prefill failed: %s\n", error.c_str());
      return 1;
    }
    result.prefilled = true;
    result.prefill_records = static_cast<std::uint64_t>(o.keys);
    result.prefill_s = static_cast<double>(now_ns() - t0) / 1e9;
    std::printf("%s", prefill_line(result).c_str());
  } else if (prefill) {
    // Through the client: workload I over the key space, closed loop.
    std::printf("prefill: inserting %s records...\n", format_count(static_cast<std::uint64_t>(o.keys)).c_str());
    std::fflush(stdout);
    Recorder prefill_recorder;
    LoadConfig pc = base;
    pc.workload = Workload{Workload::Kind::insert, 0, 1};
    LoadRun prefill_run(target, prefill_recorder, pc);
    g_run.store(&prefill_run);
    prefill_run.start();
    prefill_run.wait();
    g_run.store(nullptr);
    auto snap = std::make_unique<Snapshot>();
    prefill_recorder.snapshot(snap.get());
    result.prefilled = true;
    result.prefill_records = (*snap)[OpKind::write].ok;
    result.prefill_errors = snap->errors();
    result.prefill_s = prefill_run.elapsed_s();
    std::printf("%s", prefill_line(result).c_str());
  }

  if (g_interrupted.load()) {
    std::fprintf(stderr, "aerobench: interrupted during the prefill\n");
    return 1;
  }

  // ---- Streaming workloads (SCAN, QUERY): rounds of a client pass and a bare pass. ----
  if (is_stream(o.workload)) {
    StreamSpec spec;
    spec.ns = o.ns;
    spec.set = o.set;
    spec.query = o.workload.kind == Workload::Kind::query;
    spec.bin = o.bin;
    spec.duration_s = o.duration_s;
    spec.max_rounds = static_cast<int>(std::min<std::int64_t>(o.ops, 1000000));
    StreamResult sr;
    std::string error;
    spec.interrupted = &g_interrupted;  // Ctrl-C ends the run after the current round
    const bool ok = run_stream(*client, spec, o.quiet ? nullptr : stdout, &sr, &error);
    client->close();
    if (embedded) embedded->stop();
    if (!ok) {
      std::fprintf(stderr, "aerobench: %s\n", error.c_str());
      return 1;
    }
    std::printf("%s", stream_report(spec, sr).c_str());
    if (json.f != nullptr && !json.write(stream_json(spec, sr))) {
      std::fprintf(stderr, "aerobench: writing '%s' failed\n", json.path.c_str());
      return 1;
    }
    return 0;
  }

  // ---- The measured run. ----
  Recorder recorder;
  LoadConfig lc = base;
  lc.rate = o.rate;
  lc.ops = o.ops;
  lc.duration_s = o.duration_s;
  LoadRun load(target, recorder, lc);
  Reporter reporter(recorder, used, o.quiet ? nullptr : stdout);
  if (embedded && o.server_delay_ms > 0) {
    for (std::size_t i = 0; i < embedded->size(); ++i) {
      embedded->node(i).set_fault(testserver::Fault::delay_by(std::chrono::milliseconds(o.server_delay_ms))
                                      .only(testserver::FaultScope::kDataRequests));
    }
  }
  const ClientStats stats0 = client->stats();
  const metrics::MetricsSnapshot metrics0 = client->metrics();
  auto loop_totals = [&client] {
    io::LoopStats sum;
    for (std::size_t i = 0; i < client->loop_count(); ++i) {
      const io::LoopStats s = client->loop(i).stats();
      sum.system_calls += s.system_calls;
      sum.polls += s.polls;
    }
    return sum;
  };
  const io::LoopStats loops0 = loop_totals();
  const Cpu cpu0 = Cpu::now();
  g_run.store(&load);
  load.start();
  reporter.start(load.t0_ns());
  load.wait();
  const Cpu cpu1 = Cpu::now();
  const io::LoopStats loops1 = loop_totals();
  g_run.store(nullptr);
  reporter.stop(load.end_ns());

  result.series = reporter.take_series();
  result.totals = std::make_unique<Snapshot>();
  recorder.snapshot(result.totals.get());
  result.elapsed_s = load.elapsed_s();
  result.cpu_user_s = cpu1.user - cpu0.user;
  result.cpu_sys_s = cpu1.sys - cpu0.sys;
  result.max_backlog = load.max_backlog();
  result.loop_system_calls = loops1.system_calls - loops0.system_calls;
  result.loop_polls = loops1.polls - loops0.polls;
  if (embedded) {
    for (std::size_t i = 0; i < embedded->size(); ++i) embedded->node(i).clear_fault();
  }
  if (o.metrics) {
    const metrics::MetricsSnapshot run = client->metrics().since(metrics0);
    result.client_metrics_json = metrics::to_json(run);
    result.per_node_report = per_node_lines(run);
  }
  client->close();  // waits for the drains too
  const ClientStats stats1 = client->stats();
  result.sockets_opened = stats1.sockets_opened - stats0.sockets_opened;
  result.sockets_closed = stats1.sockets_closed - stats0.sockets_closed;
  result.drains_started = stats1.drains_started - stats0.drains_started;
  result.drains_recovered = stats1.drains_recovered - stats0.drains_recovered;
  if (embedded) embedded->stop();

  std::printf("%s", final_report(result, o).c_str());
  int status = 0;
  if (json.f != nullptr && !json.write(result_json(result, o))) {
    std::fprintf(stderr, "aerobench: writing '%s' failed\n", json.path.c_str());
    status = 1;
  }
  if (plot.f != nullptr && !plot.write(plot_svg(result, o))) {
    std::fprintf(stderr, "aerobench: writing '%s' failed\n", plot.path.c_str());
    status = 1;
  }
  for (int i = 0; i < kOpKinds; ++i) {
    if (hgrm[i] && !hgrm[i]->write(hgrm_text(result.totals->kinds[i].latency))) {
      std::fprintf(stderr, "aerobench: writing '%s' failed\n", hgrm[i]->path.c_str());
      status = 1;
    }
  }
  std::uint64_t succeeded = 0;
  for (const auto& k : result.totals->kinds) succeeded += k.ok + k.not_found;
  if (succeeded == 0) {
    std::fprintf(stderr, "aerobench: no command succeeded\n");
    status = 1;
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  const ParseOutcome parsed = parse_flags(argc, argv);
  switch (parsed.what) {
    case ParseOutcome::What::help:
      std::printf("%s", help_text().c_str());
      return 0;
    case ParseOutcome::What::error:
      std::fprintf(stderr, "aerobench: %s\n", parsed.error.c_str());
      return 2;
    case ParseOutcome::What::run:
      break;
  }
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return run(parsed.options);
}
