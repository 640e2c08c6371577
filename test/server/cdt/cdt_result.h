// Shared pieces of the test server's list and map operations: result types, the result of one
// operation, index arithmetic and the server's result-building rules (aerospike-server
// as/src/base/cdt.c: calc_index_count, result_data_set_*).
//
// Internal to test/server/cdt. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <vector>

#include "test/server/cdt/msgpack_value.h"

namespace aero::testserver::cdt {

// Result codes CDT operations produce (Aerospike numbering).
inline constexpr int kOk = 0;
inline constexpr int kUnknown = 1;
inline constexpr int kParameter = 4;
inline constexpr int kBinType = 12;
inline constexpr int kRecordTooBig = 13;
inline constexpr int kElementNotFound = 23;
inline constexpr int kElementExists = 24;
inline constexpr int kOpNotApplicable = 26;

// The largest record the server stores: max-record-size's default, 1 MiB. A list insert or
// set past the end pads with nils, one byte each; padding that alone passes this is answered
// as the server would answer the record it makes, too big (13), without building it.
inline constexpr uint64_t kMaxRecordBytes = 1024 * 1024;

// Return types (as_cdt.h / cdt.h).
enum ResultType : int {
  kRtNone = 0,
  kRtIndex = 1,
  kRtRevIndex = 2,
  kRtRank = 3,
  kRtRevRank = 4,
  kRtCount = 5,
  kRtKey = 6,
  kRtValue = 7,
  kRtKeyValue = 8,
  kRtIndexRange = 9,
  kRtRevIndexRange = 10,
  kRtRankRange = 11,
  kRtRevRankRange = 12,
  kRtExists = 13,
  kRtUnorderedMap = 16,
  kRtOrderedMap = 17,
};
inline constexpr uint64_t kRtInverted = 0x10000;

// What an operation answers. `has == false`: no result bin (nothing is sent back unless the
// request asked for every op's answer).
struct Result {
  int type = kRtNone;
  bool inverted = false;
  bool is_multi = false;
  bool has = false;
  mp::Value value;

  void set(int rt_with_flags, bool multi) {
    type = int(uint64_t(rt_with_flags) & 0xffff);
    inverted = (uint64_t(rt_with_flags) & kRtInverted) != 0;
    is_multi = multi;
  }
  void set_int(int64_t v) {
    has = true;
    value = mp::Value::integer(v);
  }
  void set_bool(bool b) {
    has = true;
    value = mp::Value::boolean(b);
  }
  void set_value(mp::Value v) {
    has = true;
    value = std::move(v);
  }
  void set_list(std::vector<mp::Value> items) {
    has = true;
    value = mp::Value::list(std::move(items));
  }
  bool is_range_type() const { return type >= kRtIndexRange && type <= kRtRevRankRange; }
  bool is_rank_range() const { return type == kRtRankRange || type == kRtRevRankRange; }
  bool is_index_range() const { return type == kRtIndexRange || type == kRtRevIndexRange; }
};

// calc_index: a negative index counts from the end.
inline int64_t calc_index(int64_t index, uint32_t n) { return index < 0 ? int64_t(n) + index : index; }

// calc_index_count (cdt.c): false if a single-element index is out of range.
bool calc_index_count(int64_t in_index, uint64_t in_count, uint32_t n, uint32_t* out_index,
                      uint32_t* out_count, bool is_multi);
void calc_rel_index_count(int64_t in_index, uint64_t in_count, uint32_t rel_index,
                          int64_t* out_index, uint64_t* out_count);

// Appends start..start+count-1 (as reverse positions if `rev`).
void add_int_range(std::vector<mp::Value>& out, uint32_t start, uint32_t count, uint32_t n,
                   bool rev);

// result_data_set_not_found / result_data_set_index_rank_count / result_data_set_range.
// Return a result code.
int result_not_found(Result& r, int64_t index);
int result_index_rank_count(Result& r, uint32_t start, uint32_t count, uint32_t n);
int result_range(Result& r, uint32_t start, uint32_t count, uint32_t n);
// Indexes of the set bits of `mask` (ascending), as ints (reverse positions for REV types).
void result_int_list_by_mask(Result& r, const std::vector<bool>& mask, uint32_t n);

}  // namespace aero::testserver::cdt

namespace aero::testserver::cdt {

// Checks an op's arguments against the server's op table (cdt.c cdt_op_table): between
// `required` and strlen(kinds) arguments; kinds: 'i' index/flags/count (an integer),
// 'p' any value, 's' a storable value (no wildcard or infinity).
bool check_params(const mp::Op& op, size_t required, const char* kinds);

// Argument `i` as an integer, or `dflt` when absent.
inline int64_t arg_int(const mp::Op& op, size_t i, int64_t dflt) {
  return i < op.args.size() ? op.args[i].as_int() : dflt;
}
inline uint64_t arg_uint(const mp::Op& op, size_t i, uint64_t dflt) {
  return i < op.args.size() ? uint64_t(op.args[i].as_int()) : dflt;
}

}  // namespace aero::testserver::cdt
