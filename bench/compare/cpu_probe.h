// CPU probes for compare: how busy one process (the test server child) and the whole machine
// were over a child run's window, read from /proc before the run starts and after it ends.
//
//   CpuProbe probe(server_pid);      // server_pid < 0: no server to watch (--hosts)
//   CpuSample before = probe.sample();
//   ... run the child and wait for it ...
//   CpuBusy busy = probe.busy_since(before);   // server_cores, machine_cores, wall_s
//
// Figures are in cores busy (CPU seconds per wall second): 0.97 is one core almost fully
// used. /proc counts in clock ticks (sysconf(_SC_CLK_TCK), usually 100 per second), so a
// 2 s window resolves to about 0.005 cores.
//
// Threads: plain functions and values; a CpuProbe may be used from any one thread.
#pragma once

#include <sys/types.h>

#include <string>

namespace aero::bench {

// user + system ticks of a process from the text of /proc/<pid>/stat (fields 14 and 15,
// counted after the parenthesised command name, which may itself hold spaces and ')'), or -1
// when the text is not in that format.
long long process_ticks_from_stat(const std::string& stat);

// Busy and total ticks over all cores from the text of /proc/stat (its first, "cpu " line):
// total is the sum of user, nice, system, idle, iowait, irq, softirq and steal; busy is total
// less idle and iowait. False when the line is missing or malformed.
bool machine_ticks_from_stat(const std::string& stat, long long* busy, long long* total);

// One reading of the clocks and counters.
struct CpuSample {
  double wall_s = 0;             // CLOCK_MONOTONIC, seconds
  long long process_ticks = -1;  // the watched process's user + sys; -1: none or unreadable
  long long machine_busy = -1;   // all cores' busy ticks; -1: unreadable
  long long machine_total = -1;  // all cores' ticks
};

// What happened between two samples.
struct CpuBusy {
  double wall_s = 0;          // wall time between the samples
  double server_cores = -1;   // the watched process's CPU / wall time; -1: not measured
  double machine_cores = -1;  // busy cores of the whole machine (every process); -1: unknown
};

// Reads /proc for one watched process (or none) and the machine.
class CpuProbe {
 public:
  // `pid` < 0: only the machine is sampled.
  explicit CpuProbe(pid_t pid);

  // Reads the clock, /proc/<pid>/stat and /proc/stat now.
  CpuSample sample() const;
  // Samples now and returns the figures since `before`.
  CpuBusy busy_since(const CpuSample& before) const;

  // The machine's online cores (sysconf(_SC_NPROCESSORS_ONLN), at least 1).
  static int cores();

 private:
  pid_t pid_;
};

// The figures between two samples (what busy_since computes; separate for tests).
// `ticks_per_second` is sysconf(_SC_CLK_TCK); `cores` scales the machine's busy fraction.
CpuBusy busy_between(const CpuSample& before, const CpuSample& after, long ticks_per_second,
                     int cores);

}  // namespace aero::bench
