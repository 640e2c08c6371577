// Latency histograms, shared by the client's metrics (client/metrics/metrics.h) and the load
// tool (bench/tool): log-linear buckets with bounded relative error.
//
// Values are nanoseconds. Below 256 ns every value has its own bucket; above, each power of
// two is split into 128 equal sub-buckets, so a bucket is at most 1/128 (0.79%) of its
// values wide. Values above 60 s are recorded as 60 s. The layout is fixed: 3,840 counters,
// the same for every histogram, so histograms merge by adding counters.
//
//   Histogram          plain counters; one thread at a time. Merge, subtract (for "what
//                      happened in the last second"), percentiles, mean.
//   AtomicHistogram    one writer thread records, any thread may snapshot at the same time.
//                      Recording is a relaxed load and store per counter: no lock, no
//                      read-modify-write instruction, no allocation.
//
// Percentiles use the nearest-rank definition: the value at percentile p is the smallest
// recorded value v such that at least ceil(p/100 * count) values are <= v. The histogram
// answers with the upper end of v's bucket (clamped to the exact maximum when it is known),
// so it never reports less than the exact answer and at most 0.79% more.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace aero::metrics {

// A latency histogram with plain counters (see the top of this file).
class Histogram {
 public:
  static constexpr int kSubBucketBits = 7;  // 128 sub-buckets per power of two
  // Values below this (ns) each have their own bucket.
  static constexpr std::uint64_t kExactBelow = 256;
  static constexpr std::uint64_t kMaxValue = 60'000'000'000ull;  // 60 s in ns
  // The number of buckets (counters), the same in every histogram.
  static constexpr std::size_t kBucketCount = 3840;

  // Bucket arithmetic (exposed for tests and for writers of the bucket list).
  static std::size_t index_of(std::uint64_t value);
  // The smallest value (ns) bucket `index` holds; `index` < kBucketCount.
  static std::uint64_t lowest_in(std::size_t index);
  // The largest value (ns) bucket `index` holds; `index` < kBucketCount.
  static std::uint64_t highest_in(std::size_t index);

  // Counts `n` occurrences of `value_ns` (clamped to kMaxValue); updates the exact max.
  void record(std::uint64_t value_ns, std::uint64_t n = 1);
  // Adds `other`'s counts; the max stays exact only when both sides knew theirs.
  void add(const Histogram& other);
  // Removes `earlier` (a past snapshot of the same growing source) from this histogram.
  void subtract(const Histogram& earlier);
  // Empties the histogram (counts and exact max).
  void clear();

  // The number of values recorded.
  std::uint64_t count() const { return total_; }
  // The count of bucket `index` (< kBucketCount, not checked).
  std::uint64_t count_at(std::size_t index) const { return counts_[index]; }
  // Exact maximum when recorded directly or merged from histograms that knew theirs;
  // otherwise the upper end of the highest non-empty bucket. 0 when empty.
  std::uint64_t max() const;
  std::uint64_t min() const;  // lower end of the lowest non-empty bucket; 0 when empty
  double mean() const;        // bucket midpoints; 0 when empty
  // Population standard deviation over the bucket midpoints (ns); 0 when empty.
  double stddev() const;
  // p in [0, 100]; 0 when empty.
  std::uint64_t value_at_percentile(double p) const;

  // Marks the exact maximum as unknown (after subtract, the interval's max is not known).
  void forget_exact_max() { exact_max_ = 0; }
  // Sets the exact maximum (ns) to `v`; 0 means unknown.
  void set_exact_max(std::uint64_t v) { exact_max_ = v; }

 private:
  std::array<std::uint64_t, kBucketCount> counts_{};
  std::uint64_t total_ = 0;
  std::uint64_t exact_max_ = 0;  // 0 = unknown
};

// A latency histogram with one writer thread and concurrent readers (see the top of this
// file); same buckets as Histogram.
class AtomicHistogram {
 public:
  // Writer thread only.
  void record(std::uint64_t value_ns) {
    if (value_ns > Histogram::kMaxValue) value_ns = Histogram::kMaxValue;
    auto& c = counts_[Histogram::index_of(value_ns)];
    c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    if (value_ns > max_.load(std::memory_order_relaxed)) {
      max_.store(value_ns, std::memory_order_relaxed);
    }
  }
  // Any thread: adds the current counters (and the exact max) into `out`.
  void add_to(Histogram& out) const;

 private:
  std::array<std::atomic<std::uint64_t>, Histogram::kBucketCount> counts_{};
  std::atomic<std::uint64_t> max_{0};
};

}  // namespace aero::metrics
