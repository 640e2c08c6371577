// Map operations: typed builders for every map operation the official clients offer (the
// C client's as_operations_map_*). Each returns a wire::Operation for Client::operate and
// batch_operate; map operations ask the server for one result per op (RESPOND_ALL_OPS), as
// the official clients do, so results line up with ops.
//
// Conventions: `ctx` selects a nested map (context.h); index and rank may be negative; a
// `count`-less range runs to the end; in key/value ranges a nil `end` means "no upper
// bound" (not sent; Infinity{} says the same) and a nil `begin` "from the smallest".
// Results keep the server's order; kOrderedMap results decode as key-ordered Maps.
//
// Threads: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "client/cdt/context.h"
#include "client/cdt/types.h"
#include "client/wire/request.h"
#include "client/wire/value.h"

namespace aero::cdt::map {

using wire::List;
using wire::Map;
using wire::Operation;
using wire::Value;

// SET_TYPE with create flags: create the map at `ctx` (or set the bin's map order).
// `persist_index` applies to top-level maps only.
Operation create(std::string bin, MapOrder order, bool persist_index = false,
                 const Context& ctx = {});
// SET_TYPE: apply `policy`'s order (and persist index, top level only) to the map.
Operation set_policy(std::string bin, const MapPolicy& policy, const Context& ctx = {});

// PUT (ADD for create-only, REPLACE for update-only write modes): write one entry; answers
// the map size.
Operation put(std::string bin, Value key, Value value, const MapPolicy& policy = {},
              const Context& ctx = {});
// PUT_ITEMS (ADD_ITEMS / REPLACE_ITEMS): write every entry of `items`.
Operation put_items(std::string bin, Map items, const MapPolicy& policy = {},
                    const Context& ctx = {});
// INCREMENT: add `delta` (nil = 1) to the value at `key`; answers the new value.
Operation increment(std::string bin, Value key, Value delta, const MapPolicy& policy = {},
                    const Context& ctx = {});
// DECREMENT: subtract `delta` (nil = 1) from the value at `key`.
Operation decrement(std::string bin, Value key, Value delta, const MapPolicy& policy = {},
                    const Context& ctx = {});
// CLEAR: remove every entry.
Operation clear(std::string bin, const Context& ctx = {});
// SIZE: the entry count.
Operation size(std::string bin, const Context& ctx = {});

// ---- selectors: get_by_* reads, remove_by_* writes ----

// GET_BY_KEY (map op 97): the entry with `key`.
Operation get_by_key(std::string bin, Value key, ReturnType rt, const Context& ctx = {});
// REMOVE_BY_KEY (map op 76): remove the entry with `key`; answers as `rt` asks.
Operation remove_by_key(std::string bin, Value key, ReturnType rt, const Context& ctx = {});
// GET_BY_KEY_LIST (map op 107): the entries whose key is in `keys`.
Operation get_by_key_list(std::string bin, List keys, ReturnType rt, const Context& ctx = {});
// REMOVE_BY_KEY_LIST (map op 81): remove the entries whose key is in `keys`.
Operation remove_by_key_list(std::string bin, List keys, ReturnType rt, const Context& ctx = {});
// GET_BY_KEY_INTERVAL (map op 103): the entries with begin <= key < end.
Operation get_by_key_range(std::string bin, Value begin, Value end, ReturnType rt,
                           const Context& ctx = {});
// REMOVE_BY_KEY_INTERVAL (map op 84): remove the entries with begin <= key < end.
Operation remove_by_key_range(std::string bin, Value begin, Value end, ReturnType rt,
                              const Context& ctx = {});
// GET_BY_KEY_REL_INDEX_RANGE (map op 109): `count` entries from `index` relative to where
// `key` is (or would be) in key order (count omitted: to the end).
Operation get_by_key_rel_index_range(std::string bin, Value key, int64_t index,
                                     std::optional<uint64_t> count, ReturnType rt,
                                     const Context& ctx = {});
// REMOVE_BY_KEY_REL_INDEX_RANGE (map op 88): remove the entries get_by_key_rel_index_range
// selects.
Operation remove_by_key_rel_index_range(std::string bin, Value key, int64_t index,
                                        std::optional<uint64_t> count, ReturnType rt,
                                        const Context& ctx = {});
// GET_ALL_BY_VALUE (map op 102): every entry whose value equals `value`.
Operation get_by_value(std::string bin, Value value, ReturnType rt, const Context& ctx = {});
// REMOVE_ALL_BY_VALUE (map op 82): remove every entry whose value equals `value`.
Operation remove_by_value(std::string bin, Value value, ReturnType rt, const Context& ctx = {});
// GET_BY_VALUE_LIST (map op 108): the entries whose value is in `values`.
Operation get_by_value_list(std::string bin, List values, ReturnType rt, const Context& ctx = {});
// REMOVE_BY_VALUE_LIST (map op 83): remove the entries whose value is in `values`.
Operation remove_by_value_list(std::string bin, List values, ReturnType rt,
                               const Context& ctx = {});
// GET_BY_VALUE_INTERVAL (map op 105): the entries with begin <= value < end.
Operation get_by_value_range(std::string bin, Value begin, Value end, ReturnType rt,
                             const Context& ctx = {});
// REMOVE_BY_VALUE_INTERVAL (map op 86): remove the entries with begin <= value < end.
Operation remove_by_value_range(std::string bin, Value begin, Value end, ReturnType rt,
                                const Context& ctx = {});
// GET_BY_VALUE_REL_RANK_RANGE (map op 110): `count` entries from rank `rank` relative to
// `value`'s rank (where it is or would be; count omitted: to the largest).
Operation get_by_value_rel_rank_range(std::string bin, Value value, int64_t rank,
                                      std::optional<uint64_t> count, ReturnType rt,
                                      const Context& ctx = {});
// REMOVE_BY_VALUE_REL_RANK_RANGE (map op 89): remove the entries
// get_by_value_rel_rank_range selects.
Operation remove_by_value_rel_rank_range(std::string bin, Value value, int64_t rank,
                                         std::optional<uint64_t> count, ReturnType rt,
                                         const Context& ctx = {});
// GET_BY_INDEX (map op 98): the entry at `index` in key order.
Operation get_by_index(std::string bin, int64_t index, ReturnType rt, const Context& ctx = {});
// REMOVE_BY_INDEX (map op 77): remove the entry at `index` in key order.
Operation remove_by_index(std::string bin, int64_t index, ReturnType rt, const Context& ctx = {});
// GET_BY_INDEX_RANGE (map op 104): `count` entries from key-order `index` (omitted: to the
// end).
Operation get_by_index_range(std::string bin, int64_t index, std::optional<uint64_t> count,
                             ReturnType rt, const Context& ctx = {});
// REMOVE_BY_INDEX_RANGE (map op 85): remove `count` entries from key-order `index`
// (omitted: to the end).
Operation remove_by_index_range(std::string bin, int64_t index, std::optional<uint64_t> count,
                                ReturnType rt, const Context& ctx = {});
// GET_BY_RANK (map op 100): the entry of value rank `rank` (0 = smallest, -1 = largest).
Operation get_by_rank(std::string bin, int64_t rank, ReturnType rt, const Context& ctx = {});
// REMOVE_BY_RANK (map op 79): remove the entry of value rank `rank`.
Operation remove_by_rank(std::string bin, int64_t rank, ReturnType rt, const Context& ctx = {});
// GET_BY_RANK_RANGE (map op 106): `count` entries from value rank `rank` up (omitted: to the
// largest).
Operation get_by_rank_range(std::string bin, int64_t rank, std::optional<uint64_t> count,
                            ReturnType rt, const Context& ctx = {});
// REMOVE_BY_RANK_RANGE (map op 87): remove `count` entries from value rank `rank` up
// (omitted: to the largest).
Operation remove_by_rank_range(std::string bin, int64_t rank, std::optional<uint64_t> count,
                               ReturnType rt, const Context& ctx = {});

}  // namespace aero::cdt::map
