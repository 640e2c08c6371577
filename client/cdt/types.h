// Enums and policies shared by the collection (list, map), bit and HLL operation builders
// and by the read expressions built on them: operation codes, return types, orders and
// write flags. Values follow the official clients (aerospike-client-c as_list_operations.h,
// as_map_operations.h, as_bit_operations.h, as_hll_operations.h, as_cdt_order.h) and the
// server's cdt.c / particle_*.c.
//
// Threads: constants and plain value types.
#pragma once

#include <cstdint>

namespace aero::cdt {

// What a list/map "get by" or "remove by" operation answers. Combine one base type with
// kInverted to act on everything the selector does NOT select.
enum class ReturnType : uint32_t {
  kNone = 0,           // nothing (remove only)
  kIndex = 1,          // index (list) / key-order index (map)
  kReverseIndex = 2,   // index counted from the end
  kRank = 3,           // value order rank
  kReverseRank = 4,    // rank counted from the largest
  kCount = 5,          // how many were selected
  kKey = 6,            // map keys
  kValue = 7,          // values
  kKeyValue = 8,       // map key/value pairs (a map, or a flat list for ranges)
  kExists = 13,        // a bool: whether anything was selected
  kUnorderedMap = 16,  // map result as a plain map
  kOrderedMap = 17,    // map result as a key-ordered map
  kInverted = 0x10000, // flag: select the complement
};

// Combines return types bitwise, e.g. `ReturnType::kValue | ReturnType::kInverted`.
constexpr ReturnType operator|(ReturnType a, ReturnType b) {
  return static_cast<ReturnType>(static_cast<uint32_t>(a) | static_cast<uint32_t>(b));
}

// ---- lists ----

// A list's order flag on the server (the ordered bit of the list's metadata).
enum class ListOrder : uint8_t {
  kUnordered = 0,  // elements stay in insertion order; index operations address positions
  kOrdered = 1,    // the server keeps the elements sorted by value
};

// List write flags (bits; combine with |).
enum ListWriteFlags : uint32_t {
  kListWriteDefault = 0,        // no flag: duplicates allowed, inserts may pad with nils
  kListWriteAddUnique = 1,      // fail (or skip with no-fail) when the value already exists
  kListWriteInsertBounded = 2,  // fail when inserting beyond the end
  kListWriteNoFail = 4,         // a failing item is skipped, not an error
  kListWritePartial = 8,        // with no-fail: apply the items that succeed
};

// List sort flags (bits).
enum ListSortFlags : uint32_t {
  kListSortDefault = 0,         // ascending, duplicates kept
  kListSortDescending = 1,      // sort from the largest value down
  kListSortDropDuplicates = 2,  // also remove repeated values
};

// Order and write flags sent with list writes that take a policy.
struct ListPolicy {
  ListOrder order = ListOrder::kUnordered;  // order given to a list the write creates
  uint32_t flags = kListWriteDefault;       // ListWriteFlags
};

// ---- maps ----

// A map's order flags on the server (the map's metadata; 3 = key-ordered plus a value index).
enum class MapOrder : uint8_t {
  kUnordered = 0,        // no order kept; index and rank operations sort on demand
  kKeyOrdered = 1,       // the server keeps the entries sorted by key
  kKeyValueOrdered = 3,  // key-ordered and also keeps a value-order (rank) index
};

// Map write flags (bits).
enum MapWriteFlags : uint32_t {
  kMapWriteDefault = 0,     // no flag: create or overwrite entries
  kMapWriteCreateOnly = 1,  // fail when the key exists
  kMapWriteUpdateOnly = 2,  // fail when the key does not exist
  kMapWriteNoFail = 4,      // a failing item is skipped, not an error
  kMapWritePartial = 8,     // with no-fail: apply the items that succeed
};

// The older write modes; each picks a different server command (put, replace, add).
enum class MapWriteMode : uint8_t {
  kUpdate,      // PUT / PUT_ITEMS: create or overwrite entries
  kUpdateOnly,  // REPLACE / REPLACE_ITEMS: only overwrite existing keys
  kCreateOnly,  // ADD / ADD_ITEMS: only create missing keys
};

// Order and write behaviour sent with map writes. Non-zero `flags` win over `write_mode`
// (as in the C client: put with flags is always the PUT command).
struct MapPolicy {
  MapOrder order = MapOrder::kUnordered;            // order given to a map the write creates
  uint32_t flags = kMapWriteDefault;                // MapWriteFlags
  MapWriteMode write_mode = MapWriteMode::kUpdate;  // command choice when `flags` is 0
  bool persist_index = false;  // top-level maps only: keep the order index on storage
};

// ---- bits ----

// Bit write flags (bits).
enum BitWriteFlags : uint32_t {
  kBitWriteDefault = 0,     // create the bin if missing, else update it
  kBitWriteCreateOnly = 1,  // fail when the bin already exists
  kBitWriteUpdateOnly = 2,  // fail when the bin does not exist
  kBitWriteNoFail = 4,      // an op refused by these flags is skipped, not an error
  kBitWritePartial = 8,     // with no-fail: keep the other ops' changes
};

// Bit resize flags (bits).
enum BitResizeFlags : uint32_t {
  kBitResizeDefault = 0,     // add/remove bytes at the end; grow or shrink
  kBitResizeFromFront = 1,   // add/remove bytes at the front
  kBitResizeGrowOnly = 2,    // fail if the new size is smaller
  kBitResizeShrinkOnly = 4,  // fail if the new size is larger
};

// What add/subtract do on overflow or underflow.
enum class BitOverflowAction : uint8_t {
  kFail = 0,      // the op fails (error) on overflow or underflow
  kSaturate = 2,  // clamp to the largest / smallest value the bits can hold
  kWrap = 4,      // wrap around (modulo 2^bit_size)
};

// Write flags sent with every bit modify operation.
struct BitPolicy {
  uint32_t flags = kBitWriteDefault;  // BitWriteFlags
};

// ---- HyperLogLog ----

// HLL write flags (bits).
enum HllWriteFlags : uint32_t {
  kHllWriteDefault = 0,     // create the bin if missing, else update it
  kHllWriteCreateOnly = 1,  // fail when the bin already exists
  kHllWriteUpdateOnly = 2,  // fail when the bin does not exist
  kHllWriteNoFail = 4,      // an op refused by these flags is skipped, not an error
  kHllWriteAllowFold = 8,   // set_union: fold to the smaller index bit count
};

// Write flags sent with HLL init, add and set_union.
struct HllPolicy {
  uint32_t flags = kHllWriteDefault;  // HllWriteFlags
};

// ---- operation codes (the first element of each packed operation) ----
namespace opcode {
// List operation codes (the server's as_cdt_op values; C client as_list_operations.c).
inline constexpr uint32_t kListSetType = 0,  // SET_TYPE: create the list / set its order
    kListAppend = 1,               // APPEND: add one value at the end (or its sorted place)
    kListAppendItems = 2,          // APPEND_ITEMS: add several values
    kListInsert = 3,               // INSERT: insert one value at an index
    kListInsertItems = 4,          // INSERT_ITEMS: insert several values at an index
    kListPop = 5,                  // POP: remove and return the element at an index
    kListPopRange = 6,             // POP_RANGE: remove and return a range of elements
    kListRemove = 7,               // REMOVE: remove the element at an index
    kListRemoveRange = 8,          // REMOVE_RANGE: remove a range of elements
    kListSet = 9,                  // SET: overwrite the element at an index
    kListTrim = 10,                // TRIM: keep only a range, remove the rest
    kListClear = 11,               // CLEAR: remove every element
    kListIncrement = 12,           // INCREMENT: add a number to the element at an index
    kListSort = 13,                // SORT: sort (ListSortFlags)
    kListSize = 16,                // SIZE: element count
    kListGet = 17,                 // GET: the element at an index
    kListGetRange = 18,            // GET_RANGE: a range of elements
    kListGetByIndex = 19,          // GET_BY_INDEX: select one element by index
    kListGetByRank = 21,           // GET_BY_RANK: select one element by value rank
    kListGetByValue = 22,          // GET_ALL_BY_VALUE: select elements equal to a value
    kListGetByValueList = 23,      // GET_BY_VALUE_LIST: select elements equal to any listed value
    kListGetByIndexRange = 24,     // GET_BY_INDEX_RANGE: select an index range
    kListGetByValueInterval = 25,  // GET_BY_VALUE_INTERVAL: select begin <= value < end
    kListGetByRankRange = 26,      // GET_BY_RANK_RANGE: select a rank range
    kListGetByValueRelRankRange = 27,     // GET_BY_VALUE_REL_RANK_RANGE: ranks relative to a value
    kListRemoveByIndex = 32,              // REMOVE_BY_INDEX
    kListRemoveByRank = 34,               // REMOVE_BY_RANK
    kListRemoveByValue = 35,              // REMOVE_ALL_BY_VALUE
    kListRemoveByValueList = 36,          // REMOVE_BY_VALUE_LIST
    kListRemoveByIndexRange = 37,         // REMOVE_BY_INDEX_RANGE
    kListRemoveByValueInterval = 38,      // REMOVE_BY_VALUE_INTERVAL
    kListRemoveByRankRange = 39,          // REMOVE_BY_RANK_RANGE
    kListRemoveByValueRelRankRange = 40;  // REMOVE_BY_VALUE_REL_RANK_RANGE
// Map operation codes (the server's as_cdt_op values; C client as_map_operations.c).
inline constexpr uint32_t kMapSetType = 64,  // SET_TYPE: create the map / set its order
    kMapAdd = 65,                            // ADD: write one entry only if the key is missing
    kMapAddItems = 66,                       // ADD_ITEMS: ADD for several entries
    kMapPut = 67,                        // PUT: create or overwrite one entry (honours write flags)
    kMapPutItems = 68,                   // PUT_ITEMS: PUT for several entries
    kMapReplace = 69,                    // REPLACE: overwrite one entry only if the key exists
    kMapReplaceItems = 70,               // REPLACE_ITEMS: REPLACE for several entries
    kMapIncrement = 73,                  // INCREMENT: add a number to the value at a key
    kMapDecrement = 74,                  // DECREMENT: subtract a number from the value at a key
    kMapClear = 75,                      // CLEAR: remove every entry
    kMapRemoveByKey = 76,                // REMOVE_BY_KEY
    kMapRemoveByIndex = 77,              // REMOVE_BY_INDEX (key order)
    kMapRemoveByRank = 79,               // REMOVE_BY_RANK (value order)
    kMapRemoveByKeyList = 81,            // REMOVE_BY_KEY_LIST
    kMapRemoveByValue = 82,              // REMOVE_ALL_BY_VALUE
    kMapRemoveByValueList = 83,          // REMOVE_BY_VALUE_LIST
    kMapRemoveByKeyInterval = 84,        // REMOVE_BY_KEY_INTERVAL
    kMapRemoveByIndexRange = 85,         // REMOVE_BY_INDEX_RANGE
    kMapRemoveByValueInterval = 86,      // REMOVE_BY_VALUE_INTERVAL
    kMapRemoveByRankRange = 87,          // REMOVE_BY_RANK_RANGE
    kMapRemoveByKeyRelIndexRange = 88,   // REMOVE_BY_KEY_REL_INDEX_RANGE
    kMapRemoveByValueRelRankRange = 89,  // REMOVE_BY_VALUE_REL_RANK_RANGE
    kMapSize = 96,                       // SIZE: entry count
    kMapGetByKey = 97,                   // GET_BY_KEY: select the entry with a key
    kMapGetByIndex = 98,                 // GET_BY_INDEX: select one entry by key-order index
    kMapGetByRank = 100,                 // GET_BY_RANK: select one entry by value rank
    kMapGetByValue = 102,                // GET_ALL_BY_VALUE: select entries whose value equals one
    kMapGetByKeyInterval = 103,          // GET_BY_KEY_INTERVAL: select begin <= key < end
    kMapGetByIndexRange = 104,           // GET_BY_INDEX_RANGE: select a key-order index range
    kMapGetByValueInterval = 105,        // GET_BY_VALUE_INTERVAL: select begin <= value < end
    kMapGetByRankRange = 106,            // GET_BY_RANK_RANGE: select a value rank range
    kMapGetByKeyList = 107,              // GET_BY_KEY_LIST: select entries with any listed key
    kMapGetByValueList = 108,            // GET_BY_VALUE_LIST: select entries with any listed value
    kMapGetByKeyRelIndexRange = 109,     // GET_BY_KEY_REL_INDEX_RANGE: indexes relative to a key
    kMapGetByValueRelRankRange = 110;    // GET_BY_VALUE_REL_RANK_RANGE: ranks relative to a value
// Bit operation codes (the server's as_bits_op values; C client as_bit_operations.c).
inline constexpr uint32_t kBitResize = 0,  // RESIZE: change the blob's byte size
    kBitInsert = 1,                        // INSERT: insert bytes
    kBitRemove = 2,                        // REMOVE: remove bytes
    kBitSet = 3,                           // SET: overwrite bits
    kBitOr = 4,                            // OR: bitwise or into the bits
    kBitXor = 5,                           // XOR: bitwise exclusive or into the bits
    kBitAnd = 6,                           // AND: bitwise and into the bits
    kBitNot = 7,                           // NOT: invert the bits
    kBitLshift = 8,                        // LSHIFT: shift the bits left
    kBitRshift = 9,                        // RSHIFT: shift the bits right
    kBitAdd = 10,                          // ADD: add to the bits read as an integer
    kBitSubtract = 11,                     // SUBTRACT: subtract from the bits read as an integer
    kBitSetInt = 12,                       // SET_INT: store an integer in the bits
    kBitGet = 50,                          // GET: read bits as a blob
    kBitCount = 51,                        // COUNT: number of 1 bits
    kBitLscan = 52,                        // LSCAN: offset of the first matching bit from the left
    kBitRscan = 53,                        // RSCAN: offset of the first matching bit from the right
    kBitGetInt = 54;                       // GET_INT: read bits as an integer
// HyperLogLog operation codes (the server's as_hll_op values; C client as_hll_operations.c).
inline constexpr uint32_t kHllInit = 0,  // INIT: create or reset the HLL
    kHllAdd = 1,                         // ADD: add values
    kHllSetUnion = 2,                    // SET_UNION: merge other HLLs into the bin
    kHllRefreshCount = 3,                // SET_COUNT: recompute the cached count
    kHllFold = 4,                        // FOLD: lower the index bit count
    kHllCount = 50,                      // COUNT: estimated distinct count
    kHllUnion = 51,                      // UNION: union with other HLLs, as an HLL
    kHllUnionCount = 52,                 // UNION_COUNT: estimated count of the union
    kHllIntersectCount = 53,             // INTERSECT_COUNT: estimated count of the intersection
    kHllSimilarity = 54,                 // SIMILARITY: estimated Jaccard similarity
    kHllDescribe = 55,                   // DESCRIBE: [index_bit_count, minhash_bit_count]
    kHllMayContain = 56;                 // MAY_CONTAIN: whether all values may be present
}  // namespace opcode

}  // namespace aero::cdt
