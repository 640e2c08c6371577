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

// The absent value: particle type NULL (0), no value bytes; msgpack nil inside a list or map.
// As a bin value in a write it deletes the bin.
struct Nil {
  // Every Nil equals every other.
  friend bool operator==(Nil, Nil) { return true; }
};

// A byte string with its particle type: BLOB (4) by default, or a language blob (7..12) or
// HLL (18) kept as the server returned it. Inside a list or map: a msgpack str whose first
// byte is the particle type.
struct Bytes {
  // The raw value bytes, sent unchanged.
  std::vector<uint8_t> data;
  uint8_t particle_type = particle::kBlob;  // 4, or 7..12 (language blobs), 18 (HLL), ...

  Bytes() = default;
  // Takes `d` with particle type `type` (not checked against the known types).
  explicit Bytes(std::vector<uint8_t> d, uint8_t type = particle::kBlob)
      : data(std::move(d)), particle_type(type) {}
  // Equal when both the bytes and the particle type are equal.
  friend bool operator==(const Bytes&, const Bytes&) = default;
};

// The end of an open value range (msgpack d4 ff 01). Not a bin value.
struct Infinity {
  // Every Infinity equals every other.
  friend bool operator==(Infinity, Infinity) { return true; }
};

// Matches any value in a comparison (msgpack d4 ff 00). Not a bin value.
struct Wildcard {
  // Every Wildcard equals every other.
  friend bool operator==(Wildcard, Wildcard) { return true; }
};

// A GeoJSON document: particle type GEOJSON (23), sent as a 0 flags byte, a 0 cell count and
// the text. The client does not parse or validate the JSON; the server does.
struct GeoJson {
  // The GeoJSON text, e.g. {"type":"Point","coordinates":[-122.0,37.5]}.
  std::string text;
  // Equal when the texts are byte-for-byte equal.
  friend bool operator==(const GeoJson&, const GeoJson&) = default;
};

// A list value: particle type LIST (20), its items msgpack-encoded in order.
struct List {
  // The elements, in the server's order.
  std::vector<Value> items;
  uint8_t order_flags = 0;  // 0 unordered, 1 ordered (as stored by the server)
  // Equal when the order flags and every item (Value equality) are equal.
  friend bool operator==(const List& a, const List& b);
};

// A map value: particle type MAP (19), msgpack-encoded as a map of its entries in order
// (the order flags go into a leading ext entry when not 0).
struct Map {
  // The key/value pairs, in the server's order; duplicates are not detected.
  std::vector<std::pair<Value, Value>> entries;
  uint8_t order_flags = 0;  // 0 unordered, 1 key-ordered, 3 key/value-ordered
  // Equal when the order flags and the entries, in order, are equal.
  friend bool operator==(const Map& a, const Map& b);
};

// An owned value of any kind the client sends or receives; implicit conversions from the
// C++ types make `Value v = 5;` and `{"a", 1}` argument lists work.
class Value {
 public:
  // The kind held, in the order of the variant (type() is the variant index). The particle
  // types they are sent as: kNil NULL (0), kBool BOOL (17), kInt INTEGER (1), kDouble
  // DOUBLE (2), kString STRING (3), kBytes the Bytes' own type (BLOB 4, ...), kGeoJson
  // GEOJSON (23), kList LIST (20), kMap MAP (19).
  enum class Type : uint8_t {
    kNil, kBool, kInt, kDouble, kString, kBytes, kGeoJson, kList, kMap,
    kInfinity,  // collection-operation argument only
    kWildcard,  // collection-operation argument only
  };

  Value() = default;
  // Nil (particle NULL).
  Value(std::nullptr_t) {}  // NOLINT: implicit
  // Nil (particle NULL).
  Value(Nil) {}  // NOLINT
  // A boolean (particle BOOL, one byte 0 or 1).
  Value(bool b) : v_(b) {}  // NOLINT
  template <class T>
  // Any integer type but bool, held as int64_t (particle INTEGER, 8 bytes big-endian).
  requires(std::is_integral_v<T> && !std::is_same_v<T, bool>) Value(T i)
      : v_(static_cast<int64_t>(i)) {}  // NOLINT; uint64 above INT64_MAX wraps
  // A double (particle DOUBLE, 8-byte big-endian IEEE-754).
  Value(double d) : v_(d) {}  // NOLINT
  // A float, widened to double (particle DOUBLE).
  Value(float f) : v_(static_cast<double>(f)) {}  // NOLINT
  // A copy of the NUL-terminated string `s` (particle STRING); `s` must not be null.
  Value(const char* s) : v_(std::string(s)) {}  // NOLINT
  // A string (particle STRING, the bytes as given; UTF-8 is not checked).
  Value(std::string s) : v_(std::move(s)) {}  // NOLINT
  // A copy of `s` (particle STRING).
  Value(std::string_view s) : v_(std::string(s)) {}  // NOLINT
  // A byte string (particle type taken from `b`, BLOB 4 by default).
  Value(Bytes b) : v_(std::move(b)) {}  // NOLINT
  // A GeoJSON document (particle GEOJSON 23).
  Value(GeoJson g) : v_(std::move(g)) {}  // NOLINT
  // A list (particle LIST 20).
  Value(List l) : v_(std::move(l)) {}  // NOLINT
  // A map (particle MAP 19).
  Value(Map m) : v_(std::move(m)) {}  // NOLINT
  // The range end marker; collection-operation arguments only.
  Value(Infinity i) : v_(i) {}  // NOLINT
  // The match-anything marker; collection-operation arguments only.
  Value(Wildcard w) : v_(w) {}  // NOLINT

  // The kind held.
  Type type() const { return static_cast<Type>(v_.index()); }
  // True for Nil (also from nullptr and a default-constructed Value).
  bool is_nil() const { return type() == Type::kNil; }
  // True for the Infinity marker.
  bool is_infinity() const { return type() == Type::kInfinity; }
  // True for the Wildcard marker.
  bool is_wildcard() const { return type() == Type::kWildcard; }
  // Infinity and Wildcard: valid inside operation arguments only, never as a bin value.
  bool is_comparison_marker() const { return is_infinity() || is_wildcard(); }

  // Typed access: pointer to the held value, or nullptr when the type differs.
  const bool* as_bool() const { return std::get_if<bool>(&v_); }
  // The integer, or nullptr when not kInt (a double is not converted).
  const int64_t* as_int() const { return std::get_if<int64_t>(&v_); }
  // The double, or nullptr when not kDouble (an integer is not converted).
  const double* as_double() const { return std::get_if<double>(&v_); }
  // The string, or nullptr when not kString (GeoJSON text is as_geojson()).
  const std::string* as_string() const { return std::get_if<std::string>(&v_); }
  // The bytes with their particle type, or nullptr when not kBytes.
  const Bytes* as_bytes() const { return std::get_if<Bytes>(&v_); }
  // The GeoJSON document, or nullptr when not kGeoJson.
  const GeoJson* as_geojson() const { return std::get_if<GeoJson>(&v_); }
  // The list, or nullptr when not kList.
  const List* as_list() const { return std::get_if<List>(&v_); }
  // The map, or nullptr when not kMap.
  const Map* as_map() const { return std::get_if<Map>(&v_); }

  // Equality compares type and content; doubles compare by bit pattern (so NaN == NaN
  // and 0.0 != -0.0), which is what "the same bytes on the wire" means.
  friend bool operator==(const Value& a, const Value& b);

  // A short human-readable rendering (for logs and test failure messages).
  std::string debug_string() const;

 private:
  std::variant<Nil, bool, int64_t, double, std::string, Bytes, GeoJson, List, Map, Infinity, Wildcard> v_;
};

// A named bin value: one bin of a record, or one bin to write.
struct Bin {
  // The bin name, at most 15 bytes (longer names fail as a parameter error before sending).
  std::string name;
  // The bin value; Nil in a write deletes the bin.
  Value value;

  Bin() = default;
  // The bin `n` with value `v`.
  Bin(std::string n, Value v) : name(std::move(n)), value(std::move(v)) {}
  // Equal when the names and values are equal.
  friend bool operator==(const Bin&, const Bin&) = default;
};

// A record as read: its bins plus the metadata the server returned with them.
struct Record {
  // The bins in the order the server returned them (empty for a header-only read).
  std::vector<Bin> bins;
  // The record's generation: the server's write count, effectively 16-bit (0 when unknown).
  uint32_t generation = 0;
  uint32_t void_time = 0;  // seconds since 2010-01-01 UTC; 0 = never expires

  // The first bin with this name, or nullptr.
  const Value* find(std::string_view name) const;
  // Equal when the bins (in order), generation and void time are equal.
  friend bool operator==(const Record&, const Record&) = default;
};

// Remaining time to live, as the C client reports it: 0xFFFFFFFF when the record never
// expires (void time 0), else max(void_time - now, 1) seconds. `now_unix_seconds` is the
// caller's clock (the codec reads no clock).
uint32_t void_time_to_ttl(uint32_t void_time, int64_t now_unix_seconds);

}  // namespace aero::wire
