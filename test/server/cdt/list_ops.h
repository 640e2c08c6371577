// The test server's list operations (op codes 0..63), with the semantics of aerospike-server
// as/src/base/particle_list.c: unordered and ordered lists, negative indexes and ranks, write
// flags (add unique, insert bounded, no fail, partial) and every return type.
//
// Internal to test/server/cdt (cdt_ops.h is the entry point). Pure functions on values; any
// thread.
#pragma once

#include <cstdint>

#include "test/server/cdt/cdt_result.h"
#include "test/server/cdt/msgpack_value.h"

namespace aero::testserver::cdt {

inline bool is_list_op(int64_t code) { return code >= 0 && code < 64; }
bool is_list_read_op(int64_t code);

// List write flags (as_cdt_list.h).
inline constexpr uint64_t kListAddUnique = 0x01;
inline constexpr uint64_t kListInsertBounded = 0x02;
inline constexpr uint64_t kListNoFail = 0x04;
inline constexpr uint64_t kListDoPartial = 0x08;

// Applies a read op to `list` (a kList value). Returns a result code; `r` holds the answer.
int list_read(const mp::Value& list, const mp::Op& op, Result* r);

// Applies a modify op. `*exists` false means the list is not there yet: ops that create a list
// make one (with the op's create flags) and set `*exists`; the others do nothing. `toplevel`:
// the list is the bin itself (persist-index flags are kept only there). On error the list may be
// half-changed: callers work on a copy.
int list_modify(mp::Value* list, bool* exists, bool toplevel, const mp::Op& op, Result* r);

// Sorts `items` the way the server orders a list (stable, by mp::compare).
void sort_values(std::vector<mp::Value>& items, bool descending = false);

}  // namespace aero::testserver::cdt
