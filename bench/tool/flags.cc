#include "bench/tool/flags.h"

#include <CLI/CLI.hpp>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <string_view>

#include "bench/tool/tls_flags.h"

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

namespace {

// A bad flag value: the message names the flag and what it accepts.
struct FlagError {
  std::string message;
};

// Declares aerobench's flags on `app` (CLI11): each flag is one line, its names (the asbench
// spellings as aliases), the value's placeholder, its help and what parses and checks the
// value. Values are checked when CLI11 runs the callbacks, after all arguments were read; the
// checks that involve several flags are in parse_flags().
class FlagTable {
 public:
  explicit FlagTable(CLI::App& app) : app_(app) {}

  // The flags of one --help section.
  FlagTable& group(std::string name) {
    group_ = std::move(name);
    return *this;
  }
  // A flag with a value: `apply` takes it and returns an error text ("" = accepted), shown as
  // "bad value '<v>' for <flag>: <error>".
  FlagTable& value(const std::string& names, const std::string& placeholder,
                   const std::string& help, std::function<std::string(const std::string&)> apply) {
    // The flag's long name for errors: "--keys" for "-k,--keys".
    const std::size_t at = names.find("--");
    const std::string flag = names.substr(at, names.find(',', at) - at);
    app_.add_option_function<std::string>(
            names,
            [flag, apply](const std::string& v) {
              const std::string error = apply(v);
              if (!error.empty())
                throw FlagError{"bad value '" + v + "' for " + flag + ": " + error};
            },
            help)
        ->option_text(placeholder)
        ->group(group_);
    return *this;
  }
  // A flag without a value (--flag=x is an error).
  FlagTable& flag(const std::string& names, bool* target, const std::string& help) {
    app_.add_flag(names, *target, help)->disable_flag_override()->group(group_);
    return *this;
  }
  // A value read by `parse(text, target, &error)`; its error text is shown as it is.
  template <class T>
  FlagTable& parsed(const std::string& names, T* target,
                    bool (*parse)(std::string_view, T*, std::string*),
                    const std::string& placeholder, const std::string& help) {
    return value(names, placeholder, help, [=](const std::string& v) {
      std::string error;
      if (!parse(v, target, &error)) throw FlagError{error};
      return std::string();
    });
  }
  // Typed shorthands: a number in [lo, hi], else `hint`.
  template <class Int>
  FlagTable& integer(const std::string& names, Int* target, std::int64_t lo, std::int64_t hi,
                     const std::string& placeholder, const std::string& help, std::string hint) {
    return value(names, placeholder, help, [=](const std::string& v) {
      std::int64_t n = 0;
      if (!parse_i64(v, lo, hi, &n)) return hint;
      *target = static_cast<Int>(n);
      return std::string();
    });
  }
  FlagTable& real(const std::string& names, double* target, double lo, double hi,
                  const std::string& placeholder, const std::string& help, std::string hint) {
    return value(names, placeholder, help, [=](const std::string& v) {
      return parse_double(v, lo, hi, target) ? std::string() : hint;
    });
  }
  // One of `choices` (value -> what it sets).
  template <class T>
  FlagTable& choice(const std::string& names, T* target,
                    std::vector<std::pair<std::string, T>> choices, const std::string& placeholder,
                    const std::string& help, std::string hint) {
    return value(names, placeholder, help, [=](const std::string& v) {
      for (const auto& [text, val] : choices) {
        if (v == text) {
          *target = val;
          return std::string();
        }
      }
      return hint;
    });
  }
  // A text flag that must not be empty.
  FlagTable& text(const std::string& names, std::string* target, const std::string& placeholder,
                  const std::string& help, std::string hint) {
    return value(names, placeholder, help, [=](const std::string& v) {
      if (v.empty()) return hint;
      *target = v;
      return std::string();
    });
  }

 private:
  CLI::App& app_;
  std::string group_ = "Options";
};

// What the flags fill besides Options (resolved in parse_flags()).
struct Pending {
  std::string hosts;
  int port = 3000;
  bool duration_given = false;
  int batch_size = 1;
};

constexpr const char* kDescription =
    R"(aerobench: load generator and latency harness for the aerospike_async client

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
)";

constexpr const char* kFooter =
    R"(asbench spellings are accepted as aliases: --object-spec, --async-max-commands,
--event-loops, --throughput, -U/-P, --tls-*.
Latencies are in microseconds; percentiles are exact to within 0.8%.
Exit status: 0 when the run completed, 1 when it could not run, 2 on a bad flag.
)";

void define_flags(CLI::App& app, Options& o, Pending& p) {
  app.description(kDescription);
  app.footer(kFooter);
  app.set_help_flag("-?,--help", "this text");
  app.get_formatter()->column_width(30);
  app.get_formatter()->label("OPTIONS", "FLAGS");
  // A flag given twice: the last one counts (as in asbench).
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  const std::string ms = "use milliseconds";
  FlagTable f(app);

  f.group("Target");
  f.text("--hosts", &p.hosts, "H[:P][,H[:P]...]",
         "seed hosts of a real cluster; IPv6 as [addr]:port, a TLS name as\nhost:tls-name:port "
         "(default: the embedded test cluster)",
         "give host[:port][,host[:port]...]");
  f.integer("-p,--port", &p.port, 1, 65535, "P", "port for hosts given without one (default 3000)",
            "use 1..65535");
  f.integer("--nodes", &o.nodes, 1, 8, "N", "nodes of the embedded cluster, 1..8 (default 3)",
            "the embedded cluster has 1..8 nodes");
  f.value("-n,--namespace", "NS", "namespace (default test)", [&o](const std::string& v) {
    if (v.empty() || v.size() > 31) return std::string("a namespace name has 1..31 bytes");
    o.ns = v;
    return std::string();
  });
  f.value("-s,--set", "SET", "set (default testset)", [&o](const std::string& v) {
    if (v.size() > 63) return std::string("a set name has at most 63 bytes");
    o.set = v;
    return std::string();
  });
  f.value("--bin", "NAME", "first bin name; more bins are NAME_2, NAME_3... (default testbin)",
          [&o](const std::string& v) {
            if (v.empty() || v.size() > 10) {
              return std::string(
                  "use 1..10 bytes (bin names have at most 15, and more bins add _2, _3...)");
            }
            o.bin = v;
            return std::string();
          });

  f.group("Workload");
  f.parsed("-w,--workload", &o.workload, parse_workload, "W",
           "I          insert every key once, then stop\n"
           "RU,<r>     r% reads, the rest writes (default RU,50)\n"
           "RMW        read, then write back if the generation is unchanged\n"
           "BR,<n>     batch reads of n random keys\n"
           "SCAN       whole-set scans: records/s and MB/s, and the ratio\n"
           "           to a bare reader of the same stream in the same run\n"
           "QUERY      the same with an index range query over the first\n"
           "           bin (integer; the index is created first)\n"
           "(SCAN/QUERY: --ops N = N rounds of one client pass and one\n"
           "bare pass each, else rounds until --duration)");
  f.integer("-k,--keys", &o.keys, 1, std::int64_t{1} << 40, "N",
            "key space: keys start-key .. start-key+N-1 (default 100000)",
            "use a count of at least 1");
  f.integer("-K,--start-key", &o.start_key, 0, std::int64_t{1} << 62, "N", "first key (default 0)",
            "use 0 or more");
  f.parsed("-o,--object-spec,--object", &o.object, parse_object_spec, "SPEC",
           "bins of a written record, comma-separated: I (= I4), I1..I8\nintegers, D double, S<n> "
           "string of n chars, B<n> n bytes\n(default I4), e.g. -o S100 or -o I4,S100,B64");
  f.flag("--random", &o.random_values,
         "new random values for every write (default: one fixed record)");
  f.integer("--batch-size", &p.batch_size, 1, kMaxBatchSize, "N",
            "with RU: each read is a batch read of N random keys",
            "use 1.." + std::to_string(kMaxBatchSize));
  f.choice<Prefill>(
      "--prefill", &o.prefill,
      {{"auto", Prefill::automatic}, {"yes", Prefill::yes}, {"no", Prefill::no}}, "auto|yes|no",
      "fill the key space before the measured run (auto = yes on\nthe embedded cluster when the "
      "workload reads; there the\nrecords are stored directly, elsewhere inserted with workload I)",
      "use auto, yes or no");

  f.group("Duration and load");
  f.value("-t,--duration", "S", "seconds: 10, 2.5, 500ms, 2m (default 10; for I: until done)",
          [&o, &p](const std::string& v) {
            if (!parse_duration(v, &o.duration_s))
              return std::string("use seconds, e.g. 10, 2.5, 500ms");
            p.duration_given = true;
            return std::string();
          });
  f.integer("--ops", &o.ops, 1, std::int64_t{1} << 50, "N",
            "stop after N commands (then no time limit unless -t is given)",
            "use a count of at least 1");
  f.integer("--loops,--event-loops", &o.loops, 1, 256, "N",
            "event loops, each a thread doing socket work (default 1)", "use 1..256");
  f.integer("--in-flight,--async-max-commands", &o.in_flight, 1, 1'000'000, "N",
            "commands in flight (default 100)", "use 1..1000000");
  f.real("-g,--rate,--throughput", &o.rate, 0, 1e9, "R",
         "open loop at R commands per second (default: closed loop)",
         "use commands per second (0 = closed loop)");
  f.choice<ExecutorKind>(
      "--executor", &o.executor, {{"serial", ExecutorKind::serial}, {"tbb", ExecutorKind::tbb}},
      "serial|tbb",
      "where completions run: on the loop's thread (serial, default)\nor on a oneTBB pool (tbb)",
      "use serial or tbb");
  f.integer("--tbb-threads", &o.tbb_threads, 0, 1024, "N",
            "threads of the TBB pool (default: one per core)", "use 0 (one per core) .. 1024");
  f.choice<bool>("--io", &o.io_uring, {{"epoll", false}, {"uring", true}}, "epoll|uring",
                 "the loops' backend (default epoll; uring falls back to epoll\nwith one line "
                 "where the kernel "
                 "refuses io_uring)",
                 "use epoll or uring");
  f.integer("--timeout", &o.timeout_ms, 0, 3'600'000, "MS",
            "total timeout per command, ms (default 1000; 0 = none)", ms + ", 0 = none");
  f.integer("--max-conns", &o.max_conns_per_node, 1, 100'000, "N",
            "connections per node (default: the larger of 100 and --in-flight)", "use 1..100000");

  f.group("Resilience (client/policy.h; defaults are the client's)");
  f.integer("--socket-timeout", &o.socket_timeout_ms, 0, 3'600'000, "MS",
            "idle timeout per attempt (0 = only the total timeout)", ms + ", 0 = none");
  f.integer("--retries", &o.max_retries, 0, 1000, "N", "retries per command (reads and writes)",
            "use 0..1000");
  f.integer("--sleep-between-retries", &o.sleep_between_retries_ms, 0, 3'600'000, "MS",
            "first sleep before a retry", ms);
  f.real("--backoff", &o.sleep_multiplier, 1, 100, "X",
         "multiply the sleep by X at each further retry (default 1)", "use a multiplier 1..100");
  f.integer("--max-sleep", &o.max_sleep_ms, 0, 3'600'000, "MS",
            "cap on the sleep between retries (0 = none)", ms + ", 0 = no cap");
  f.flag("--jitter", &o.retry_jitter, "random sleep between half and all of it");
  f.integer("--timeout-delay", &o.timeout_delay_ms, 0, 3'600'000, "MS",
            "drain a timed-out answer for up to MS and reuse the connection\n(default 0: close it)",
            ms + ", 0 = close at once");
  f.integer("--max-error-rate", &o.max_error_rate, 0, 1'000'000'000, "N",
            "circuit breaker: errors per node per window before its commands\nfail at once (0 = no "
            "limit; client "
            "default 100)",
            "use 0 (no limit) or more");
  f.integer("--error-rate-window", &o.error_rate_window, 1, 1'000'000, "T",
            "the breaker's window, in tends (client default 1)", "use tends, 1 or more");
  f.flag("--metrics", &o.metrics,
         "record the client's metrics (ClientConfig::enable_metrics) and\nprint latency and errors "
         "per node at the "
         "end (and in --json)");
  f.flag("--services-alternate", &o.services_alternate,
         "take node addresses from peers-clear-alt (clients outside the\ncluster's network)");
  f.integer("--max-commands-in-process", &o.max_commands_in_process, 0, 1'000'000, "N",
            "flow control per loop: commands running at once (0 = no limit)",
            "use 0 (no limit) or more");
  f.integer("--max-commands-in-queue", &o.max_commands_in_queue, 0, 100'000'000, "N",
            "commands waiting behind them; beyond, queue_full (0 = no limit)",
            "use 0 (no limit) or more");
  f.integer("--server-delay", &o.server_delay_ms, 0, 3'600'000, "MS",
            "embedded cluster only: every node answers data commands MS late\n(with a shorter "
            "--socket-timeout: what "
            "timeouts cost)",
            ms);

  f.group("Security (a cluster with security enabled)");
  f.value("-U,--user", "USER", "log in as USER", [&o](const std::string& v) {
    o.user = v;
    return std::string();
  });
  f.value("-P,--password", "PW", "the user's password", [&o](const std::string& v) {
    o.password = v;
    return std::string();
  });
  f.choice<AuthMode>("--auth", &o.auth_mode,
                     {{"INTERNAL", AuthMode::internal},
                      {"EXTERNAL", AuthMode::external},
                      {"EXTERNAL_INSECURE", AuthMode::external_insecure},
                      {"PKI", AuthMode::pki}},
                     "MODE",
                     "INTERNAL (default), EXTERNAL (LDAP; needs TLS),\nEXTERNAL_INSECURE (LDAP "
                     "over plain TCP), PKI "
                     "(TLS certificate)",
                     "use INTERNAL, EXTERNAL, EXTERNAL_INSECURE or PKI");

  add_tls_flags(app, "TLS (name each seed's certificate in --hosts as host:tls-name:port)", &o.tls);

  f.group("Output (a line per second while running, a latency table at the end)");
  f.text("--json", &o.json_path, "FILE",
         "the whole result: configuration, per-second series, histograms", "give a file name");
  f.text("--hgrm", &o.hgrm_prefix, "PREFIX",
         "latency distributions in HdrHistogram's text format, one file\nper command type: "
         "PREFIX.read.hgrm, "
         "PREFIX.write.hgrm, ...",
         "give a file name prefix");
  f.text("--plot", &o.plot_path, "FILE.svg",
         "latency percentile spectrum and per-second throughput as an SVG",
         "give a file name, e.g. latency.svg");
  f.flag("-q,--quiet", &o.quiet, "no per-second lines");
  f.integer("--seed", &o.seed, 0, INT64_MAX, "N", "random seed for keys and values (default 1)",
            "use 0 or more");
}

// CLI11's own errors, said the way the rest of aerobench's errors are.
std::string describe(const CLI::ParseError& e, const CLI::App& app) {
  const std::string what = e.what();
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    const std::vector<std::string> extra = app.remaining();
    return "unknown flag '" + (extra.empty() ? what : extra.front()) + "' (see --help)";
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr) {
    // "quiet was given a disallowed flag override" / "--keys: 1 required TEXT missing"
    if (const std::size_t at = what.find(" was given a disallowed flag override");
        at != std::string::npos) {
      return "--" + what.substr(0, at) + " takes no value";
    }
    if (const std::size_t colon = what.find(':');
        colon != std::string::npos && what.find("missing") != std::string::npos) {
      return "missing value for " + what.substr(0, colon);
    }
  }
  return what;
}

}  // namespace

ParseOutcome parse_flags(int argc, const char* const* argv) {
  ParseOutcome r;
  Options& o = r.options;
  auto fail = [&](std::string msg) {
    r.what = ParseOutcome::What::error;
    r.error = std::move(msg);
    return r;
  };
  Pending p;
  CLI::App app("", "aerobench");
  define_flags(app, o, p);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    r.what = ParseOutcome::What::help;
    return r;
  } catch (const CLI::ParseError& e) {
    return fail(describe(e, app));
  } catch (const FlagError& e) {
    return fail(e.message);
  }

  if (!p.hosts.empty()) {
    std::string err;
    if (!parse_hosts(p.hosts, p.port, &o.hosts, &err)) return fail("--hosts: " + err);
  }
  if (o.tls.enabled && p.hosts.empty()) {
    return fail("--tls-enable needs --hosts (the embedded test cluster has no certificates)");
  }
  if (p.batch_size > 1) {
    if (o.workload.kind != Workload::Kind::read_update) {
      return fail("--batch-size applies to RU workloads (use BR,<n> for batch reads only)");
    }
    o.workload.batch_size = p.batch_size;
  }
  if (o.workload.kind == Workload::Kind::insert && !p.duration_given) o.duration_s = 0;
  if (o.ops > 0 && !p.duration_given) o.duration_s = 0;
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
  Options o;
  Pending p;
  CLI::App app("", "aerobench");
  define_flags(app, o, p);
  return app.help();
}

}  // namespace aero::bench
