// The test server's map operations (op codes 64..127), with the semantics of aerospike-server
// as/src/base/particle_map.c: unordered, key-ordered and key-value-ordered maps, write flags
// (create only, update only, no fail, partial) and every return type (key, value, key-value,
// ordered and unordered map, index, rank, count, exists, inverted).
//
// Maps are kept sorted by key whatever their order flag, as the server keeps them (an
// "unordered" map is written without the order header). Internal to test/server/cdt (cdt_ops.h
// is the entry point). Pure functions on values; any thread.
#pragma once

#include <cstdint>

#include "test/server/cdt/cdt_result.h"
#include "test/server/cdt/msgpack_value.h"

namespace aero::testserver::cdt {

inline bool is_map_op(int64_t code) { return code >= 64 && code < 128; }
bool is_map_read_op(int64_t code);

// Map write flags (as_cdt_map.h).
inline constexpr uint64_t kMapCreateOnly = 0x01;
inline constexpr uint64_t kMapUpdateOnly = 0x02;
inline constexpr uint64_t kMapNoFail = 0x04;
inline constexpr uint64_t kMapDoPartial = 0x08;

int map_read(const mp::Value& map, const mp::Op& op, Result* r);
// As list_modify (list_ops.h), for maps.
int map_modify(mp::Value* map, bool* exists, bool toplevel, const mp::Op& op, Result* r);

// Sorts entries by key; false if two keys are equal.
bool sort_entries(std::vector<mp::Entry>& entries);
// Index of `key` in a key-sorted map, or entries.size() if absent.
size_t find_key(const std::vector<mp::Entry>& entries, const mp::Value& key);
// Where `key` would go in a key-sorted map.
size_t key_lower_bound(const std::vector<mp::Entry>& entries, const mp::Value& key);

}  // namespace aero::testserver::cdt
