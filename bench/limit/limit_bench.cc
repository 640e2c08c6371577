// The bare epoll ping-pong alone (bench/io runs it side by side with io::Loop and prints the
// ratio). Usage: bazel run -c opt //bench/limit:limit_bench
#include <benchmark/benchmark.h>

#include "bench/limit/bare_ping_pong.h"
#include "bench/limit/echo_server.h"

namespace aero::bench {
namespace {

void BM_BareEpollPingPong(benchmark::State& state) {
  static EchoServer server;
  std::int64_t round_trips = 0, cpu_ns = 0;
  while (state.KeepRunningBatch(10000)) {
    PingPongResult r = bare_epoll_ping_pong(server.port(), 64, 10000);
    if (!r.ok) state.SkipWithError("ping-pong failed");
    round_trips += r.round_trips;
    cpu_ns += r.client_cpu_ns;
  }
  state.counters["client_cpu_ns_per_rt"] =
      round_trips ? static_cast<double>(cpu_ns) / static_cast<double>(round_trips) : 0;
}
BENCHMARK(BM_BareEpollPingPong)->UseRealTime();

}  // namespace
}  // namespace aero::bench

BENCHMARK_MAIN();
