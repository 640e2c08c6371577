// Bitwise operations on blob bins (op types 12 BIT_READ and 13 BIT_MODIFY) with the semantics
// of aerospike-server as/src/base/particle_blob.c: argument parsing and limits, negative
// offsets, the write flags (create only, update only, no fail, partial), resize flags (from
// front, grow only, shrink only), signed/unsigned integer arithmetic with the overflow actions
// fail / saturate / wrap, and the server's result codes (4 parameter, 12 bin type, 26 op not
// applicable), with the blob left untouched on any error.
//
// Pure functions on bytes, no server state: the record layer (test/server/bit_hll_ops.cc) and
// the expression evaluator (bit read expressions: call `read()` with the expression's
// `[op, args...]` array and the bin's blob) share them. Callable from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace aero::testserver::bits {

// Operation codes (the `op` element of the argument array; aerospike-client-c
// as_bit_operations.c).
enum Op : uint32_t {
  kResize = 0,
  kInsert = 1,
  kRemove = 2,
  kSet = 3,
  kOr = 4,
  kXor = 5,
  kAnd = 6,
  kNot = 7,
  kLshift = 8,
  kRshift = 9,
  kAdd = 10,
  kSubtract = 11,
  kSetInt = 12,
  kGet = 50,
  kCount = 51,
  kLscan = 52,
  kRscan = 53,
  kGetInt = 54,
};

// Write flags (as_bit_write_flags).
inline constexpr uint64_t kCreateOnly = 1;
inline constexpr uint64_t kUpdateOnly = 2;
inline constexpr uint64_t kNoFail = 4;
inline constexpr uint64_t kPartial = 8;
// Resize flags (as_bit_resize_flags).
inline constexpr uint64_t kFromFront = 1;
inline constexpr uint64_t kGrowOnly = 2;
inline constexpr uint64_t kShrinkOnly = 4;
// Integer flags: signed, and the overflow action (fail when neither saturate nor wrap).
inline constexpr uint64_t kSigned = 1;
inline constexpr uint64_t kSaturate = 2;
inline constexpr uint64_t kWrap = 4;

// The value an operation answers with: `particle` 0 when it has none.
struct Result {
  uint8_t particle = 0;  // 1 integer (8 bytes big-endian), 4 blob
  std::string value;
};

// A BIT_READ on an existing bin of particle type `bin_particle` holding `blob`; `args` is the
// op's msgpack array. Returns 0 with `*out` filled, or a result code.
uint8_t read(uint8_t bin_particle, std::string_view blob, const uint8_t* args, size_t size,
             Result* out);

// A BIT_MODIFY. `exists` says whether the bin is there (then `bin_particle`/`blob` describe it).
// Returns 0 on success: if `*changed`, the bin must become the blob `*new_blob` (particle 4);
// otherwise it stays as it is (a no-op, or a no-fail miss). Any other return is a result code
// and nothing may change.
uint8_t modify(bool exists, uint8_t bin_particle, std::string_view blob, const uint8_t* args,
               size_t size, std::string* new_blob, bool* changed);

// ---- The bit algorithms, on byte buffers. Bit 0 is the most significant bit of byte 0. ----
// Window [bit, bit + n) of `b`; callers keep it inside the buffer.
uint64_t get_uint(const uint8_t* b, uint64_t bit, uint32_t n);             // n <= 64
void set_uint(uint8_t* b, uint64_t bit, uint32_t n, uint64_t value);      // low n bits of value
uint64_t count_ones(const uint8_t* b, uint64_t bit, uint64_t n);
// Copies the window into a fresh left-aligned buffer of (n + 7) / 8 bytes, zero padded.
std::string extract(const uint8_t* b, uint64_t bit, uint64_t n);

}  // namespace aero::testserver::bits
