// A tiny msgpack writer for the bit/HLL unit tests (arguments are `[op, args...]` arrays).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

namespace bittest {

struct P {
  std::string s;
  P& arr(uint32_t n) {
    if (n < 16) {
      s.push_back(char(0x90 | n));
    } else {
      s.push_back(char(0xdc));
      s.push_back(char(n >> 8));
      s.push_back(char(n));
    }
    return *this;
  }
  P& i(int64_t v) {
    if (v >= 0 && v < 128) {
      s.push_back(char(v));
    } else if (v < 0 && v >= -32) {
      s.push_back(char(uint8_t(v)));
    } else {
      s.push_back(char(0xd3));
      for (int k = 7; k >= 0; --k) s.push_back(char(uint64_t(v) >> (8 * k)));
    }
    return *this;
  }
  P& u64(uint64_t v) {
    s.push_back(char(0xcf));
    for (int k = 7; k >= 0; --k) s.push_back(char(v >> (8 * k)));
    return *this;
  }
  P& b(bool v) {
    s.push_back(char(v ? 0xc3 : 0xc2));
    return *this;
  }
  // A blob (bin family, particle-type byte 4 first).
  P& blob(std::initializer_list<uint8_t> bytes) { return blob(std::string(bytes.begin(), bytes.end())); }
  P& blob(const std::string& bytes) {
    const size_t n = bytes.size() + 1;
    if (n < 256) {
      s.push_back(char(0xc4));
      s.push_back(char(n));
    } else {
      s.push_back(char(0xc5));
      s.push_back(char(n >> 8));
      s.push_back(char(n));
    }
    s.push_back(char(4));
    s += bytes;
    return *this;
  }
  P& str(const std::string& v) {
    s.push_back(char(0xa0 | (v.size() + 1)));
    s.push_back(char(3));
    s += v;
    return *this;
  }
  const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(s.data()); }
  size_t size() const { return s.size(); }
};

inline std::string bytes(std::initializer_list<uint8_t> b) { return std::string(b.begin(), b.end()); }

inline std::string hex(const std::string& v) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (char c : v) {
    out.push_back(d[uint8_t(c) >> 4]);
    out.push_back(d[uint8_t(c) & 15]);
  }
  return out;
}

inline int64_t int_of(const std::string& v) {
  uint64_t x = 0;
  for (char c : v) x = (x << 8) | uint8_t(c);
  return int64_t(x);
}

}  // namespace bittest
