// The text report: a line per second while the run goes on (Reporter), and the final
// latency table, totals and errors by result code (final_report).
//
// Threads: Reporter::start/stop/take_series from one controlling thread; its own thread
// snapshots the Recorder once a second. The text functions are pure.
#pragma once

#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/tool/flags.h"
#include "bench/tool/recorder.h"
#include "bench/tool/result.h"

namespace aero::bench {

// "12,345"
std::string format_count(std::uint64_t n);
// Nanoseconds as microseconds with 3 significant digits or more: "8.25", "212.5", "3104".
std::string format_us(std::uint64_t ns);

std::string per_second_header(const std::array<bool, kOpKinds>& used);
std::string per_second_line(const SecondSample& s, const std::array<bool, kOpKinds>& used);

// The configuration, as a short paragraph printed before the run.
std::string run_banner(const Options& o, const std::string& load_model);
std::string prefill_line(const RunResult& r);
std::string final_report(const RunResult& r, const Options& o);

class Reporter {
 public:
  // `out` nullptr: collect the series without printing.
  Reporter(const Recorder& recorder, std::array<bool, kOpKinds> used, std::FILE* out);
  ~Reporter();
  Reporter(const Reporter&) = delete;
  Reporter& operator=(const Reporter&) = delete;

  // Ticks at t0 + 1 s, t0 + 2 s, ... (steady clock, nanoseconds as now_ns()).
  void start(std::uint64_t t0_ns);
  // Stops ticking and takes a last (possibly shorter) interval ending at `end_ns`.
  void stop(std::uint64_t end_ns);
  std::vector<SecondSample> take_series() { return std::move(series_); }

 private:
  void run();
  void sample(std::uint64_t at_ns);

  const Recorder& recorder_;
  const std::array<bool, kOpKinds> used_;
  std::FILE* out_;
  std::uint64_t t0_ = 0;
  std::uint64_t last_ = 0;
  std::unique_ptr<Snapshot> previous_;
  std::unique_ptr<Snapshot> current_;
  std::vector<SecondSample> series_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
};

}  // namespace aero::bench
