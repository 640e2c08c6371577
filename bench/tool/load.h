// LoadRun: drives a Target with a workload under one of two load models, recording every
// completion in a Recorder.
//
//   closed loop (rate == 0): `in_flight` slots; each slot sends one command, and its
//     completion sends the slot's next one. Latency = completion - submission, where the
//     submission time is the clock read of the completion that freed the slot (one read
//     serves both; the recording between them, tens of ns, counts in the next latency).
//   open loop (rate > 0): a pacer thread sends command i at its intended time
//     t0 + i / rate, whatever the completions do; at most `in_flight` are outstanding, and
//     a command that has to wait for a free place is sent late but keeps its intended time.
//     Latency = completion - intended time, so a stall is charged to every command it
//     delayed (no coordinated omission).
//
// A logical operation is one command, except read-modify-write: a get, then a put with a
// generation check, recorded as read, write and (end to end) rmw.
//
// Threads: start(), wait() and stop() from one controlling thread (stop() also from any
// other thread); completions run wherever the target runs them. The Target, Recorder and
// bins given in the config must outlive wait().
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/tool/object_spec.h"
#include "bench/tool/recorder.h"
#include "bench/tool/target.h"
#include "bench/tool/workload.h"

namespace aero::bench {

// Monotonic nanoseconds (steady_clock).
std::uint64_t now_ns();

struct LoadConfig {
  Workload workload;
  std::string ns = "test";
  std::string set = "testset";
  std::int64_t start_key = 0;
  std::int64_t keys = 1;
  int in_flight = 1;
  double rate = 0;           // > 0: open loop at this many logical operations per second
  std::int64_t ops = 0;      // logical operations to start; 0 = no limit
  double duration_s = 0;     // stop starting new ones after this long; 0 = no limit
  const std::vector<Bin>* fixed_bins = nullptr;  // what writes send, unless random_values
  const BinMaker* maker = nullptr;               // fresh values (random_values, and RMW)
  bool random_values = false;
  std::uint64_t seed = 1;
};

// The open loop's timetable: operation i is due at t0 + i * 1e9 / rate nanoseconds.
class OpenLoopSchedule {
 public:
  OpenLoopSchedule(std::uint64_t t0_ns, double rate) : t0_(t0_ns), period_ns_(1e9 / rate) {}
  std::uint64_t intended(std::uint64_t i) const {
    return t0_ + static_cast<std::uint64_t>(static_cast<double>(i) * period_ns_);
  }
  // How many operations are due at `now` (intended time <= now).
  std::uint64_t due_by(std::uint64_t now) const {
    if (now < t0_) return 0;
    return static_cast<std::uint64_t>(static_cast<double>(now - t0_) / period_ns_) + 1;
  }

 private:
  std::uint64_t t0_;
  double period_ns_;
};

class LoadRun {
 public:
  LoadRun(Target& target, Recorder& recorder, LoadConfig config);
  ~LoadRun();  // stop() + wait()
  LoadRun(const LoadRun&) = delete;
  LoadRun& operator=(const LoadRun&) = delete;

  // Starts sending (closed loop: the first `in_flight` commands from this thread; open
  // loop: the pacer thread). Call once.
  void start();
  // Blocks until the run has ended (duration, ops, inserts done or stop()) and every
  // command sent has completed.
  void wait();
  // Stops starting new operations; safe from any thread and from a signal handler.
  void stop() { stop_.store(true, std::memory_order_relaxed); }

  std::uint64_t t0_ns() const { return t0_; }
  std::uint64_t end_ns() const { return end_; }  // when the last completion was seen
  double elapsed_s() const { return static_cast<double>(end_ - t0_) / 1e9; }
  // Open loop: the most operations that were ever waiting for a free place at once.
  std::int64_t max_backlog() const { return max_backlog_; }

 private:
  struct Slot;
  // What a command's callback carries (kept within the callback's inline storage).
  struct Pending {
    LoadRun* run;
    Slot* slot;             // closed loop: the slot to continue; open loop: nullptr
    std::int64_t key;       // key number (RMW rebuilds the key for its write)
    std::uint64_t start;    // logical start: submission (closed) or intended time (open)
    std::uint64_t phase;    // submission time of this command (RMW's write)
  };

  Key key_of(std::int64_t n) const { return Key(config_.ns, config_.set, n); }
  void issue(Slot* slot, Rng& rng, std::int64_t insert_key, std::uint64_t start);
  // `now`: the next command's start; in a run, the time the completion that freed the slot
  // was seen (one clock read serves both).
  void next(Slot& slot, std::uint64_t now);
  void on_read(const Pending& p, const Result<RecordView>& r);
  void on_write(const Pending& p, int code);
  void on_rmw_write(const Pending& p, int code);
  void on_batch(const Pending& p, int code);
  void finish(const Pending& p, std::uint64_t now);
  void slot_done();
  void signal_done();
  void pace();
  bool time_up(std::uint64_t now) const;
  const std::vector<Bin>& write_bins(std::vector<Bin>& scratch, Rng& rng) const;

  Target& target_;
  Recorder& recorder_;
  const LoadConfig config_;
  std::uint64_t t0_ = 0;
  std::uint64_t end_ = 0;
  std::uint64_t deadline_ = 0;  // 0 = none
  bool started_once_ = false;
  bool waited_ = false;
  std::atomic<bool> stop_{false};
  std::mutex done_mutex_;
  std::condition_variable done_cv_;
  bool done_ = false;  // guarded by done_mutex_

  // Closed loop.
  std::vector<std::unique_ptr<Slot>> slots_;
  std::atomic<std::int64_t> active_slots_{0};

  // Open loop.
  std::thread pacer_;
  std::atomic<std::int64_t> outstanding_{0};  // commands in flight (the cap)
  std::atomic<std::int64_t> remaining_{1};    // commands in flight + 1 while the pacer runs
  std::int64_t max_backlog_ = 0;
  std::vector<Bin> pacer_scratch_;
};

}  // namespace aero::bench
