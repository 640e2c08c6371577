// The project's RIPEMD-160 (client/wire/ripemd160.h) against the test vectors published with
// the algorithm (Bosselaers, "The hash function RIPEMD-160", the authors' page: the "test
// values for RIPEMD-160" table), computed one-shot, incrementally in every split, and through
// the three-piece form the key digest uses, across the one-block/two-block boundary.
// Runs on every platform (under Wine for the mingw build); the comparison with OpenSSL is
// digest_openssl_test.cc and fuzz/wire/ripemd160_fuzzer.cc.
#include "client/wire/ripemd160.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace aero::wire {
namespace {

std::span<const uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string hex(const Ripemd160Hash& h) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : h) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

struct Vector {
  std::string message;
  const char* hash;
};

const Vector* published(size_t* count) {
  static const Vector v[] = {
      {"", "9c1185a5c5e9fc54612808977ee8f548b2258d31"},
      {"a", "0bdc9d2d256b3ee9daae347be6f4dc835a467ffe"},
      {"abc", "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"},
      {"message digest", "5d0689ef49d2fae572b881b123a85ffa21595f36"},
      {"abcdefghijklmnopqrstuvwxyz", "f71c27109c692c1b56bbdceb5b9d2865b3708dbc"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "12a053384a9c0c88e405a06c27dcf49ada62eb2b"},
      {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
       "b0e20b6e3116640286ed3a87a5713079b21f5189"},
      {[] {
         std::string s;
         for (int i = 0; i < 8; ++i) s += "1234567890";
         return s;
       }(),
       "9b752e45573d4b39f4dbd3323cab82bf63326bfb"},
  };
  *count = sizeof v / sizeof v[0];
  return v;
}

TEST(Ripemd160, PublishedVectorsOneShot) {
  size_t n = 0;
  const Vector* v = published(&n);
  for (size_t i = 0; i < n; ++i) {
    SCOPED_TRACE(v[i].message);
    EXPECT_EQ(hex(ripemd160(bytes(v[i].message))), v[i].hash);
  }
}

TEST(Ripemd160, OneMillionA) {
  const std::string m(1000000, 'a');
  EXPECT_EQ(hex(ripemd160(bytes(m))), "52783243c1697bdbe16d37f97f68f08325dc1528");
  // Fed in uneven pieces, so partial blocks are carried between update() calls.
  Ripemd160 h;
  size_t at = 0;
  for (size_t piece = 1; at < m.size(); piece = piece * 7 % 131 + 1) {
    const size_t take = std::min(piece, m.size() - at);
    h.update(m.data() + at, take);
    at += take;
  }
  EXPECT_EQ(hex(h.finish()), "52783243c1697bdbe16d37f97f68f08325dc1528");
}

// Every split of every published message into two updates, and into three pieces through
// the one-shot three-piece form, gives the published hash.
TEST(Ripemd160, PublishedVectorsInEverySplit) {
  size_t n = 0;
  const Vector* v = published(&n);
  for (size_t i = 0; i < n; ++i) {
    const std::string_view m = v[i].message;
    for (size_t cut = 0; cut <= m.size(); ++cut) {
      SCOPED_TRACE(std::string(m) + " cut at " + std::to_string(cut));
      Ripemd160 h;
      h.update(bytes(m.substr(0, cut)));
      h.update(bytes(m.substr(cut)));
      ASSERT_EQ(hex(h.finish()), v[i].hash);
      for (size_t cut2 = cut; cut2 <= m.size(); ++cut2) {
        ASSERT_EQ(hex(ripemd160(bytes(m.substr(0, cut)), bytes(m.substr(cut, cut2 - cut)),
                                bytes(m.substr(cut2)))),
                  v[i].hash)
            << "second cut at " << cut2;
      }
    }
  }
}

// Lengths around the padding boundaries (55: one block; 56..63: the length spills into a
// second block; 64, 119, 120, 128: more blocks) agree between the one-shot single-block path,
// the incremental path, and byte-at-a-time updates.
TEST(Ripemd160, PathsAgreeAroundBlockBoundaries) {
  for (size_t len = 0; len <= 200; ++len) {
    SCOPED_TRACE(len);
    std::string m(len, '\0');
    for (size_t i = 0; i < len; ++i) m[i] = static_cast<char>(i * 37 + len);
    const Ripemd160Hash whole = ripemd160(bytes(m));
    Ripemd160 bytewise;
    for (char c : m) bytewise.update(&c, 1);
    EXPECT_EQ(bytewise.finish(), whole);
    const std::string_view s = m;
    const size_t third = len / 3;
    const size_t middle = len == 0 ? 0 : 1;  // the key digest's one type byte
    EXPECT_EQ(ripemd160(bytes(s.substr(0, third)), bytes(s.substr(third, middle)),
                        bytes(s.substr(third + middle))),
              whole);
  }
}

}  // namespace
}  // namespace aero::wire
