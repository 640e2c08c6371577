// RIPEMD-160 (see ripemd160.h for the specification it follows).
//
// The compression function runs two parallel lines of 80 steps (five rounds of 16) over the
// sixteen little-endian message words of a 64-byte block and folds both into the state. The
// 80 steps are expanded at compile time (a fold over an index sequence), so the word order,
// rotation amounts, round functions and constants are all immediates; the two lines are
// interleaved step by step so the processor can run them side by side. Padding is MD4's:
// 0x80, zeros, the message length in bits as a little-endian 64-bit number.
#include "client/wire/ripemd160.h"

#include <bit>
#include <cstring>
#include <utility>

namespace aero::wire {
namespace {

// Message word used by step j of the left (kWordL) and right (kWordR) line.
constexpr uint8_t kWordL[80] = {
    0, 1, 2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15,  //
    7, 4, 13, 1,  10, 6,  15, 3,  12, 0,  9,  5,  2,  14, 11, 8,   //
    3, 10, 14, 4, 9,  15, 8,  1,  2,  7,  0,  6,  13, 11, 5,  12,  //
    1, 9, 11, 10, 0,  8,  12, 4,  13, 3,  7,  15, 14, 5,  6,  2,   //
    4, 0, 5,  9,  7,  12, 2,  10, 14, 1,  3,  8,  11, 6,  15, 13};
constexpr uint8_t kWordR[80] = {
    5,  14, 7,  0,  9, 2,  11, 4,  13, 6,  15, 8,  1,  10, 3,  12,  //
    6,  11, 3,  7,  0, 13, 5,  10, 14, 15, 8,  12, 4,  9,  1,  2,   //
    15, 5,  1,  3,  7, 14, 6,  9,  11, 8,  12, 2,  10, 0,  4,  13,  //
    8,  6,  4,  1,  3, 11, 15, 0,  5,  12, 2,  13, 9,  7,  10, 14,  //
    12, 15, 10, 4,  1, 5,  8,  7,  6,  2,  13, 14, 0,  3,  9,  11};

// Left rotation of step j.
constexpr uint8_t kRotL[80] = {
    11, 14, 15, 12, 5,  8,  7,  9,  11, 13, 14, 15, 6,  7,  9,  8,   //
    7,  6,  8,  13, 11, 9,  7,  15, 7,  12, 15, 9,  11, 7,  13, 12,  //
    11, 13, 6,  7,  14, 9,  13, 15, 14, 8,  13, 6,  5,  12, 7,  5,   //
    11, 12, 14, 15, 14, 15, 9,  8,  9,  14, 5,  6,  8,  6,  5,  12,  //
    9,  15, 5,  11, 6,  8,  13, 12, 5,  12, 13, 14, 11, 8,  5,  6};
constexpr uint8_t kRotR[80] = {
    8,  9,  9,  11, 13, 15, 15, 5,  7,  7,  8,  11, 14, 14, 12, 6,   //
    9,  13, 15, 7,  12, 8,  9,  11, 7,  7,  12, 7,  6,  15, 13, 11,  //
    9,  7,  15, 11, 8,  6,  6,  14, 12, 13, 5,  14, 13, 13, 7,  5,   //
    15, 5,  8,  11, 14, 14, 6,  14, 6,  9,  12, 9,  12, 5,  15, 8,   //
    8,  5,  12, 9,  12, 5,  14, 6,  8,  13, 6,  5,  15, 13, 11, 11};

// Additive constants per round (integer parts of 2^30 times square and cube roots).
constexpr uint32_t kConstL[5] = {0x00000000u, 0x5a827999u, 0x6ed9eba1u, 0x8f1bbcdcu, 0xa953fd4eu};
constexpr uint32_t kConstR[5] = {0x50a28be6u, 0x5c4dd124u, 0x6d703ef3u, 0x7a6d76e9u, 0x00000000u};

// The five boolean functions, by round. The left line uses them in order 1..5, the right
// line in order 5..1. Rounds 2 and 4 are the bitwise selects x ? y : z and z ? x : y,
// written in their three-operation forms.
template <int Round>
inline uint32_t f(uint32_t x, uint32_t y, uint32_t z) {
  if constexpr (Round == 0) return x ^ y ^ z;
  if constexpr (Round == 1) return ((y ^ z) & x) ^ z;
  if constexpr (Round == 2) return (x | ~y) ^ z;
  if constexpr (Round == 3) return ((x ^ y) & z) ^ y;
  if constexpr (Round == 4) return x ^ (y | ~z);
}

struct Line {
  uint32_t a, b, c, d, e;
};

// Step j of both lines: T = rol_s(A + f(B, C, D) + X[r] + K) + E; then (A, B, C, D, E) =
// (E, T, B, rol_10(C), D). The register moves vanish once the steps are unrolled.
template <int J>
inline void step(Line& l, Line& r, const uint32_t* x) {
  constexpr int round = J / 16;
  uint32_t t = std::rotl(l.a + f<round>(l.b, l.c, l.d) + x[kWordL[J]] + kConstL[round], kRotL[J]) + l.e;
  l.a = l.e;
  l.e = l.d;
  l.d = std::rotl(l.c, 10);
  l.c = l.b;
  l.b = t;
  t = std::rotl(r.a + f<4 - round>(r.b, r.c, r.d) + x[kWordR[J]] + kConstR[round], kRotR[J]) + r.e;
  r.a = r.e;
  r.e = r.d;
  r.d = std::rotl(r.c, 10);
  r.c = r.b;
  r.b = t;
}

template <int... J>
inline void steps(Line& l, Line& r, const uint32_t* x, std::integer_sequence<int, J...>) {
  (step<J>(l, r, x), ...);
}

inline uint32_t load_u32le(const uint8_t* p) {
  if constexpr (std::endian::native == std::endian::little) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  } else {
    return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
  }
}

inline void store_u32le(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v >> 16);
  p[3] = static_cast<uint8_t>(v >> 24);
}

// Folds `blocks` 64-byte blocks into the state h.
void compress(uint32_t* h, const uint8_t* data, size_t blocks) {
  for (; blocks > 0; --blocks, data += 64) {
    uint32_t x[16];
    for (int i = 0; i < 16; ++i) x[i] = load_u32le(data + 4 * i);
    Line l{h[0], h[1], h[2], h[3], h[4]};
    Line r = l;
    steps(l, r, x, std::make_integer_sequence<int, 80>{});
    const uint32_t t = h[1] + l.c + r.d;
    h[1] = h[2] + l.d + r.e;
    h[2] = h[3] + l.e + r.a;
    h[3] = h[4] + l.a + r.b;
    h[4] = h[0] + l.b + r.c;
    h[0] = t;
  }
}

// Pads the last partial block (`used` bytes already in `block`, total length `length` bytes),
// compresses it and writes the hash.
Ripemd160Hash finish_block(uint32_t* h, uint8_t* block, size_t used, uint64_t length) {
  block[used++] = 0x80;
  if (used > 56) {
    std::memset(block + used, 0, 64 - used);
    compress(h, block, 1);
    used = 0;
  }
  std::memset(block + used, 0, 56 - used);
  const uint64_t bits = length << 3;
  store_u32le(block + 56, static_cast<uint32_t>(bits));
  store_u32le(block + 60, static_cast<uint32_t>(bits >> 32));
  compress(h, block, 1);
  Ripemd160Hash out;
  for (int i = 0; i < 5; ++i) store_u32le(out.data() + 4 * i, h[i]);
  return out;
}

}  // namespace

void Ripemd160::update(const void* data, size_t size) {
  if (size == 0) return;
  const uint8_t* p = static_cast<const uint8_t*>(data);
  length_ += size;
  if (used_ > 0) {
    const size_t take = size < 64 - used_ ? size : 64 - used_;
    std::memcpy(block_ + used_, p, take);
    used_ += take;
    p += take;
    size -= take;
    if (used_ < 64) return;
    compress(h_, block_, 1);
    used_ = 0;
  }
  if (size >= 64) {
    compress(h_, p, size / 64);
    p += size & ~size_t{63};
    size &= 63;
  }
  if (size > 0) {
    std::memcpy(block_, p, size);
    used_ = size;
  }
}

Ripemd160Hash Ripemd160::finish() { return finish_block(h_, block_, used_, length_); }

Ripemd160Hash ripemd160(std::span<const uint8_t> data) {
  Ripemd160 h;
  h.update(data);
  return h.finish();
}

Ripemd160Hash ripemd160(std::span<const uint8_t> a, std::span<const uint8_t> b,
                        std::span<const uint8_t> c) {
  const size_t total = a.size() + b.size() + c.size();
  if (total > 55) {
    Ripemd160 h;
    h.update(a);
    h.update(b);
    h.update(c);
    return h.finish();
  }
  // One block: the pieces, then the padding, with no buffering logic in between.
  uint32_t h[5] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u, 0xc3d2e1f0u};
  uint8_t block[64];
  uint8_t* p = block;
  if (!a.empty()) std::memcpy(p, a.data(), a.size());
  p += a.size();
  if (!b.empty()) std::memcpy(p, b.data(), b.size());
  p += b.size();
  if (!c.empty()) std::memcpy(p, c.data(), c.size());
  return finish_block(h, block, total, total);
}

}  // namespace aero::wire
