// Percentile distributions in HdrHistogram's text format (.hgrm), the format the
// HdrHistogram plotter and most latency tooling read:
//
//          Value     Percentile TotalCount 1/(1-Percentile)
//
//          0.212 0.000000000000          1           1.00
//          ...
//          3.120 1.000000000000     412345
//   #[Mean    =        0.240, StdDeviation   =        0.050]
//   #[Max     =        3.120, Total count    =       412345]
//   #[Buckets =           29, SubBuckets     =          256]
//
// Values are printed in milliseconds by default (the usual unit of .hgrm files). The
// percentile steps follow HdrHistogram: 5 ticks per half distance to 100%, so the steps
// get finer towards the tail.
//
// Threads: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "client/metrics/histogram.h"

namespace aero::bench {

using metrics::AtomicHistogram;
using metrics::Histogram;

struct PercentilePoint {
  double percentile = 0;      // 0..100
  std::uint64_t value_ns = 0;  // the value at that percentile
  std::uint64_t count = 0;     // values <= value_ns
};

// The distribution walked in HdrHistogram's percentile steps, ending with 100%.
std::vector<PercentilePoint> percentile_points(const Histogram& h, int ticks_per_half_distance = 5);

// The whole .hgrm text; `unit_ns` scales values (1e6: milliseconds, 1e3: microseconds).
std::string hgrm_text(const Histogram& h, double unit_ns = 1e6, int ticks_per_half_distance = 5);

}  // namespace aero::bench
