#include "client/metrics/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace aero::metrics {

namespace {
constexpr std::uint64_t kSubBuckets = 1u << Histogram::kSubBucketBits;  // 128
constexpr int kFirstExponent = 8;                                        // 2^8 = kExactBelow
}  // namespace

static_assert(Histogram::kExactBelow == (1u << kFirstExponent));
// The top bucket must hold kMaxValue: its exponent is 35 (2^35 <= 60e9 < 2^36).
static_assert(Histogram::kBucketCount ==
              Histogram::kExactBelow + (35 - kFirstExponent + 1) * kSubBuckets);

std::size_t Histogram::index_of(std::uint64_t v) {
  if (v < kExactBelow) return static_cast<std::size_t>(v);
  if (v > kMaxValue) v = kMaxValue;
  const int e = 63 - std::countl_zero(v);  // >= 8
  const std::uint64_t sub = (v >> (e - kSubBucketBits)) - kSubBuckets;  // 0..127
  return static_cast<std::size_t>(kExactBelow + (e - kFirstExponent) * kSubBuckets + sub);
}

std::uint64_t Histogram::lowest_in(std::size_t i) {
  if (i < kExactBelow) return i;
  const std::size_t j = i - kExactBelow;
  const int e = static_cast<int>(j / kSubBuckets) + kFirstExponent;
  const std::uint64_t sub = j % kSubBuckets;
  return (kSubBuckets + sub) << (e - kSubBucketBits);
}

std::uint64_t Histogram::highest_in(std::size_t i) {
  if (i < kExactBelow) return i;
  const std::size_t j = i - kExactBelow;
  const int e = static_cast<int>(j / kSubBuckets) + kFirstExponent;
  return lowest_in(i) + (std::uint64_t{1} << (e - kSubBucketBits)) - 1;
}

void Histogram::record(std::uint64_t v, std::uint64_t n) {
  if (v > kMaxValue) v = kMaxValue;
  counts_[index_of(v)] += n;
  total_ += n;
  if (n > 0 && v > exact_max_) exact_max_ = v;
}

void Histogram::add(const Histogram& o) {
  for (std::size_t i = 0; i < kBucketCount; ++i) counts_[i] += o.counts_[i];
  total_ += o.total_;
  // A merged exact max is exact only if both sides knew theirs (or one side is empty).
  if (o.total_ == 0) return;
  if (total_ == o.total_) {
    exact_max_ = o.exact_max_;
  } else if (exact_max_ != 0 && o.exact_max_ != 0) {
    exact_max_ = std::max(exact_max_, o.exact_max_);
  } else {
    exact_max_ = 0;
  }
}

void Histogram::subtract(const Histogram& earlier) {
  for (std::size_t i = 0; i < kBucketCount; ++i) {
    counts_[i] -= std::min(counts_[i], earlier.counts_[i]);
  }
  total_ = 0;
  for (std::uint64_t c : counts_) total_ += c;
  exact_max_ = 0;
}

void Histogram::clear() {
  counts_.fill(0);
  total_ = 0;
  exact_max_ = 0;
}

std::uint64_t Histogram::max() const {
  if (total_ == 0) return 0;
  if (exact_max_ != 0) return exact_max_;
  for (std::size_t i = kBucketCount; i-- > 0;) {
    if (counts_[i] != 0) return highest_in(i);
  }
  return 0;
}

std::uint64_t Histogram::min() const {
  for (std::size_t i = 0; i < kBucketCount; ++i) {
    if (counts_[i] != 0) return lowest_in(i);
  }
  return 0;
}

double Histogram::mean() const {
  if (total_ == 0) return 0;
  double sum = 0;
  for (std::size_t i = 0; i < kBucketCount; ++i) {
    if (counts_[i] == 0) continue;
    const double mid = (static_cast<double>(lowest_in(i)) + static_cast<double>(highest_in(i))) / 2;
    sum += mid * static_cast<double>(counts_[i]);
  }
  return sum / static_cast<double>(total_);
}

double Histogram::stddev() const {
  if (total_ == 0) return 0;
  const double m = mean();
  double sq = 0;
  for (std::size_t i = 0; i < kBucketCount; ++i) {
    if (counts_[i] == 0) continue;
    const double mid = (static_cast<double>(lowest_in(i)) + static_cast<double>(highest_in(i))) / 2;
    sq += (mid - m) * (mid - m) * static_cast<double>(counts_[i]);
  }
  return std::sqrt(sq / static_cast<double>(total_));
}

std::uint64_t Histogram::value_at_percentile(double p) const {
  if (total_ == 0) return 0;
  p = std::clamp(p, 0.0, 100.0);
  // Nearest rank; the tiny relative slack keeps 99.9% of 1000 at rank 999, not 1000, when
  // the product rounds to just above the integer.
  const double x = p / 100.0 * static_cast<double>(total_);
  auto rank = static_cast<std::uint64_t>(std::ceil(x - x * 1e-12));
  rank = std::clamp<std::uint64_t>(rank, 1, total_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBucketCount; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const std::uint64_t hi = highest_in(i);
      return exact_max_ != 0 ? std::min(hi, exact_max_) : hi;
    }
  }
  return max();
}

void AtomicHistogram::add_to(Histogram& out) const {
  Histogram h;
  for (std::size_t i = 0; i < Histogram::kBucketCount; ++i) {
    const std::uint64_t c = counts_[i].load(std::memory_order_relaxed);
    if (c != 0) h.record(Histogram::lowest_in(i), c);
  }
  h.forget_exact_max();
  if (h.count() != 0) {
    // The writer stores the max after the counter: a live snapshot may see a count above
    // the max it reads, so never claim a max below the highest non-empty bucket.
    std::size_t top = Histogram::kBucketCount;
    while (top > 0 && h.count_at(top - 1) == 0) --top;
    h.set_exact_max(std::max(max_.load(std::memory_order_relaxed), Histogram::lowest_in(top - 1)));
  }
  out.add(h);
}

}  // namespace aero::metrics
