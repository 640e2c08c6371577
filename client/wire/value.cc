#include "client/wire/value.h"

#include <cstdio>
#include <cstring>

#include "client/wire/bytes.h"

namespace aero::wire {

bool operator==(const List& a, const List& b) {
  return a.order_flags == b.order_flags && a.items == b.items;
}

bool operator==(const Map& a, const Map& b) {
  return a.order_flags == b.order_flags && a.entries == b.entries;
}

bool operator==(const Value& a, const Value& b) {
  if (a.v_.index() != b.v_.index()) return false;
  if (const double* da = a.as_double()) {
    return detail::double_bits(*da) == detail::double_bits(*b.as_double());
  }
  return a.v_ == b.v_;
}

namespace {

void append_debug(std::string& out, const Value& v) {
  switch (v.type()) {
    case Value::Type::kNil:
      out += "nil";
      return;
    case Value::Type::kBool:
      out += *v.as_bool() ? "true" : "false";
      return;
    case Value::Type::kInt:
      out += std::to_string(*v.as_int());
      return;
    case Value::Type::kDouble: {
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.17g", *v.as_double());
      out += buf;
      return;
    }
    case Value::Type::kString:
      out += '"';
      out += *v.as_string();
      out += '"';
      return;
    case Value::Type::kBytes: {
      const Bytes& b = *v.as_bytes();
      out += "bytes(" + std::to_string(b.particle_type) + ")[";
      static constexpr char kHex[] = "0123456789abcdef";
      for (uint8_t c : b.data) {
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
      out += ']';
      return;
    }
    case Value::Type::kGeoJson:
      out += "geojson(" + v.as_geojson()->text + ")";
      return;
    case Value::Type::kInfinity:
      out += "INF";
      return;
    case Value::Type::kWildcard:
      out += "*";
      return;
    case Value::Type::kList: {
      out += '[';
      bool first = true;
      for (const Value& item : v.as_list()->items) {
        if (!first) out += ", ";
        first = false;
        append_debug(out, item);
      }
      out += ']';
      return;
    }
    case Value::Type::kMap: {
      out += '{';
      bool first = true;
      for (const auto& [k, val] : v.as_map()->entries) {
        if (!first) out += ", ";
        first = false;
        append_debug(out, k);
        out += ": ";
        append_debug(out, val);
      }
      out += '}';
      return;
    }
  }
}

}  // namespace

std::string Value::debug_string() const {
  std::string out;
  append_debug(out, *this);
  return out;
}

const Value* Record::find(std::string_view name) const {
  for (const Bin& b : bins) {
    if (b.name == name) return &b.value;
  }
  return nullptr;
}

uint32_t void_time_to_ttl(uint32_t void_time, int64_t now_unix_seconds) {
  if (void_time == 0) return kTtlNeverExpire;
  int64_t now_cl = now_unix_seconds - kCitrusleafEpochUnixSeconds;
  int64_t left = static_cast<int64_t>(void_time) - now_cl;
  return left < 1 ? 1u : static_cast<uint32_t>(left);
}

}  // namespace aero::wire
