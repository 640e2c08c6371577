#include "test/server/sindex_keys.h"

#include <algorithm>

#include "test/server/wire.h"

namespace aero::testserver {

namespace {

// A msgpack value inside a buffer (aerospike-server as/src/base/msgpack_in.c reads the same
// encoding; CDT context element types from as/src/base/cdt.c).
struct Cursor {
  const uint8_t* p;
  const uint8_t* end;
  bool ok = true;

  size_t left() const { return size_t(end - p); }
  uint64_t be(size_t n) {
    if (left() < n) {
      ok = false;
      p = end;
      return 0;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
    p += n;
    return v;
  }
  void skip(size_t n) {
    if (left() < n) {
      ok = false;
      p = end;
    } else {
      p += n;
    }
  }
};

enum class Kind { kNil, kBool, kInt, kFloat, kStr, kBin, kArray, kMap, kExt, kBad };

struct Header {
  Kind kind = Kind::kBad;
  int64_t i = 0;        // kInt value
  uint64_t count = 0;   // kArray/kMap element count, kStr/kBin/kExt byte length
  const uint8_t* data = nullptr;  // kStr/kBin payload
};

Header read_header(Cursor& c) {
  Header h;
  if (c.left() == 0) {
    c.ok = false;
    return h;
  }
  const uint8_t b = *c.p++;
  if (b <= 0x7f) return {Kind::kInt, b, 0, nullptr};
  if (b >= 0xe0) return {Kind::kInt, int8_t(b), 0, nullptr};
  if ((b & 0xf0) == 0x80) return {Kind::kMap, 0, uint64_t(b & 0x0f), nullptr};
  if ((b & 0xf0) == 0x90) return {Kind::kArray, 0, uint64_t(b & 0x0f), nullptr};
  if ((b & 0xe0) == 0xa0) {
    h = {Kind::kStr, 0, uint64_t(b & 0x1f), c.p};
    c.skip(h.count);
    return h;
  }
  switch (b) {
    case 0xc0: return {Kind::kNil, 0, 0, nullptr};
    case 0xc2: case 0xc3: return {Kind::kBool, b == 0xc3, 0, nullptr};
    case 0xcc: return {Kind::kInt, int64_t(c.be(1)), 0, nullptr};
    case 0xcd: return {Kind::kInt, int64_t(c.be(2)), 0, nullptr};
    case 0xce: return {Kind::kInt, int64_t(c.be(4)), 0, nullptr};
    case 0xcf: return {Kind::kInt, int64_t(c.be(8)), 0, nullptr};
    case 0xd0: return {Kind::kInt, int8_t(c.be(1)), 0, nullptr};
    case 0xd1: return {Kind::kInt, int16_t(c.be(2)), 0, nullptr};
    case 0xd2: return {Kind::kInt, int32_t(c.be(4)), 0, nullptr};
    case 0xd3: return {Kind::kInt, int64_t(c.be(8)), 0, nullptr};
    case 0xca: c.skip(4); return {Kind::kFloat, 0, 0, nullptr};
    case 0xcb: c.skip(8); return {Kind::kFloat, 0, 0, nullptr};
    case 0xd9: case 0xda: case 0xdb:
    case 0xc4: case 0xc5: case 0xc6: {
      const size_t n = (b == 0xd9 || b == 0xc4) ? 1 : (b == 0xda || b == 0xc5) ? 2 : 4;
      h.kind = (b >= 0xd9) ? Kind::kStr : Kind::kBin;
      h.count = c.be(n);
      h.data = c.p;
      c.skip(h.count);
      return h;
    }
    case 0xdc: return {Kind::kArray, 0, c.be(2), nullptr};
    case 0xdd: return {Kind::kArray, 0, c.be(4), nullptr};
    case 0xde: return {Kind::kMap, 0, c.be(2), nullptr};
    case 0xdf: return {Kind::kMap, 0, c.be(4), nullptr};
    case 0xd4: c.skip(2); return {Kind::kExt, 0, 1, nullptr};
    case 0xd5: c.skip(3); return {Kind::kExt, 0, 2, nullptr};
    case 0xd6: c.skip(5); return {Kind::kExt, 0, 4, nullptr};
    case 0xd7: c.skip(9); return {Kind::kExt, 0, 8, nullptr};
    case 0xd8: c.skip(17); return {Kind::kExt, 0, 16, nullptr};
    case 0xc7: case 0xc8: case 0xc9: {
      const size_t n = b == 0xc7 ? 1 : b == 0xc8 ? 2 : 4;
      h.kind = Kind::kExt;
      h.count = c.be(n);
      c.skip(h.count + 1);
      return h;
    }
    default:
      c.ok = false;
      return h;
  }
}

// Skips one whole value (bounded by the buffer: every element consumes at least one byte).
void skip_value(Cursor& c) {
  uint64_t pending = 1;
  while (pending > 0 && c.ok) {
    --pending;
    const Header h = read_header(c);
    if (!c.ok) return;
    if (h.kind == Kind::kArray) pending += h.count;
    if (h.kind == Kind::kMap) pending += 2 * h.count;
    if (pending > c.left()) {
      c.ok = false;
      return;
    }
  }
}

// One value's bytes [begin, end).
struct Span {
  const uint8_t* begin = nullptr;
  const uint8_t* end = nullptr;
};

Span take_value(Cursor& c) {
  Span s{c.p, nullptr};
  skip_value(c);
  s.end = c.p;
  return s;
}

// A list's or map's elements (map: key, value alternate). Leading ext elements (order flags)
// are dropped. False if `v` is not a collection of the wanted kind.
bool elements(Span v, Kind want, std::vector<Span>* out) {
  Cursor c{v.begin, v.end};
  const Header h = read_header(c);
  if (!c.ok || h.kind != want) return false;
  const uint64_t n = want == Kind::kMap ? 2 * h.count : h.count;
  for (uint64_t i = 0; i < n && c.ok; ++i) out->push_back(take_value(c));
  if (!c.ok) return false;
  if (!out->empty()) {
    Cursor first{(*out)[0].begin, (*out)[0].end};
    if (read_header(first).kind == Kind::kExt) {
      out->erase(out->begin(), out->begin() + (want == Kind::kMap ? 2 : 1));
    }
  }
  return true;
}

// Order used for ranks: integers by value before strings by bytes (enough for the index types
// emulated here).
bool value_less(Span a, Span b) {
  Cursor ca{a.begin, a.end}, cb{b.begin, b.end};
  const Header ha = read_header(ca), hb = read_header(cb);
  if (ha.kind != hb.kind) return int(ha.kind) < int(hb.kind);
  if (ha.kind == Kind::kInt) return ha.i < hb.i;
  return std::lexicographical_compare(a.begin, a.end, b.begin, b.end);
}

bool same_value(Span a, Span b) {
  return (a.end - a.begin) == (b.end - b.begin) && std::equal(a.begin, a.end, b.begin);
}

// Follows one context step; false when the element does not exist.
bool follow(Span* v, int64_t type, Span param) {
  Cursor pc{param.begin, param.end};
  const Header ph = read_header(pc);
  std::vector<Span> items;
  const int64_t base = type & 0x3f;  // create flags (0x40, 0x80) do not matter for reading
  const bool is_list = base >= 0x10 && base < 0x20;
  if (!elements(*v, is_list ? Kind::kArray : Kind::kMap, &items)) return false;
  const size_t stride = is_list ? 1 : 2;
  const size_t n = items.size() / stride;
  auto by_position = [&](int64_t index, bool rank) -> bool {
    if (ph.kind != Kind::kInt) return false;
    if (index < 0) index += int64_t(n);
    if (index < 0 || size_t(index) >= n) return false;
    std::vector<size_t> order(n);
    for (size_t i = 0; i < n; ++i) order[i] = i;
    if (rank || !is_list) {  // map index: key order; rank: value order
      const size_t off = (rank && !is_list) ? 1 : 0;
      std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
        return value_less(items[x * stride + off], items[y * stride + off]);
      });
    }
    *v = items[order[size_t(index)] * stride + (is_list ? 0 : 1)];
    return true;
  };
  switch (base) {
    case 0x10: return by_position(ph.i, false);  // list index
    case 0x11: return by_position(ph.i, true);   // list rank
    case 0x13:                                   // list value
      for (const Span& s : items) {
        if (same_value(s, param)) {
          *v = s;
          return true;
        }
      }
      return false;
    case 0x20: return by_position(ph.i, false);  // map index
    case 0x21: return by_position(ph.i, true);   // map rank
    case 0x22:                                   // map key
    case 0x23:                                   // map value
      for (size_t i = 0; i < n; ++i) {
        const Span& probe = items[i * 2 + (base == 0x22 ? 0 : 1)];
        if (same_value(probe, param)) {
          *v = items[i * 2 + 1];
          return true;
        }
      }
      return false;
    default:
      return false;
  }
}

// A msgpack scalar as an index key of `type`, if it is one.
bool key_of(Span v, IndexType type, IndexKey* key) {
  Cursor c{v.begin, v.end};
  const Header h = read_header(c);
  if (!c.ok) return false;
  if (type == IndexType::kNumeric) {
    if (h.kind != Kind::kInt) return false;
    *key = IndexKey{true, h.i, {}};
    return true;
  }
  if (h.kind != Kind::kStr || h.count == 0) return false;
  const uint8_t particle = h.data[0];
  const uint8_t want = type == IndexType::kString ? wire::particle::kString
                       : type == IndexType::kBlob ? wire::particle::kBlob
                                                   : wire::particle::kGeoJson;
  if (particle != want) return false;
  *key = IndexKey{false, 0,
                  std::string(reinterpret_cast<const char*>(h.data) + 1, size_t(h.count - 1))};
  return true;
}

void add_unique(std::vector<IndexKey>* out, IndexKey k) {
  if (std::find(out->begin(), out->end(), k) == out->end()) out->push_back(std::move(k));
}

}  // namespace

void index_keys(const IndexDef& def, const Record& r, std::vector<IndexKey>* out) {
  if (!def.set.empty() && r.set != def.set) return;
  if (!def.exp.empty() || def.bin.empty()) return;
  const Bin* b = r.find_bin(def.bin);
  if (b == nullptr) return;
  const auto* data = reinterpret_cast<const uint8_t*>(b->value.data());
  const bool cdt = b->type == wire::particle::kList || b->type == wire::particle::kMap;
  if (!cdt) {
    if (!def.context.empty() || def.collection != IndexCollection::kDefault) return;
    if (def.type == IndexType::kNumeric && b->type == wire::particle::kInteger &&
        b->value.size() == 8) {
      out->push_back(IndexKey{true, int64_t(wire::load_be64(data)), {}});
    } else if ((def.type == IndexType::kString && b->type == wire::particle::kString) ||
               (def.type == IndexType::kBlob && b->type == wire::particle::kBlob) ||
               (def.type == IndexType::kGeo && b->type == wire::particle::kGeoJson)) {
      out->push_back(IndexKey{false, 0, b->value});
    }
    return;
  }
  Span v{data, data + b->value.size()};
  if (!def.context.empty()) {
    const auto* cp = reinterpret_cast<const uint8_t*>(def.context.data());
    Cursor c{cp, cp + def.context.size()};
    const Header h = read_header(c);
    if (!c.ok || h.kind != Kind::kArray || h.count % 2 != 0) return;
    for (uint64_t i = 0; i < h.count / 2; ++i) {
      const Header t = read_header(c);
      if (!c.ok || t.kind != Kind::kInt) return;
      const Span param = take_value(c);
      if (!c.ok || !follow(&v, t.i, param)) return;
    }
  }
  IndexKey k;
  std::vector<Span> items;
  switch (def.collection) {
    case IndexCollection::kDefault:
      if (key_of(v, def.type, &k)) out->push_back(std::move(k));
      return;
    case IndexCollection::kList:
      if (!elements(v, Kind::kArray, &items)) return;
      for (const Span& s : items) {
        if (key_of(s, def.type, &k)) add_unique(out, k);
      }
      return;
    case IndexCollection::kMapKeys:
    case IndexCollection::kMapValues:
      if (!elements(v, Kind::kMap, &items)) return;
      for (size_t i = def.collection == IndexCollection::kMapKeys ? 0 : 1; i < items.size();
           i += 2) {
        if (key_of(items[i], def.type, &k)) add_unique(out, k);
      }
      return;
  }
}

bool base64_decode(std::string_view in, std::string* out) {
  out->clear();
  uint32_t acc = 0;
  int bits = 0;
  for (char ch : in) {
    int v;
    if (ch >= 'A' && ch <= 'Z') {
      v = ch - 'A';
    } else if (ch >= 'a' && ch <= 'z') {
      v = ch - 'a' + 26;
    } else if (ch >= '0' && ch <= '9') {
      v = ch - '0' + 52;
    } else if (ch == '+') {
      v = 62;
    } else if (ch == '/') {
      v = 63;
    } else if (ch == '=') {
      break;
    } else {
      return false;
    }
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(char((acc >> bits) & 0xff));
    }
  }
  return true;
}

}  // namespace aero::testserver
