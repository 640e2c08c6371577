#include "bench/tool/hgrm.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace aero::bench {

namespace {

// The next percentile level after `p`: 100 / (ticks * 2^(floor(log2(100 / (100 - p))) + 1)).
double next_level(double p, int ticks_per_half) {
  const double halvings = std::floor(std::log2(100.0 / (100.0 - p)));
  const double ticks = ticks_per_half * std::pow(2.0, halvings + 1);
  return p + 100.0 / ticks;
}

}  // namespace

std::vector<PercentilePoint> percentile_points(const Histogram& h, int ticks_per_half) {
  std::vector<PercentilePoint> points;
  const std::uint64_t total = h.count();
  if (total == 0) return points;
  const std::uint64_t max = h.max();
  double level = 0;
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < Histogram::kBucketCount; ++i) {
    const std::uint64_t c = h.count_at(i);
    if (c == 0) continue;
    cumulative += c;
    const double here = 100.0 * static_cast<double>(cumulative) / static_cast<double>(total);
    const std::uint64_t value = std::min(Histogram::highest_in(i), max);
    // Every level this bucket reaches gets a line, except that the last bucket gets one
    // line and then the closing 100% line (HdrHistogram's iteration).
    while (level <= here) {
      points.push_back({level, value, cumulative});
      level = next_level(level, ticks_per_half);
      if (cumulative == total || level >= 100.0) break;
    }
    if (cumulative == total) {
      if (points.back().percentile < 100.0) points.push_back({100.0, value, cumulative});
      break;
    }
  }
  return points;
}

std::string hgrm_text(const Histogram& h, double unit_ns, int ticks_per_half) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%12s %14s %10s %14s\n\n", "Value", "Percentile", "TotalCount",
                "1/(1-Percentile)");
  out += line;
  for (const PercentilePoint& p : percentile_points(h, ticks_per_half)) {
    const double v = static_cast<double>(p.value_ns) / unit_ns;
    const double q = p.percentile / 100.0;
    if (p.percentile < 100.0) {
      std::snprintf(line, sizeof line, "%12.3f %2.12f %10llu %14.2f\n", v, q,
                    static_cast<unsigned long long>(p.count), 1.0 / (1.0 - q));
    } else {
      std::snprintf(line, sizeof line, "%12.3f %2.12f %10llu\n", v, q,
                    static_cast<unsigned long long>(p.count));
    }
    out += line;
  }
  std::snprintf(line, sizeof line, "#[Mean    = %12.3f, StdDeviation   = %12.3f]\n",
                h.mean() / unit_ns, h.stddev() / unit_ns);
  out += line;
  std::snprintf(line, sizeof line, "#[Max     = %12.3f, Total count    = %12llu]\n",
                static_cast<double>(h.max()) / unit_ns, static_cast<unsigned long long>(h.count()));
  out += line;
  // The same layout as an HdrHistogram with 2 significant digits over 1 ns..60 s.
  std::snprintf(line, sizeof line, "#[Buckets = %12d, SubBuckets     = %12d]\n", 29, 256);
  out += line;
  return out;
}

}  // namespace aero::bench
