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

constexpr ReturnType operator|(ReturnType a, ReturnType b) {
  return static_cast<ReturnType>(static_cast<uint32_t>(a) | static_cast<uint32_t>(b));
}

// ---- lists ----

enum class ListOrder : uint8_t { kUnordered = 0, kOrdered = 1 };

// List write flags (bits; combine with |).
enum ListWriteFlags : uint32_t {
  kListWriteDefault = 0,
  kListWriteAddUnique = 1,      // fail (or skip with no-fail) when the value already exists
  kListWriteInsertBounded = 2,  // fail when inserting beyond the end
  kListWriteNoFail = 4,         // a failing item is skipped, not an error
  kListWritePartial = 8,        // with no-fail: apply the items that succeed
};

// List sort flags (bits).
enum ListSortFlags : uint32_t {
  kListSortDefault = 0,
  kListSortDescending = 1,
  kListSortDropDuplicates = 2,
};

// Order and write flags sent with list writes that take a policy.
struct ListPolicy {
  ListOrder order = ListOrder::kUnordered;
  uint32_t flags = kListWriteDefault;  // ListWriteFlags
};

// ---- maps ----

enum class MapOrder : uint8_t { kUnordered = 0, kKeyOrdered = 1, kKeyValueOrdered = 3 };

// Map write flags (bits).
enum MapWriteFlags : uint32_t {
  kMapWriteDefault = 0,
  kMapWriteCreateOnly = 1,  // fail when the key exists
  kMapWriteUpdateOnly = 2,  // fail when the key does not exist
  kMapWriteNoFail = 4,      // a failing item is skipped, not an error
  kMapWritePartial = 8,     // with no-fail: apply the items that succeed
};

// The older write modes; each picks a different server command (put, replace, add).
enum class MapWriteMode : uint8_t { kUpdate, kUpdateOnly, kCreateOnly };

// Order and write behaviour sent with map writes. Non-zero `flags` win over `write_mode`
// (as in the C client: put with flags is always the PUT command).
struct MapPolicy {
  MapOrder order = MapOrder::kUnordered;
  uint32_t flags = kMapWriteDefault;  // MapWriteFlags
  MapWriteMode write_mode = MapWriteMode::kUpdate;
  bool persist_index = false;  // top-level maps only: keep the order index on storage
};

// ---- bits ----

// Bit write flags (bits).
enum BitWriteFlags : uint32_t {
  kBitWriteDefault = 0,
  kBitWriteCreateOnly = 1,
  kBitWriteUpdateOnly = 2,
  kBitWriteNoFail = 4,
  kBitWritePartial = 8,
};

// Bit resize flags (bits).
enum BitResizeFlags : uint32_t {
  kBitResizeDefault = 0,
  kBitResizeFromFront = 1,  // add/remove bytes at the front
  kBitResizeGrowOnly = 2,
  kBitResizeShrinkOnly = 4,
};

// What add/subtract do on overflow or underflow.
enum class BitOverflowAction : uint8_t { kFail = 0, kSaturate = 2, kWrap = 4 };

struct BitPolicy {
  uint32_t flags = kBitWriteDefault;  // BitWriteFlags
};

// ---- HyperLogLog ----

// HLL write flags (bits).
enum HllWriteFlags : uint32_t {
  kHllWriteDefault = 0,
  kHllWriteCreateOnly = 1,
  kHllWriteUpdateOnly = 2,
  kHllWriteNoFail = 4,
  kHllWriteAllowFold = 8,  // set_union: fold to the smaller index bit count
};

struct HllPolicy {
  uint32_t flags = kHllWriteDefault;  // HllWriteFlags
};

// ---- operation codes (the first element of each packed operation) ----
namespace opcode {
// lists (C client as_list_operations.c)
inline constexpr uint32_t kListSetType = 0, kListAppend = 1, kListAppendItems = 2,
                          kListInsert = 3, kListInsertItems = 4, kListPop = 5,
                          kListPopRange = 6, kListRemove = 7, kListRemoveRange = 8, kListSet = 9,
                          kListTrim = 10, kListClear = 11, kListIncrement = 12, kListSort = 13,
                          kListSize = 16, kListGet = 17, kListGetRange = 18,
                          kListGetByIndex = 19, kListGetByRank = 21, kListGetByValue = 22,
                          kListGetByValueList = 23, kListGetByIndexRange = 24,
                          kListGetByValueInterval = 25, kListGetByRankRange = 26,
                          kListGetByValueRelRankRange = 27, kListRemoveByIndex = 32,
                          kListRemoveByRank = 34, kListRemoveByValue = 35,
                          kListRemoveByValueList = 36, kListRemoveByIndexRange = 37,
                          kListRemoveByValueInterval = 38, kListRemoveByRankRange = 39,
                          kListRemoveByValueRelRankRange = 40;
// maps (C client as_map_operations.c)
inline constexpr uint32_t kMapSetType = 64, kMapAdd = 65, kMapAddItems = 66, kMapPut = 67,
                          kMapPutItems = 68, kMapReplace = 69, kMapReplaceItems = 70,
                          kMapIncrement = 73, kMapDecrement = 74, kMapClear = 75,
                          kMapRemoveByKey = 76, kMapRemoveByIndex = 77, kMapRemoveByRank = 79,
                          kMapRemoveByKeyList = 81, kMapRemoveByValue = 82,
                          kMapRemoveByValueList = 83, kMapRemoveByKeyInterval = 84,
                          kMapRemoveByIndexRange = 85, kMapRemoveByValueInterval = 86,
                          kMapRemoveByRankRange = 87, kMapRemoveByKeyRelIndexRange = 88,
                          kMapRemoveByValueRelRankRange = 89, kMapSize = 96, kMapGetByKey = 97,
                          kMapGetByIndex = 98, kMapGetByRank = 100, kMapGetByValue = 102,
                          kMapGetByKeyInterval = 103, kMapGetByIndexRange = 104,
                          kMapGetByValueInterval = 105, kMapGetByRankRange = 106,
                          kMapGetByKeyList = 107, kMapGetByValueList = 108,
                          kMapGetByKeyRelIndexRange = 109, kMapGetByValueRelRankRange = 110;
// bits (C client as_bit_operations.c)
inline constexpr uint32_t kBitResize = 0, kBitInsert = 1, kBitRemove = 2, kBitSet = 3,
                          kBitOr = 4, kBitXor = 5, kBitAnd = 6, kBitNot = 7, kBitLshift = 8,
                          kBitRshift = 9, kBitAdd = 10, kBitSubtract = 11, kBitSetInt = 12,
                          kBitGet = 50, kBitCount = 51, kBitLscan = 52, kBitRscan = 53,
                          kBitGetInt = 54;
// HyperLogLog (C client as_hll_operations.c)
inline constexpr uint32_t kHllInit = 0, kHllAdd = 1, kHllSetUnion = 2, kHllRefreshCount = 3,
                          kHllFold = 4, kHllCount = 50, kHllUnion = 51, kHllUnionCount = 52,
                          kHllIntersectCount = 53, kHllSimilarity = 54, kHllDescribe = 55,
                          kHllMayContain = 56;
}  // namespace opcode

}  // namespace aero::cdt
