#include "test/server/exp/msgpack_reader.h"

#include <cstring>

namespace aero::testserver::exp {

namespace {

uint64_t be(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

constexpr int kMaxDepth = 64;

}  // namespace

bool Reader::take(size_t n, const uint8_t** out) {
  if (remaining() < n) return false;
  *out = p_;
  p_ += n;
  return true;
}

MpKind Reader::peek() const {
  if (p_ >= end_) return MpKind::kError;
  const uint8_t b = *p_;
  if (b <= 0x7f || b >= 0xe0) return MpKind::kInt;
  if (b >= 0x80 && b <= 0x8f) return MpKind::kMap;
  if (b >= 0x90 && b <= 0x9f) return MpKind::kList;
  if (b >= 0xa0 && b <= 0xbf) return MpKind::kBytes;
  switch (b) {
    case 0xc0:
      return MpKind::kNil;
    case 0xc2:
    case 0xc3:
      return MpKind::kBool;
    case 0xc4:
    case 0xc5:
    case 0xc6:
    case 0xd9:
    case 0xda:
    case 0xdb:
      return MpKind::kBytes;
    case 0xca:
    case 0xcb:
      return MpKind::kDouble;
    case 0xcc:
    case 0xcd:
    case 0xce:
    case 0xcf:
    case 0xd0:
    case 0xd1:
    case 0xd2:
    case 0xd3:
      return MpKind::kInt;
    case 0xdc:
    case 0xdd:
      return MpKind::kList;
    case 0xde:
    case 0xdf:
      return MpKind::kMap;
    case 0xc7:
    case 0xc8:
    case 0xc9:
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xd7:
    case 0xd8:
      return MpKind::kExt;
    default:
      return MpKind::kError;  // 0xc1 (never used)
  }
}

bool Reader::read_nil() {
  if (peek() != MpKind::kNil) return false;
  ++p_;
  return true;
}

bool Reader::read_bool(bool* v) {
  if (peek() != MpKind::kBool) return false;
  *v = *p_++ == 0xc3;
  return true;
}

bool Reader::read_int(int64_t* v) {
  if (peek() != MpKind::kInt) return false;
  const uint8_t b = *p_;
  if (b <= 0x7f) {
    *v = b;
    ++p_;
    return true;
  }
  if (b >= 0xe0) {
    *v = int8_t(b);
    ++p_;
    return true;
  }
  const int n = (b == 0xcc || b == 0xd0) ? 1 : (b == 0xcd || b == 0xd1) ? 2 : (b == 0xce || b == 0xd2) ? 4 : 8;
  if (remaining() < size_t(1 + n)) return false;
  const uint64_t raw = be(p_ + 1, n);
  if (b >= 0xd0) {  // signed
    switch (n) {
      case 1:
        *v = int8_t(raw);
        break;
      case 2:
        *v = int16_t(raw);
        break;
      case 4:
        *v = int32_t(raw);
        break;
      default:
        *v = int64_t(raw);
        break;
    }
  } else {
    if (raw > uint64_t(INT64_MAX)) return false;
    *v = int64_t(raw);
  }
  p_ += 1 + n;
  return true;
}

bool Reader::read_double(double* v) {
  if (peek() != MpKind::kDouble) return false;
  const uint8_t b = *p_;
  const int n = b == 0xca ? 4 : 8;
  if (remaining() < size_t(1 + n)) return false;
  const uint64_t raw = be(p_ + 1, n);
  if (n == 4) {
    const uint32_t r32 = uint32_t(raw);
    float f;
    std::memcpy(&f, &r32, 4);
    *v = f;
  } else {
    std::memcpy(v, &raw, 8);
  }
  p_ += 1 + n;
  return true;
}

bool Reader::read_bytes(std::string_view* v) {
  if (peek() != MpKind::kBytes) return false;
  const uint8_t b = *p_;
  size_t len = 0;
  int hdr = 1;
  if (b >= 0xa0 && b <= 0xbf) {
    len = b & 0x1f;
  } else {
    hdr = (b == 0xc4 || b == 0xd9) ? 2 : (b == 0xc5 || b == 0xda) ? 3 : 5;
    if (remaining() < size_t(hdr)) return false;
    len = size_t(be(p_ + 1, hdr - 1));
  }
  if (remaining() < hdr + len) return false;
  *v = std::string_view(reinterpret_cast<const char*>(p_ + hdr), len);
  p_ += hdr + len;
  return true;
}

bool Reader::read_list_header(uint32_t* n) {
  if (peek() != MpKind::kList) return false;
  const uint8_t b = *p_;
  if (b <= 0x9f) {
    *n = b & 0x0f;
    ++p_;
    return true;
  }
  const int k = b == 0xdc ? 2 : 4;
  if (remaining() < size_t(1 + k)) return false;
  *n = uint32_t(be(p_ + 1, k));
  p_ += 1 + k;
  return true;
}

bool Reader::read_map_header(uint32_t* n) {
  if (peek() != MpKind::kMap) return false;
  const uint8_t b = *p_;
  if (b <= 0x8f) {
    *n = b & 0x0f;
    ++p_;
    return true;
  }
  const int k = b == 0xde ? 2 : 4;
  if (remaining() < size_t(1 + k)) return false;
  *n = uint32_t(be(p_ + 1, k));
  p_ += 1 + k;
  return true;
}

bool Reader::skip() { return skip_depth(0); }

bool Reader::skip_depth(int depth) {
  if (depth > kMaxDepth) return false;
  switch (peek()) {
    case MpKind::kError:
      return false;
    case MpKind::kNil:
    case MpKind::kBool:
      ++p_;
      return true;
    case MpKind::kInt: {
      int64_t v;
      if (read_int(&v)) return true;
      // uint64 above INT64_MAX: still a valid element.
      const uint8_t* q;
      return *p_ == 0xcf && take(9, &q);
    }
    case MpKind::kDouble: {
      double d;
      return read_double(&d);
    }
    case MpKind::kBytes: {
      std::string_view s;
      return read_bytes(&s);
    }
    case MpKind::kList: {
      uint32_t n;
      if (!read_list_header(&n) || n > remaining()) return false;
      for (uint32_t i = 0; i < n; ++i) {
        if (!skip_depth(depth + 1)) return false;
      }
      return true;
    }
    case MpKind::kMap: {
      uint32_t n;
      if (!read_map_header(&n) || n > remaining()) return false;
      for (uint32_t i = 0; i < 2 * uint64_t(n); ++i) {
        if (!skip_depth(depth + 1)) return false;
      }
      return true;
    }
    case MpKind::kExt: {
      const uint8_t b = *p_;
      size_t len = 0;
      int hdr = 2;
      switch (b) {
        case 0xd4: len = 1; break;
        case 0xd5: len = 2; break;
        case 0xd6: len = 4; break;
        case 0xd7: len = 8; break;
        case 0xd8: len = 16; break;
        default: {
          const int k = b == 0xc7 ? 1 : b == 0xc8 ? 2 : 4;
          if (remaining() < size_t(1 + k)) return false;
          len = size_t(be(p_ + 1, k));
          hdr = 2 + k;
        }
      }
      const uint8_t* q;
      return take(hdr + len, &q);
    }
  }
  return false;
}

bool Reader::read_element(std::string_view* v) {
  const uint8_t* start = p_;
  if (!skip()) return false;
  *v = std::string_view(reinterpret_cast<const char*>(start), size_t(p_ - start));
  return true;
}

}  // namespace aero::testserver::exp
