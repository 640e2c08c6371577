// Byte-level helpers used inside the codec: big- and little-endian loads and stores, a
// bounds-checked Reader, and the two writers every encoder runs through (SizeCounter, then
// ByteWriter), so the size computed first always equals the bytes written.
//
// Internal to client/wire (the public headers do not expose it), but header-only and safe to
// use from tests. Threads: plain values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

namespace aero::wire::detail {

inline void store_u16be(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void store_u32be(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}
inline void store_u64be(uint8_t* p, uint64_t v) {
  store_u32be(p, static_cast<uint32_t>(v >> 32));
  store_u32be(p + 4, static_cast<uint32_t>(v));
}
inline uint16_t load_u16be(const uint8_t* p) {
  return static_cast<uint16_t>((uint16_t{p[0]} << 8) | p[1]);
}
inline uint32_t load_u32be(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
inline uint64_t load_u64be(const uint8_t* p) {
  return (uint64_t{load_u32be(p)} << 32) | load_u32be(p + 4);
}
inline uint16_t load_u16le(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] | (uint16_t{p[1]} << 8));
}
inline uint64_t load_u64le(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

inline uint64_t double_bits(double d) {
  uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return u;
}
inline double bits_double(uint64_t u) {
  double d;
  std::memcpy(&d, &u, sizeof d);
  return d;
}

// Bounds-checked sequential reader. Every read either succeeds completely or returns false
// and leaves the position unchanged.
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> bytes) : p_(bytes.data()), n_(bytes.size()) {}

  size_t remaining() const { return n_ - pos_; }
  size_t position() const { return pos_; }
  bool at_end() const { return pos_ == n_; }
  const uint8_t* current() const { return p_ + pos_; }

  bool u8(uint8_t& v) {
    if (remaining() < 1) return false;
    v = p_[pos_++];
    return true;
  }
  bool u16be(uint16_t& v) {
    if (remaining() < 2) return false;
    v = load_u16be(p_ + pos_);
    pos_ += 2;
    return true;
  }
  bool u32be(uint32_t& v) {
    if (remaining() < 4) return false;
    v = load_u32be(p_ + pos_);
    pos_ += 4;
    return true;
  }
  bool u64be(uint64_t& v) {
    if (remaining() < 8) return false;
    v = load_u64be(p_ + pos_);
    pos_ += 8;
    return true;
  }
  bool bytes(size_t n, std::span<const uint8_t>& out) {
    if (remaining() < n) return false;
    out = {p_ + pos_, n};
    pos_ += n;
    return true;
  }
  bool skip(size_t n) {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
  }

 private:
  const uint8_t* p_;
  size_t n_;
  size_t pos_ = 0;
};

// First pass of every encoder: counts bytes.
class SizeCounter {
 public:
  static constexpr bool kWrites = false;
  void u8(uint8_t) { n_ += 1; }
  void u16be(uint16_t) { n_ += 2; }
  void u16le(uint16_t) { n_ += 2; }
  void u32be(uint32_t) { n_ += 4; }
  void u64be(uint64_t) { n_ += 8; }
  void bytes(const void*, size_t len) { n_ += len; }
  void str(std::string_view s) { n_ += s.size(); }
  size_t position() const { return n_; }
  void patch_u32be(size_t, uint32_t) {}
  void patch_u16be(size_t, uint16_t) {}
  size_t size() const { return n_; }

 private:
  size_t n_ = 0;
};

// Second pass: writes into memory sized by the first pass.
class ByteWriter {
 public:
  static constexpr bool kWrites = true;
  explicit ByteWriter(uint8_t* p) : begin_(p), p_(p) {}
  void u8(uint8_t v) { *p_++ = v; }
  void u16be(uint16_t v) {
    store_u16be(p_, v);
    p_ += 2;
  }
  void u16le(uint16_t v) {
    p_[0] = static_cast<uint8_t>(v);
    p_[1] = static_cast<uint8_t>(v >> 8);
    p_ += 2;
  }
  void u32be(uint32_t v) {
    store_u32be(p_, v);
    p_ += 4;
  }
  void u64be(uint64_t v) {
    store_u64be(p_, v);
    p_ += 8;
  }
  void bytes(const void* src, size_t len) {
    if (len != 0) std::memcpy(p_, src, len);
    p_ += len;
  }
  void str(std::string_view s) { bytes(s.data(), s.size()); }
  size_t position() const { return static_cast<size_t>(p_ - begin_); }
  void patch_u32be(size_t pos, uint32_t v) { store_u32be(begin_ + pos, v); }
  void patch_u16be(size_t pos, uint16_t v) { store_u16be(begin_ + pos, v); }
  size_t size() const { return position(); }

 private:
  uint8_t* begin_;
  uint8_t* p_;
};

}  // namespace aero::wire::detail
