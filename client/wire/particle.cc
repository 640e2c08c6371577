#include "client/wire/particle.h"

#include <string>

namespace aero::wire {
namespace {

Status type_mismatch(uint8_t have, const char* want) {
  return bad_response("bin value has particle type " + std::to_string(have) + ", not " + want);
}

Status geojson_text(std::span<const uint8_t> b, std::string_view& text) {
  if (b.size() < 3) {
    return bad_response("GeoJSON value of " + std::to_string(b.size()) +
                        " bytes is shorter than its 3-byte header");
  }
  const size_t cells = detail::load_u16be(b.data() + 1);
  const size_t header = 3 + 8 * cells;
  if (b.size() < header) {
    return bad_response("GeoJSON value declares " + std::to_string(cells) +
                        " cell ids but has only " + std::to_string(b.size()) + " bytes");
  }
  text = std::string_view(reinterpret_cast<const char*>(b.data() + header), b.size() - header);
  return Status();
}

}  // namespace

Result<int64_t> ValueView::to_int() const {
  if (type_ != particle::kInteger) return type_mismatch(type_, "INTEGER (1)");
  if (bytes_.size() > 8) {
    return bad_response("INTEGER value of " + std::to_string(bytes_.size()) +
                        " bytes (at most 8 allowed)");
  }
  if (bytes_.empty()) return int64_t{0};
  // Legacy servers could send fewer than 8 bytes; sign-extend like the C client.
  uint64_t v = (bytes_[0] & 0x80) != 0 ? ~uint64_t{0} : 0;
  for (uint8_t b : bytes_) v = (v << 8) | b;
  return static_cast<int64_t>(v);
}

Result<double> ValueView::to_double() const {
  if (type_ != particle::kDouble) return type_mismatch(type_, "DOUBLE (2)");
  if (bytes_.size() != 8) {
    return bad_response("DOUBLE value of " + std::to_string(bytes_.size()) + " bytes (8 expected)");
  }
  return detail::bits_double(detail::load_u64be(bytes_.data()));
}

Result<bool> ValueView::to_bool() const {
  if (type_ != particle::kBool) return type_mismatch(type_, "BOOL (17)");
  if (bytes_.size() != 1) {
    return bad_response("BOOL value of " + std::to_string(bytes_.size()) + " bytes (1 expected)");
  }
  return bytes_[0] != 0;
}

Result<std::string_view> ValueView::to_string() const {
  if (type_ == particle::kString) {
    return std::string_view(reinterpret_cast<const char*>(bytes_.data()), bytes_.size());
  }
  if (type_ == particle::kGeoJson) {
    std::string_view text;
    if (Status s = geojson_text(bytes_, text); !s.ok()) return s;
    return text;
  }
  return type_mismatch(type_, "STRING (3) or GEOJSON (23)");
}

Status ValueView::validate() const {
  switch (type_) {
    case particle::kNull:
      if (!bytes_.empty()) {
        return bad_response("NULL bin value carries " + std::to_string(bytes_.size()) + " bytes");
      }
      return Status();
    case particle::kInteger:
      return to_int().status();
    case particle::kDouble:
      return to_double().status();
    case particle::kBool:
      return to_bool().status();
    case particle::kGeoJson:
      return to_string().status();
    case particle::kList:
    case particle::kMap: {
      if (Status s = msgpack_validate(bytes_); !s.ok()) return s;
      const uint8_t tag = bytes_[0];
      const bool is_list = (tag & 0xf0) == 0x90 || tag == 0xdc || tag == 0xdd;
      const bool is_map = (tag & 0xf0) == 0x80 || tag == 0xde || tag == 0xdf;
      if (type_ == particle::kList && !is_list) return bad_response("LIST value is not a msgpack array");
      if (type_ == particle::kMap && !is_map) return bad_response("MAP value is not a msgpack map");
      return Status();
    }
    default:
      // STRING, blobs, HLL and particle types this codec does not know: opaque bytes.
      return Status();
  }
}

Result<Value> ValueView::to_value() const {
  switch (type_) {
    case particle::kNull:
      if (Status s = validate(); !s.ok()) return s;
      return Value();
    case particle::kInteger: {
      Result<int64_t> r = to_int();
      if (!r.ok()) return r.error();
      return Value(*r);
    }
    case particle::kDouble: {
      Result<double> r = to_double();
      if (!r.ok()) return r.error();
      return Value(*r);
    }
    case particle::kBool: {
      Result<bool> r = to_bool();
      if (!r.ok()) return r.error();
      return Value(*r);
    }
    case particle::kString:
      return Value(std::string(reinterpret_cast<const char*>(bytes_.data()), bytes_.size()));
    case particle::kGeoJson: {
      Result<std::string_view> r = to_string();
      if (!r.ok()) return r.error();
      return Value(GeoJson{std::string(*r)});
    }
    case particle::kList:
    case particle::kMap: {
      if (Status s = validate(); !s.ok()) return s;
      return msgpack_decode(bytes_);
    }
    default:
      // Blobs (4, 7..12), HLL (18), vectors (16) and unknown types keep their type.
      return Value(Bytes(std::vector<uint8_t>(bytes_.begin(), bytes_.end()), type_));
  }
}

uint8_t particle_type_of(const Value& v) {
  switch (v.type()) {
    case Value::Type::kNil:
      return particle::kNull;
    case Value::Type::kBool:
      return particle::kBool;
    case Value::Type::kInt:
      return particle::kInteger;
    case Value::Type::kDouble:
      return particle::kDouble;
    case Value::Type::kString:
      return particle::kString;
    case Value::Type::kBytes:
      return v.as_bytes()->particle_type;
    case Value::Type::kGeoJson:
      return particle::kGeoJson;
    case Value::Type::kList:
      return particle::kList;
    case Value::Type::kMap:
      return particle::kMap;
    case Value::Type::kInfinity:  // not a bin value: the request encoders reject it first
    case Value::Type::kWildcard:
      return particle::kNull;
  }
  return particle::kNull;
}

size_t particle_size(const Value& v) {
  detail::SizeCounter c;
  detail::write_particle(c, v);
  return c.size();
}

}  // namespace aero::wire
