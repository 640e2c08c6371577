#include "bench/compare/cpu_probe.h"

#include <time.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>

namespace aero::bench {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {};
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

double monotonic_s() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

long long process_ticks_from_stat(const std::string& stat) {
  // "pid (comm) state ppid ...": field 3 (state) follows the last ')'; utime and stime are
  // fields 14 and 15, i.e. the 12th and 13th after the state.
  const std::size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream in(stat.substr(close + 1));
  std::string field;
  long long utime = -1, stime = -1;
  for (int i = 3; i <= 15; ++i) {
    if (!(in >> field)) return -1;
    if (i < 14) continue;
    try {
      std::size_t used = 0;
      const long long v = std::stoll(field, &used);
      if (used != field.size() || v < 0) return -1;
      (i == 14 ? utime : stime) = v;
    } catch (...) {
      return -1;
    }
  }
  return utime + stime;
}

bool machine_ticks_from_stat(const std::string& stat, long long* busy, long long* total) {
  if (stat.compare(0, 4, "cpu ") != 0) return false;
  std::istringstream in(stat.substr(4, stat.find('\n') - 4));
  long long v[8];
  for (long long& x : v) {
    if (!(in >> x) || x < 0) return false;
  }
  long long sum = 0;
  for (long long x : v) sum += x;
  *total = sum;
  *busy = sum - v[3] - v[4];  // less idle and iowait
  return true;
}

CpuProbe::CpuProbe(pid_t pid) : pid_(pid) {}

CpuSample CpuProbe::sample() const {
  CpuSample s;
  if (pid_ > 0)
    s.process_ticks = process_ticks_from_stat(read_file("/proc/" + std::to_string(pid_) + "/stat"));
  if (!machine_ticks_from_stat(read_file("/proc/stat"), &s.machine_busy, &s.machine_total)) {
    s.machine_busy = s.machine_total = -1;
  }
  s.wall_s = monotonic_s();
  return s;
}

CpuBusy CpuProbe::busy_since(const CpuSample& before) const {
  return busy_between(before, sample(), sysconf(_SC_CLK_TCK), cores());
}

int CpuProbe::cores() {
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(n) : 1;
}

CpuBusy busy_between(const CpuSample& before, const CpuSample& after, long ticks_per_second,
                     int cores) {
  CpuBusy b;
  b.wall_s = after.wall_s - before.wall_s;
  if (b.wall_s <= 0 || ticks_per_second <= 0) return b;
  if (before.process_ticks >= 0 && after.process_ticks >= before.process_ticks) {
    b.server_cores = static_cast<double>(after.process_ticks - before.process_ticks) /
                     static_cast<double>(ticks_per_second) / b.wall_s;
  }
  const long long total = after.machine_total - before.machine_total;
  const long long busy = after.machine_busy - before.machine_busy;
  if (before.machine_total >= 0 && after.machine_total >= 0 && total > 0 && busy >= 0) {
    b.machine_cores = static_cast<double>(busy) / static_cast<double>(total) * cores;
  }
  return b;
}

}  // namespace aero::bench
