// The test server's own msgpack model: the values Aerospike keeps in list (particle 20) and map
// (particle 19) bins and sends as arguments of collection, bit, HLL and expression operations.
//
// Shared by the server's CDT, bit, HLL and expression code: decode the bytes of an operation
// with `parse_op()` (op code + argument values + optional context), or any msgpack value with
// `decode()`; compare with `compare()` (the server's total order); write back with `encode()`.
// Independent of client/wire on purpose: a second reading of the format.
//
// Aerospike's msgpack conventions modelled here (aerospike-server as/src/base/msgpack_in.c,
// cdt.c; aerospike-client-c as_msgpack.c):
// - str/bin payloads start with a particle-type byte (3 string, 4 blob, 23 GeoJSON, ...). The
//   byte is part of `bytes`; empty payloads compare as blobs.
// - an ordered list or map starts with an ext header `c7 00 <flags>` (ext8, length 0, the flags
//   as ext type): a list's first element; a map's first key (with a nil value). Decoding moves
//   it into `Value::flags` / `has_header`; encoding writes it back.
// - ext type 0xff of length 1 holds the non-storage comparison values: 00 wildcard, 01 infinity.
// - the order: nil < false < true < negative int < int < string < list < map < bytes < double <
//   GeoJSON < ext < wildcard < infinity; within a type by value; lists lexicographically
//   (shorter first on a tie); maps by size then entry by entry; a wildcard anywhere makes the
//   whole comparison equal.
//
// Everything here is pure: callable from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace aero::testserver::mp {

enum class Kind : uint8_t {
  kNil,
  kFalse,
  kTrue,
  kInt,     // signed (`i`) or, when `big`, an unsigned value above INT64_MAX (`u`)
  kDouble,  // `d`; `float32` when it came as msgpack float 32
  kBytes,   // str or bin family (`is_str`); `bytes` starts with the particle-type byte
  kList,    // `items`
  kMap,     // `entries`, in stored order
  kExt,     // `ext_type`, `bytes`
  kWildcard,
  kInfinity,
};

struct Entry;

// Particle-type bytes that start a str/bin payload.
inline constexpr uint8_t kAsString = 3;
inline constexpr uint8_t kAsBlob = 4;
inline constexpr uint8_t kAsGeoJson = 23;

// List/map flags (ext header type byte; aerospike-server cdt.h, particle_map.c).
inline constexpr uint8_t kListOrdered = 0x01;
inline constexpr uint8_t kMapKeyOrdered = 0x01;
inline constexpr uint8_t kMapKeyValueOrdered = 0x03;  // key order + value index

struct Value {
  Kind kind = Kind::kNil;
  bool big = false;      // kInt: the value is `u` (> INT64_MAX)
  bool float32 = false;  // kDouble: encode as msgpack float 32
  bool is_str = true;    // kBytes: str family (a0/d9/da/db) or bin family (c4/c5/c6)
  bool has_header = false;  // kList/kMap: an ext order header was (or must be) present
  uint8_t flags = 0;        // kList/kMap: the header's flags
  uint8_t ext_type = 0;     // kExt
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
  std::string bytes;         // kBytes, kExt payload
  std::vector<Value> items;  // kList
  std::vector<Entry> entries;  // kMap

  // Constructors of common values.
  static Value nil();
  static Value boolean(bool b);
  static Value integer(int64_t v);
  static Value dbl(double v);
  static Value string(std::string_view s);  // prepends the string particle byte
  static Value list();  // empty
  static Value list(std::vector<Value> items);
  static Value map();

  bool is_int() const { return kind == Kind::kInt; }
  bool is_list() const { return kind == Kind::kList; }
  bool is_map() const { return kind == Kind::kMap; }
  bool is_nonstorage() const { return kind == Kind::kWildcard || kind == Kind::kInfinity; }
  // The value as int64 (kInt only; big values wrap).
  int64_t as_int() const { return big ? int64_t(u) : i; }
  // True if this value, or any value inside it, is a wildcard or infinity.
  bool contains_nonstorage() const;
  size_t size() const;
};

struct Entry {
  Value key;
  Value value;
};

// Defined here, where Entry is complete (clang instantiates vector<Entry> members eagerly).
inline Value Value::nil() { return Value(); }
inline size_t Value::size() const { return kind == Kind::kMap ? entries.size() : items.size(); }

// Deepest nesting decode() accepts (the bytes come from the network).
inline constexpr int kMaxDepth = 256;

// Decodes one value from p[0, n). Returns the number of bytes it used, or 0 if the bytes are
// not well-formed msgpack (truncated, unknown format byte, too deep).
size_t decode(const uint8_t* p, size_t n, Value* out);
// Decodes exactly one value spanning all of `bytes`.
bool decode_all(std::string_view bytes, Value* out);

// Appends the encoding of `v` (minimal formats; order headers written as `c7 00 flags`).
void encode(const Value& v, std::string* out);
std::string encode(const Value& v);

// Writers for building answers without a Value.
void write_array_header(uint32_t n, std::string* out);
void write_map_header(uint32_t n, std::string* out);
void write_int(int64_t v, std::string* out);
void write_nil(std::string* out);
void write_bool(bool b, std::string* out);

// The server's msgpack_cmp: <0, 0, >0.
int compare(const Value& a, const Value& b);
inline bool less(const Value& a, const Value& b) { return compare(a, b) < 0; }

// One operation of a CDT/bit/HLL request: `[op, args...]`, or with a context
// `[0xff, [ctx_type, ctx_value, ...], [op, args...]]` (aerospike-client-c as_cdt_internal.c).
struct CtxLevel {
  uint64_t type = 0;  // the context type byte with its create flags
  Value value;
};

struct Op {
  int64_t code = -1;
  std::vector<Value> args;
  std::vector<CtxLevel> ctx;
};

// Parses an operation's value bytes. False if they are not of that shape.
bool parse_op(const uint8_t* p, size_t n, Op* out);

}  // namespace aero::testserver::mp
