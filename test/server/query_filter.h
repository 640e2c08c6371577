// The "where" part of a secondary-index query: INDEX_RANGE (field 22) with the index it
// selects by bin name (or INDEX_NAME 21), collection type (26), CDT context (23) or expression
// (24), and the test a record must pass to be returned, with the bval the answer carries.
//
// Field layouts: aerospike-server as/src/query/query.c (get_range_field and friends) and the
// protocol notes §9.5. Pure data once parsed; callable from any thread (the caller holds the
// record's partition lock while matching).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "test/server/message.h"
#include "test/server/store.h"

namespace aero::testserver {

namespace exp {
class Expression;
}

class QueryFilter {
 public:
  // Parses the request's filter and finds its index in `ns` for `set`. Returns 0, or the
  // result code to answer: 4 (malformed), 201 (no such index).
  static uint8_t parse(const MessageView& m, Namespace& ns, std::string_view set,
                       std::unique_ptr<QueryFilter>* out);
  ~QueryFilter();

  const IndexDef& index() const { return index_; }

  // Whether `r` is in the index with a key in the filter's range; `*bval` is the key's bval
  // (integers: the value; strings and blobs: their 64-bit hash, as the server reports it).
  bool matches(const Record& r, const uint8_t* digest, uint32_t now, int64_t* bval) const;

 private:
  QueryFilter() = default;

  IndexDef index_;
  std::unique_ptr<exp::Expression> exp_;  // expression indexes only
  bool integer_ = true;
  int64_t begin_ = 0, end_ = 0;  // integer range
  std::string value_;            // string/blob equality
};

// The bval of a string or blob index key: wyhash (final version 3) of its bytes, as
// aerospike-server's as_sindex_string_to_bval / as_sindex_blob_to_bval compute it (cf_wyhash.h).
int64_t sindex_bval(std::string_view bytes);

}  // namespace aero::testserver
