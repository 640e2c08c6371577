// What the tutorial programs share: their flags, and the cluster they talk to (an embedded
// three-node test cluster by default, or a real one named with --hosts or, when --hosts is not
// given, in the environment variable AEROSPIKE_TEST_HOSTS, as the client's tests do).
//
// Threads: main thread only.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "client/aerospike.h"
#include "test/client/test_hosts.h"
#if defined(__linux__)  // the embedded test cluster (test/server) runs on Linux only (epoll)
#define TUTORIAL_HAVE_EMBEDDED_CLUSTER 1
#include "test/server/cluster.h"
#endif

namespace tutorial {

struct Options {
  std::string hosts;     // "host:port,host:port"; empty = embedded test cluster
  int records = 5000;
  int in_flight = 100;
  bool tbb = false;      // completions on a oneTBB pool instead of the loop thread
};

inline void usage(const char* program) {
  std::fprintf(stderr,
               "usage: %s [--hosts HOST:PORT[,HOST:PORT...]] [--records N] [--in-flight N] [--tbb]\n"
               "  Without --hosts, runs against AEROSPIKE_TEST_HOSTS if set, else an embedded\n"
               "  3-node test cluster.\n",
               program);
}

// Parses argv; prints usage and exits on a bad flag.
inline Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        usage(argv[0]);
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--hosts") {
      o.hosts = next();
    } else if (a == "--records") {
      o.records = std::atoi(next().c_str());
    } else if (a == "--in-flight") {
      o.in_flight = std::atoi(next().c_str());
    } else if (a == "--tbb") {
      o.tbb = true;
    } else {
      usage(argv[0]);
      std::exit(a == "--help" || a == "-h" ? 0 : 2);
    }
  }
  if (o.records < 1 || o.in_flight < 1) {
    std::fprintf(stderr, "--records and --in-flight must be at least 1\n");
    std::exit(2);
  }
  return o;
}

// The cluster to use: --hosts, else AEROSPIKE_TEST_HOSTS, else an embedded one it starts; fills
// `seeds` and prints "Cluster: <hosts> (<where they came from>)". Exits on a malformed list.
struct Target {
#if TUTORIAL_HAVE_EMBEDDED_CLUSTER
  std::unique_ptr<aero::testserver::Cluster> embedded;
#endif
  std::vector<aero::Host> seeds;
};

inline Target target(const Options& o) {
  Target t;
  if (o.hosts.empty() && aero::testing::external_cluster()) {
    t.seeds = aero::testing::external_hosts();
    std::printf("Cluster: %s (%s)\n", aero::testing::to_string(t.seeds).c_str(),
                aero::testing::kTestHostsVariable);
    return t;
  }
  if (o.hosts.empty()) {
#if !TUTORIAL_HAVE_EMBEDDED_CLUSTER
    std::fprintf(stderr, "no embedded test cluster on this platform: name one with --hosts or %s\n",
                 aero::testing::kTestHostsVariable);
    std::exit(2);
#else
    t.embedded = std::make_unique<aero::testserver::Cluster>(
        aero::testserver::ClusterOptions{.nodes = 3, .replication_factor = 2});
    std::string error;
    if (!t.embedded->start(&error)) {
      std::fprintf(stderr, "cannot start the embedded test cluster: %s\n", error.c_str());
      std::exit(1);
    }
    t.seeds.push_back({"127.0.0.1", t.embedded->seed_port()});
    return t;
#endif
  }
  std::string error;
  if (!aero::testing::parse_hosts(o.hosts, &t.seeds, &error, 3000)) {
    std::fprintf(stderr, "--hosts '%s': %s (expected host:port[,host:port...])\n", o.hosts.c_str(),
                 error.c_str());
    std::exit(2);
  }
  std::printf("Cluster: %s (--hosts)\n", aero::testing::to_string(t.seeds).c_str());
  return t;
}

inline aero::Key key_of(int i) { return aero::Key("test", "tutorial", i); }

}  // namespace tutorial
