// HyperLogLog operations (op types 15 HLL_READ and 16 HLL_MODIFY) with the semantics and the
// byte layout of aerospike-server as/src/base/particle_hll.c, so HLL bins written by a real
// server give the same counts here and the other way round.
//
// Layout of an HLL bin (particle 18): flags (1 byte, 0), n_index_bits (4..16), n_minhash_bits
// (0 or 4..51), a cached count (8 bytes, little-endian: the server stores it in host order),
// then 2^n_index_bits registers of 6 + n_minhash_bits bits each, packed big-endian. Elements
// are hashed with MurmurHash3 x64-128 (seed 0) over their msgpack bytes as sent.
// Estimators: Ertl 2017 (Algorithm 6) for counts, HyperMinHash (Yu & Weber 2017) for
// similarity and intersections when minhash bits are present.
//
// Pure functions on bytes: the record layer (test/server/bit_hll_ops.cc) and the expression
// evaluator (HLL read expressions: call `read()` with the expression's `[op, args...]` array
// and the bin's bytes) share them. Callable from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace aero::testserver::hll {

// Operation codes (aerospike-client-c as_hll_operations.c).
enum Op : uint32_t {
  kInit = 0,
  kAdd = 1,
  kUnion = 2,
  kRefreshCount = 3,
  kFold = 4,
  kCount = 50,
  kGetUnion = 51,
  kUnionCount = 52,
  kIntersectCount = 53,
  kSimilarity = 54,
  kDescribe = 55,
  kMayContain = 56,
};

// Flags (as_hll_write_flags).
inline constexpr uint64_t kCreateOnly = 1;
inline constexpr uint64_t kUpdateOnly = 2;
inline constexpr uint64_t kNoFail = 4;
inline constexpr uint64_t kAllowFold = 8;

// The value an operation answers with: `particle` 0 when it has none.
struct Result {
  uint8_t particle = 0;  // 1 integer, 2 double, 18 HLL, 20 list (describe)
  std::string value;     // the wire encoding (big-endian numbers, raw HLL, msgpack list)
};

// An HLL_READ on an existing bin. Returns 0 with `*out` filled, or a result code.
uint8_t read(uint8_t bin_particle, std::string_view bin, const uint8_t* args, size_t size,
             Result* out);

// An HLL_MODIFY. `exists` says whether the bin is there. Returns 0 on success: if `*changed`,
// the bin must become the HLL `*new_hll` (particle 18); `*out` holds the op's answer (add and
// refresh count answer an integer). Any other return is a result code and nothing changes.
uint8_t modify(bool exists, uint8_t bin_particle, std::string_view bin, const uint8_t* args,
               size_t size, std::string* new_hll, bool* changed, Result* out);

// ---- Building blocks. ----
inline constexpr size_t kHeaderSize = 11;
// Bytes of an HLL with these parameters (header included).
size_t required_size(uint8_t n_index_bits, uint8_t n_minhash_bits);
// True if `h` is a well-formed HLL (flags 0, valid parameters, exact size).
bool well_formed(std::string_view h);
// The cardinality estimate of a well-formed HLL (the cached count when non-zero).
uint64_t estimate_count(std::string_view h);
// MurmurHash3 x64-128, seed 0: the two 64-bit halves.
void murmur3_x64_128(const uint8_t* data, size_t size, uint64_t* h1, uint64_t* h2);

}  // namespace aero::testserver::hll
