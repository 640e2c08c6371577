// The Lua side of a record UDF: builds the server's UDF environment in a Lua state (the
// `record` module, the `aerospike` object, `list`/`map`/`bytes`/`geojson`, logging), loads
// modules, validates them for `udf-put`, and runs one function against one record.
//
// What a script sees follows aerospike-server as/src/base/udf_record.c, udf_aerospike.c and
// aerospike-mod-lua (mod_lua.c, mod_lua_record.c, mod_lua_aerospike.c, as.lua): bins read
// through rec['bin'] / rec.bin, writes staged until aerospike:create / aerospike:update, which
// return 0 (create of an existing record returns 1, update of a missing one -2); errors
// raised by the script become the call's FAILURE text with the server's module path.
//
// Threads: run_record_udf() and validate_module() may be called from any thread; each call
// uses a Lua state no other thread holds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "test/server/store.h"
#include "test/server/udf/registry.h"

namespace aero::testserver::udf {

// The record a call works on. The caller fills the inputs, holds the partition lock for the
// whole call, and writes `work` back when `dirty` is set afterwards.
struct UdfRecordState {
  // ---- inputs ----
  Record work;               // the stored record (copy), or a new one with set/key filled
  bool exists = false;       // the record is stored
  const uint8_t* digest = nullptr;
  uint32_t now = 0;          // server clock (seconds since 2010)
  // ---- outputs ----
  bool dirty = false;        // create/update/remove happened: persist `work` (or delete)
  bool ttl_set = false;      // record.set_ttl() was called: use `ttl`
  uint32_t ttl = 0;
  bool drop_key = false;     // record.drop_key(): do not keep the stored key
};

struct UdfOutcome {
  uint8_t result = 0;        // 0 success, 100 UDF error
  uint8_t particle = 0;      // SUCCESS value (0: nil, no bytes)
  std::string value;         // the SUCCESS bytes, or the FAILURE text
};

// Runs `function` of module `package` (".lua" is appended) with the msgpack argument list
// `args` (empty: no arguments). Never throws; every failure is an outcome with result 100.
UdfOutcome run_record_udf(UdfRegistry& registry, std::string_view package,
                          std::string_view function, std::string_view args,
                          UdfRecordState& rec);

// The SERVER phase of a stream (aggregation) function over a stream of one record, as the real
// server runs it for each record a query matches (the 8.1.2 captures answer one value per
// record): the values it produces, in order, as wire bins; or result 100 with the Lua error.
struct StreamOutcome {
  uint8_t result = 0;
  std::string error;
  std::vector<std::pair<uint8_t, std::string>> values;  // (particle type, bytes)
};
StreamOutcome run_stream_udf(UdfRegistry& registry, std::string_view package,
                             std::string_view function, std::string_view args,
                             UdfRecordState& rec);

// Compiles and runs a module's top level in a fresh environment. Empty on success, else the
// server's udf-put answer for a compile error ("error=compile_error;file=..;line=..;message=..").
std::string validate_module(std::string_view filename, std::string_view content,
                            uint64_t instruction_limit);

}  // namespace aero::testserver::udf
