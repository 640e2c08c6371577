// The owning value types users see: Value (nil, bool, integer, double, string, bytes,
// GeoJSON, list, map), Bin (a named value) and Record (bins plus generation and expiry).
//
// Two more kinds exist only as arguments of collection operations and expressions:
// Infinity (greater than every value: the open end of a value/key range) and Wildcard
// (equal to every value: matches any element, e.g. ["a", Wildcard] matches every list
// starting with "a"). They are msgpack ext values (fixext1 type 0xff, data 1 and 0, as in
// the C client's as_msgpack.c) and are rejected as bin values.
//
// Lists and maps hold Values recursively and keep the server's element order; a map is a
// sequence of key/value pairs (no hashing), with the server's order flags (0 unordered,
// 1 key-ordered, 3 key/value-ordered). Bytes keep their particle type so language-specific
// blobs and HLLs round-trip unchanged.
//
// Threads: plain value types; one thread at a time per object, copies are independent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "client/wire/protocol.h"

namespace aero::wire {

class Value;

struct Nil {
  friend bool operator==(Nil, Nil) { return true; }
};

struct Bytes {
  std::vector<uint8_t> data;
  uint8_t particle_type = particle::kBlob;  // 4, or 7..12 (language blobs), 18 (HLL), ...

  Bytes() = default;
  explicit Bytes(std::vector<uint8_t> d, uint8_t type = particle::kBlob)
      : data(std::move(d)), particle_type(type) {}
  friend bool operator==(const Bytes&, const Bytes&) = default;
};

// The end of an open value range (msgpack d4 ff 01). Not a bin value.
struct Infinity {
  friend bool operator==(Infinity, Infinity) { return true; }
};

// Matches any value in a comparison (msgpack d4 ff 00). Not a bin value.
struct Wildcard {
  friend bool operator==(Wildcard, Wildcard) { return true; }
};

struct GeoJson {
  std::string text;
  friend bool operator==(const GeoJson&, const GeoJson&) = default;
};

struct List {
  std::vector<Value> items;
  uint8_t order_flags = 0;  // 0 unordered, 1 ordered (as stored by the server)
  friend bool operator==(const List& a, const List& b);
};

struct Map {
  std::vector<std::pair<Value, Value>> entries;
  uint8_t order_flags = 0;  // 0 unordered, 1 key-ordered, 3 key/value-ordered
  friend bool operator==(const Map& a, const Map& b);
};

class Value {
 public:
  enum class Type : uint8_t {
    kNil, kBool, kInt, kDouble, kString, kBytes, kGeoJson, kList, kMap,
    kInfinity,  // collection-operation argument only
    kWildcard,  // collection-operation argument only
  };

  Value() = default;
  Value(std::nullptr_t) {}                                         // NOLINT: implicit
  Value(Nil) {}                                                    // NOLINT
  Value(bool b) : v_(b) {}                                         // NOLINT
  template <class T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  Value(T i) : v_(static_cast<int64_t>(i)) {}  // NOLINT; uint64 above INT64_MAX wraps
  Value(double d) : v_(d) {}                                       // NOLINT
  Value(float f) : v_(static_cast<double>(f)) {}                   // NOLINT
  Value(const char* s) : v_(std::string(s)) {}                     // NOLINT
  Value(std::string s) : v_(std::move(s)) {}                       // NOLINT
  Value(std::string_view s) : v_(std::string(s)) {}                // NOLINT
  Value(Bytes b) : v_(std::move(b)) {}                             // NOLINT
  Value(GeoJson g) : v_(std::move(g)) {}                           // NOLINT
  Value(List l) : v_(std::move(l)) {}                              // NOLINT
  Value(Map m) : v_(std::move(m)) {}                               // NOLINT
  Value(Infinity i) : v_(i) {}                                     // NOLINT
  Value(Wildcard w) : v_(w) {}                                     // NOLINT

  Type type() const { return static_cast<Type>(v_.index()); }
  bool is_nil() const { return type() == Type::kNil; }
  bool is_infinity() const { return type() == Type::kInfinity; }
  bool is_wildcard() const { return type() == Type::kWildcard; }
  // Infinity and Wildcard: valid inside operation arguments only, never as a bin value.
  bool is_comparison_marker() const { return is_infinity() || is_wildcard(); }

  // Typed access: pointer to the held value, or nullptr when the type differs.
  const bool* as_bool() const { return std::get_if<bool>(&v_); }
  const int64_t* as_int() const { return std::get_if<int64_t>(&v_); }
  const double* as_double() const { return std::get_if<double>(&v_); }
  const std::string* as_string() const { return std::get_if<std::string>(&v_); }
  const Bytes* as_bytes() const { return std::get_if<Bytes>(&v_); }
  const GeoJson* as_geojson() const { return std::get_if<GeoJson>(&v_); }
  const List* as_list() const { return std::get_if<List>(&v_); }
  const Map* as_map() const { return std::get_if<Map>(&v_); }

  // Equality compares type and content; doubles compare by bit pattern (so NaN == NaN
  // and 0.0 != -0.0), which is what "the same bytes on the wire" means.
  friend bool operator==(const Value& a, const Value& b);

  // A short human-readable rendering (for logs and test failure messages).
  std::string debug_string() const;

 private:
  std::variant<Nil, bool, int64_t, double, std::string, Bytes, GeoJson, List, Map, Infinity, Wildcard> v_;
};

struct Bin {
  std::string name;
  Value value;

  Bin() = default;
  Bin(std::string n, Value v) : name(std::move(n)), value(std::move(v)) {}
  friend bool operator==(const Bin&, const Bin&) = default;
};

struct Record {
  std::vector<Bin> bins;
  uint32_t generation = 0;
  uint32_t void_time = 0;  // seconds since 2010-01-01 UTC; 0 = never expires

  // The first bin with this name, or nullptr.
  const Value* find(std::string_view name) const;
  friend bool operator==(const Record&, const Record&) = default;
};

// Remaining time to live, as the C client reports it: 0xFFFFFFFF when the record never
// expires (void time 0), else max(void_time - now, 1) seconds. `now_unix_seconds` is the
// caller's clock (the codec reads no clock).
uint32_t void_time_to_ttl(uint32_t void_time, int64_t now_unix_seconds);

}  // namespace aero::wire
