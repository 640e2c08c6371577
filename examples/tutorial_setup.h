// What the tutorial programs share: their flags, and the cluster they talk to (an embedded
// three-node test cluster by default, or a real one named with --hosts).
//
// Threads: main thread only.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "client/aerospike.h"
#include "test/server/cluster.h"

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
               "  Without --hosts, runs against an embedded 3-node test cluster.\n",
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

// The cluster to use: starts the embedded one unless --hosts was given, and fills `seeds`.
struct Target {
  std::unique_ptr<aero::testserver::Cluster> embedded;
  std::vector<aero::Host> seeds;
};

inline Target target(const Options& o) {
  Target t;
  if (o.hosts.empty()) {
    t.embedded = std::make_unique<aero::testserver::Cluster>(
        aero::testserver::ClusterOptions{.nodes = 3, .replication_factor = 2});
    std::string error;
    if (!t.embedded->start(&error)) {
      std::fprintf(stderr, "cannot start the embedded test cluster: %s\n", error.c_str());
      std::exit(1);
    }
    t.seeds.push_back({"127.0.0.1", t.embedded->seed_port()});
    return t;
  }
  std::string_view rest = o.hosts;
  while (!rest.empty()) {
    std::string_view h = rest.substr(0, rest.find(','));
    rest = h.size() < rest.size() ? rest.substr(h.size() + 1) : std::string_view();
    std::size_t colon = h.rfind(':');
    aero::Host host{std::string(h.substr(0, colon)), 3000};
    if (colon != std::string_view::npos) host.port = static_cast<std::uint16_t>(std::atoi(std::string(h.substr(colon + 1)).c_str()));
    t.seeds.push_back(host);
  }
  return t;
}

inline aero::Key key_of(int i) { return aero::Key("test", "tutorial", i); }

}  // namespace tutorial
