// What a filter expression costs per command: encoding a get with a typical reused filter
// (status == "active" and last update older than a cutoff) against the same get without
// one, and, for comparison, building that filter from scratch. Reports ns per command and
// heap allocations per command (global operator new counted).
// Run: bazel run -c opt //bench/exp:exp_bench
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "client/exp/exp.h"
#include "client/exp/list_exp.h"
#include "client/exp/map_exp.h"
#include "client/wire/request.h"

namespace {
std::atomic<long> g_allocs{0};
}  // namespace

// The replacements pair malloc with free, which GCC cannot see through once inlined.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t n) {
  g_allocs.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace aero::exp {
namespace {

BoolExp typical() {
  return and_(eq(str_bin("status"), "active"), lt(last_update(), int_val(1700000000000000000)));
}

const wire::Key& key1() {
  static const wire::Key k("test", "demo", int64_t{1});
  return k;
}

void report(benchmark::State& state, long allocs) {
  state.counters["allocs/cmd"] =
      benchmark::Counter(static_cast<double>(allocs) / static_cast<double>(state.iterations()));
}

void BM_EncodeGet_NoFilter(benchmark::State& state) {
  wire::Buffer out(256);
  const long before = g_allocs.load();
  for (auto _ : state) {
    wire::ReadAttrs a;  // per command, as the client maps its policy
    a.server_timeout_ms = 1000;
    benchmark::DoNotOptimize(wire::encode_get(out, key1(), a));
  }
  report(state, g_allocs.load() - before);
}
BENCHMARK(BM_EncodeGet_NoFilter);

void BM_EncodeGet_ReusedFilter(benchmark::State& state) {
  const Filter f = filter(typical());  // built once
  wire::Buffer out(256);
  const long before = g_allocs.load();
  for (auto _ : state) {
    wire::ReadAttrs a;
    a.server_timeout_ms = 1000;
    a.filter_exp = f.shared();
    benchmark::DoNotOptimize(wire::encode_get(out, key1(), a));
  }
  report(state, g_allocs.load() - before);
  state.counters["filter_bytes"] = static_cast<double>(f.bytes().size());
}
BENCHMARK(BM_EncodeGet_ReusedFilter);

void BM_BuildTypicalFilter(benchmark::State& state) {
  const long before = g_allocs.load();
  for (auto _ : state) {
    Filter f = filter(typical());
    benchmark::DoNotOptimize(f.bytes().data());
  }
  report(state, g_allocs.load() - before);
}
BENCHMARK(BM_BuildTypicalFilter);

// A collection read filter: "the list at map key 'rooms' holds 'k1'" (a list read with a
// one-step context on a map bin), built from scratch; reused, it costs what any filter does.
BoolExp collection_read() {
  return gt(list::get_by_value<cdt::ReturnType::kCount>(str_val("k1"), map_bin("m"),
                                                        cdt::Context().map_key("rooms")),
            0);
}

void BM_BuildCollectionReadFilter(benchmark::State& state) {
  const long before = g_allocs.load();
  for (auto _ : state) {
    Filter f = filter(collection_read());
    benchmark::DoNotOptimize(f.bytes().data());
  }
  report(state, g_allocs.load() - before);
}
BENCHMARK(BM_BuildCollectionReadFilter);

void BM_EncodeGet_ReusedCollectionReadFilter(benchmark::State& state) {
  const Filter f = filter(collection_read());
  wire::Buffer out(256);
  const long before = g_allocs.load();
  for (auto _ : state) {
    wire::ReadAttrs a;
    a.server_timeout_ms = 1000;
    a.filter_exp = f.shared();
    benchmark::DoNotOptimize(wire::encode_get(out, key1(), a));
  }
  report(state, g_allocs.load() - before);
  state.counters["filter_bytes"] = static_cast<double>(f.bytes().size());
}
BENCHMARK(BM_EncodeGet_ReusedCollectionReadFilter);

}  // namespace
}  // namespace aero::exp

BENCHMARK_MAIN();
