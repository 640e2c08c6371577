// compare: the client against the bare limit, in one run, each in its own process.
//
//   bazel run //bench/compare                      # embedded test server in its own process
//   bazel run //bench/compare -- --hosts 10.0.0.1:3000 --rounds 5
//
// 1. The server: with --hosts, that node; otherwise a 1-node test cluster (test/server) in a
//    child process of its own, so that no server work lands in a client's CPU time.
// 2. Prefill: aerobench inserts the key space (workload I), so gets find their records.
// 3. Rounds: the limit (bench/limit:aerospike_limit), aerobench with serial completions and
//    aerobench with completions on a oneTBB pool, and (unless --uring no) the io_uring limit
//    (aerospike_limit --io uring) and the serial client on io_uring (aerobench --io uring),
//    one after the other (the order rotates from round to round), each a fresh process
//    with the same workload: --in-flight commands (default 100), 1 loop, 50% gets and 50%
//    puts of one 100-byte string bin, --duration seconds each.
// 4. Report: per run, throughput and CPU time per command (user + sys of that process over
//    its measured window, as the programs report it; whole-process figures from wait4()
//    beside them), and the ratios client/limit, per round and as the median over rounds.
//    Goals: CPU per command within 1.15x of the limit's, throughput at least 0.95x.
// With --tls-variant the server also listens with TLS (a certificate made for the run with
// the `openssl` command) and the serial client runs once more over TLS: the report adds what
// TLS costs per command against the same client in plaintext, per round.
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
#include <sstream>
#include <string>
#include <vector>

#include "test/server/cluster.h"

namespace {

struct Args {
  std::string hosts;  // empty: own test server
  double duration_s = 10;
  int rounds = 1;
  bool metrics_variant = false;  // also run the serial client with --metrics
  bool tls_variant = false;      // also run the serial client over TLS
  bool uring = true;             // also the io_uring limit and the serial client on io_uring
  int in_flight = 100;
  long keys = 100000;
  std::string object = "S100";
  std::string aerobench = "bench/tool/aerobench";
  std::string limit = "bench/limit/aerospike_limit";
  std::string json_path;
  std::string keep_dir;  // keep the children's JSON and logs here
};

void usage(std::FILE* out) {
  std::fprintf(out,
               "usage: compare [--hosts HOST:PORT] [--duration S] [--rounds N] [--in-flight N]\n"
               "               [--keys N] [-o SPEC] [--json FILE] [--keep DIR]\n"
               "               [--aerobench PATH] [--limit PATH] [--metrics-variant]\n"
               "               [--uring yes|no] [--tls-variant]\n"
               "Runs bench/limit and aerobench (serial, tbb) against the same server, each in its\n"
               "own process, and prints CPU per command and throughput with their ratios.\n");
}

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

// Starts the server; with `tls_dir` it also listens with TLS (its port in *tls_port).
pid_t start_server(std::uint16_t* port, const std::string& tls_dir = {},
                   std::uint16_t* tls_port = nullptr) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    ::close(fds[0]);
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);
    aero::testserver::ClusterOptions o;
    o.nodes = 1;
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
  double process_cpu_s = 0;  // whole process (wait4)
};

// The first number after "key": in a JSON text (our own files: top-level fields come first).
bool json_number(const std::string& text, const std::string& key, double* out) {
  const std::string needle = "\"" + key + "\":";
  const std::size_t at = text.find(needle);
  if (at == std::string::npos) return false;
  char* end = nullptr;
  *out = std::strtod(text.c_str() + at + needle.size(), &end);
  return end != text.c_str() + at + needle.size();
}

Run run_child(const std::string& name, const std::vector<std::string>& argv, const std::string& json,
              const std::string& log) {
  Run r;
  r.name = name;
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) {
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
  r.process_cpu_s = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                    static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "compare: %s failed (see %s)\n", name.c_str(), log.c_str());
    return r;
  }
  std::ifstream in(json);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  r.ok = json_number(text, "commands", &r.commands) && json_number(text, "elapsed_s", &r.elapsed_s) &&
         json_number(text, "per_second", &r.per_second) && json_number(text, "user_s", &r.cpu_user_s) &&
         json_number(text, "sys_s", &r.cpu_sys_s) &&
         json_number(text, "per_command_us", &r.cpu_per_command_us) &&
         json_number(text, "errors", &r.errors);
  if (!r.ok) std::fprintf(stderr, "compare: cannot read %s's results in %s\n", name.c_str(), json.c_str());
  return r;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void print_run(const Run& r) {
  std::printf("  %-18s %12.0f/s %10.2f us/cmd   (user %.2f + sys %.2f s, %.0f commands, %.0f errors; "
              "whole process %.2f s)\n",
              r.name.c_str(), r.per_second, r.cpu_per_command_us, r.cpu_user_s, r.cpu_sys_s,
              r.commands, r.errors, r.process_cpu_s);
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string f = argv[i];
    if (f == "--help") {
      usage(stdout);
      return 0;
    }
    if (f == "--tls-variant") {
      a.tls_variant = true;
      continue;
    }
    if (f == "--metrics-variant") {
      a.metrics_variant = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "compare: missing value for %s\n", f.c_str());
      return 2;
    }
    const std::string v = argv[++i];
    if (f == "--hosts") a.hosts = v;
    else if (f == "--duration") a.duration_s = std::atof(v.c_str());
    else if (f == "--rounds") a.rounds = std::atoi(v.c_str());
    else if (f == "--in-flight") a.in_flight = std::atoi(v.c_str());
    else if (f == "--keys") a.keys = std::atol(v.c_str());
    else if (f == "--uring")
      a.uring = v != "no";
    else if (f == "-o") a.object = v;
    else if (f == "--aerobench") a.aerobench = v;
    else if (f == "--limit") a.limit = v;
    else if (f == "--json") a.json_path = user_path(v);
    else if (f == "--keep") a.keep_dir = user_path(v);
    else {
      std::fprintf(stderr, "compare: unknown flag %s\n", f.c_str());
      usage(stderr);
      return 2;
    }
  }
  if (a.duration_s <= 0 || a.rounds < 1 || a.in_flight < 1 || a.keys < 1) {
    std::fprintf(stderr, "compare: --duration, --rounds, --in-flight and --keys must be positive\n");
    return 2;
  }
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
  pid_t server = -1;
  std::string hosts = a.hosts;
  std::string tls_hosts;
  if (hosts.empty()) {
    std::uint16_t port = 0, tls_port = 0;
    server = start_server(&port, a.tls_variant ? dir : std::string(), &tls_port);
    if (server < 0) {
      std::fprintf(stderr, "compare: cannot start the test server\n");
      return 1;
    }
    hosts = "127.0.0.1:" + std::to_string(port);
    if (a.tls_variant) tls_hosts = "127.0.0.1:compare.test:" + std::to_string(tls_port);
  }
  const std::string duration = std::to_string(a.duration_s);
  const std::string in_flight = std::to_string(a.in_flight);
  const std::string keys = std::to_string(a.keys);
  std::printf("compare: server %s (%s), %s in flight, 1 loop, 50%% get / 50%% put of -o %s, "
              "%s keys, %g s per run, %d round(s)\n",
              hosts.c_str(), a.hosts.empty() ? "test server in its own process" : "given",
              in_flight.c_str(), a.object.c_str(), keys.c_str(), a.duration_s, a.rounds);

  int status = 0;
  // Prefill.
  {
    Run p = run_child("prefill", {aerobench, "--hosts", hosts, "-w", "I", "-k", keys, "-o", a.object,
                                  "-q", "--json", dir + "/prefill.json"},
                      dir + "/prefill.json", dir + "/prefill.log");
    if (!p.ok) status = 1;
  }

  // The client variants: serial and oneTBB completions, and with --metrics-variant the
  // serial client with ClientConfig::enable_metrics on (what recording metrics costs).
  struct Variant {
    std::string name;
    std::string executor;
    bool metrics;
    bool uring = false;
    std::vector<double> cpu, tput;
    bool tls = false;
  };
  std::vector<Variant> variants = {{"serial", "serial", false, false, {}, {}},
                                   {"tbb", "tbb", false, false, {}, {}}};
  if (a.metrics_variant) variants.push_back({"serial+metrics", "serial", true, false, {}, {}});
  if (a.uring) variants.push_back({"serial-uring", "serial", false, true, {}, {}});
  if (a.tls_variant) variants.push_back({"serial+tls", "serial", false, false, {}, {}, true});
  // The limits: epoll (every ratio is against it), and io_uring.
  const int limits = a.uring ? 2 : 1;
  std::vector<double> uring_limit_cpu, uring_limit_tput;
  const int runs = static_cast<int>(variants.size()) + limits;
  for (int round = 1; round <= a.rounds && status == 0; ++round) {
    std::printf("round %d:\n", round);
    const std::string tag = dir + "/r" + std::to_string(round) + "-";
    // The runs in a rotating order, so that no variant always runs first or last.
    Run lim, lim_uring;
    std::vector<Run> clients(variants.size());
    for (int step = 0; step < runs; ++step) {
      const int which = (step + round - 1) % runs;
      if (which == 0) {
        lim = run_child("limit", {limit, "--hosts", hosts, "--in-flight", in_flight, "--duration",
                                  duration, "-k", keys, "-o", a.object, "--read-percent", "50",
                                  "--json", tag + "limit.json"},
                        tag + "limit.json", tag + "limit.log");
        continue;
      }
      if (which == 1 && a.uring) {
        lim_uring = run_child("limit-uring",
                              {limit, "--hosts", hosts, "--in-flight", in_flight, "--duration",
                               duration, "-k", keys, "-o", a.object, "--read-percent", "50", "--io",
                               "uring", "--json", tag + "limit-uring.json"},
                              tag + "limit-uring.json", tag + "limit-uring.log");
        continue;
      }
      const Variant& v = variants[static_cast<std::size_t>(which - limits)];
      std::string file = v.name;
      std::replace(file.begin(), file.end(), '+', '-');
      std::vector<std::string> args = {aerobench,
                                       "--hosts",
                                       v.tls ? tls_hosts : hosts,
                                       "--in-flight",
                                       in_flight,
                                       "--loops",
                                       "1",
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
                                       v.executor,
                                       "-q",
                                       "--json",
                                       tag + file + ".json"};
      if (v.metrics) args.push_back("--metrics");
      if (v.tls) {
        args.push_back("--tls-enable");
        args.push_back("--tls-cafile");
        args.push_back(dir + "/ca.pem");
      }
      if (v.uring) {
        args.push_back("--io");
        args.push_back("uring");
      }
      clients[static_cast<std::size_t>(which - limits)] =
          run_child("aerobench " + v.name, args, tag + file + ".json", tag + file + ".log");
    }
    bool all_ok = lim.ok && (!a.uring || lim_uring.ok);
    for (const Run& c : clients) all_ok = all_ok && c.ok;
    if (!all_ok) {
      status = 1;
      break;
    }
    print_run(lim);
    if (a.uring) {
      print_run(lim_uring);
      std::printf("  %-18s CPU/cmd %.2fx the limit, throughput %.2fx the limit\n", "",
                  lim_uring.cpu_per_command_us / lim.cpu_per_command_us,
                  lim_uring.per_second / lim.per_second);
      uring_limit_cpu.push_back(lim_uring.cpu_per_command_us / lim.cpu_per_command_us);
      uring_limit_tput.push_back(lim_uring.per_second / lim.per_second);
    }
    for (std::size_t i = 0; i < clients.size(); ++i) {
      const Run& c = clients[i];
      print_run(c);
      std::printf("  %-18s CPU/cmd %.2fx the limit, throughput %.2fx the limit\n", "",
                  c.cpu_per_command_us / lim.cpu_per_command_us, c.per_second / lim.per_second);
      variants[i].cpu.push_back(c.cpu_per_command_us / lim.cpu_per_command_us);
      variants[i].tput.push_back(c.per_second / lim.per_second);
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
  std::printf("\nclient / limit (median of %d round(s)); goal: CPU <= 1.15x, throughput >= 0.95x\n",
              a.rounds);
  std::string json = "{\"rounds\":" + std::to_string(a.rounds);
  if (a.uring) {
    const double c = median(uring_limit_cpu), t = median(uring_limit_tput);
    std::printf("  %-15s CPU per command %.2fx, throughput %.2fx  (io_uring limit / epoll limit)\n",
                "limit-uring:", c, t);
    char item[160];
    std::snprintf(item, sizeof item,
                  ",\"limit-uring\":{\"cpu_ratio\":%.4f,\"throughput_ratio\":%.4f}", c, t);
    json += item;
  }
  for (Variant& v : variants) {
    const double c = median(v.cpu), t = median(v.tput);
    std::printf("  %-15s CPU per command %.2fx, throughput %.2fx  %s\n", (v.name + ":").c_str(), c, t,
                c <= 1.15 && t >= 0.95 ? "(goal met)" : "(goal not met)");
    char item[160];
    std::snprintf(item, sizeof item, ",\"%s\":{\"cpu_ratio\":%.4f,\"throughput_ratio\":%.4f}", v.name.c_str(),
                  c, t);
    json += item;
  }
  // A variant against the plain serial client, per round, so that both runs share the round's
  // conditions.
  auto against_serial = [&](const char* name, const char* label) {
    for (const Variant& v : variants) {
      if (v.name != name) continue;
      std::vector<double> cpu, tput;
      for (std::size_t r = 0; r < variants[0].cpu.size(); ++r) {
        cpu.push_back(v.cpu[r] / variants[0].cpu[r]);
        tput.push_back(v.tput[r] / variants[0].tput[r]);
      }
      std::printf(
          "  %s (serial): CPU per command %.3fx, throughput %.3fx (median of the rounds' ratios)\n",
          label, median(cpu), median(tput));
    }
  };
  against_serial("serial+metrics", "metrics on / off");
  against_serial("serial+tls", "TLS / plaintext");
  std::printf("results and logs: %s\n", dir.c_str());
  json += ",\"dir\":\"" + dir + "\"}\n";
  if (!a.json_path.empty()) {
    std::FILE* f = std::fopen(a.json_path.c_str(), "w");
    if (f != nullptr) {
      std::fputs(json.c_str(), f);
      std::fclose(f);
    }
  }
  return 0;
}
