// A byte-exact reader of the msgpack arguments of bit and HLL operations (`[op, args...]`).
//
// Deliberately mirrors the server's msgpack_in accessors (aerospike-server cf/src/msgpack_in.c:
// msgpack_get_list_ele_count, msgpack_get_uint64, msgpack_get_bool, msgpack_get_bin,
// msgpack_sz): the same inputs are accepted and rejected. HLL add hashes each element's raw
// bytes as the client sent them, which a decoded value model cannot give back, hence this
// cursor rather than mp::Value. Pure and allocation-free: callable from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace aero::testserver::bitargs {

class Reader {
 public:
  Reader(const uint8_t* p, size_t n) : p_(p), end_(p + n) {}

  size_t left() const { return size_t(end_ - p_); }

  // An array header (fixarray, array16, array32).
  bool list_count(uint32_t* n) {
    if (p_ >= end_) return false;
    const uint8_t b = *p_;
    if ((b & 0xf0) == 0x90) {
      *n = b & 0x0f;
      ++p_;
      return true;
    }
    if (b == 0xdc || b == 0xdd) {
      const size_t w = b == 0xdc ? 2 : 4;
      if (left() < 1 + w) return false;
      *n = uint32_t(be(p_ + 1, w));
      p_ += 1 + w;
      return true;
    }
    return false;
  }

  // Any integer format; negative values come back as their two's complement (as the server's
  // msgpack_get_uint64 does).
  bool get_uint64(uint64_t* v) {
    if (p_ >= end_) return false;
    const uint8_t b = *p_;
    if (b < 0x80 || b >= 0xe0) {
      *v = b < 0x80 ? uint64_t(b) : uint64_t(int64_t(int8_t(b)));
      ++p_;
      return true;
    }
    size_t w = 0;
    bool is_signed = false;
    switch (b) {
      case 0xcc: w = 1; break;
      case 0xcd: w = 2; break;
      case 0xce: w = 4; break;
      case 0xcf: w = 8; break;
      case 0xd0: w = 1; is_signed = true; break;
      case 0xd1: w = 2; is_signed = true; break;
      case 0xd2: w = 4; is_signed = true; break;
      case 0xd3: w = 8; is_signed = true; break;
      default: return false;
    }
    if (left() < 1 + w) return false;
    uint64_t x = be(p_ + 1, w);
    if (is_signed && (p_[1] & 0x80) && w < 8) x |= ~uint64_t(0) << (8 * w);
    *v = x;
    p_ += 1 + w;
    return true;
  }
  bool get_int64(int64_t* v) {
    uint64_t u;
    if (!get_uint64(&u)) return false;
    *v = int64_t(u);
    return true;
  }

  bool get_bool(bool* v) {
    if (p_ >= end_ || (*p_ != 0xc2 && *p_ != 0xc3)) return false;
    *v = *p_ == 0xc3;
    ++p_;
    return true;
  }

  // A str or bin payload (particle-type byte included).
  bool get_bin(std::string_view* out) {
    if (p_ >= end_) return false;
    const uint8_t b = *p_;
    size_t w = 0;
    uint64_t n = 0;
    if ((b & 0xe0) == 0xa0) {
      n = b & 0x1f;
    } else if (b == 0xc4 || b == 0xd9) {
      w = 1;
    } else if (b == 0xc5 || b == 0xda) {
      w = 2;
    } else if (b == 0xc6 || b == 0xdb) {
      w = 4;
    } else {
      return false;
    }
    if (left() < 1 + w) return false;
    if (w != 0) n = be(p_ + 1, w);
    if (left() - 1 - w < n) return false;
    *out = std::string_view(reinterpret_cast<const char*>(p_ + 1 + w), size_t(n));
    p_ += 1 + w + n;
    return true;
  }

  // Peeks whether the next value is a str or bin payload.
  bool peek_is_bin() const {
    if (p_ >= end_) return false;
    const uint8_t b = *p_;
    return (b & 0xe0) == 0xa0 || (b >= 0xc4 && b <= 0xc6) || (b >= 0xd9 && b <= 0xdb);
  }

  // Peeks whether the next value is a list or a map.
  bool peek_is_container() const {
    if (p_ >= end_) return false;
    const uint8_t b = *p_;
    return (b & 0xe0) == 0x80 || b == 0xdc || b == 0xdd || b == 0xde || b == 0xdf;
  }

  // Skips one whole value (nested containers included); its raw bytes go to `raw`.
  bool skip(std::string_view* raw) {
    const uint8_t* start = p_;
    uint64_t count = 1;
    for (uint64_t i = 0; i < count; ++i) {
      if (!skip_one(&count)) {
        p_ = start;
        return false;
      }
    }
    *raw = std::string_view(reinterpret_cast<const char*>(start), size_t(p_ - start));
    return true;
  }

 private:
  static uint64_t be(const uint8_t* p, size_t w) {
    uint64_t v = 0;
    for (size_t i = 0; i < w; ++i) v = (v << 8) | p[i];
    return v;
  }

  // One element header and its scalar payload; containers add their children to `count`.
  bool skip_one(uint64_t* count) {
    if (p_ >= end_) return false;
    const uint8_t b = *p_;
    size_t head = 1;
    uint64_t payload = 0;
    if (b < 0x80 || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) {
      // fixint, nil, booleans
    } else if ((b & 0xe0) == 0xa0) {
      payload = b & 0x1f;
    } else if ((b & 0xf0) == 0x80) {
      *count += 2u * (b & 0x0f);
    } else if ((b & 0xf0) == 0x90) {
      *count += b & 0x0f;
    } else {
      size_t w = 0;
      switch (b) {
        case 0xcc: case 0xd0: payload = 1; break;
        case 0xcd: case 0xd1: payload = 2; break;
        case 0xca: case 0xce: case 0xd2: payload = 4; break;
        case 0xcb: case 0xcf: case 0xd3: payload = 8; break;
        case 0xd4: payload = 2; break;
        case 0xd5: payload = 3; break;
        case 0xd6: payload = 5; break;
        case 0xd7: payload = 9; break;
        case 0xd8: payload = 17; break;
        case 0xc4: case 0xd9: w = 1; break;
        case 0xc5: case 0xda: w = 2; break;
        case 0xc6: case 0xdb: w = 4; break;
        case 0xc7: w = 1; payload = 1; break;
        case 0xc8: w = 2; payload = 1; break;
        case 0xc9: w = 4; payload = 1; break;
        case 0xdc: w = 2; break;
        case 0xdd: w = 4; break;
        case 0xde: w = 2; break;
        case 0xdf: w = 4; break;
        default: return false;
      }
      if (w != 0) {
        if (left() < 1 + w) return false;
        const uint64_t n = be(p_ + 1, w);
        head += w;
        if (b == 0xdc || b == 0xdd) {
          *count += n;
        } else if (b == 0xde || b == 0xdf) {
          *count += 2 * n;
        } else {
          payload += n;
        }
      }
    }
    if (*count > (uint64_t(1) << 32)) return false;  // more elements than bytes could hold
    if (left() < head || left() - head < payload) return false;
    p_ += head + payload;
    return true;
  }

  const uint8_t* p_;
  const uint8_t* end_;
};

}  // namespace aero::testserver::bitargs
