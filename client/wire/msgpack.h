// msgpack, the way Aerospike stores lists and maps (particle types 20 and 19) and packs
// CDT/UDF arguments:
//  - integers in the smallest form (positive fixint, 0xcc..0xcf, negative fixint,
//    0xd0..0xd3); doubles as 0xcb (0xca float32 is accepted when decoding);
//  - strings, blobs and GeoJSON as a msgpack str header whose length counts one extra
//    leading byte, the particle type (3 string, 4 blob, 23 GeoJSON, other blob types); the
//    bin family (0xc4..0xc6) is accepted when decoding;
//  - ordered lists/maps carry a leading ext element (c7 00 <flags>) counted in the header; a
//    map's metadata key is followed by a nil value;
//  - Infinity and Wildcard are fixext1 values of ext type 0xff (d4 ff 01, d4 ff 00); they
//    decode anywhere, and never count as a list's or map's leading metadata. Any other ext
//    outside the leading position is an error.
// The decoder is bounds-checked, rejects nesting deeper than 64 (the C client's limit),
// never reserves more elements than the remaining bytes could hold, and reports what was
// wrong and at which offset.
//
// Threads: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "client/wire/buffer.h"
#include "client/wire/bytes.h"
#include "client/wire/status.h"
#include "client/wire/value.h"

namespace aero::wire {

inline constexpr int kMaxMsgpackDepth = 64;

// The ext type and data bytes of the comparison markers (C client as_msgpack.c).
inline constexpr uint8_t kMsgpackCmpExtType = 0xff;
inline constexpr uint8_t kMsgpackCmpWildcard = 0x00;
inline constexpr uint8_t kMsgpackCmpInfinity = 0x01;

// Encoded size of `v`.
size_t msgpack_size(const Value& v);

// Replaces the contents of `out` with the encoding of `v`.
void msgpack_encode(const Value& v, Buffer& out);

// Decodes exactly one value that fills `bytes` completely.
Result<Value> msgpack_decode(std::span<const uint8_t> bytes);

// Decodes one value from the start of `bytes`; `*consumed` receives its length.
Result<Value> msgpack_decode_prefix(std::span<const uint8_t> bytes, size_t* consumed);

// Checks that `bytes` holds exactly one well-formed value, without allocating.
Status msgpack_validate(std::span<const uint8_t> bytes);

namespace detail {

template <class W>
void msgpack_write_str_header(W& w, uint32_t len) {
  if (len < 32) {
    w.u8(static_cast<uint8_t>(0xa0 | len));
  } else if (len < 256) {
    w.u8(0xd9);
    w.u8(static_cast<uint8_t>(len));
  } else if (len < 65536) {
    w.u8(0xda);
    w.u16be(static_cast<uint16_t>(len));
  } else {
    w.u8(0xdb);
    w.u32be(len);
  }
}

template <class W>
void msgpack_write_int(W& w, int64_t v) {
  if (v >= 0) {
    uint64_t u = static_cast<uint64_t>(v);
    if (u < 128) {
      w.u8(static_cast<uint8_t>(u));
    } else if (u < 256) {
      w.u8(0xcc);
      w.u8(static_cast<uint8_t>(u));
    } else if (u < 65536) {
      w.u8(0xcd);
      w.u16be(static_cast<uint16_t>(u));
    } else if (u < (uint64_t{1} << 32)) {
      w.u8(0xce);
      w.u32be(static_cast<uint32_t>(u));
    } else {
      w.u8(0xcf);
      w.u64be(u);
    }
  } else if (v >= -32) {
    w.u8(static_cast<uint8_t>(0xe0 | (v + 32)));
  } else if (v >= -128) {
    w.u8(0xd0);
    w.u8(static_cast<uint8_t>(v));
  } else if (v >= -32768) {
    w.u8(0xd1);
    w.u16be(static_cast<uint16_t>(v));
  } else if (v >= INT64_C(-2147483648)) {
    w.u8(0xd2);
    w.u32be(static_cast<uint32_t>(v));
  } else {
    w.u8(0xd3);
    w.u64be(static_cast<uint64_t>(v));
  }
}

template <class W>
void msgpack_write_count(W& w, uint32_t n, uint8_t fix, uint8_t b16, uint8_t b32) {
  if (n < 16) {
    w.u8(static_cast<uint8_t>(fix | n));
  } else if (n < 65536) {
    w.u8(b16);
    w.u16be(static_cast<uint16_t>(n));
  } else {
    w.u8(b32);
    w.u32be(n);
  }
}

template <class W>
void msgpack_write_typed_bytes(W& w, uint8_t type, const void* data, size_t len) {
  msgpack_write_str_header(w, static_cast<uint32_t>(len + 1));
  w.u8(type);
  w.bytes(data, len);
}

template <class W>
void msgpack_write(W& w, const Value& v) {
  switch (v.type()) {
    case Value::Type::kNil:
      w.u8(0xc0);
      return;
    case Value::Type::kBool:
      w.u8(*v.as_bool() ? 0xc3 : 0xc2);
      return;
    case Value::Type::kInt:
      msgpack_write_int(w, *v.as_int());
      return;
    case Value::Type::kDouble:
      w.u8(0xcb);
      w.u64be(double_bits(*v.as_double()));
      return;
    case Value::Type::kString: {
      const std::string& s = *v.as_string();
      msgpack_write_typed_bytes(w, particle::kString, s.data(), s.size());
      return;
    }
    case Value::Type::kBytes: {
      const Bytes& b = *v.as_bytes();
      msgpack_write_typed_bytes(w, b.particle_type, b.data.data(), b.data.size());
      return;
    }
    case Value::Type::kGeoJson: {
      const std::string& s = v.as_geojson()->text;
      msgpack_write_typed_bytes(w, particle::kGeoJson, s.data(), s.size());
      return;
    }
    case Value::Type::kInfinity:
    case Value::Type::kWildcard:
      w.u8(0xd4);
      w.u8(kMsgpackCmpExtType);
      w.u8(v.is_infinity() ? kMsgpackCmpInfinity : kMsgpackCmpWildcard);
      return;
    case Value::Type::kList: {
      const List& l = *v.as_list();
      uint32_t n = static_cast<uint32_t>(l.items.size());
      if (l.order_flags != 0) {
        msgpack_write_count(w, n + 1, 0x90, 0xdc, 0xdd);
        w.u8(0xc7);
        w.u8(0);
        w.u8(l.order_flags);
      } else {
        msgpack_write_count(w, n, 0x90, 0xdc, 0xdd);
      }
      for (const Value& item : l.items) msgpack_write(w, item);
      return;
    }
    case Value::Type::kMap: {
      const Map& m = *v.as_map();
      uint32_t n = static_cast<uint32_t>(m.entries.size());
      if (m.order_flags != 0) {
        msgpack_write_count(w, n + 1, 0x80, 0xde, 0xdf);
        w.u8(0xc7);
        w.u8(0);
        w.u8(m.order_flags);
        w.u8(0xc0);
      } else {
        msgpack_write_count(w, n, 0x80, 0xde, 0xdf);
      }
      for (const auto& [key, val] : m.entries) {
        msgpack_write(w, key);
        msgpack_write(w, val);
      }
      return;
    }
  }
}

}  // namespace detail
}  // namespace aero::wire
