// Executor throughput: post-and-run on SerialExecutor (from a thread outside and inside its
// OwnerScope), TbbExecutor and a Strand on each, and the rate at which other threads can post
// to one SerialExecutor whose owner drains them.
// Compare the items_per_second figures of one run as ratios (all use wall time, since the
// TBB variants work on other threads); the machine is shared and small.
#include <benchmark/benchmark.h>

#include <atomic>
#include <semaphore>
#include <thread>
#include <vector>

#include <oneapi/tbb/global_control.h>

#include "executor/serial_executor.h"
#include "executor/strand.h"
#include "executor/tbb_executor.h"

namespace aero {
namespace {

constexpr int kBatch = 1000;

// A completion-shaped task: a pointer and a few ints, stored inline.
struct Completion {
  std::atomic<long>* sink;
  int a, b, c;
  void operator()() const { sink->fetch_add(a + b + c, std::memory_order_relaxed); }
};

// Baseline: the same task called directly, stored in a Task, no executor.
void BM_DirectCall(benchmark::State& state) {
  std::atomic<long> sink{0};
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) {
      Task task = Completion{&sink, 1, 2, i};
      task();
    }
  }
  benchmark::DoNotOptimize(sink.load());
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_DirectCall)->UseRealTime();

// Post kBatch tasks from the draining thread outside any OwnerScope (the locked path), then
// drain them.
void BM_SerialPostAndRun(benchmark::State& state) {
  SerialExecutor ex;
  std::atomic<long> sink{0};
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) ex.submit(Completion{&sink, 1, 2, i});
    ex.run_pending();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_SerialPostAndRun)->UseRealTime();

// The loop thread posting to its own loop, as LoopContext::deliver_soon does once per loop
// iteration: range(0) posts from the thread running the executor (inside its OwnerScope, as
// in a loop's run()), then one drain. The wake hook sets a flag, as a loop's does on its own
// thread. range(0) == 1 is one command in flight.
void BM_SerialSelfPost(benchmark::State& state) {
  const int posts = static_cast<int>(state.range(0));
  bool woken = false;
  SerialExecutor ex([&woken] { woken = true; });
  SerialExecutor::OwnerScope owner(ex);
  std::atomic<long> sink{0};
  for (auto _ : state) {
    for (int i = 0; i < posts; ++i) ex.submit(Completion{&sink, 1, 2, i});
    woken = false;
    ex.run_pending();
  }
  benchmark::DoNotOptimize(woken);
  state.SetItemsProcessed(state.iterations() * posts);
}
BENCHMARK(BM_SerialSelfPost)->Arg(1)->Arg(kBatch)->UseRealTime();

void BM_StrandOnSerialPostAndRun(benchmark::State& state) {
  SerialExecutor ex;
  Strand strand(ex);
  std::atomic<long> sink{0};
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) strand.submit(Completion{&sink, 1, 2, i});
    ex.run_pending();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_StrandOnSerialPostAndRun)->UseRealTime();

// Post kBatch tasks to a TBB arena with `range(0)` slots and wait until all have run.
void BM_TbbPostAndRun(benchmark::State& state) {
  TbbExecutor ex(static_cast<int>(state.range(0)));
  std::atomic<long> sink{0};
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) ex.submit(Completion{&sink, 1, 2, i});
    ex.wait_idle();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_TbbPostAndRun)->Arg(1)->Arg(2)->UseRealTime();

void BM_StrandOnTbbPostAndRun(benchmark::State& state) {
  TbbExecutor ex(static_cast<int>(state.range(0)));
  Strand strand(ex);
  std::atomic<long> sink{0};
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) strand.submit(Completion{&sink, 1, 2, i});
    strand.wait_idle();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_StrandOnTbbPostAndRun)->Arg(1)->Arg(2)->UseRealTime();

// range(0) producer threads post kPerProducer tasks each to one SerialExecutor; the owner
// (the benchmark thread) blocks on a semaphore released by the wake hook, as a loop blocks in
// epoll_wait on its eventfd, and drains. Items: tasks run per second of wall time.
void BM_CrossThreadPost(benchmark::State& state) {
  const int producers = static_cast<int>(state.range(0));
  constexpr int kPerProducer = 20000;
  std::counting_semaphore<> woken(0);
  std::atomic<long> wakes{0};
  SerialExecutor ex([&] {
    wakes.fetch_add(1, std::memory_order_relaxed);
    woken.release();
  });
  long ran = 0;
  for (auto _ : state) {
    const long target = ran + static_cast<long>(producers) * kPerProducer;
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p) {
      threads.emplace_back([&ex, &ran] {
        for (int i = 0; i < kPerProducer; ++i) ex.submit([&ran] { ++ran; });
      });
    }
    while (ran < target) {
      woken.acquire();
      ex.run_pending();
    }
    for (auto& t : threads) t.join();
  }
  state.SetItemsProcessed(state.iterations() * producers * kPerProducer);
  state.counters["tasks_per_wake"] =
      static_cast<double>(ran) / static_cast<double>(wakes.load() == 0 ? 1 : wakes.load());
}
BENCHMARK(BM_CrossThreadPost)->Arg(1)->Arg(2)->Arg(3)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace aero

int main(int argc, char** argv) {
  // Let TBB create as many workers as an arena asks for, even on a 2-core machine.
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, 4);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
