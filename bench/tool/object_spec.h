// Object specs: what a record written by the load generator looks like, in asbench's syntax.
//
//   I      an integer (I = I4), I1..I8 pick the magnitude: I1 0..255, I2 256..65535, ...
//   D      a double
//   S<n>   a string of n random alphanumeric characters (e.g. S100)
//   B<n>   n random bytes (a blob)
//
// A comma-separated list gives several bins, in order: "I4,S100,B64" writes three bins,
// named testbin, testbin_2, testbin_3 (the first name comes from --bin). Lists and maps of
// asbench's richer syntax are not supported (a clear error says so).
//
// Threads: plain values and pure functions; a BinMaker is used by one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "client/types.h"

namespace aero::bench {

struct BinSpec {
  enum class Kind : std::uint8_t { integer, real, string, blob };
  Kind kind = Kind::integer;
  int size = 4;  // integer: 1..8 bytes of magnitude; string/blob: length
  friend bool operator==(const BinSpec&, const BinSpec&) = default;
};

// Parses `spec`; on failure returns false and a message naming the bad part.
bool parse_object_spec(std::string_view spec, std::vector<BinSpec>* out, std::string* error);

// "I4,S100" back from a parsed spec (for reports).
std::string object_spec_string(const std::vector<BinSpec>& spec);

// Bin names for a spec: base, base_2, base_3, ...
std::vector<std::string> bin_names(std::string_view base, std::size_t count);

// A small fast generator (splitmix64): one per thread or per command slot.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n), n > 0 (multiply-shift; bias is negligible for n << 2^64).
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }

 private:
  std::uint64_t s_;
};

// Builds bins for a spec, with fresh random values on every make().
class BinMaker {
 public:
  BinMaker(std::vector<BinSpec> spec, std::string_view base_name);
  std::vector<Bin> make(Rng& rng) const;
  std::size_t size() const { return spec_.size(); }

 private:
  std::vector<BinSpec> spec_;
  std::vector<std::string> names_;
};

// The one fixed record aerobench writes when values are not random: the same bins for the
// same spec, name and seed, so bench/limit can send byte-identical puts.
std::vector<Bin> fixed_bins(const std::vector<BinSpec>& spec, std::string_view base_name,
                            std::uint64_t seed);

}  // namespace aero::bench
