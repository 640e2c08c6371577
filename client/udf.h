// User-defined functions (UDFs): the types of the UDF part of the Client API.
//
//   // Register a Lua module on the cluster (blocks until every node has it).
//   client->register_udf("counter.lua", source).value_or_throw();
//   // Run counter.bump(rec, "alice") on one record: callbacks, futures, coroutines, sync.
//   client->apply(key, "counter", "bump", {aero::Value("alice")}, [](aero::Result<aero::Value> r) {});
//   aero::Value size = client->apply(key, "counter", "bump", {aero::Value("alice")}).get().value();
//
// apply() completes with the function's return value (any Value: nil, integer, float,
// string, bytes, bool, list, map, GeoJSON) or an error: a Lua error raised by the function
// (error('...'), a runtime error, an unknown module or function) is code 100 (UDF error) with
// the server's text, e.g. "/opt/aerospike/usr/udf/lua/counter.lua:12: bad input".
//
// Module management (register_udf, remove_udf, list_udfs, get_udf) talks to the nodes with
// info commands and blocks the calling thread: call it from a thread that is not one of the
// client's loops (there it refuses with ClientCode::would_block_loop). A module that does not
// compile is refused with code 100 and a message naming the file and line.
//
// Threads: as for every Client command.
#pragma once

#include <string>

#include "client/status.h"
#include "client/types.h"
#include "client/wire/udf.h"
#include "client/wire/value.h"
#include "executor/unique_function.h"

namespace aero {

// Completion of a record UDF apply (Client::apply): the function's return value (nil when
// it returned nothing), or the error (100 with the Lua error text).
using ValueCallback = UniqueFunction<void(Result<wire::Value>)>;

// One registered module as udf-list reports it: file name, the server's hash, type "LUA".
using UdfModule = wire::UdfModuleInfo;

// The outcome of one batch_apply row: the function's value (nil when it returned nothing),
// or the row's error (100 with the Lua error text, 2, 27, ...).
Result<wire::Value> udf_result(const BatchRecord& row);

}  // namespace aero
