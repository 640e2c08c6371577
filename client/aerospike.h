// The one header to include: the async Aerospike client and everything its API uses.
//
//   #include "client/aerospike.h"
//
// Threads: see each header (client.h for the Client).
#pragma once

#include "client/cdt/bit.h"   // bit operations on blobs (aero::cdt::bit)
#include "client/cdt/hll.h"   // HyperLogLog operations (aero::cdt::hll)
#include "client/cdt/list.h"  // list operations, contexts, return types (aero::cdt::list)
#include "client/cdt/map.h"   // map operations (aero::cdt::map)
#include "client/cdt/results.h"  // several answers for one bin (aero::cdt::results)
#include "client/cdt/select.h"   // 8.1 path select/modify (aero::cdt::select_by_path)
#include "client/client.h"      // Client, callbacks, futures
#include "client/co_task.h"     // CoTask, sync_wait, spawn
#include "client/exp/bit_exp.h"   // bit read expressions (exp::bit)
#include "client/exp/exp.h"     // filter expressions (exp::filter, exp::build, ...)
#include "client/exp/hll_exp.h"   // HLL read expressions (exp::hll)
#include "client/exp/list_exp.h"  // list read expressions (exp::list)
#include "client/exp/map_exp.h"   // map read expressions (exp::map)
#include "client/exp/path_exp.h"  // path select element variables (exp::element_value)
#include "client/exp/exp_operation.h"  // exp::exp_read, exp::exp_write
#include "client/future.h"      // Future, Promise
#include "client/policy.h"      // policies and ClientConfig
#include "client/status.h"      // Status, Result, ClientCode
#include "client/sync_client.h" // SyncClient
#include "client/types.h"       // Key, Value, Bin, Record, Operation, batch types

// aero::kVersion, the library's version.
#include "client/version.h"
