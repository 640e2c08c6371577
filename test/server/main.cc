// aerospike_test_server: runs an in-memory test cluster until SIGINT or SIGTERM.
//
//   bazel run //test/server:aerospike_test_server -- --nodes 3 --port 3000
//       --replication-factor 2 --namespaces test,bar   (one command line)
//
// Prints one line per node ("node <index> <id> <host>:<port>", plus " tls <port>" with TLS
// listeners: --tls-cert and --tls-key, see --help), then the seed list for clients
// ("hosts <host>:<port>,<host>:<port>...", the AEROSPIKE_TEST_HOSTS value), then "ready", on
// stdout. With --hosts-file, also writes the seed list to that file (complete when it appears:
// written aside and renamed). With --port 0 every node takes an ephemeral port.
// Stops on SIGINT or SIGTERM, and with --stop-on-eof also when its stdin reaches end of file
// (so a parent that dies, or closes the pipe, takes the cluster down). tools/test_server.sh
// wraps this for scripts.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>

#include "test/server/cluster.h"

namespace {

void usage(FILE* out) {
  std::fprintf(out,
               "usage: aerospike_test_server [options]\n"
               "  --nodes N               nodes in the cluster, 1..8 (default 1)\n"
               "  --port P                port of node 0; node i uses P + i * step;\n"
               "                          0 = an ephemeral port per node (default 3000)\n"
               "  --port-step S           distance between node ports (default 1)\n"
               "  --replication-factor R  replication factor (default 1)\n"
               "  --namespaces a,b        namespaces (default test)\n"
               "  --cluster-name NAME     cluster name (default aerospike-test-server)\n"
               "  --host ADDR             IPv4 address to listen on (default 127.0.0.1)\n"
               "  --loops-per-node L      event-loop threads per node (default 1)\n"
               "  --default-ttl SECONDS   namespace default TTL (default 0: never expire)\n"
               "  --enterprise            Enterprise behaviour (durable delete, compression)\n"
               "  --security              security enabled: logins, users and roles; starts\n"
               "                          with user admin, password admin, role user-admin\n"
               "  --session-ttl SECONDS   login session lifetime (default 86400)\n"
               "  --tls-port P            TLS listener of node 0 (needs --tls-cert/--tls-key);\n"
               "                          node i uses P + i * step; 0 = ephemeral (default 0)\n"
               "  --tls-cert FILE         PEM certificate (chain) of the TLS listeners\n"
               "  --tls-key FILE          PEM private key of the TLS listeners\n"
               "  --tls-ca FILE           require client certificates signed by this CA (mutual TLS)\n"
               "  --tls-name NAME         the TLS name peers-tls-std / service-tls-std report\n"
               "  --hosts-file PATH       also write the hosts line's list to PATH when ready\n"
               "  --stop-on-eof           stop when stdin reaches end of file, too\n");
}

bool parse_int(const char* s, long lo, long hi, long* out) {
  char* end = nullptr;
  const long v = std::strtol(s, &end, 10);
  if (end == s || *end != '\0' || v < lo || v > hi) return false;
  *out = v;
  return true;
}

// Writes `text` to `path` through a temporary file and a rename, so a reader polling for the
// file never sees it half written.
bool write_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) return false;
  const bool written = std::fputs(text.c_str(), f) >= 0;
  if (std::fclose(f) != 0 || !written) return false;
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  aero::testserver::ClusterOptions o;
  o.port = 3000;
  std::string hosts_file;
  bool stop_on_eof = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--help" || a == "-h") {
      usage(stdout);
      return 0;
    }
    if (a == "--enterprise") {
      o.enterprise = true;
      continue;
    }
    if (a == "--security") {
      o.security = true;
      continue;
    }
    if (a == "--stop-on-eof") {
      stop_on_eof = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "missing value for %s\n", argv[i]);
      usage(stderr);
      return 2;
    }
    const char* v = argv[++i];
    long n = 0;
    bool ok = true;
    if (a == "--nodes") {
      ok = parse_int(v, 1, 8, &n);
      o.nodes = int(n);
    } else if (a == "--port") {
      ok = parse_int(v, 0, 65535, &n);
      o.port = uint16_t(n);
    } else if (a == "--port-step") {
      ok = parse_int(v, 1, 1000, &n);
      o.port_step = uint16_t(n);
    } else if (a == "--replication-factor") {
      ok = parse_int(v, 1, 8, &n);
      o.replication_factor = int(n);
    } else if (a == "--loops-per-node") {
      ok = parse_int(v, 1, 64, &n);
      o.loops_per_node = int(n);
    } else if (a == "--default-ttl") {
      ok = parse_int(v, 0, 315360000, &n);
      o.default_ttl = uint32_t(n);
    } else if (a == "--session-ttl") {
      ok = parse_int(v, 1, 864000, &n);
      o.session_ttl = uint32_t(n);
    } else if (a == "--tls-port") {
      ok = parse_int(v, 0, 65535, &n);
      o.tls_port = uint16_t(n);
    } else if (a == "--tls-cert") {
      o.tls_cert = v;
    } else if (a == "--tls-key") {
      o.tls_key = v;
    } else if (a == "--tls-ca") {
      o.tls_ca = v;
    } else if (a == "--tls-name") {
      o.tls_name = v;
    } else if (a == "--cluster-name") {
      o.cluster_name = v;
    } else if (a == "--hosts-file") {
      hosts_file = v;
    } else if (a == "--host") {
      o.host = v;
    } else if (a == "--namespaces") {
      o.namespaces.clear();
      std::string_view list = v;
      while (!list.empty()) {
        const size_t comma = list.find(',');
        o.namespaces.emplace_back(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
      }
    } else {
      std::fprintf(stderr, "unknown option %s\n", argv[i - 1]);
      usage(stderr);
      return 2;
    }
    if (!ok) {
      std::fprintf(stderr, "bad value for %s: %s\n", argv[i - 1], v);
      return 2;
    }
  }

  // Block the stop signals before any thread starts, so only sigwait() sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  aero::testserver::Cluster cluster(o);
  std::string error;
  if (!cluster.start(&error)) {
    std::fprintf(stderr, "cannot start: %s\n", error.c_str());
    return 1;
  }
  std::string hosts;
  for (size_t i = 0; i < cluster.size(); ++i) {
    std::printf("node %zu %s %s", i, cluster.node(i).id().c_str(), cluster.node(i).address().c_str());
    if (cluster.node(i).tls_port() != 0) std::printf(" tls %u", unsigned(cluster.node(i).tls_port()));
    std::printf("\n");
    hosts += (i == 0 ? "" : ",") + cluster.node(i).address();
  }
  std::printf("hosts %s\n", hosts.c_str());
  if (!hosts_file.empty() && !write_file(hosts_file, hosts + "\n")) {
    std::fprintf(stderr, "cannot write %s\n", hosts_file.c_str());
    cluster.stop();
    return 1;
  }
  std::printf("ready\n");
  std::fflush(stdout);
  if (stop_on_eof) {
    // Reads stdin to its end, then stops the cluster the way a SIGTERM does (the signal is
    // blocked in every thread, so it reaches the sigwait() below).
    std::thread([] {
      char buffer[256];
      while (read(STDIN_FILENO, buffer, sizeof buffer) > 0) {
      }
      kill(getpid(), SIGTERM);
    }).detach();
  }
  int sig = 0;
  sigwait(&stop_signals, &sig);
  cluster.stop();
  if (!hosts_file.empty()) std::remove(hosts_file.c_str());
  return 0;
}
