// The latency histogram: bucket arithmetic, accuracy against exact percentiles of known
// samples, merging, interval subtraction, the lock-free writer, and the .hgrm text.
#include "client/metrics/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include "bench/tool/hgrm.h"
#include "bench/tool/recorder.h"

namespace aero::bench {

using metrics::AtomicHistogram;
using metrics::Histogram;
namespace {

// Nearest-rank percentile of sorted samples: the smallest value with at least
// ceil(p/100 * n) samples at or below it.
std::uint64_t exact_percentile(const std::vector<std::uint64_t>& sorted, double p) {
  const double x = p / 100.0 * static_cast<double>(sorted.size());
  std::size_t rank = static_cast<std::size_t>(std::ceil(x - x * 1e-12));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

TEST(HistogramBuckets, CoverEveryValueOnceWithBoundedWidth) {
  // Buckets above the one holding 60 s exist in the fixed layout but are never used.
  const std::size_t last = Histogram::index_of(Histogram::kMaxValue);
  ASSERT_LT(last, Histogram::kBucketCount);
  EXPECT_GT(Histogram::lowest_in(last + 1), Histogram::kMaxValue);
  for (std::size_t i = 0; i < last; ++i) {
    ASSERT_EQ(Histogram::index_of(Histogram::lowest_in(i)), i) << i;
    ASSERT_EQ(Histogram::index_of(Histogram::highest_in(i)), i) << i;
    ASSERT_EQ(Histogram::highest_in(i) + 1, Histogram::lowest_in(i + 1)) << i;
    const double width = static_cast<double>(Histogram::highest_in(i) - Histogram::lowest_in(i) + 1);
    if (i < Histogram::kExactBelow) {
      ASSERT_EQ(width, 1) << i;  // exact
    } else {
      ASSERT_LE(width / static_cast<double>(Histogram::lowest_in(i)), 1.0 / 128 + 1e-12) << i;
    }
  }
  // The top bucket holds 60 s, and anything larger is clamped into it.
  EXPECT_EQ(Histogram::index_of(~std::uint64_t{0}), last);
  EXPECT_EQ(Histogram::index_of(0), 0u);
  EXPECT_EQ(Histogram::index_of(255), 255u);
  EXPECT_EQ(Histogram::index_of(256), 256u);
}

TEST(Histogram, EmptyAnswersZero) {
  Histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.value_at_percentile(50), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_TRUE(percentile_points(h).empty());
}

// The accuracy promise, checked on distributions a latency histogram meets: a tight one, a
// log-normal one with a long tail, a bimodal one, and one spread over 1 us .. 60 s.
TEST(Histogram, PercentilesWithinOnePercentOfExact) {
  std::mt19937_64 gen(42);
  std::vector<std::vector<std::uint64_t>> samples(4);
  std::normal_distribution<double> tight(200'000, 5'000);
  std::lognormal_distribution<double> tail(std::log(300'000.0), 0.8);
  std::normal_distribution<double> slow(20'000'000, 2'000'000);
  std::uniform_real_distribution<double> decades(3, std::log10(6e10));
  for (int i = 0; i < 200'000; ++i) {
    samples[0].push_back(static_cast<std::uint64_t>(std::max(1.0, tight(gen))));
    samples[1].push_back(static_cast<std::uint64_t>(std::max(1.0, tail(gen))));
    samples[2].push_back(static_cast<std::uint64_t>(std::max(1.0, i % 10 == 0 ? slow(gen) : tight(gen))));
    samples[3].push_back(static_cast<std::uint64_t>(std::pow(10.0, decades(gen))));
  }
  for (auto& s : samples) {
    Histogram h;
    for (std::uint64_t v : s) h.record(v);
    std::sort(s.begin(), s.end());
    ASSERT_EQ(h.count(), s.size());
    for (double p : {0.0, 1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 99.0, 99.9, 99.99, 99.999, 100.0}) {
      const std::uint64_t exact = exact_percentile(s, p);
      const std::uint64_t got = h.value_at_percentile(p);
      EXPECT_GE(got, exact) << "p" << p;  // never under-reports
      EXPECT_LE(static_cast<double>(got), static_cast<double>(exact) * 1.01) << "p" << p;
    }
    EXPECT_EQ(h.max(), s.back());  // exact
    const double exact_mean =
        std::accumulate(s.begin(), s.end(), 0.0, [](double a, std::uint64_t v) { return a + static_cast<double>(v); }) /
        static_cast<double>(s.size());
    EXPECT_NEAR(h.mean(), exact_mean, exact_mean * 0.01);
  }
}

TEST(Histogram, SmallKnownSample) {
  // 1..100 us: p50 is 50 us, p99 99 us, p100 100 us (nearest rank), within a bucket.
  Histogram h;
  for (std::uint64_t us = 1; us <= 100; ++us) h.record(us * 1000);
  EXPECT_EQ(h.count(), 100u);
  EXPECT_NEAR(static_cast<double>(h.value_at_percentile(50)), 50'000, 50'000 * 0.008);
  EXPECT_GE(h.value_at_percentile(50), 50'000u);
  EXPECT_NEAR(static_cast<double>(h.value_at_percentile(99)), 99'000, 99'000 * 0.008);
  EXPECT_EQ(h.value_at_percentile(100), 100'000u);
  // 99.9% of 1000 values is rank 999, not 1000, despite floating point.
  Histogram g;
  for (std::uint64_t i = 1; i <= 1000; ++i) g.record(i * 1000);
  EXPECT_LT(g.value_at_percentile(99.9), 1'000'000u);
  EXPECT_GE(g.value_at_percentile(99.9), 999'000u);
}

TEST(Histogram, ClampsAboveSixtySeconds) {
  Histogram h;
  h.record(3600ull * 1'000'000'000);  // an hour
  EXPECT_EQ(h.count(), 1u);
  EXPECT_EQ(h.max(), Histogram::kMaxValue);
}

TEST(Histogram, MergeEqualsHistogramOfTheUnion) {
  std::mt19937_64 gen(7);
  std::lognormal_distribution<double> d(std::log(100'000.0), 1.0);
  Histogram a, b, all;
  for (int i = 0; i < 50'000; ++i) {
    const auto v = static_cast<std::uint64_t>(d(gen));
    (i % 3 == 0 ? a : b).record(v);
    all.record(v);
  }
  Histogram merged;
  merged.add(a);
  merged.add(b);
  ASSERT_EQ(merged.count(), all.count());
  for (std::size_t i = 0; i < Histogram::kBucketCount; ++i) ASSERT_EQ(merged.count_at(i), all.count_at(i));
  EXPECT_EQ(merged.max(), all.max());
  for (double p : {50.0, 99.0, 99.99}) EXPECT_EQ(merged.value_at_percentile(p), all.value_at_percentile(p));
}

TEST(Histogram, SubtractGivesTheInterval) {
  Histogram before, after;
  for (int i = 0; i < 1000; ++i) before.record(10'000);
  after.add(before);
  for (int i = 0; i < 10; ++i) after.record(5'000'000);
  Histogram interval = after;
  interval.subtract(before);
  EXPECT_EQ(interval.count(), 10u);
  EXPECT_GE(interval.value_at_percentile(50), 5'000'000u);
  EXPECT_LE(interval.max(), static_cast<std::uint64_t>(5'000'000 * 1.008));
}

TEST(AtomicHistogram, WriterAndConcurrentSnapshotsAgreeAtTheEnd) {
  AtomicHistogram ah;
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (std::uint64_t i = 1; i <= 200'000; ++i) ah.record(i * 10);
    done = true;
  });
  std::uint64_t last = 0;
  while (!done) {
    Histogram snap;
    ah.add_to(snap);
    EXPECT_GE(snap.count(), last);  // counts only grow
    last = snap.count();
  }
  writer.join();
  Histogram final;
  ah.add_to(final);
  EXPECT_EQ(final.count(), 200'000u);
  EXPECT_EQ(final.max(), 2'000'000u);
}

TEST(Recorder, ShardsPerThreadSumExactly) {
  Recorder rec;
  constexpr int kThreads = 4, kEach = 50'000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&rec, t] {
      for (int i = 0; i < kEach; ++i) {
        const int code = i % 100 == 0 ? 9 : (i % 50 == 0 ? 2 : 0);
        rec.record(t % 2 == 0 ? OpKind::read : OpKind::write, 1000 + static_cast<std::uint64_t>(i), code);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(rec.shard_count(), static_cast<std::size_t>(kThreads));
  Snapshot s;
  rec.snapshot(&s);
  EXPECT_EQ(s.completed(), static_cast<std::uint64_t>(kThreads * kEach));
  const KindTotals& r = s[OpKind::read];
  EXPECT_EQ(r.completed, 2u * kEach);
  EXPECT_EQ(r.latency.count(), 2u * kEach);
  EXPECT_EQ(r.timeouts, 2u * (kEach / 100));
  EXPECT_EQ(r.errors, r.timeouts);
  EXPECT_EQ(r.not_found, 2u * (kEach / 50 - kEach / 100));
  EXPECT_EQ(r.ok + r.not_found + r.errors, r.completed);
  EXPECT_EQ(r.by_code[code_slot(9)], r.timeouts);
  EXPECT_EQ(s[OpKind::batch].completed, 0u);
  // A second recorder on the same threads keeps its own counts.
  Recorder other;
  other.record(OpKind::rmw, 5, -6);
  Snapshot o;
  other.snapshot(&o);
  EXPECT_EQ(o.completed(), 1u);
  EXPECT_EQ(o[OpKind::rmw].by_code[code_slot(-6)], 1u);
}

TEST(Hgrm, FollowsHdrHistogramsTextFormat) {
  Histogram h;
  for (std::uint64_t us = 1; us <= 10'000; ++us) h.record(us * 1000);
  const std::string text = hgrm_text(h);
  std::istringstream in(text);
  std::string header;
  std::getline(in, header);
  EXPECT_NE(header.find("Value"), std::string::npos);
  EXPECT_NE(header.find("Percentile"), std::string::npos);
  EXPECT_NE(header.find("TotalCount"), std::string::npos);
  EXPECT_NE(header.find("1/(1-Percentile)"), std::string::npos);
  std::string blank;
  std::getline(in, blank);
  EXPECT_TRUE(blank.empty());
  double last_value = -1, last_pct = -1;
  std::uint64_t last_count = 0;
  int rows = 0;
  std::string line;
  while (std::getline(in, line) && line[0] != '#') {
    std::istringstream row(line);
    double value = 0, pct = 0;
    std::uint64_t count = 0;
    row >> value >> pct >> count;
    ASSERT_FALSE(row.fail()) << line;
    EXPECT_GE(value, last_value);
    EXPECT_GT(pct, last_pct);
    EXPECT_GE(count, last_count);
    last_value = value;
    last_pct = pct;
    last_count = count;
    ++rows;
  }
  EXPECT_GT(rows, 20);
  EXPECT_DOUBLE_EQ(last_pct, 1.0);    // ends at 100%
  EXPECT_EQ(last_count, 10'000u);
  EXPECT_NEAR(last_value, 10.0, 1e-9);  // ms
  EXPECT_EQ(line.rfind("#[Mean    =", 0), 0u) << line;
  std::getline(in, line);
  EXPECT_EQ(line.rfind("#[Max     =", 0), 0u) << line;
  EXPECT_NE(line.find("Total count    =        10000"), std::string::npos) << line;
  std::getline(in, line);
  EXPECT_EQ(line.rfind("#[Buckets =", 0), 0u) << line;
}

TEST(Hgrm, PercentileStepsGetFinerTowardsTheTail) {
  Histogram h;
  for (std::uint64_t i = 1; i <= 1'000'000; ++i) h.record(i);
  const auto points = percentile_points(h);
  // 5 ticks per half distance: 0, 10, 20, 30, 40, 50, 55, 60, ... then 75, 77.5, ...
  ASSERT_GT(points.size(), 10u);
  EXPECT_DOUBLE_EQ(points[0].percentile, 0);
  EXPECT_DOUBLE_EQ(points[1].percentile, 10);
  EXPECT_DOUBLE_EQ(points[5].percentile, 50);
  EXPECT_DOUBLE_EQ(points[6].percentile, 55);
  EXPECT_DOUBLE_EQ(points.back().percentile, 100);
  EXPECT_EQ(points.back().count, 1'000'000u);
}

}  // namespace
}  // namespace aero::bench
