// io::Loop benchmarks: cross-thread post rate, timer start/cancel cost, and a loopback
// ping-pong through the Loop compared with the bare epoll program of bench/limit.
//
// After the Google Benchmark runs, main() alternates Loop and bare ping-pongs against the
// same echo server and prints the ratio of client-thread CPU time per round trip (the echo
// server's CPU is excluded). Usage:
//   bazel run //bench/io:loop_bench                     (everything)
//   bazel run //bench/io:loop_bench -- --ratio_only     (just the ratio)
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "bench/limit/bare_ping_pong.h"
#include "bench/limit/echo_server.h"
#include "io/loop.h"
#include "io/loop_thread.h"

namespace aero::bench {
namespace {

using namespace std::chrono_literals;
using io::Loop;
using io::SocketId;

EchoServer& echo_server() {
  static EchoServer server;
  return server;
}

// The same closed loop as bare_epoll_ping_pong(), through io::Loop on the calling thread:
// write the request and read the response, then the next request.
PingPongResult loop_ping_pong(std::uint16_t port, std::size_t message_size,
                              std::int64_t round_trips) {
  struct Client {
    Loop* loop;
    SocketId socket;
    std::vector<char> request;
    io::ConstBuffer out;
    char response[4096];
    std::int64_t left;
    std::int64_t start_cpu = 0, end_cpu = 0;
    std::uint64_t start_polls = 0, end_polls = 0;
    bool ok = true;

    void round() {
      loop->write(socket, {&out, 1}, [this](std::error_code ec, std::size_t) {
        if (ec) fail();
      });
      loop->read(socket, {response, sizeof response}, request.size(),
                 [this](std::error_code ec, std::size_t) {
                   if (ec) return fail();
                   if (--left > 0) return round();
                   finish();
                 });
    }
    void fail() {
      ok = false;
      finish();
    }
    void finish() {
      end_cpu = thread_cpu_ns();
      end_polls = loop->stats().polls;
      loop->close(socket);
      loop->stop();
    }
  };
  auto loop = io::make_loop();
  Client c{loop.get(), {}, std::vector<char>(message_size, 'q'), {}, {}, round_trips};
  c.out = {c.request.data(), c.request.size()};
  loop->connect(io::Endpoint::loopback_v4(port), loop->now() + 10s,
                [&c](std::error_code ec, SocketId s) {
                  if (ec) return c.fail();
                  c.socket = s;
                  c.start_polls = c.loop->stats().polls;
                  c.start_cpu = thread_cpu_ns();
                  c.round();
                });
  loop->run();
  return {round_trips, c.end_cpu - c.start_cpu,
          static_cast<std::int64_t>(c.end_polls - c.start_polls), c.ok};
}

using PingPong = PingPongResult (*)(std::uint16_t, std::size_t, std::int64_t);

void ping_pong_benchmark(benchmark::State& state, PingPong run) {
  std::int64_t round_trips = 0, cpu_ns = 0, polls = 0;
  while (state.KeepRunningBatch(10000)) {
    PingPongResult r = run(echo_server().port(), 64, 10000);
    if (!r.ok) state.SkipWithError("ping-pong failed");
    round_trips += r.round_trips;
    cpu_ns += r.client_cpu_ns;
    polls += r.polls;
  }
  const double n = static_cast<double>(std::max<std::int64_t>(round_trips, 1));
  state.counters["client_cpu_ns_per_rt"] = static_cast<double>(cpu_ns) / n;
  state.counters["polls_per_rt"] = static_cast<double>(polls) / n;
}

void BM_PingPong_Loop(benchmark::State& state) { ping_pong_benchmark(state, loop_ping_pong); }
void BM_PingPong_BareEpoll(benchmark::State& state) {
  ping_pong_benchmark(state, bare_epoll_ping_pong);
}
BENCHMARK(BM_PingPong_Loop)->UseRealTime();
BENCHMARK(BM_PingPong_BareEpoll)->UseRealTime();

// Posts from the benchmark thread to a loop running on its own thread.
void BM_CrossThreadPost(benchmark::State& state) {
  io::LoopThread thread;
  std::atomic<std::int64_t> ran{0};
  std::int64_t posted = 0;
  const std::uint64_t wakeups_before = thread.loop().stats().wakeups;
  for (auto _ : state) {
    thread.loop().post([&ran] { ran.fetch_add(1, std::memory_order_relaxed); });
    ++posted;
  }
  while (ran.load(std::memory_order_relaxed) != posted) std::this_thread::yield();
  state.counters["wakeups_per_post"] =
      static_cast<double>(thread.loop().stats().wakeups - wakeups_before) /
      static_cast<double>(std::max<std::int64_t>(posted, 1));
  state.SetItemsProcessed(posted);
}
BENCHMARK(BM_CrossThreadPost)->UseRealTime();

// One start_timer + cancel_timer pair with `range(0)` other timers armed.
void BM_TimerStartCancel(benchmark::State& state) {
  auto loop = io::make_loop();  // not running: the creating thread owns it
  const auto background = static_cast<std::size_t>(state.range(0));
  std::vector<std::unique_ptr<io::Timer>> armed;
  for (std::size_t i = 0; i < background; ++i) {
    armed.push_back(std::make_unique<io::Timer>([] {}));
    loop->start_timer(*armed.back(), loop->now() + 1h + std::chrono::microseconds(i * 7 % 1000));
  }
  io::Timer timer([] {});
  const io::TimePoint base = loop->now() + 1h;
  std::int64_t i = 0;
  for (auto _ : state) {
    loop->start_timer(timer, base + std::chrono::microseconds(++i % 1000));
    benchmark::DoNotOptimize(loop->cancel_timer(timer));
  }
  for (auto& t : armed) loop->cancel_timer(*t);
}
BENCHMARK(BM_TimerStartCancel)->Arg(0)->Arg(1000)->Arg(1000000);

// The timers of `range(0)` commands in flight that share one timeout: each iteration one
// command (a random one) completes, cancelling its timer, and the next starts one for the
// same timeout from a clock that moved on (deadlines arrive in order: TimerQueue's run).
void BM_TimerCommandsInFlight(benchmark::State& state) {
  auto loop = io::make_loop();  // not running: the creating thread owns it
  const auto in_flight = static_cast<std::size_t>(state.range(0));
  std::vector<std::unique_ptr<io::Timer>> timers;
  const io::TimePoint base = loop->now() + 1h;
  std::int64_t clock_us = 0;
  for (std::size_t i = 0; i < in_flight; ++i) {
    timers.push_back(std::make_unique<io::Timer>([] {}));
    loop->start_timer(*timers.back(), base + std::chrono::microseconds(++clock_us));
  }
  std::uint64_t x = 88172645463325252ull;  // xorshift: no <random> cost in the loop
  for (auto _ : state) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    io::Timer& t = *timers[x % in_flight];
    benchmark::DoNotOptimize(loop->cancel_timer(t));
    loop->start_timer(t, base + std::chrono::microseconds(++clock_us));
  }
  for (auto& t : timers) loop->cancel_timer(*t);
}
BENCHMARK(BM_TimerCommandsInFlight)->Arg(1)->Arg(100)->Arg(10000);

// Alternates bare and Loop runs so that both see the same machine state; medians of each.
void print_ratio(int rounds, std::int64_t round_trips) {
  std::vector<double> cpu[2], polls[2];  // [0] bare, [1] Loop
  for (int i = 0; i < rounds; ++i) {
    for (int which = 0; which < 2; ++which) {
      PingPongResult r = (which == 0 ? bare_epoll_ping_pong : loop_ping_pong)(
          echo_server().port(), 64, round_trips);
      if (!r.ok) {
        std::fprintf(stderr, "ping-pong failed\n");
        return;
      }
      const double n = static_cast<double>(r.round_trips);
      cpu[which].push_back(static_cast<double>(r.client_cpu_ns) / n);
      polls[which].push_back(static_cast<double>(r.polls) / n);
    }
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  const double b = median(cpu[0]), l = median(cpu[1]);
  std::printf("\nping-pong, 64-byte messages, client-thread CPU per round trip "
              "(median of %d alternating runs of %lld round trips):\n"
              "  bare epoll: %.0f ns (%.2f polls per round trip)\n"
              "  io::Loop:   %.0f ns (%.2f polls per round trip)\n"
              "  Loop/bare:  %.3f\n",
              rounds, static_cast<long long>(round_trips), b, median(polls[0]), l,
              median(polls[1]), l / b);
}

}  // namespace
}  // namespace aero::bench

int main(int argc, char** argv) {
  bool ratio_only = false;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--ratio_only") == 0) {
      ratio_only = true;
    } else {
      args.push_back(argv[i]);
    }
  }
  int count = static_cast<int>(args.size());
  if (!ratio_only) {
    benchmark::Initialize(&count, args.data());
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
  }
  aero::bench::print_ratio(9, 20000);
  return 0;
}
