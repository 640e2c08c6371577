// The value types of the public API: keys, values, bins, records, operations, batch
// results. They are the codec's own types (client/wire), re-exported into namespace aero.
//
// Threads: plain value types.
#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "client/status.h"
#include "client/wire/key.h"
#include "client/wire/request.h"
#include "client/wire/value.h"

namespace aero {

using wire::Bin;
using wire::Bytes;
using wire::GeoJson;
using wire::Infinity;  // open end of a value range (collection operations, expressions)
using wire::Key;
using wire::List;
using wire::Map;
using wire::Operation;
using wire::Record;
using wire::Value;
using wire::Wildcard;  // matches any value (collection operations, expressions)

// A borrowed list of T: from a vector, a span, an array or a braced list. Encoders read it
// before the call returns, so a temporary list is fine.
template <class T>
class ListRef {
 public:
  // Views a braced list; valid until the end of the full expression that holds it.
  ListRef(std::initializer_list<T> il) : s_(il.begin(), il.size()) {}  // NOLINT
  // Views the vector's elements (not copied: keep it alive and unchanged while in use).
  ListRef(const std::vector<T>& v) : s_(v.data(), v.size()) {}  // NOLINT
  // Views a span (also built from a std::array or a C array).
  ListRef(std::span<const T> s) : s_(s) {}  // NOLINT
  // The elements, as a span over the caller's storage.
  std::span<const T> span() const { return s_; }
  // Number of elements.
  std::size_t size() const { return s_.size(); }

 private:
  std::span<const T> s_;
};

// The bins a put writes: `{{"name", "alice"}, {"age", 30}}`, a vector or a span of Bin.
using Bins = ListRef<Bin>;
// The operations of an operate command, applied in order.
using Operations = ListRef<Operation>;
// Names of the bins to read (get, get_view, scan, query); a name over 15 bytes is refused.
using BinNames = ListRef<std::string_view>;

// What a batch read asks for each key.
struct BatchRead {
  // all_bins: every bin; bin_names: the bins in `bins`; header: generation and expiry only.
  enum class Kind : std::uint8_t { all_bins, bin_names, header };
  Kind kind = Kind::all_bins;     // what to read (default all_bins)
  std::vector<std::string> bins;  // for bin_names

  // Every bin of each record (the default).
  static BatchRead all() { return {}; }
  // Generation and expiry only, no bins (existence and metadata).
  static BatchRead header() { return {Kind::header, {}}; }
  // Only the bins named in `names`.
  static BatchRead named(std::vector<std::string> names) {
    return {Kind::bin_names, std::move(names)};
  }
};

// One key's outcome in a batch, in the order of the keys given.
struct BatchRecord {
  // 0: found (record holds it); 2: not found; anything else: that row's error.
  int code = 0;
  std::string message;  // for errors
  // A write row that failed after it was sent: it may or may not have been applied.
  bool in_doubt = false;
  Record record;  // the record read or written (code 0); empty otherwise
  // True when code is 0 (the record was there and the row succeeded).
  bool found() const { return code == 0; }
};

}  // namespace aero
