// Bin values on the wire ("particles"): how a Value becomes a particle type plus value bytes
// inside an operation, and ValueView, the non-owning view of a decoded bin value that points
// into a response frame.
//
// Encoding per particle type: NULL no bytes; INTEGER 8-byte big-endian; DOUBLE 8-byte
// big-endian IEEE-754; STRING raw UTF-8; blobs raw; BOOL one byte; LIST/MAP msgpack
// (msgpack.h); GEOJSON 1 flags byte (0), 2-byte cell count (0) and the JSON text.
//
// Threads: pure functions; a ValueView is valid only while the frame bytes it points into
// are alive and unchanged.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "client/wire/bytes.h"
#include "client/wire/msgpack.h"
#include "client/wire/status.h"
#include "client/wire/value.h"

namespace aero::wire {

// A decoded bin value not yet copied: its particle type and the value bytes inside a
// response frame (see the top of this file for how long it stays valid).
class ValueView {
 public:
  ValueView() = default;
  // A view of `bytes` as a value of particle type `particle_type` (not validated here).
  ValueView(uint8_t particle_type, std::span<const uint8_t> bytes)
      : type_(particle_type), bytes_(bytes) {}

  // The particle type byte (protocol.h particle::k*; NULL 0 for a default view).
  uint8_t particle_type() const { return type_; }
  // The value bytes as they are in the frame (particle encoding, see above).
  std::span<const uint8_t> bytes() const { return bytes_; }
  // True for particle type NULL (the bin has no value).
  bool is_nil() const { return type_ == particle::kNull; }

  // Scalar access without allocation. Each fails with a clear error when the particle type
  // differs or the bytes do not fit the type.
  Result<int64_t> to_int() const;              // INTEGER (0..8 bytes, sign-extended)
  Result<double> to_double() const;            // DOUBLE (exactly 8 bytes)
  Result<bool> to_bool() const;                // BOOL (exactly 1 byte)
  Result<std::string_view> to_string() const;  // STRING, or the text of a GEOJSON

  // Full decode into an owning Value (lists and maps through msgpack).
  Result<Value> to_value() const;

  // Checks that the bytes fit the particle type (lists and maps are fully validated)
  // without allocating.
  Status validate() const;

 private:
  uint8_t type_ = particle::kNull;
  std::span<const uint8_t> bytes_;
};

// Particle type a Value is sent as.
uint8_t particle_type_of(const Value& v);

// Size of the value bytes of `v` inside an operation.
size_t particle_size(const Value& v);

namespace detail {

template <class W>
void write_particle(W& w, const Value& v) {
  switch (v.type()) {
    case Value::Type::kNil:
      return;
    case Value::Type::kBool:
      w.u8(*v.as_bool() ? 1 : 0);
      return;
    case Value::Type::kInt:
      w.u64be(static_cast<uint64_t>(*v.as_int()));
      return;
    case Value::Type::kDouble:
      w.u64be(double_bits(*v.as_double()));
      return;
    case Value::Type::kString:
      w.str(*v.as_string());
      return;
    case Value::Type::kBytes: {
      const Bytes& b = *v.as_bytes();
      w.bytes(b.data.data(), b.data.size());
      return;
    }
    case Value::Type::kGeoJson:
      w.u8(0);     // flags
      w.u16be(0);  // cell count: clients send none
      w.str(v.as_geojson()->text);
      return;
    case Value::Type::kList:
    case Value::Type::kMap:
      msgpack_write(w, v);
      return;
    case Value::Type::kInfinity:  // not a bin value: the request encoders reject it first
    case Value::Type::kWildcard:
      return;
  }
}

}  // namespace detail
}  // namespace aero::wire
