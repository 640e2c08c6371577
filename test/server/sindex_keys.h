// What a secondary index holds for one record: the bin value itself, or the elements of a list,
// the keys or values of a map, optionally after following a CDT context into the bin's value
// (lists and maps are stored as the client sent them: msgpack, strings and blobs carrying their
// particle type as a first byte).
//
// Used by sindex-stat (entry counts) and by queries on collection and context indexes.
// Pure functions; callable from any thread (the caller holds the record's partition lock).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "test/server/store.h"

namespace aero::testserver {

struct IndexKey {
  bool integer = true;
  int64_t value = 0;  // integer keys
  std::string bytes;  // string and blob keys (without the particle type byte)

  bool operator==(const IndexKey&) const = default;
};

// Appends the keys `def` indexes in `r` (nothing when the record is not in the index: another
// set, no such bin, a value of another type). Expression indexes are not evaluated (no keys).
void index_keys(const IndexDef& def, const Record& r, std::vector<IndexKey>* out);

// Decodes standard base64 (the `context=` and `exp=` parameters of sindex-create); false on bad
// input.
bool base64_decode(std::string_view in, std::string* out);

}  // namespace aero::testserver
