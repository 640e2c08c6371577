// RIPEMD-160, the hash behind every record digest (digest.h), implemented here so the client
// needs no crypto library on any platform (OpenSSL's libcrypto is not built for mingw-w64 by
// Debian, and the one-block inputs of key digests are faster without a library call).
//
// Written from the specification: H. Dobbertin, A. Bosselaers, B. Preneel, "RIPEMD-160: A
// Strengthened Version of RIPEMD" (FSE 1996), and the authors' reference page
// (homes.esat.kuleuven.be/~bosselae/ripemd160.html), whose test vectors
// test/wire/ripemd160_test.cc checks; fuzz/wire/ripemd160_fuzzer.cc compares it with OpenSSL.
//
// Not a general crypto API: no secrets are hashed, so no constant-time or wiping concerns.
// Threads: a Ripemd160 object is a plain value (one thread at a time); ripemd160() is pure.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace aero::wire {

using Ripemd160Hash = std::array<uint8_t, 20>;

// Incremental form: update() any number of times, then finish() once.
class Ripemd160 {
 public:
  Ripemd160() = default;

  void update(const void* data, size_t size);
  void update(std::span<const uint8_t> data) { update(data.data(), data.size()); }

  // The hash of everything passed to update(). The object is spent afterwards.
  Ripemd160Hash finish();

 private:
  uint32_t h_[5] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u, 0xc3d2e1f0u};
  uint64_t length_ = 0;  // bytes hashed so far
  size_t used_ = 0;      // bytes waiting in block_
  uint8_t block_[64];
};

// One-shot forms. The three-piece one hashes a || b || c without copying them together
// first (a key digest is set || type byte || key); inputs up to 55 bytes take one block.
Ripemd160Hash ripemd160(std::span<const uint8_t> data);
Ripemd160Hash ripemd160(std::span<const uint8_t> a, std::span<const uint8_t> b,
                        std::span<const uint8_t> c);

}  // namespace aero::wire
