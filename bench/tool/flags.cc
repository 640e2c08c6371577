#include "bench/tool/flags.h"

#include "bench/tool/tls_flags.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>

namespace aero::bench {

namespace {

bool parse_i64(std::string_view s, std::int64_t lo, std::int64_t hi, std::int64_t* out) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi) return false;
  *out = v;
  return true;
}

bool parse_int(std::string_view s, int lo, int hi, int* out) {
  std::int64_t v = 0;
  if (!parse_i64(s, lo, hi, &v)) return false;
  *out = static_cast<int>(v);
  return true;
}

bool parse_double(const std::string& s, double lo, double hi, double* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v) || v < lo || v > hi) return false;
  *out = v;
  return true;
}

// "10", "2.5", "10s", "500ms", "2m" -> seconds.
bool parse_duration(std::string s, double* out) {
  double scale = 1;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, "ms") == 0) {
    scale = 1e-3;
    s.resize(s.size() - 2);
  } else if (s.size() > 1 && s.back() == 's') {
    s.pop_back();
  } else if (s.size() > 1 && s.back() == 'm') {
    scale = 60;
    s.pop_back();
  }
  double v = 0;
  if (!parse_double(s, 0, 1e7, &v)) return false;
  *out = v * scale;
  return true;
}

}  // namespace

bool parse_hosts(const std::string& list, int default_port, std::vector<Host>* out,
                 std::string* error) {
  out->clear();
  std::string_view rest = list;
  while (true) {
    const std::size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    Host h;
    h.port = static_cast<std::uint16_t>(default_port);
    std::string_view port_part;
    if (!item.empty() && item.front() == '[') {
      const std::size_t close = item.find(']');
      if (close == std::string_view::npos) {
        *error = "bad host '" + std::string(item) + "': missing ']' after an IPv6 address";
        return false;
      }
      h.name = std::string(item.substr(1, close - 1));
      std::string_view after = item.substr(close + 1);
      if (!after.empty()) {
        if (after.front() != ':') {
          *error = "bad host '" + std::string(item) + "': expected ':<port>' after ']'";
          return false;
        }
        port_part = after.substr(1);
        if (port_part.empty()) {
          *error = "bad host '" + std::string(item) + "': empty port";
          return false;
        }
      }
    } else {
      const std::size_t colon = item.find(':');
      const std::size_t second = colon == std::string_view::npos ? colon : item.find(':', colon + 1);
      // host:tls-name:port, the official clients' syntax for a seed's TLS name (exactly two
      // colons, neither part empty; anything else with two colons is an unbracketed IPv6).
      const bool with_tls_name = second != std::string_view::npos && colon > 0 &&
                                 second > colon + 1 && second + 1 < item.size() &&
                                 item.find(':', second + 1) == std::string_view::npos;
      if (with_tls_name) {
        h.name = std::string(item.substr(0, colon));
        h.tls_name = std::string(item.substr(colon + 1, second - colon - 1));
        port_part = item.substr(second + 1);
      } else if (second != std::string_view::npos) {
        *error = "bad host '" + std::string(item) + "': write IPv6 addresses in brackets, e.g. [::1]:3000";
        return false;
      } else {
        h.name = std::string(item.substr(0, colon));
      }
      if (!with_tls_name && colon != std::string_view::npos) {
        port_part = item.substr(colon + 1);
        if (port_part.empty()) {
          *error = "bad host '" + std::string(item) + "': empty port";
          return false;
        }
      }
    }
    if (h.name.empty()) {
      *error = "empty host name in '" + list + "'";
      return false;
    }
    if (!port_part.empty()) {
      int p = 0;
      if (!parse_int(port_part, 1, 65535, &p)) {
        *error = "bad port in '" + std::string(item) + "': use 1..65535";
        return false;
      }
      h.port = static_cast<std::uint16_t>(p);
    }
    out->push_back(std::move(h));
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return true;
}

std::string target_string(const Options& o) {
  if (o.embedded()) return "embedded " + std::to_string(o.nodes) + "-node test cluster";
  std::string s;
  for (const Host& h : o.hosts) {
    if (!s.empty()) s += ',';
    const bool v6 = h.name.find(':') != std::string::npos;
    s += (v6 ? "[" + h.name + "]" : h.name) + ":" + std::to_string(h.port);
  }
  return s;
}

ParseOutcome parse_flags(int argc, const char* const* argv) {
  ParseOutcome r;
  Options& o = r.options;
  std::string hosts;
  int port = 3000;
  bool duration_given = false;
  int batch_size = 1;
  auto fail = [&](std::string msg) {
    r.what = ParseOutcome::What::error;
    r.error = std::move(msg);
    return r;
  };

  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    bool has_inline_value = false;
    if (arg.rfind("--", 0) == 0) {
      const std::size_t eq = arg.find('=');
      if (eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg.resize(eq);
        has_inline_value = true;
      }
    }
    auto is = [&](std::initializer_list<const char*> names) {
      for (const char* n : names) {
        if (arg == n) return true;
      }
      return false;
    };
    auto boolean = [&](bool* target) {
      if (has_inline_value) return false;
      *target = true;
      return true;
    };
    // Takes the flag's value (inline or next argument).
    auto take = [&]() -> bool {
      if (has_inline_value) return true;
      if (i + 1 >= argc) return false;
      value = argv[++i];
      return true;
    };
    auto bad = [&](const std::string& what) {
      return fail("bad value '" + value + "' for " + arg + ": " + what);
    };

    if (is({"--help", "-?"})) {
      r.what = ParseOutcome::What::help;
      return r;
    }
    if (is({"--random"})) {
      if (!boolean(&o.random_values)) return fail("--random takes no value");
      continue;
    }
    if (is({"--jitter"})) {
      if (!boolean(&o.retry_jitter)) return fail("--jitter takes no value");
      continue;
    }
    if (is({"--metrics"})) {
      if (!boolean(&o.metrics)) return fail("--metrics takes no value");
      continue;
    }
    if (is({"--services-alternate"})) {
      if (!boolean(&o.services_alternate)) return fail("--services-alternate takes no value");
      continue;
    }
    if (is({"--quiet", "-q"})) {
      if (!boolean(&o.quiet)) return fail("--quiet takes no value");
      continue;
    }
    if (arg.rfind("--tls-", 0) == 0) {
      std::string err;
      if (!parse_tls_flag(arg, has_inline_value ? &value : nullptr, argc, argv, i, &o.tls, &err)) {
        return fail(err);
      }
      continue;
    }
    const bool known = is({"--hosts",
                           "--port",
                           "-p",
                           "--nodes",
                           "--namespace",
                           "-n",
                           "--set",
                           "-s",
                           "--bin",
                           "--keys",
                           "-k",
                           "--start-key",
                           "-K",
                           "--object-spec",
                           "--object",
                           "-o",
                           "--workload",
                           "-w",
                           "--batch-size",
                           "--prefill",
                           "--duration",
                           "-t",
                           "--ops",
                           "--loops",
                           "--event-loops",
                           "--in-flight",
                           "--async-max-commands",
                           "--rate",
                           "--throughput",
                           "-g",
                           "--executor",
                           "--io",
                           "--tbb-threads",
                           "--timeout",
                           "--max-conns",
                           "--json",
                           "--hgrm",
                           "--plot",
                           "--seed",
                           "--socket-timeout",
                           "--retries",
                           "--sleep-between-retries",
                           "--backoff",
                           "--max-sleep",
                           "--timeout-delay",
                           "--max-error-rate",
                           "--error-rate-window",
                           "--server-delay",
                           "--max-commands-in-process",
                           "--max-commands-in-queue",
                           "--user",
                           "-U",
                           "--password",
                           "-P",
                           "--auth"});
    if (!known) {
      return fail("unknown flag '" + std::string(argv[i]) + "' (see --help)");
    }
    if (!take()) return fail("missing value for " + arg);

    std::string err;
    if (is({"--hosts"})) {
      hosts = value;
      if (hosts.empty()) return bad("give host[:port][,host[:port]...]");
    } else if (is({"--port", "-p"})) {
      if (!parse_int(value, 1, 65535, &port)) return bad("use 1..65535");
    } else if (is({"--nodes"})) {
      if (!parse_int(value, 1, 8, &o.nodes)) return bad("the embedded cluster has 1..8 nodes");
    } else if (is({"--namespace", "-n"})) {
      if (value.empty() || value.size() > 31) return bad("a namespace name has 1..31 bytes");
      o.ns = value;
    } else if (is({"--set", "-s"})) {
      if (value.size() > 63) return bad("a set name has at most 63 bytes");
      o.set = value;
    } else if (is({"--bin"})) {
      if (value.empty() || value.size() > 10) {
        return bad("use 1..10 bytes (bin names have at most 15, and more bins add _2, _3...)");
      }
      o.bin = value;
    } else if (is({"--keys", "-k"})) {
      if (!parse_i64(value, 1, std::int64_t{1} << 40, &o.keys)) return bad("use a count of at least 1");
    } else if (is({"--start-key", "-K"})) {
      if (!parse_i64(value, 0, std::int64_t{1} << 62, &o.start_key)) return bad("use 0 or more");
    } else if (is({"--object-spec", "--object", "-o"})) {
      if (!parse_object_spec(value, &o.object, &err)) return fail(err);
    } else if (is({"--workload", "-w"})) {
      if (!parse_workload(value, &o.workload, &err)) return fail(err);
    } else if (is({"--batch-size"})) {
      if (!parse_int(value, 1, kMaxBatchSize, &batch_size)) {
        return bad("use 1.." + std::to_string(kMaxBatchSize));
      }
    } else if (is({"--prefill"})) {
      if (value == "auto") o.prefill = Prefill::automatic;
      else if (value == "yes") o.prefill = Prefill::yes;
      else if (value == "no") o.prefill = Prefill::no;
      else return bad("use auto, yes or no");
    } else if (is({"--duration", "-t"})) {
      if (!parse_duration(value, &o.duration_s)) return bad("use seconds, e.g. 10, 2.5, 500ms");
      duration_given = true;
    } else if (is({"--ops"})) {
      if (!parse_i64(value, 1, std::int64_t{1} << 50, &o.ops)) return bad("use a count of at least 1");
    } else if (is({"--loops", "--event-loops"})) {
      if (!parse_int(value, 1, 256, &o.loops)) return bad("use 1..256");
    } else if (is({"--in-flight", "--async-max-commands"})) {
      if (!parse_int(value, 1, 1'000'000, &o.in_flight)) return bad("use 1..1000000");
    } else if (is({"--rate", "--throughput", "-g"})) {
      if (!parse_double(value, 0, 1e9, &o.rate)) return bad("use commands per second (0 = closed loop)");
    } else if (is({"--executor"})) {
      if (value == "serial") o.executor = ExecutorKind::serial;
      else if (value == "tbb") o.executor = ExecutorKind::tbb;
      else return bad("use serial or tbb");
    } else if (is({"--io"})) {
      if (value == "epoll")
        o.io_uring = false;
      else if (value == "uring")
        o.io_uring = true;
      else
        return bad("use epoll or uring");
    } else if (is({"--tbb-threads"})) {
      if (!parse_int(value, 0, 1024, &o.tbb_threads)) return bad("use 0 (one per core) .. 1024");
    } else if (is({"--timeout"})) {
      if (!parse_int(value, 0, 3'600'000, &o.timeout_ms)) return bad("use milliseconds, 0 = none");
    } else if (is({"--socket-timeout"})) {
      if (!parse_int(value, 0, 3'600'000, &o.socket_timeout_ms)) return bad("use milliseconds, 0 = none");
    } else if (is({"--retries"})) {
      if (!parse_int(value, 0, 1000, &o.max_retries)) return bad("use 0..1000");
    } else if (is({"--sleep-between-retries"})) {
      if (!parse_int(value, 0, 3'600'000, &o.sleep_between_retries_ms)) return bad("use milliseconds");
    } else if (is({"--backoff"})) {
      if (!parse_double(value, 1, 100, &o.sleep_multiplier)) return bad("use a multiplier 1..100");
    } else if (is({"--max-sleep"})) {
      if (!parse_int(value, 0, 3'600'000, &o.max_sleep_ms)) return bad("use milliseconds, 0 = no cap");
    } else if (is({"--timeout-delay"})) {
      if (!parse_int(value, 0, 3'600'000, &o.timeout_delay_ms)) return bad("use milliseconds, 0 = close at once");
    } else if (is({"--max-error-rate"})) {
      if (!parse_int(value, 0, 1'000'000'000, &o.max_error_rate)) return bad("use 0 (no limit) or more");
    } else if (is({"--error-rate-window"})) {
      if (!parse_int(value, 1, 1'000'000, &o.error_rate_window)) return bad("use tends, 1 or more");
    } else if (is({"--max-commands-in-process"})) {
      if (!parse_int(value, 0, 1'000'000, &o.max_commands_in_process)) return bad("use 0 (no limit) or more");
    } else if (is({"--max-commands-in-queue"})) {
      if (!parse_int(value, 0, 100'000'000, &o.max_commands_in_queue)) return bad("use 0 (no limit) or more");
    } else if (is({"--server-delay"})) {
      if (!parse_int(value, 0, 3'600'000, &o.server_delay_ms)) return bad("use milliseconds");
    } else if (is({"--user", "-U"})) {
      o.user = value;
    } else if (is({"--password", "-P"})) {
      o.password = value;
    } else if (is({"--auth"})) {
      if (value == "INTERNAL") o.auth_mode = AuthMode::internal;
      else if (value == "EXTERNAL") o.auth_mode = AuthMode::external;
      else if (value == "EXTERNAL_INSECURE") o.auth_mode = AuthMode::external_insecure;
      else if (value == "PKI") o.auth_mode = AuthMode::pki;
      else return bad("use INTERNAL, EXTERNAL, EXTERNAL_INSECURE or PKI");
    } else if (is({"--max-conns"})) {
      if (!parse_int(value, 1, 100'000, &o.max_conns_per_node)) return bad("use 1..100000");
    } else if (is({"--json"})) {
      if (value.empty()) return bad("give a file name");
      o.json_path = value;
    } else if (is({"--hgrm"})) {
      if (value.empty()) return bad("give a file name prefix");
      o.hgrm_prefix = value;
    } else if (is({"--plot"})) {
      if (value.empty()) return bad("give a file name, e.g. latency.svg");
      o.plot_path = value;
    } else if (is({"--seed"})) {
      std::int64_t s = 0;
      if (!parse_i64(value, 0, INT64_MAX, &s)) return bad("use 0 or more");
      o.seed = static_cast<std::uint64_t>(s);
    }
  }

  if (!hosts.empty()) {
    std::string err;
    if (!parse_hosts(hosts, port, &o.hosts, &err)) return fail("--hosts: " + err);
  }
  if (o.tls.enabled && hosts.empty()) {
    return fail("--tls-enable needs --hosts (the embedded test cluster has no certificates)");
  }
  if (batch_size > 1) {
    if (o.workload.kind != Workload::Kind::read_update) {
      return fail("--batch-size applies to RU workloads (use BR,<n> for batch reads only)");
    }
    o.workload.batch_size = batch_size;
  }
  if (o.workload.kind == Workload::Kind::insert && !duration_given) o.duration_s = 0;
  if (o.ops > 0 && !duration_given) o.duration_s = 0;
  if (o.duration_s == 0 && o.ops == 0 && o.workload.kind != Workload::Kind::insert) {
    return fail("the run has no end: give --duration > 0 or --ops");
  }
  if (is_stream(o.workload)) {
    if (o.rate > 0) return fail("--rate applies to command workloads, not to " + workload_string(o.workload));
    if (!o.hgrm_prefix.empty() || !o.plot_path.empty()) {
      return fail("--hgrm and --plot apply to command workloads, not to " + workload_string(o.workload));
    }
    if (o.workload.kind == Workload::Kind::query && o.object.front().kind != BinSpec::Kind::integer) {
      return fail("workload QUERY queries the first bin through an integer index: its object spec must start with I");
    }
  }
  if (o.workload.batch_size > o.keys) {
    return fail("the batch size (" + std::to_string(o.workload.batch_size) +
                ") is larger than the key space (--keys " + std::to_string(o.keys) + ")");
  }
  if (o.start_key > INT64_MAX - o.keys) return fail("--start-key + --keys overflows");
  return r;
}

std::string help_text() {
  return R"(aerobench: load generator and latency harness for the aerospike_async client

Without --hosts it starts an embedded in-memory test cluster (3 nodes) in this process
and runs against it, so it works on a machine with no Aerospike installed. With --hosts
it runs against a real cluster, unchanged.

Load models
  closed loop (the default): --in-flight commands are kept in flight; each completion
      starts the next command. The rate is whatever client and server sustain; latency
      runs from the moment each command is submitted.
  open loop (--rate R): commands are scheduled at R per second whatever the completions
      do (at most --in-flight at once; the rest wait their turn). Latency runs from each
      command's intended start time, so a stall counts against every command it delayed,
      not just the one in flight (no coordinated omission).

Target
  --hosts H[:P][,H[:P]...]  seed hosts of a real cluster; IPv6 as [addr]:port
                            (default: the embedded test cluster)
  -p, --port P              port for hosts given without one (default 3000)
  --nodes N                 nodes of the embedded cluster, 1..8 (default 3)
  -n, --namespace NS        namespace (default test)
  -s, --set SET             set (default testset)
  --bin NAME                first bin name; more bins are NAME_2, NAME_3... (default testbin)

Workload
  -w, --workload W          I          insert every key once, then stop
                            RU,<r>     r% reads, the rest writes (default RU,50)
                            RMW        read, then write back if the generation is unchanged
                            BR,<n>     batch reads of n random keys
                            SCAN       whole-set scans: records/s and MB/s, and the ratio
                                       to a bare reader of the same stream in the same run
                            QUERY      the same with an index range query over the first
                                       bin (integer; the index is created first)
                            (SCAN/QUERY: --ops N = N rounds of one client pass and one
                            bare pass each, else rounds until --duration)
  -k, --keys N              key space: keys start-key .. start-key+N-1 (default 100000)
  -K, --start-key N         first key (default 0)
  -o, --object-spec SPEC    bins of a written record, comma-separated: I (= I4), I1..I8
                            integers, D double, S<n> string of n chars, B<n> n bytes
                            (default I4), e.g. -o S100 or -o I4,S100,B64
  --random                  new random values for every write (default: one fixed record)
  --batch-size N            with RU: each read is a batch read of N random keys
  --prefill auto|yes|no     fill the key space before the measured run (auto = yes on
                            the embedded cluster when the workload reads; there the
                            records are stored directly, elsewhere inserted with workload I)

Duration and load
  -t, --duration S          seconds: 10, 2.5, 500ms, 2m (default 10; for I: until done)
  --ops N                   stop after N commands (then no time limit unless -t is given)
  --loops N                 event loops, each a thread doing socket work (default 1)
  --in-flight N             commands in flight (default 100)
  -g, --rate R              open loop at R commands per second (default: closed loop)
  --executor serial|tbb     where completions run: on the loop's thread (serial, default)
                            or on a oneTBB pool (tbb)
  --tbb-threads N           threads of the TBB pool (default: one per core)
  --io epoll|uring          the loops' backend (default epoll; uring falls back to epoll
                            with one line where the kernel refuses io_uring)
  --timeout MS              total timeout per command, ms (default 1000; 0 = none)
  --max-conns N             connections per node (default: the larger of 100 and --in-flight)

Resilience (client/policy.h; defaults are the client's)
  --socket-timeout MS       idle timeout per attempt (0 = only the total timeout)
  --retries N               retries per command (reads and writes)
  --sleep-between-retries MS  first sleep before a retry
  --backoff X               multiply the sleep by X at each further retry (default 1)
  --max-sleep MS            cap on the sleep between retries (0 = none)
  --jitter                  random sleep between half and all of it
  --timeout-delay MS        drain a timed-out answer for up to MS and reuse the connection
                            (default 0: close it)
  --max-error-rate N        circuit breaker: errors per node per window before its commands
                            fail at once (0 = no limit; client default 100)
  --error-rate-window T     the breaker's window, in tends (client default 1)
  --metrics                 record the client's metrics (ClientConfig::enable_metrics) and
                            print latency and errors per node at the end (and in --json)
  --services-alternate      take node addresses from peers-clear-alt (clients outside the
                            cluster's network)
  --max-commands-in-process N  flow control per loop: commands running at once (0 = no limit)
  --max-commands-in-queue N    commands waiting behind them; beyond, queue_full (0 = no limit)
  --server-delay MS         embedded cluster only: every node answers data commands MS late
                            (with a shorter --socket-timeout: what timeouts cost)

Security (a cluster with security enabled)
  -U, --user USER           log in as USER
  -P, --password PW         the user's password
  --auth MODE               INTERNAL (default), EXTERNAL (LDAP; needs TLS),
                            EXTERNAL_INSECURE (LDAP over plain TCP), PKI (TLS certificate)
  asbench spellings accepted: --object-spec, --async-max-commands, --event-loops,
  --throughput

)" + std::string(tls_help_text()) +
         R"(
Output (a line per second while running, a latency table at the end)
  --json FILE               the whole result: configuration, per-second series, histograms
  --hgrm PREFIX             latency distributions in HdrHistogram's text format, one file
                            per command type: PREFIX.read.hgrm, PREFIX.write.hgrm, ...
  --plot FILE.svg           latency percentile spectrum and per-second throughput as an SVG
  -q, --quiet               no per-second lines
  --seed N                  random seed for keys and values (default 1)
  --help

Latencies are in microseconds; percentiles are exact to within 0.8%.
Exit status: 0 when the run completed, 1 when it could not run, 2 on a bad flag.
)";
}

}  // namespace aero::bench
