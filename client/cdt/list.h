// List operations: typed builders for every list operation the official clients offer
// (the C client's as_operations_list_*). Each returns a wire::Operation (a CDT read or
// modify op carrying the packed operation) for Client::operate and batch_operate.
//
// Conventions: `ctx` selects a nested list (context.h; empty = the bin's list); indexes and
// ranks may be negative (from the end / from the largest); a `count`-less range runs to the
// end; a nil `end` of a value range means "no upper bound" (Infinity{} says the same).
// Builders without a policy send none (the server's defaults); with one they send the
// order and flags too, exactly as the C client does.
//
// Results (one per op; several per bin are kept in op order): writes answer the new list
// size (sort, clear, set_order, set and trim-like ops may answer nothing), get/pop answer
// values, and "by" selectors answer what `ReturnType` asks for.
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

namespace aero::cdt::list {

using wire::List;
using wire::Operation;
using wire::Value;

// ---- create, order, sort ----

// SET_TYPE with create flags: create the list at `ctx` (or set the bin's list order).
// `persist_index` (top-level ordered lists only) keeps the order index on storage.
Operation create(std::string bin, ListOrder order, bool pad = false, bool persist_index = false,
                 const Context& ctx = {});
// SET_TYPE: change the list's order (ordered lists are re-sorted).
Operation set_order(std::string bin, ListOrder order, const Context& ctx = {});
// SORT: sort the list (ListSortFlags).
Operation sort(std::string bin, uint32_t sort_flags = kListSortDefault, const Context& ctx = {});

// ---- writes ----

// APPEND: add `value` at the end (ordered lists: at its sorted place).
Operation append(std::string bin, Value value, std::optional<ListPolicy> policy = std::nullopt,
                 const Context& ctx = {});
// APPEND_ITEMS: add every item of `items`.
Operation append_items(std::string bin, List items, std::optional<ListPolicy> policy = std::nullopt,
                       const Context& ctx = {});
// INSERT: insert `value` at `index`.
Operation insert(std::string bin, int64_t index, Value value,
                 std::optional<ListPolicy> policy = std::nullopt, const Context& ctx = {});
// INSERT_ITEMS: insert every item of `items` at `index`.
Operation insert_items(std::string bin, int64_t index, List items,
                       std::optional<ListPolicy> policy = std::nullopt, const Context& ctx = {});
// SET: overwrite the element at `index`.
Operation set(std::string bin, int64_t index, Value value,
              std::optional<ListPolicy> policy = std::nullopt, const Context& ctx = {});
// INCREMENT: add `delta` (integer or double; nil = 1) to the element at `index`; answers
// the new value.
Operation increment(std::string bin, int64_t index, Value delta = Value(),
                    std::optional<ListPolicy> policy = std::nullopt, const Context& ctx = {});
// CLEAR: remove every element.
Operation clear(std::string bin, const Context& ctx = {});
// TRIM: keep only `count` elements from `index`; answers how many were removed.
Operation trim(std::string bin, int64_t index, uint64_t count, const Context& ctx = {});

// ---- positional reads and removals ----

// SIZE: the element count.
Operation size(std::string bin, const Context& ctx = {});
// GET: the element at `index`.
Operation get(std::string bin, int64_t index, const Context& ctx = {});
// GET_RANGE: `count` elements from `index` (count omitted: to the end).
Operation get_range(std::string bin, int64_t index, std::optional<uint64_t> count = std::nullopt,
                    const Context& ctx = {});
// POP: remove and answer the element at `index`.
Operation pop(std::string bin, int64_t index, const Context& ctx = {});
// POP_RANGE: remove and answer `count` elements from `index` (omitted: to the end).
Operation pop_range(std::string bin, int64_t index, std::optional<uint64_t> count = std::nullopt,
                    const Context& ctx = {});
// REMOVE: remove the element at `index`; answers the count removed.
Operation remove(std::string bin, int64_t index, const Context& ctx = {});
// REMOVE_RANGE: remove `count` elements from `index` (omitted: to the end).
Operation remove_range(std::string bin, int64_t index, std::optional<uint64_t> count = std::nullopt,
                       const Context& ctx = {});

// ---- selectors: get_by_* reads, remove_by_* writes ----

// GET_BY_INDEX (list op 19): the element at `index`, answered as `rt` asks.
Operation get_by_index(std::string bin, int64_t index, ReturnType rt, const Context& ctx = {});
// REMOVE_BY_INDEX (list op 32): remove the element at `index`; answers as `rt` asks
// (kNone: nothing).
Operation remove_by_index(std::string bin, int64_t index, ReturnType rt, const Context& ctx = {});
// GET_BY_INDEX_RANGE (list op 24): `count` elements from `index` (count omitted: to the end).
Operation get_by_index_range(std::string bin, int64_t index, std::optional<uint64_t> count,
                             ReturnType rt, const Context& ctx = {});
// REMOVE_BY_INDEX_RANGE (list op 37): remove `count` elements from `index` (omitted: to the
// end); answers as `rt` asks.
Operation remove_by_index_range(std::string bin, int64_t index, std::optional<uint64_t> count,
                                ReturnType rt, const Context& ctx = {});
// GET_BY_RANK (list op 21): the element of value rank `rank` (0 = smallest, -1 = largest).
Operation get_by_rank(std::string bin, int64_t rank, ReturnType rt, const Context& ctx = {});
// REMOVE_BY_RANK (list op 34): remove the element of value rank `rank`; answers as `rt` asks.
Operation remove_by_rank(std::string bin, int64_t rank, ReturnType rt, const Context& ctx = {});
// GET_BY_RANK_RANGE (list op 26): `count` elements from rank `rank` up (omitted: to the
// largest).
Operation get_by_rank_range(std::string bin, int64_t rank, std::optional<uint64_t> count,
                            ReturnType rt, const Context& ctx = {});
// REMOVE_BY_RANK_RANGE (list op 39): remove `count` elements from rank `rank` up (omitted: to
// the largest); answers as `rt` asks.
Operation remove_by_rank_range(std::string bin, int64_t rank, std::optional<uint64_t> count,
                               ReturnType rt, const Context& ctx = {});
// GET_ALL_BY_VALUE (list op 22): every element equal to `value` (Wildcard parts match all).
Operation get_by_value(std::string bin, Value value, ReturnType rt, const Context& ctx = {});
// REMOVE_ALL_BY_VALUE (list op 35): remove every element equal to `value`; answers as `rt`
// asks.
Operation remove_by_value(std::string bin, Value value, ReturnType rt, const Context& ctx = {});
// GET_BY_VALUE_LIST (list op 23): elements equal to any of `values`.
Operation get_by_value_list(std::string bin, List values, ReturnType rt, const Context& ctx = {});
// REMOVE_BY_VALUE_LIST (list op 36): remove the elements equal to any of `values`.
Operation remove_by_value_list(std::string bin, List values, ReturnType rt,
                               const Context& ctx = {});
// GET_BY_VALUE_INTERVAL (list op 25): begin <= element < end (nil begin: from the smallest;
// nil end: no upper bound, not sent).
Operation get_by_value_range(std::string bin, Value begin, Value end, ReturnType rt,
                             const Context& ctx = {});
// REMOVE_BY_VALUE_INTERVAL (list op 38): remove begin <= element < end (nil bounds as in
// get_by_value_range); answers as `rt` asks.
Operation remove_by_value_range(std::string bin, Value begin, Value end, ReturnType rt,
                                const Context& ctx = {});
// GET_BY_VALUE_REL_RANK_RANGE (list op 27): `count` elements starting at `rank` relative to
// `value`'s rank (where `value` is or would be; count omitted: to the largest).
Operation get_by_value_rel_rank_range(std::string bin, Value value, int64_t rank,
                                      std::optional<uint64_t> count, ReturnType rt,
                                      const Context& ctx = {});
// REMOVE_BY_VALUE_REL_RANK_RANGE (list op 40): remove the elements get_by_value_rel_rank_range
// selects; answers as `rt` asks.
Operation remove_by_value_rel_rank_range(std::string bin, Value value, int64_t rank,
                                         std::optional<uint64_t> count, ReturnType rt,
                                         const Context& ctx = {});

}  // namespace aero::cdt::list
