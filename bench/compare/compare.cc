// compare: the client against the bare limits, in one run, each in its own process.
//
//   bazel run //bench/compare                      # embedded test server in its own process
//   bazel run //bench/compare -- --in-flight 100 --rounds 3 --duration 3   # a quick run
//   bazel run //bench/compare -- --hosts 10.0.0.1:3000 --rounds 5
//   bazel run //bench/compare -- --scaling          # the client with 1, 2 and 4 loops
//   bazel run //bench/compare -- --scaling --server-nodes 2   # against a 2-node test server
//
// 1. The server: with --hosts, that node; otherwise a 1-node test cluster (test/server; with
//    --scaling, --server-nodes nodes) in a child process of its own, so that no server work
//    lands in a client's CPU time.
// 2. Prefill: aerobench inserts the key space (workload I), so gets find their records.
// 3. Rounds: for each --in-flight count (default 1, 16 and 100), the rows of the table, one
//    after the other (the order rotates from round to round), each a fresh process with the
//    same workload: that many commands in flight, 1 loop, 50% gets and 50% puts of one
//    100-byte string bin, --duration seconds each. The rows: the bare epoll limit
//    (bench/limit:aerospike_limit), the bare io_uring limit (aerospike_limit --io uring),
//    the client on epoll (aerobench, serial completions), the client on io_uring (aerobench
//    --io uring) and the client on epoll with completions on a oneTBB pool (--uring no drops
//    the two io_uring rows; --metrics-variant and --tls-variant add rows, see below).
// 4. Report: per run, throughput and CPU time per command (user + sys of that process over
//    its measured window, as the programs report it; whole-process figures from wait4()
//    beside them); then per in-flight count the table: medians over the rounds of the
//    throughput, the CPU per command, the system calls per command and the context switches
//    per command, and of the ratios to the epoll limit of the same round, and the cores
//    busy (below). Under each table the goals (client on epoll at most 1.05x the
//    epoll limit's CPU per command, on io_uring below 1.00x), judged round by round: "met"
//    or "not met" when every round agrees, else in how many rounds (bench/compare/verdict.h);
//    JSON: "goals" per table and each row's per-round ratios as "cpu_ratio_rounds".
//
// Cores busy (CPU seconds per wall second; 0.97 is one core nearly full), per run and as
// medians in the table (columns prog, server, machine; JSON client_cores, server_cores,
// machine_cores, with the machine's core count as "cores"):
// - prog: the row's program (limit or client) over its measured window, from its JSON (CPU
//   time of its process / elapsed time);
// - server: the test server's process (all its nodes' loops), from /proc/<pid>/stat's utime +
//   stime read just before the program starts and after it has exited, over the wall time
//   between (the program's start-up and exit, 50 to 100 ms, dilute it by a few percent). Absent
//   with --hosts;
// - machine: every process on the machine over the same window, from /proc/stat (busy = all
//   but idle and iowait), in cores: on a shared machine it shows how much other work took.
// They tell whether a curve flattened because the server's loop or the machine's cores were
// full (bench/compare/cpu_probe.h reads /proc).
//
// System calls per command are counted by the programs themselves, at each call, over the
// measured window: the limits count their epoll_wait/send/recv or io_uring_enter calls;
// aerobench reports its loops' io::LoopStats::system_calls (every call the loop makes:
// waits, sends, receives, wake-up eventfd writes and reads, socket setup and close). That
// is exact for the loop threads, which make every socket call of the client; what it leaves
// out are other threads' calls (the TBB pool's futex waits, the tend thread's info requests
// once a second): the context switches per command (wait4's voluntary + involuntary, whole
// process) show when those matter.
//
// With --metrics-variant the serial client also runs with ClientConfig::enable_metrics (what
// recording metrics costs). With --tls-variant the server also listens with TLS (a
// certificate made for the run with the `openssl` command) and the serial client runs once
// more over TLS. Both are also reported against the plain serial client of the same round.
//
// --pin: the test server on CPU 0 and every program on the other CPUs (sched_setaffinity in
// the child before it starts; needs 2 CPUs, the test server, and no --scaling). Where the
// scheduler puts the server and the program decides whether a command's wake-up crosses
// cores (an inter-processor interrupt, and on a VM an exit) or not, which changes the CPU
// per command at 1 in flight; pinned, every wake-up crosses. It removes that one source of
// variance, not the machine's others (on the 2-core development VM the others dominate; see
// bench/README.md). The TBB row's pool then shares the program's CPUs.
//
// --scaling: instead of the table, the serial client with --scaling-loops loops (default
// 1,2,4) at --in-flight commands in flight (total, default 100), each loop count per round
// in a rotating order: throughput, CPU per command and cores busy per loop count, and the
// throughput against 1 loop. The test server is one process of --server-nodes nodes (default
// 1) with --server-loops event loops each (default 1); the client's commands go to each key's
// node, so more nodes (or loops per node) let the server side use more cores. On a machine
// with few cores the server shares them with the client, and the curve flattens once the
// server (or the machine) is the bottleneck. A verdict line under the table says which, from
// the medians (bench/compare/verdict.h): the first loop count at which the server used at
// least 0.9 of its loops' cores (each loop is one thread), or client + server (or every
// process) at least 0.9 of the machine's cores, then the throughput of each loop count
// against the first; when neither, how much the throughput grew. --server-nodes and
// --server-loops need --scaling: the limits of the table talk to one node.
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "bench/compare/cpu_probe.h"
#include "bench/compare/verdict.h"
#include "test/server/cluster.h"

namespace {

using aero::bench::median;

struct Args {
  std::string hosts;  // empty: own test server
  double duration_s = 5;
  int rounds = 5;
  bool metrics_variant = false;  // also run the serial client with --metrics
  bool tls_variant = false;      // also run the serial client over TLS
  bool uring = true;             // also the io_uring limit and the serial client on io_uring
  std::vector<int> in_flight = {1, 16, 100};
  bool in_flight_given = false;
  bool scaling = false;  // --scaling: the client with several loop counts
  std::vector<int> scaling_loops = {1, 2, 4};
  int server_nodes = 1;  // nodes of the test server (more only with --scaling)
  int server_loops = 1;  // event loops per node of the test server (more only with --scaling)
  long keys = 100000;
  std::string object = "S100";
  std::string aerobench = "bench/tool/aerobench";
  std::string limit = "bench/limit/aerospike_limit";
  std::string json_path;
  std::string keep_dir;  // keep the children's JSON and logs here
  bool pin = false;      // --pin: the server on CPU 0, the programs on the others
};

// The CPUs the programs may run on with --pin (the server gets CPU 0); empty: not pinned.
std::vector<int> g_program_cpus;

// Called in a child before it starts its work: restricts it to `cpus` (nothing if empty).
void pin_to(const std::vector<int>& cpus) {
  if (cpus.empty()) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : cpus) CPU_SET(c, &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0) std::perror("compare: sched_setaffinity");
}

constexpr const char* kDescription =
    "Runs the bare epoll and io_uring limits (bench/limit) and aerobench (epoll, io_uring,\n"
    "TBB completions) against the same server, each in its own process, and prints per\n"
    "in-flight count throughput, CPU, system calls and context switches per command, and\n"
    "the ratios to the epoll limit (medians over the rounds), and the cores busy (program,\n"
    "test server, machine). --scaling: the client with 1, 2 and 4 loops (--in-flight 100\n"
    "unless given) instead, and a verdict: server, machine, or neither the bottleneck.";

// Finds a data dependency whether run by `bazel run` (cwd = runfiles) or directly.
std::string locate(const std::string& path, const char* argv0) {
  struct stat st {};
  if (stat(path.c_str(), &st) == 0) return path;
  const std::string in_runfiles = std::string(argv0) + ".runfiles/aerospike_async/" + path;
  if (stat(in_runfiles.c_str(), &st) == 0) return in_runfiles;
  return path;
}

// Relative output paths are meant from where the user ran `bazel run` (not the runfiles).
std::string user_path(const std::string& p) {
  const char* wd = std::getenv("BUILD_WORKING_DIRECTORY");
  if (p.empty() || p.front() == '/' || wd == nullptr || *wd == '\0') return p;
  return std::string(wd) + "/" + p;
}

// ---- The embedded server, in a child process. ----

// Certificates for --tls-variant: a CA and a server certificate for `name` (SAN DNS and
// 127.0.0.1), made with the openssl command in `dir`. False when that failed.
bool make_certificates(const std::string& dir, const std::string& name) {
  const std::string cmd =
      "cd '" + dir +
      "' && "
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
      "-subj '/CN=compare CA' -keyout ca.key -out ca.pem 2>/dev/null && "
      "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/CN=" +
      name +
      "' "
      "-keyout server.key -out server.csr 2>/dev/null && "
      "printf 'subjectAltName=DNS:" +
      name +
      ",IP:127.0.0.1\\n' > server.ext && "
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
      "-extfile server.ext -out server.pem 2>/dev/null";
  return std::system(cmd.c_str()) == 0;
}

// Starts the server, `nodes` nodes of `loops` event loops each in one process; with `tls_dir`
// it also listens with TLS (node 0's port in *tls_port). *port is node 0's port, the seed.
pid_t start_server(int nodes, int loops, std::uint16_t* port, const std::string& tls_dir = {},
                   std::uint16_t* tls_port = nullptr) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    ::close(fds[0]);
    if (!g_program_cpus.empty()) pin_to({0});
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);
    aero::testserver::ClusterOptions o;
    o.nodes = nodes;
    o.loops_per_node = loops;
    o.namespaces = {"test"};
    if (!tls_dir.empty()) {
      o.tls_cert = tls_dir + "/server.pem";
      o.tls_key = tls_dir + "/server.key";
      o.tls_name = "compare.test";
    }
    aero::testserver::Cluster cluster(o);
    std::string error;
    std::uint16_t p[2] = {0, 0};
    if (cluster.start(&error)) {
      p[0] = cluster.seed_port();
      p[1] = cluster.node(0).tls_port();
    } else {
      std::fprintf(stderr, "compare: cannot start the test server: %s\n", error.c_str());
    }
    if (write(fds[1], p, sizeof p) != sizeof p) _exit(1);
    ::close(fds[1]);
    if (p[0] == 0) _exit(1);
    int sig = 0;
    sigwait(&stop, &sig);
    cluster.stop();
    _exit(0);
  }
  ::close(fds[1]);
  std::uint16_t p[2] = {0, 0};
  if (read(fds[0], p, sizeof p) != sizeof p || p[0] == 0) {
    ::close(fds[0]);
    waitpid(pid, nullptr, 0);
    return -1;
  }
  ::close(fds[0]);
  *port = p[0];
  if (tls_port != nullptr) *tls_port = p[1];
  return pid;
}

// ---- Children and their results. ----

struct Run {
  std::string name;
  bool ok = false;
  double commands = 0, elapsed_s = 0, per_second = 0;
  double cpu_user_s = 0, cpu_sys_s = 0, cpu_per_command_us = 0;  // measured window
  double errors = 0;
  double syscalls_per_command = 0;  // counted by the program (see the top of this file)
  double process_cpu_s = 0;         // whole process (wait4)
  double context_switches = 0;      // whole process (wait4): voluntary + involuntary
  double switches_per_command() const { return commands > 0 ? context_switches / commands : 0; }
  // Cores busy (CPU seconds per wall second). The program's own process over its measured
  // window (its JSON's CPU time / elapsed time); the test server's process and the whole
  // machine (every process) from /proc, sampled just before the program starts and after it
  // ends. -1: not measured (no test server with --hosts; /proc unreadable).
  double client_cores() const { return elapsed_s > 0 ? (cpu_user_s + cpu_sys_s) / elapsed_s : 0; }
  double server_cores = -1;
  double machine_cores = -1;
  double wall_s = 0;  // the program's whole run, start to exit (the /proc window)
};

// The number at `path` (e.g. {"cpu", "user_s"}) in a program's JSON result, or false when the
// path is missing or not a number. Parsed, not searched: the same key also appears nested
// (prefill's and each second's "errors", the client metrics' counters).
bool json_number(const nlohmann::json& doc, std::initializer_list<const char*> path, double* out) {
  const nlohmann::json* at = &doc;
  for (const char* key : path) {
    if (!at->is_object() || !at->contains(key)) return false;
    at = &(*at)[key];
  }
  if (!at->is_number()) return false;
  *out = at->get<double>();
  return true;
}

// Runs one program to its end; `probe` watches the test server (if any) and the machine over
// the program's whole run.
Run run_child(const std::string& name, const std::vector<std::string>& argv,
              const std::string& json, const std::string& log, const aero::bench::CpuProbe& probe) {
  Run r;
  r.name = name;
  std::fflush(stdout);
  const aero::bench::CpuSample before = probe.sample();
  const pid_t pid = fork();
  if (pid == 0) {
    pin_to(g_program_cpus);
    std::FILE* out = std::freopen(log.c_str(), "w", stdout);
    if (out != nullptr) dup2(fileno(stdout), 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    std::fprintf(stderr, "cannot run %s: %s\n", args[0], std::strerror(errno));
    _exit(127);
  }
  int status = 0;
  rusage ru{};
  if (pid < 0 || wait4(pid, &status, 0, &ru) != pid) return r;
  const aero::bench::CpuBusy busy = probe.busy_since(before);
  r.server_cores = busy.server_cores;
  r.machine_cores = busy.machine_cores;
  r.wall_s = busy.wall_s;
  r.process_cpu_s = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                    static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  r.context_switches = static_cast<double>(ru.ru_nvcsw + ru.ru_nivcsw);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "compare: %s failed (see %s)\n", name.c_str(), log.c_str());
    return r;
  }
  std::ifstream in(json);
  const nlohmann::json doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  r.ok = json_number(doc, {"commands"}, &r.commands) &&
         json_number(doc, {"elapsed_s"}, &r.elapsed_s) &&
         json_number(doc, {"per_second"}, &r.per_second) &&
         json_number(doc, {"cpu", "user_s"}, &r.cpu_user_s) &&
         json_number(doc, {"cpu", "sys_s"}, &r.cpu_sys_s) &&
         json_number(doc, {"cpu", "per_command_us"}, &r.cpu_per_command_us) &&
         json_number(doc, {"errors"}, &r.errors);
  // Older programs without the count leave it 0.
  json_number(doc, {"loop_syscalls_per_command"}, &r.syscalls_per_command);
  if (!r.ok) std::fprintf(stderr, "compare: cannot read %s's results in %s\n", name.c_str(), json.c_str());
  return r;
}

void print_run(const Run& r) {
  std::printf(
      "  %-22s %10.0f/s %8.2f us/cmd %6.3f syscalls/cmd   (user %.2f + sys %.2f s, %.0f "
      "commands, %.0f errors; whole process %.2f s, %.3f context switches/cmd)\n",
      r.name.c_str(), r.per_second, r.cpu_per_command_us, r.syscalls_per_command, r.cpu_user_s,
      r.cpu_sys_s, r.commands, r.errors, r.process_cpu_s, r.switches_per_command());
  std::printf("  %-22s cores busy: this program %.2f", "", r.client_cores());
  if (r.server_cores >= 0) std::printf(", server %.2f", r.server_cores);
  if (r.machine_cores >= 0) std::printf(", machine %.2f (every process)", r.machine_cores);
  std::printf(" over %.2f s\n", r.wall_s);
}

// One row of a table: a bare limit or a client variant, run as its own process.
struct Row {
  enum class Kind { limit_epoll, limit_uring, client };
  std::string name;   // JSON key and file name
  std::string label;  // in the table
  Kind kind = Kind::client;
  std::string executor = "serial";
  bool metrics = false;
  bool uring = false;
  bool tls = false;
  int loops = 1;
};

// A row's figures over the rounds (one entry per round).
struct Series {
  std::vector<double> tput, cpu, syscalls, switches, cpu_ratio, tput_ratio;
  std::vector<double> client_cores, server_cores, machine_cores;  // see Run
};

}  // namespace

int main(int argc, char** argv) {
  Args a;
  CLI::App app{kDescription, "compare"};
  app.add_option("--hosts", a.hosts, "HOST:PORT of a running server (default: own test server)");
  app.add_option("--duration", a.duration_s, "seconds per run")
      ->check(CLI::Range(0.01, 86400.0))
      ->capture_default_str();
  app.add_option("--rounds", a.rounds, "rounds; the table shows medians")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  CLI::Option* in_flight =
      app.add_option("--in-flight", a.in_flight, "commands in flight, N[,N...]")
          ->delimiter(',')
          ->check(CLI::Range(1, 1000000))
          ->capture_default_str();
  app.add_option("--keys", a.keys, "key space")
      ->check(CLI::Range(1L, 1000000000L))
      ->capture_default_str();
  app.add_option("-o", a.object, "aerobench's object spec")->capture_default_str();
  app.add_option("--json", a.json_path, "write the table as JSON to FILE");
  app.add_option("--keep", a.keep_dir, "keep the children's JSON and logs in DIR");
  app.add_option("--aerobench", a.aerobench, "path of aerobench")->capture_default_str();
  app.add_option("--limit", a.limit, "path of aerospike_limit")->capture_default_str();
  app.add_flag("--metrics-variant", a.metrics_variant, "also run the serial client with --metrics");
  app.add_option_function<std::string>(
         "--uring", [&a](const std::string& v) { a.uring = v == "yes"; },
         "also the io_uring limit and the client on io_uring (default yes)")
      ->check(CLI::IsMember({"yes", "no"}));
  app.add_flag("--tls-variant", a.tls_variant, "also run the serial client over TLS");
  app.add_flag("--scaling", a.scaling, "the client with several loop counts instead");
  app.add_flag("--pin", a.pin, "the test server on CPU 0, each program on the other CPUs");
  app.add_option("--scaling-loops", a.scaling_loops, "loop counts for --scaling, N[,N...]")
      ->delimiter(',')
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--server-nodes", a.server_nodes,
                 "--scaling: nodes of the test server (one process, --server-loops loops each)")
      ->check(CLI::Range(1, 8))
      ->capture_default_str();
  app.add_option("--server-loops", a.server_loops,
                 "--scaling: event loops per node of the test server")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if ((a.server_nodes > 1 || a.server_loops > 1) && (!a.scaling || !a.hosts.empty())) {
    // The limits talk to one node, so the table needs a 1-node server; an external server's
    // shape is its own.
    std::fprintf(stderr,
                 "compare: --server-nodes and --server-loops need --scaling and the test server "
                 "(no --hosts)\n");
    return 2;
  }
  if (a.pin) {
    const int cpus = aero::bench::CpuProbe::cores();
    if (a.scaling || !a.hosts.empty() || cpus < 2) {
      std::fprintf(stderr,
                   "compare: --pin needs the test server (no --hosts), no --scaling and "
                   "at least 2 CPUs\n");
      return 2;
    }
    for (int c = 1; c < cpus; ++c) g_program_cpus.push_back(c);
  }
  a.in_flight_given = in_flight->count() > 0;
  a.json_path = user_path(a.json_path);
  a.keep_dir = user_path(a.keep_dir);
  if (a.scaling && !a.in_flight_given) a.in_flight = {100};
  const std::string aerobench = locate(a.aerobench, argv[0]);
  const std::string limit = locate(a.limit, argv[0]);

  std::string dir = a.keep_dir;
  if (dir.empty()) {
    char tmpl[] = "/tmp/aerobench-compare-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      std::perror("compare: mkdtemp");
      return 1;
    }
    dir = tmpl;
  } else {
    mkdir(dir.c_str(), 0755);
  }

  if (a.tls_variant && !a.hosts.empty()) {
    std::fprintf(stderr, "compare: --tls-variant needs the test server (no --hosts)\n");
    return 2;
  }
  if (a.tls_variant && !make_certificates(dir, "compare.test")) {
    std::fprintf(stderr, "compare: cannot make certificates with the openssl command in %s\n",
                 dir.c_str());
    return 1;
  }

  // The rows: ratios are against the first (the epoll limit; with --scaling, 1 loop).
  std::vector<Row> rows;
  if (a.scaling) {
    for (int loops : a.scaling_loops) {
      Row r;
      r.name = "loops-" + std::to_string(loops);
      r.label = "client, " + std::to_string(loops) + (loops == 1 ? " loop" : " loops");
      r.loops = loops;
      rows.push_back(r);
    }
  } else {
    rows.push_back({"limit-epoll", "limit (epoll)", Row::Kind::limit_epoll});
    if (a.uring) rows.push_back({"limit-uring", "limit (io_uring)", Row::Kind::limit_uring});
    rows.push_back({"serial", "client (epoll)", Row::Kind::client});
    if (a.uring) {
      Row r{"serial-uring", "client (io_uring)", Row::Kind::client};
      r.uring = true;
      rows.push_back(r);
    }
    rows.push_back({"tbb", "client (epoll, tbb)", Row::Kind::client, "tbb"});
    if (a.metrics_variant) {
      Row r{"serial-metrics", "client (epoll, metrics)", Row::Kind::client};
      r.metrics = true;
      rows.push_back(r);
    }
    if (a.tls_variant) {
      Row r{"serial-tls", "client (epoll, TLS)", Row::Kind::client};
      r.tls = true;
      rows.push_back(r);
    }
  }

  pid_t server = -1;
  std::string hosts = a.hosts;
  std::string tls_hosts;
  if (hosts.empty()) {
    std::uint16_t port = 0, tls_port = 0;
    server = start_server(a.server_nodes, a.server_loops, &port,
                          a.tls_variant ? dir : std::string(), &tls_port);
    if (server < 0) {
      std::fprintf(stderr, "compare: cannot start the test server\n");
      return 1;
    }
    hosts = "127.0.0.1:" + std::to_string(port);
    if (a.tls_variant) tls_hosts = "127.0.0.1:compare.test:" + std::to_string(tls_port);
  }
  // Watches the test server's process (none with --hosts) and the machine over each run.
  const aero::bench::CpuProbe probe(server);
  const int cores = aero::bench::CpuProbe::cores();
  const int server_loops = server > 0 ? a.server_nodes * a.server_loops : 0;
  const std::string duration = std::to_string(a.duration_s);
  const std::string keys = std::to_string(a.keys);
  std::string in_flight_list;
  for (int n : a.in_flight)
    in_flight_list += (in_flight_list.empty() ? "" : ",") + std::to_string(n);
  const double estimate_s = static_cast<double>(a.rounds) *
                            static_cast<double>(a.in_flight.size()) *
                            static_cast<double>(rows.size()) * (a.duration_s + 1.0);
  std::string server_shape = "given";
  if (server > 0) {
    server_shape = "test server in its own process, " + std::to_string(a.server_nodes) +
                   (a.server_nodes == 1 ? " node" : " nodes") + " of " +
                   std::to_string(a.server_loops) + (a.server_loops == 1 ? " loop" : " loops");
    if (a.pin) {
      server_shape += ", pinned to CPU 0, the programs to CPU" +
                      std::string(g_program_cpus.size() > 1 ? "s 1-" : " ") +
                      std::to_string(g_program_cpus.back());
    }
  }
  std::printf(
      "compare: server %s (%s), %s in flight, %s, 50%% get / 50%% put of -o %s, "
      "%s keys, %g s per run, %d round(s), %zu runs per round (about %.0f s); %d cores\n",
      hosts.c_str(), server_shape.c_str(), in_flight_list.c_str(),
      a.scaling ? "loops as in the rows" : "1 loop", a.object.c_str(), keys.c_str(), a.duration_s,
      a.rounds, a.in_flight.size() * rows.size(), estimate_s, cores);

  int status = 0;
  // Prefill.
  {
    Run p = run_child("prefill",
                      {aerobench, "--hosts", hosts, "-w", "I", "-k", keys, "-o", a.object, "-q",
                       "--json", dir + "/prefill.json"},
                      dir + "/prefill.json", dir + "/prefill.log", probe);
    if (!p.ok) status = 1;
  }

  auto run_row = [&](const Row& row, int in_flight, const std::string& tag) {
    const std::string n = std::to_string(in_flight);
    const std::string json = tag + row.name + ".json", log = tag + row.name + ".log";
    if (row.kind != Row::Kind::client) {
      std::vector<std::string> args = {limit,        "--hosts",        hosts, "--in-flight", n,
                                       "--duration", duration,         "-k",  keys,          "-o",
                                       a.object,     "--read-percent", "50",  "--json",      json};
      if (row.kind == Row::Kind::limit_uring) {
        args.push_back("--io");
        args.push_back("uring");
      }
      return run_child(row.label, args, json, log, probe);
    }
    std::vector<std::string> args = {aerobench,
                                     "--hosts",
                                     row.tls ? tls_hosts : hosts,
                                     "--in-flight",
                                     n,
                                     "--loops",
                                     std::to_string(row.loops),
                                     "-t",
                                     duration,
                                     "-k",
                                     keys,
                                     "-o",
                                     a.object,
                                     "-w",
                                     "RU,50",
                                     "--prefill",
                                     "no",
                                     "--executor",
                                     row.executor,
                                     "-q",
                                     "--json",
                                     json};
    if (row.metrics) args.push_back("--metrics");
    if (row.tls) {
      args.push_back("--tls-enable");
      args.push_back("--tls-cafile");
      args.push_back(dir + "/ca.pem");
    }
    if (row.uring) {
      args.push_back("--io");
      args.push_back("uring");
    }
    return run_child(row.label, args, json, log, probe);
  };

  // series[in-flight index][row index]
  std::vector<std::vector<Series>> series(a.in_flight.size(), std::vector<Series>(rows.size()));
  const std::size_t n_rows = rows.size();
  for (int round = 1; round <= a.rounds && status == 0; ++round) {
    for (std::size_t f = 0; f < a.in_flight.size() && status == 0; ++f) {
      const int in_flight = a.in_flight[f];
      std::printf("round %d, %d in flight:\n", round, in_flight);
      const std::string tag =
          dir + "/r" + std::to_string(round) + "-f" + std::to_string(in_flight) + "-";
      // The runs in a rotating order, so that no row always runs first or last.
      std::vector<Run> runs(n_rows);
      for (std::size_t step = 0; step < n_rows; ++step) {
        const std::size_t which = (step + static_cast<std::size_t>(round) - 1) % n_rows;
        runs[which] = run_row(rows[which], in_flight, tag);
      }
      for (const Run& r : runs) status = r.ok ? status : 1;
      if (status != 0) break;
      const Run& base = runs[0];
      for (std::size_t i = 0; i < n_rows; ++i) {
        const Run& r = runs[i];
        print_run(r);
        Series& s = series[f][i];
        s.tput.push_back(r.per_second);
        s.cpu.push_back(r.cpu_per_command_us);
        s.syscalls.push_back(r.syscalls_per_command);
        s.switches.push_back(r.switches_per_command());
        s.cpu_ratio.push_back(r.cpu_per_command_us / base.cpu_per_command_us);
        s.tput_ratio.push_back(r.per_second / base.per_second);
        s.client_cores.push_back(r.client_cores());
        s.server_cores.push_back(r.server_cores);
        s.machine_cores.push_back(r.machine_cores);
      }
    }
  }
  if (server > 0) {
    kill(server, SIGTERM);
    waitpid(server, nullptr, 0);
  }
  if (status != 0) {
    std::fprintf(stderr, "compare: failed; logs in %s\n", dir.c_str());
    return status;
  }

  std::string json =
      "{\"rounds\":" + std::to_string(a.rounds) + ",\"mode\":\"" +
      (a.scaling ? "scaling" : "table") + "\",\"duration_s\":" + std::to_string(a.duration_s) +
      ",\"cores\":" + std::to_string(cores) + ",\"pinned\":" + (a.pin ? "true" : "false");
  if (server > 0) {
    json += ",\"server_nodes\":" + std::to_string(a.server_nodes) +
            ",\"server_loops_per_node\":" + std::to_string(a.server_loops);
  }
  json += ",\"tables\":[";
  const char* against = a.scaling ? rows[0].label.c_str() : "the epoll limit";
  for (std::size_t f = 0; f < a.in_flight.size(); ++f) {
    std::printf("\n%d in flight, medians of %d round(s) (ratios: to %s of the same round)\n",
                a.in_flight[f], a.rounds, against);
    std::printf("  %-24s %12s %11s %13s %11s %8s %12s %6s", "", "commands/s", "CPU us/cmd",
                "syscalls/cmd", "ctx sw/cmd", "CPU x", "throughput x", "prog");
    if (server > 0) std::printf(" %6s", "server");
    std::printf(" %7s\n", "machine");
    if (f > 0) json += ",";
    json += "{\"in_flight\":" + std::to_string(a.in_flight[f]) + ",\"rows\":{";
    std::vector<aero::bench::ScalingPoint> points;  // the rows' medians, for the verdict
    for (std::size_t i = 0; i < n_rows; ++i) {
      const Series& s = series[f][i];
      const double tput = median(s.tput), cpu = median(s.cpu), sys = median(s.syscalls),
                   sw = median(s.switches), cr = median(s.cpu_ratio), tr = median(s.tput_ratio);
      const double client_cores = median(s.client_cores), server_cores = median(s.server_cores),
                   machine_cores = median(s.machine_cores);
      std::printf("  %-24s %12.0f %11.2f %13.3f %11.3f %7.2fx %11.2fx %6.2f", rows[i].label.c_str(),
                  tput, cpu, sys, sw, cr, tr, client_cores);
      if (server > 0) std::printf(" %6.2f", server_cores);
      std::printf(" %7.2f\n", machine_cores);
      points.push_back(
          {rows[i].loops, tput, client_cores, server > 0 ? server_cores : -1, machine_cores});
      char item[600];
      std::snprintf(item, sizeof item,
                    "%s\"%s\":{\"per_second\":%.1f,\"cpu_per_command_us\":%.4f,"
                    "\"syscalls_per_command\":%.4f,\"switches_per_command\":%.4f,"
                    "\"cpu_ratio\":%.4f,\"throughput_ratio\":%.4f,\"client_cores\":%.4f,"
                    "\"machine_cores\":%.4f",
                    i > 0 ? "," : "", rows[i].name.c_str(), tput, cpu, sys, sw, cr, tr,
                    client_cores, machine_cores);
      json += item;
      if (server > 0) {
        std::snprintf(item, sizeof item, ",\"server_cores\":%.4f", server_cores);
        json += item;
      }
      json += ",\"cpu_ratio_rounds\":" + nlohmann::json(s.cpu_ratio).dump();
      json += "}";
    }
    json += "}";
    std::printf(
        "  cores busy, CPU s per wall s: prog = the row's program over its measured window%s, "
        "machine = every process, of %d cores\n",
        server > 0 ? ", server = the test server's process over the program's run" : "", cores);
    if (a.scaling) {
      const std::string verdict = aero::bench::scaling_verdict(points, server_loops, cores);
      std::printf("  verdict: %s\n", verdict.c_str());
      json += ",\"verdict\":" + nlohmann::json(verdict).dump();
    }
    // The goals, judged round by round: a median alone lands on either side of a goal from
    // one run to the next when the rounds straddle it.
    auto goal_of = [&](const char* name, double goal, aero::bench::GoalKind kind) {
      for (std::size_t i = 0; i < n_rows; ++i) {
        if (rows[i].name == name)
          return aero::bench::goal_verdict(series[f][i].cpu_ratio, goal, kind);
      }
      return std::string();
    };
    if (!a.scaling) {
      const std::string epoll = goal_of("serial", 1.05, aero::bench::GoalKind::at_most);
      const std::string uring = goal_of("serial-uring", 1.00, aero::bench::GoalKind::below);
      nlohmann::json goals = nlohmann::json::object();
      if (!epoll.empty()) {
        std::printf("  goal: client (epoll) CPU <= 1.05x the epoll limit: %s\n", epoll.c_str());
        goals["serial"] = epoll;
      }
      if (!uring.empty()) {
        std::printf("  goal: client (io_uring) CPU < 1.00x the epoll limit: %s\n", uring.c_str());
        goals["serial-uring"] = uring;
      }
      json += ",\"goals\":" + goals.dump();
    }
    json += "}";
    // A variant against the plain serial client, per round, so both share the round's
    // conditions.
    auto against_serial = [&](const char* name, const char* label) {
      std::size_t serial = n_rows, variant = n_rows;
      for (std::size_t i = 0; i < n_rows; ++i) {
        if (rows[i].name == "serial") serial = i;
        if (rows[i].name == name) variant = i;
      }
      if (serial == n_rows || variant == n_rows) return;
      std::vector<double> cpu, tput;
      for (std::size_t r = 0; r < series[f][serial].cpu.size(); ++r) {
        cpu.push_back(series[f][variant].cpu[r] / series[f][serial].cpu[r]);
        tput.push_back(series[f][variant].tput[r] / series[f][serial].tput[r]);
      }
      std::printf(
          "  %s (serial client): CPU per command %.3fx, throughput %.3fx (median of the "
          "rounds' ratios)\n",
          label, median(cpu), median(tput));
    };
    against_serial("serial-metrics", "metrics on / off");
    against_serial("serial-tls", "TLS / plaintext");
  }
  std::printf("results and logs: %s\n", dir.c_str());
  json += "],\"dir\":\"" + dir + "\"}\n";
  if (!a.json_path.empty()) {
    std::FILE* f = std::fopen(a.json_path.c_str(), "w");
    if (f == nullptr || std::fputs(json.c_str(), f) < 0) {
      std::fprintf(stderr, "compare: cannot write %s\n", a.json_path.c_str());
      if (f != nullptr) std::fclose(f);
      return 1;
    }
    std::fclose(f);
  }
  return 0;
}
