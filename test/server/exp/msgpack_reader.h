// A bounds-checked msgpack reader for the test server's expression code: peeks the next
// element's kind, reads scalars, and measures or skips whole elements (nesting limited, so a
// hostile buffer cannot exhaust the stack). Independent of client/wire by design.
//
// Strings and binaries follow the server's convention (aerospike-server msgpack_in.c): the
// first content byte of a str/bin is an as_bytes type (3 string, 4 blob, 18 HLL, 23 GeoJSON).
//
// Threads: a Reader is a cursor over caller-owned bytes; use it from one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace aero::testserver::exp {

enum class MpKind : uint8_t {
  kError,
  kNil,
  kBool,
  kInt,     // positive or negative
  kDouble,  // float32 or float64
  kBytes,   // str or bin (the as_bytes type is the first content byte)
  kList,
  kMap,
  kExt,
};

class Reader {
 public:
  Reader(const uint8_t* p, size_t n) : p_(p), end_(p + n) {}

  size_t remaining() const { return size_t(end_ - p_); }
  const uint8_t* position() const { return p_; }
  bool at_end() const { return p_ == end_; }

  MpKind peek() const;
  bool read_nil();
  bool read_bool(bool* v);
  // Any msgpack integer that fits in int64 (uint64 above INT64_MAX fails).
  bool read_int(int64_t* v);
  bool read_double(double* v);
  // str or bin content (type byte included).
  bool read_bytes(std::string_view* v);
  bool read_list_header(uint32_t* n);
  bool read_map_header(uint32_t* n);
  // Skips one whole element; false when malformed, truncated or nested deeper than 64.
  bool skip();
  // Skips one element and returns its bytes.
  bool read_element(std::string_view* v);

 private:
  bool skip_depth(int depth);
  bool take(size_t n, const uint8_t** out);
  const uint8_t* p_;
  const uint8_t* end_;
};

}  // namespace aero::testserver::exp
