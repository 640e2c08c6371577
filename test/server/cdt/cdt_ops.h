// The test server's collection (CDT) operations: op types 3 (CDT read) and 4 (CDT modify) on
// list and map bins, with nested contexts, as aerospike-server does them (as/src/base/cdt.c,
// particle_list.c, particle_map.c).
//
// Entry points:
// - apply_op(): one op of a request on one bin (record_ops.cc calls it). Nothing changes on
//   error; the answer is the server's result code.
// - read_value(): the read side on an in-memory value, for the expression evaluator
//   (list/map read expressions share this implementation).
// - normalize_bin(): what the server does to a list or map a client writes whole (sort
//   unordered maps by key, check ordered lists and maps, compact the encoding).
//
// Pure functions of their arguments; any thread (callers hold the record's lock).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "test/server/cdt/msgpack_value.h"

namespace aero::testserver::cdt {

// A bin as record_ops stores it: particle type + wire bytes.
struct BinData {
  bool exists = false;
  uint8_t particle = 0;
  std::string value;
};

// What an op answers: nothing (`has == false`), or one value as particle type + wire bytes.
struct Answer {
  bool has = false;
  uint8_t particle = 0;
  std::string bytes;
};

// Applies a CDT op (`op_type` 3 or 4; `data`/`size` the op's value bytes) to `bin`. On success
// (0) a modify op may have created or changed `bin`; on failure `bin` is untouched. Returns an
// Aerospike result code.
uint8_t apply_op(uint8_t op_type, const uint8_t* data, size_t size, BinData* bin, Answer* out);

// Checks done before the record is read (a failure answers generation 0): a persist-index
// create flag below the top context level. Returns 0 or a result code.
uint8_t precheck_op(const uint8_t* data, size_t size);

// Applies a list or map read op (with its context, if any) to `container`. `*has_result` false
// means the op answers nothing. Returns an Aerospike result code (12 if `container` is not the
// op's collection type).
uint8_t read_value(const mp::Value& container, const mp::Op& op, mp::Value* result,
                   bool* has_result);

// Rewrites a list (particle 20) or map (19) value written whole by a client into the server's
// form. Returns 0, or 1 (the server's "unknown" error) if the value is not a valid list/map.
uint8_t normalize_bin(uint8_t particle, std::string* value);

// A result value as a response bin: particle type and bytes (ints as 8-byte big-endian, strings
// without their particle byte, lists and maps as msgpack). False for nil (no bin).
bool to_particle(const mp::Value& v, uint8_t* particle, std::string* bytes);

}  // namespace aero::testserver::cdt
