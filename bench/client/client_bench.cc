// Micro-benchmarks of the client's hot path, against an in-process 1-node test cluster (the
// server's threads are not counted: CPU figures are per thread, for the client's own).
//
//   bazel run -c opt //bench/client:client_bench
//
// BM_Client/{get,put}/<in flight>: a closed loop through aero::Client on one loop with
//   serial completions (each completion submits the next command), counters per command:
//     loop_cpu_ns        CPU time of the client's loop thread (it does everything here)
//     submit_to_wire_ns  median time of the submit call made inside a completion, from
//                        entry until the request was handed to the kernel (encode, pool,
//                        routing, send())
//     response_ns        loop CPU minus that median: epoll share, recv(), frame parse,
//                        record decode, executor hop, callback dispatch
//     allocs             heap allocations per command on the client's threads (goal: 0)
// BM_Bare/{get,put}/<in flight>: the same bytes over a bare epoll loop (bench/limit's way),
//   with the same counters, for the ratio.
// BM_KeyDigest, BM_EncodeGet, BM_EncodePut, BM_DecodeGetResponse: the codec pieces alone.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <future>
#include <memory>
#include <new>
#include <vector>

#include "bench/limit/aerospike_limit_messages.h"
#include "client/metrics/histogram.h"
#include "bench/tool/object_spec.h"
#include "client/client.h"
#include "client/wire/message.h"
#include "client/wire/request.h"
#include "test/server/cluster.h"

// ---- Allocation counting: only on threads that opted in (the client's, the benchmark's). ----

namespace {
std::atomic<std::uint64_t> g_allocs{0};
thread_local bool t_count_allocs = false;
}  // namespace

// The replacements below pair malloc with free, which GCC cannot see through once inlined.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t n) {
  if (t_count_allocs) g_allocs.fetch_add(1, std::memory_order_relaxed);
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace aero::bench {

using metrics::AtomicHistogram;
using metrics::Histogram;
namespace {

constexpr int kKeys = 1000;

std::uint64_t cpu_ns(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<std::uint64_t>(ts.tv_nsec);
}

// Submit calls are timed with the monotonic clock (cheap) and summarised by their median,
// which a preemption on a busy machine cannot move (a mean would absorb it). A thread-CPU
// clock read costs microseconds in a VM, too much to put around every call.
std::uint64_t mono_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<std::uint64_t>(ts.tv_nsec);
}

struct Env {
  testserver::Cluster cluster{testserver::ClusterOptions{.nodes = 1}};
  std::unique_ptr<Client> client;
  clockid_t loop_clock{};
  std::vector<Bin> bins;
  std::vector<std::uint8_t> get_response;  // a whole response frame of a get (S100 record)

  Env() {
    std::string error;
    if (!cluster.start(&error)) std::abort();
    ClientConfig config;
    config.seeds = {{"127.0.0.1", cluster.seed_port()}};
    auto c = Client::connect(config);
    if (!c.ok()) std::abort();
    client = std::move(c).value();
    std::promise<clockid_t> clock;
    client->loop(0).post([&clock] {
      t_count_allocs = true;
      clockid_t id;
      pthread_getcpuclockid(pthread_self(), &id);
      clock.set_value(id);
    });
    loop_clock = clock.get_future().get();
    std::vector<BinSpec> spec;
    parse_object_spec("S100", &spec, &error);
    bins = fixed_bins(spec, "testbin", 1);
    for (int k = 0; k < kKeys; ++k) {
      if (!client->put(Key("test", "testset", k), bins).get().ok()) std::abort();
    }
  }
};

Env& env() {
  static Env* e = new Env();  // never destroyed: the benchmark exits with it running
  return *e;
}

// ---- The client, closed loop. ----

class ClientLoop {
 public:
  ClientLoop(Env& e, bool get, int in_flight, std::int64_t ops)
      : e_(e), get_(get), in_flight_(in_flight), ops_(ops) {
    read_ = e.client->config().read;
    write_ = e.client->config().write;
  }
  void run() {
    for (int i = 0; i < in_flight_ && i < ops_; ++i) {
      issued_.fetch_add(1, std::memory_order_relaxed);
      issue(false);
    }
    done_.get_future().wait();
  }
  const Histogram& submits() const { return submits_; }
  std::uint64_t errors() const { return errors_.load(); }

 private:
  void issue(bool timed) {
    const Key key("test", "testset", static_cast<std::int64_t>(next_key_++ % kKeys));
    const std::uint64_t t0 = timed ? mono_ns() : 0;
    if (get_) {
      e_.client->get(key, read_, [this](Result<Record> r) { done(r.code()); });
    } else {
      e_.client->put(key, e_.bins, write_, [this](Result<void> r) { done(r.code()); });
    }
    if (timed) submits_.record(mono_ns() - t0);
  }
  // Runs on the loop thread (serial completions): plain counters are safe there.
  void done(int code) {
    if (code != 0) errors_.fetch_add(1, std::memory_order_relaxed);
    if (completed_.fetch_add(1, std::memory_order_acq_rel) + 1 == ops_) {
      done_.set_value();
      return;
    }
    if (issued_.fetch_add(1, std::memory_order_relaxed) < ops_) issue(true);
  }

  Env& e_;
  const bool get_;
  const int in_flight_;
  const std::int64_t ops_;
  ReadPolicy read_;
  WritePolicy write_;
  std::atomic<std::int64_t> issued_{0}, completed_{0};
  std::atomic<std::uint64_t> errors_{0};
  std::uint64_t next_key_ = 0;  // issue() runs on the benchmark thread first, then the loop's
  Histogram submits_;  // loop thread only
  std::promise<void> done_;
};

void BM_Client(benchmark::State& state) {
  Env& e = env();
  const bool get = state.range(0) == 1;
  const int in_flight = static_cast<int>(state.range(1));
  constexpr std::int64_t kBatch = 5000;
  std::uint64_t ops = 0, loop_cpu = 0, allocs = 0, errors = 0;
  Histogram submits;
  t_count_allocs = true;
  for (auto _ : state) {
    ClientLoop loop(e, get, in_flight, kBatch);
    const std::uint64_t cpu0 = cpu_ns(e.loop_clock);
    const std::uint64_t a0 = g_allocs.load();
    loop.run();
    allocs += g_allocs.load() - a0;
    loop_cpu += cpu_ns(e.loop_clock) - cpu0;
    submits.add(loop.submits());
    errors += loop.errors();
    ops += kBatch;
  }
  t_count_allocs = false;
  if (errors != 0) state.SkipWithError("commands failed");
  const double n = static_cast<double>(ops);
  const double submit_per = static_cast<double>(submits.value_at_percentile(50));
  const double loop_per = static_cast<double>(loop_cpu) / n;
  state.counters["loop_cpu_ns"] = loop_per;
  state.counters["submit_to_wire_ns"] = submit_per;
  state.counters["response_ns"] = loop_per - submit_per;
  state.counters["allocs"] = static_cast<double>(allocs) / n;
  state.counters["commands/s"] = benchmark::Counter(n, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Client)->ArgNames({"put0_get1", "in_flight"})->Args({0, 1})->Args({0, 100})->Args({1, 1})->Args({1, 100})->UseRealTime()->Iterations(20);

// ---- The same bytes over a bare epoll loop on this thread. ----

int connect_loopback(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) std::abort();
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

void BM_Bare(benchmark::State& state) {
  Env& e = env();
  const bool get = state.range(0) == 1;
  const int in_flight = static_cast<int>(state.range(1));
  LimitMessages messages("test", "testset", e.bins, 1000);
  struct Conn {
    int fd;
    wire::Buffer req;
    std::vector<std::uint8_t> buf = std::vector<std::uint8_t>(16384);
    std::size_t filled = 0;
  };
  std::vector<Conn> conns(static_cast<std::size_t>(in_flight));
  const int ep = epoll_create1(EPOLL_CLOEXEC);
  for (std::size_t i = 0; i < conns.size(); ++i) {
    conns[i].fd = connect_loopback(e.cluster.seed_port());
    fcntl(conns[i].fd, F_SETFL, O_NONBLOCK);
    epoll_event ev{EPOLLIN, {.u64 = i}};
    epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev);
  }
  std::uint64_t next_key = 0;
  Histogram submits;
  auto send_one = [&](Conn& c, bool time_it) {
    const std::uint64_t t0 = time_it ? mono_ns() : 0;
    const auto key = static_cast<std::int64_t>(next_key++ % kKeys);
    if (!(get ? messages.encode_get(c.req, key) : messages.encode_put(c.req, key))) std::abort();
    if (::send(c.fd, c.req.data(), c.req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(c.req.size())) std::abort();
    if (time_it) submits.record(mono_ns() - t0);
  };
  constexpr std::int64_t kBatch = 5000;
  std::uint64_t ops = 0, cpu = 0, allocs = 0, errors = 0;
  t_count_allocs = true;
  epoll_event events[256];
  for (auto _ : state) {
    const std::uint64_t cpu0 = cpu_ns(CLOCK_THREAD_CPUTIME_ID);
    const std::uint64_t a0 = g_allocs.load();
    std::int64_t issued = 0, completed = 0;
    for (Conn& c : conns) {
      if (issued < kBatch) {
        send_one(c, false);
        ++issued;
      }
    }
    while (completed < kBatch) {
      const int n = epoll_wait(ep, events, 256, 1000);
      for (int i = 0; i < n; ++i) {
        Conn& c = conns[events[i].data.u64];
        const ssize_t r = ::recv(c.fd, c.buf.data() + c.filled, c.buf.size() - c.filled, 0);
        if (r <= 0) continue;
        c.filled += static_cast<std::size_t>(r);
        if (c.filled < 8) continue;
        std::uint64_t body = 0;
        for (int b = 2; b < 8; ++b) body = (body << 8) | c.buf[static_cast<std::size_t>(b)];
        if (c.filled < 8 + body) continue;
        if (response_result_code({c.buf.data(), c.filled}) != 0) ++errors;
        c.filled = 0;
        ++completed;
        if (issued < kBatch) {
          send_one(c, true);
          ++issued;
        }
      }
    }
    allocs += g_allocs.load() - a0;
    cpu += cpu_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0;
    ops += kBatch;
  }
  t_count_allocs = false;
  for (Conn& c : conns) ::close(c.fd);
  ::close(ep);
  if (errors != 0) state.SkipWithError("commands failed");
  const double n = static_cast<double>(ops);
  const double submit_per = static_cast<double>(submits.value_at_percentile(50));
  const double cpu_per = static_cast<double>(cpu) / n;
  state.counters["loop_cpu_ns"] = cpu_per;
  state.counters["submit_to_wire_ns"] = submit_per;
  state.counters["response_ns"] = cpu_per - submit_per;
  state.counters["allocs"] = static_cast<double>(allocs) / n;
  state.counters["commands/s"] = benchmark::Counter(n, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Bare)->ArgNames({"put0_get1", "in_flight"})->Args({0, 1})->Args({0, 100})->Args({1, 1})->Args({1, 100})->UseRealTime()->Iterations(20);

// ---- Codec pieces. ----

void BM_KeyDigest(benchmark::State& state) {
  std::int64_t k = 0;
  for (auto _ : state) {
    Key key("test", "testset", k++);
    benchmark::DoNotOptimize(key.digest());
  }
}
BENCHMARK(BM_KeyDigest);

void BM_EncodeGet(benchmark::State& state) {
  const Key key("test", "testset", 42);
  wire::Buffer out;
  const wire::ReadAttrs attrs = limit_read_attrs(1000);
  for (auto _ : state) benchmark::DoNotOptimize(wire::encode_get(out, key, attrs));
}
BENCHMARK(BM_EncodeGet);

void BM_EncodePut(benchmark::State& state) {
  Env& e = env();
  const Key key("test", "testset", 42);
  wire::Buffer out;
  const wire::WriteAttrs attrs = limit_write_attrs(1000);
  for (auto _ : state) benchmark::DoNotOptimize(wire::encode_put(out, key, e.bins, attrs));
}
BENCHMARK(BM_EncodePut);

void BM_DecodeGetResponse(benchmark::State& state) {
  Env& e = env();
  // One real response frame: a get of a stored S100 record, sent by hand.
  static const std::vector<std::uint8_t> frame = [&] {
    LimitMessages messages("test", "testset", e.bins, 1000);
    wire::Buffer req;
    messages.encode_get(req, 1);
    const int fd = connect_loopback(e.cluster.seed_port());
    if (::send(fd, req.data(), req.size(), 0) != static_cast<ssize_t>(req.size())) std::abort();
    std::vector<std::uint8_t> buf(8);
    std::size_t got = 0;
    while (got < 8) got += static_cast<std::size_t>(::recv(fd, buf.data() + got, 8 - got, 0));
    std::uint64_t body = 0;
    for (int b = 2; b < 8; ++b) body = (body << 8) | buf[static_cast<std::size_t>(b)];
    buf.resize(8 + body);
    while (got < buf.size()) got += static_cast<std::size_t>(::recv(fd, buf.data() + got, buf.size() - got, 0));
    ::close(fd);
    return buf;
  }();
  const std::span<const std::uint8_t> body(frame.data() + 8, frame.size() - 8);
  std::uint64_t allocs = 0;
  t_count_allocs = true;
  for (auto _ : state) {
    const std::uint64_t a0 = g_allocs.load(std::memory_order_relaxed);
    auto msg = wire::parse_single_message(body);
    auto rec = msg->to_record();
    benchmark::DoNotOptimize(rec);
    allocs += g_allocs.load(std::memory_order_relaxed) - a0;
  }
  t_count_allocs = false;
  state.counters["allocs"] = benchmark::Counter(static_cast<double>(allocs), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_DecodeGetResponse);

}  // namespace
}  // namespace aero::bench

BENCHMARK_MAIN();
