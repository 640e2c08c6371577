// Command-line flags of aerobench: the Options they fill, the parser, the --help text.
//
// Every flag is checked before anything starts (no cluster is started, no host contacted
// on a bad flag): parse_flags() returns an error that names the flag and what it accepts.
//
// Threads: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/tool/object_spec.h"
#include "bench/tool/workload.h"
#include "client/policy.h"

namespace aero::bench {

enum class ExecutorKind : std::uint8_t { serial, tbb };
enum class Prefill : std::uint8_t { automatic, yes, no };

struct Options {
  // Where: no hosts = start the embedded test cluster in this process.
  std::vector<Host> hosts;
  int nodes = 3;  // embedded cluster size
  std::string ns = "test";
  std::string set = "testset";
  std::string bin = "testbin";

  // What.
  std::int64_t keys = 100000;
  std::int64_t start_key = 0;
  std::vector<BinSpec> object = {BinSpec{BinSpec::Kind::integer, 4}};
  bool random_values = false;  // new values for every write (default: one fixed record)
  Workload workload;
  Prefill prefill = Prefill::automatic;

  // How much and how fast.
  double duration_s = 10;  // 0 = no time limit (then --ops or workload I ends the run)
  std::int64_t ops = 0;    // 0 = no count limit
  int loops = 1;
  int in_flight = 100;
  double rate = 0;  // commands per second; 0 = closed loop
  ExecutorKind executor = ExecutorKind::serial;
  bool io_uring = false;  // --io uring: the client's loops on io_uring (io/uring)
  int tbb_threads = 0;  // 0 = one per core
  int timeout_ms = 1000;
  int max_conns_per_node = 0;  // 0 = max(100, in_flight)

  // Resilience knobs (client/policy.h); -1 = the client's default.
  int socket_timeout_ms = -1;
  int max_retries = -1;
  int sleep_between_retries_ms = -1;
  double sleep_multiplier = 1.0;
  int max_sleep_ms = 0;
  bool retry_jitter = false;
  int timeout_delay_ms = 0;
  int max_error_rate = -1;
  int error_rate_window = -1;
  // Embedded cluster only: every node answers data commands this late (0 = on time), to
  // measure what timeouts cost (connections opened, drains).
  int server_delay_ms = 0;
  // Addresses and flow control (client/policy.h).
  bool services_alternate = false;
  bool metrics = false;  // ClientConfig::enable_metrics, and the per-node report
  int max_commands_in_process = 0;
  int max_commands_in_queue = 0;

  // Security (asbench -U/-P/--auth): login as this user; empty = no login.
  std::string user;
  std::string password;
  AuthMode auth_mode = AuthMode::internal;
  // TLS (tls_flags.h): --tls-enable, --tls-cafile, ...; needs --hosts.
  TlsConfig tls;

  // Output.
  std::string json_path;
  std::string hgrm_prefix;
  std::string plot_path;
  bool quiet = false;  // no per-second lines
  std::uint64_t seed = 1;

  bool embedded() const { return hosts.empty(); }
  bool open_loop() const { return rate > 0; }
};

struct ParseOutcome {
  enum class What : std::uint8_t { run, help, error };
  What what = What::run;
  Options options;
  std::string error;
};

ParseOutcome parse_flags(int argc, const char* const* argv);

std::string help_text();

// "127.0.0.1:3000,10.0.0.2:3000" or "embedded 3-node test cluster".
std::string target_string(const Options& o);

// Parses "host[:port][,host[:port]...]" (IPv6 in brackets: "[::1]:3000"; a seed's TLS name
// as "host:tls-name:port").
bool parse_hosts(const std::string& list, int default_port, std::vector<Host>* out,
                 std::string* error);

}  // namespace aero::bench
