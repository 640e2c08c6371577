#include "test/server/cdt/msgpack_value.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>

namespace aero::testserver::mp {

namespace {

uint64_t be(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int k = 0; k < n; ++k) v = (v << 8) | p[k];
  return v;
}

void put_be(uint64_t v, int n, std::string* out) {
  for (int k = n - 1; k >= 0; --k) out->push_back(char(uint8_t(v >> (8 * k))));
}

struct Reader {
  const uint8_t* p;
  const uint8_t* end;
  bool ok = true;

  bool need(size_t k) {
    if (size_t(end - p) < k) ok = false;
    return ok;
  }
};

bool decode_value(Reader& r, Value* out, int depth);

bool decode_payload(Reader& r, size_t len, Value* out) {
  if (!r.need(len)) return false;
  out->bytes.assign(reinterpret_cast<const char*>(r.p), len);
  r.p += len;
  return true;
}

bool decode_ext(Reader& r, size_t len, Value* out) {
  if (!r.need(1 + len)) return false;
  const uint8_t type = *r.p++;
  if (type == 0xff && len == 1 && (*r.p == 0 || *r.p == 1)) {
    out->kind = *r.p == 0 ? Kind::kWildcard : Kind::kInfinity;
    ++r.p;
    return true;
  }
  out->kind = Kind::kExt;
  out->ext_type = type;
  return decode_payload(r, len, out);
}

bool decode_list(Reader& r, uint64_t n, Value* out, int depth) {
  out->kind = Kind::kList;
  if (n > uint64_t(r.end - r.p)) return r.ok = false;  // each element takes a byte at least
  out->items.reserve(size_t(n));
  for (uint64_t k = 0; k < n; ++k) {
    Value v;
    if (!decode_value(r, &v, depth + 1)) return false;
    if (k == 0 && v.kind == Kind::kExt && v.ext_type != 0xff) {
      out->has_header = true;
      out->flags = v.ext_type;
      continue;
    }
    out->items.push_back(std::move(v));
  }
  return true;
}

bool decode_map(Reader& r, uint64_t n, Value* out, int depth) {
  out->kind = Kind::kMap;
  if (n > uint64_t(r.end - r.p) / 2) return r.ok = false;
  out->entries.reserve(size_t(n));
  for (uint64_t k = 0; k < n; ++k) {
    Entry e;
    if (!decode_value(r, &e.key, depth + 1) || !decode_value(r, &e.value, depth + 1)) {
      return false;
    }
    if (k == 0 && e.key.kind == Kind::kExt && e.key.ext_type != 0xff) {
      out->has_header = true;
      out->flags = e.key.ext_type;
      continue;
    }
    out->entries.push_back(std::move(e));
  }
  return true;
}

bool decode_value(Reader& r, Value* out, int depth) {
  if (depth > kMaxDepth) return r.ok = false;
  if (!r.need(1)) return false;
  const uint8_t b = *r.p++;
  *out = Value();
  if (b <= 0x7f) {
    out->kind = Kind::kInt;
    out->i = b;
    return true;
  }
  if (b >= 0xe0) {
    out->kind = Kind::kInt;
    out->i = int8_t(b);
    return true;
  }
  if ((b & 0xe0) == 0xa0) {
    out->kind = Kind::kBytes;
    return decode_payload(r, b & 0x1f, out);
  }
  if ((b & 0xf0) == 0x90) return decode_list(r, b & 0x0f, out, depth);
  if ((b & 0xf0) == 0x80) return decode_map(r, b & 0x0f, out, depth);
  switch (b) {
    case 0xc0:
      out->kind = Kind::kNil;
      return true;
    case 0xc2:
      out->kind = Kind::kFalse;
      return true;
    case 0xc3:
      out->kind = Kind::kTrue;
      return true;
    case 0xcc:
    case 0xcd:
    case 0xce:
    case 0xcf: {
      const int n = 1 << (b - 0xcc);
      if (!r.need(size_t(n))) return false;
      const uint64_t v = be(r.p, n);
      r.p += n;
      out->kind = Kind::kInt;
      if (v > uint64_t(INT64_MAX)) {
        out->big = true;
        out->u = v;
      } else {
        out->i = int64_t(v);
      }
      return true;
    }
    case 0xd0:
    case 0xd1:
    case 0xd2:
    case 0xd3: {
      const int n = 1 << (b - 0xd0);
      if (!r.need(size_t(n))) return false;
      uint64_t v = be(r.p, n);
      r.p += n;
      if (n < 8 && (v >> (8 * n - 1)) != 0) v |= ~uint64_t(0) << (8 * n);  // sign-extend
      out->kind = Kind::kInt;
      out->i = int64_t(v);
      return true;
    }
    case 0xca: {
      if (!r.need(4)) return false;
      const uint32_t bits = uint32_t(be(r.p, 4));
      r.p += 4;
      float f;
      std::memcpy(&f, &bits, 4);
      out->kind = Kind::kDouble;
      out->float32 = true;
      out->d = f;
      return true;
    }
    case 0xcb: {
      if (!r.need(8)) return false;
      const uint64_t bits = be(r.p, 8);
      r.p += 8;
      out->kind = Kind::kDouble;
      std::memcpy(&out->d, &bits, 8);
      return true;
    }
    case 0xc4:
    case 0xc5:
    case 0xc6:
    case 0xd9:
    case 0xda:
    case 0xdb: {
      const bool str = b >= 0xd9;
      const int n = 1 << (str ? b - 0xd9 : b - 0xc4);
      if (!r.need(size_t(n))) return false;
      const uint64_t len = be(r.p, n);
      r.p += n;
      out->kind = Kind::kBytes;
      out->is_str = str;
      return decode_payload(r, size_t(len), out);
    }
    case 0xdc:
    case 0xdd:
    case 0xde:
    case 0xdf: {
      const int n = (b == 0xdc || b == 0xde) ? 2 : 4;
      if (!r.need(size_t(n))) return false;
      const uint64_t count = be(r.p, n);
      r.p += n;
      return b <= 0xdd ? decode_list(r, count, out, depth) : decode_map(r, count, out, depth);
    }
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xd7:
    case 0xd8:
      return decode_ext(r, size_t(1) << (b - 0xd4), out);
    case 0xc7:
    case 0xc8:
    case 0xc9: {
      const int n = 1 << (b - 0xc7);
      if (!r.need(size_t(n))) return false;
      const uint64_t len = be(r.p, n);
      r.p += n;
      return decode_ext(r, size_t(len), out);
    }
    default:
      return r.ok = false;  // 0xc1 (never used)
  }
}

void encode_bytes_header(bool str, size_t n, std::string* out) {
  if (str) {
    if (n < 32) {
      out->push_back(char(0xa0 | n));
    } else if (n < 0x100) {
      out->push_back(char(0xd9));
      put_be(n, 1, out);
    } else if (n < 0x10000) {
      out->push_back(char(0xda));
      put_be(n, 2, out);
    } else {
      out->push_back(char(0xdb));
      put_be(n, 4, out);
    }
    return;
  }
  if (n < 0x100) {
    out->push_back(char(0xc4));
    put_be(n, 1, out);
  } else if (n < 0x10000) {
    out->push_back(char(0xc5));
    put_be(n, 2, out);
  } else {
    out->push_back(char(0xc6));
    put_be(n, 4, out);
  }
}

void write_uint(uint64_t v, std::string* out) {
  if (v < 0x80) {
    out->push_back(char(v));
  } else if (v < 0x100) {
    out->push_back(char(0xcc));
    put_be(v, 1, out);
  } else if (v < 0x10000) {
    out->push_back(char(0xcd));
    put_be(v, 2, out);
  } else if (v < 0x100000000ull) {
    out->push_back(char(0xce));
    put_be(v, 4, out);
  } else {
    out->push_back(char(0xcf));
    put_be(v, 8, out);
  }
}

void write_order_header(uint8_t flags, std::string* out) {
  out->push_back(char(0xc7));
  out->push_back(0);
  out->push_back(char(flags));
}

// ---- Comparison (msgpack_in.c msgpack_cmp_internal). ----

enum Rank : int {
  kRNil = 1,
  kRFalse,
  kRTrue,
  kRNegInt,
  kRInt,
  kRString,
  kRList,
  kRMap,
  kRBytes,
  kRDouble,
  kRGeoJson,
  kRExt,
  kRWildcard,
  kRInfinity,
};

int rank_of(const Value& v) {
  switch (v.kind) {
    case Kind::kNil:
      return kRNil;
    case Kind::kFalse:
      return kRFalse;
    case Kind::kTrue:
      return kRTrue;
    case Kind::kInt:
      return (!v.big && v.i < 0) ? kRNegInt : kRInt;
    case Kind::kDouble:
      return kRDouble;
    case Kind::kBytes:
      if (v.bytes.empty()) return kRBytes;
      if (uint8_t(v.bytes[0]) == kAsString) return kRString;
      if (uint8_t(v.bytes[0]) == kAsGeoJson) return kRGeoJson;
      return kRBytes;
    case Kind::kList:
      return kRList;
    case Kind::kMap:
      return kRMap;
    case Kind::kExt:
      return kRExt;
    case Kind::kWildcard:
      return kRWildcard;
    case Kind::kInfinity:
      return kRInfinity;
  }
  return 0;
}

struct Cmp {
  bool wildcard = false;  // a wildcard was met: the whole comparison is "equal"

  template <typename T>
  static int three(T a, T b) {
    return a < b ? -1 : (a > b ? 1 : 0);
  }

  int run(const Value& a, const Value& b) {
    if (a.kind == Kind::kWildcard || b.kind == Kind::kWildcard) {
      wildcard = true;
      return 0;
    }
    const int ra = rank_of(a), rb = rank_of(b);
    if (ra != rb) return three(ra, rb);
    switch (a.kind) {
      case Kind::kInt: {
        const uint64_t ua = a.big ? a.u : uint64_t(a.i);
        const uint64_t ub = b.big ? b.u : uint64_t(b.i);
        return three(ua, ub);
      }
      case Kind::kDouble:
        return three(a.d, b.d);
      case Kind::kBytes:
      case Kind::kExt: {
        const size_t n = std::min(a.bytes.size(), b.bytes.size());
        const int c = std::memcmp(a.bytes.data(), b.bytes.data(), n);
        if (c != 0) return c < 0 ? -1 : 1;
        return three(a.bytes.size(), b.bytes.size());
      }
      case Kind::kList: {
        const size_t n = std::min(a.items.size(), b.items.size());
        for (size_t k = 0; k < n; ++k) {
          const int c = run(a.items[k], b.items[k]);
          if (wildcard) return 0;
          if (c != 0) return c;
        }
        return three(a.items.size(), b.items.size());
      }
      case Kind::kMap: {
        if (a.entries.size() != b.entries.size()) {
          return three(a.entries.size(), b.entries.size());
        }
        for (size_t k = 0; k < a.entries.size(); ++k) {
          int c = run(a.entries[k].key, b.entries[k].key);
          if (wildcard) return 0;
          if (c != 0) return c;
          c = run(a.entries[k].value, b.entries[k].value);
          if (wildcard) return 0;
          if (c != 0) return c;
        }
        return 0;
      }
      default:
        return 0;
    }
  }
};

}  // namespace

Value Value::boolean(bool b) {
  Value v;
  v.kind = b ? Kind::kTrue : Kind::kFalse;
  return v;
}

Value Value::integer(int64_t x) {
  Value v;
  v.kind = Kind::kInt;
  v.i = x;
  return v;
}

Value Value::dbl(double x) {
  Value v;
  v.kind = Kind::kDouble;
  v.d = x;
  return v;
}

Value Value::string(std::string_view s) {
  Value v;
  v.kind = Kind::kBytes;
  v.bytes.push_back(char(kAsString));
  v.bytes.append(s);
  return v;
}

Value Value::list() { return list(std::vector<Value>()); }

Value Value::list(std::vector<Value> items) {
  Value v;
  v.kind = Kind::kList;
  v.items = std::move(items);
  return v;
}

Value Value::map() {
  Value v;
  v.kind = Kind::kMap;
  return v;
}

bool Value::contains_nonstorage() const {
  if (is_nonstorage()) return true;
  for (const Value& v : items) {
    if (v.contains_nonstorage()) return true;
  }
  for (const Entry& e : entries) {
    if (e.key.contains_nonstorage() || e.value.contains_nonstorage()) return true;
  }
  return false;
}

size_t decode(const uint8_t* p, size_t n, Value* out) {
  Reader r{p, p + n};
  if (!decode_value(r, out, 0) || !r.ok) return 0;
  return size_t(r.p - p);
}

bool decode_all(std::string_view bytes, Value* out) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  return !bytes.empty() && decode(p, bytes.size(), out) == bytes.size();
}

void write_array_header(uint32_t n, std::string* out) {
  if (n < 16) {
    out->push_back(char(0x90 | n));
  } else if (n < 0x10000) {
    out->push_back(char(0xdc));
    put_be(n, 2, out);
  } else {
    out->push_back(char(0xdd));
    put_be(n, 4, out);
  }
}

void write_map_header(uint32_t n, std::string* out) {
  if (n < 16) {
    out->push_back(char(0x80 | n));
  } else if (n < 0x10000) {
    out->push_back(char(0xde));
    put_be(n, 2, out);
  } else {
    out->push_back(char(0xdf));
    put_be(n, 4, out);
  }
}

void write_int(int64_t v, std::string* out) {
  if (v >= 0) {
    write_uint(uint64_t(v), out);
  } else if (v >= -32) {
    out->push_back(char(int8_t(v)));
  } else if (v >= INT8_MIN) {
    out->push_back(char(0xd0));
    put_be(uint64_t(v), 1, out);
  } else if (v >= INT16_MIN) {
    out->push_back(char(0xd1));
    put_be(uint64_t(v), 2, out);
  } else if (v >= INT32_MIN) {
    out->push_back(char(0xd2));
    put_be(uint64_t(v), 4, out);
  } else {
    out->push_back(char(0xd3));
    put_be(uint64_t(v), 8, out);
  }
}

void write_nil(std::string* out) { out->push_back(char(0xc0)); }

void write_bool(bool b, std::string* out) { out->push_back(char(b ? 0xc3 : 0xc2)); }

void encode(const Value& v, std::string* out) {
  switch (v.kind) {
    case Kind::kNil:
      write_nil(out);
      return;
    case Kind::kFalse:
    case Kind::kTrue:
      write_bool(v.kind == Kind::kTrue, out);
      return;
    case Kind::kInt:
      if (v.big) {
        write_uint(v.u, out);
      } else {
        write_int(v.i, out);
      }
      return;
    case Kind::kDouble:
      if (v.float32) {
        const float f = float(v.d);
        uint32_t bits;
        std::memcpy(&bits, &f, 4);
        out->push_back(char(0xca));
        put_be(bits, 4, out);
      } else {
        uint64_t bits;
        std::memcpy(&bits, &v.d, 8);
        out->push_back(char(0xcb));
        put_be(bits, 8, out);
      }
      return;
    case Kind::kBytes:
      encode_bytes_header(v.is_str, v.bytes.size(), out);
      out->append(v.bytes);
      return;
    case Kind::kList:
      write_array_header(uint32_t(v.items.size() + (v.has_header ? 1 : 0)), out);
      if (v.has_header) write_order_header(v.flags, out);
      for (const Value& x : v.items) encode(x, out);
      return;
    case Kind::kMap:
      write_map_header(uint32_t(v.entries.size() + (v.has_header ? 1 : 0)), out);
      if (v.has_header) {
        write_order_header(v.flags, out);
        write_nil(out);
      }
      for (const Entry& e : v.entries) {
        encode(e.key, out);
        encode(e.value, out);
      }
      return;
    case Kind::kExt: {
      const size_t n = v.bytes.size();
      if (n == 1 || n == 2 || n == 4 || n == 8 || n == 16) {
        const uint8_t code[] = {0, 0xd4, 0xd5, 0, 0xd6, 0, 0, 0, 0xd7, 0, 0, 0, 0, 0, 0, 0, 0xd8};
        out->push_back(char(code[n]));
      } else if (n < 0x100) {
        out->push_back(char(0xc7));
        put_be(n, 1, out);
      } else if (n < 0x10000) {
        out->push_back(char(0xc8));
        put_be(n, 2, out);
      } else {
        out->push_back(char(0xc9));
        put_be(n, 4, out);
      }
      out->push_back(char(v.ext_type));
      out->append(v.bytes);
      return;
    }
    case Kind::kWildcard:
    case Kind::kInfinity:
      out->push_back(char(0xd4));
      out->push_back(char(0xff));
      out->push_back(char(v.kind == Kind::kWildcard ? 0 : 1));
      return;
  }
}

std::string encode(const Value& v) {
  std::string s;
  encode(v, &s);
  return s;
}

int compare(const Value& a, const Value& b) {
  Cmp c;
  const int r = c.run(a, b);
  return c.wildcard ? 0 : r;
}

bool parse_op(const uint8_t* p, size_t n, Op* out) {
  Value v;
  if (decode(p, n, &v) != n || v.kind != Kind::kList || v.has_header || v.items.empty()) {
    return false;
  }
  *out = Op();
  Value* body = &v;
  if (v.items[0].is_int() && v.items[0].as_int() == 0xff) {
    if (v.items.size() != 3 || !v.items[1].is_list() || !v.items[2].is_list()) return false;
    const Value& ctx = v.items[1];
    if (ctx.items.empty() || ctx.items.size() % 2 != 0) return false;
    for (size_t k = 0; k < ctx.items.size(); k += 2) {
      if (!ctx.items[k].is_int() || ctx.items[k].as_int() < 0) return false;
      out->ctx.push_back({uint64_t(ctx.items[k].as_int()), ctx.items[k + 1]});
    }
    body = &v.items[2];
    if (body->items.empty()) return false;
  }
  if (!body->items[0].is_int()) return false;
  out->code = body->items[0].as_int();
  out->args.assign(std::make_move_iterator(body->items.begin() + 1),
                   std::make_move_iterator(body->items.end()));
  return true;
}

}  // namespace aero::testserver::mp
