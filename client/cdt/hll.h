// HyperLogLog operations: typed builders for every HLL operation the official clients offer
// (the C client's as_operations_hll_*). An HLL bin holds the server's registers (particle
// type 18); reads answer integers (counts), doubles (similarity), a list [index_bits,
// minhash_bits] (describe) or an HLL (get_union). `index_bit_count` is 4..16,
// `minhash_bit_count` 4..51 or -1 (none). HLL operands are sent as blobs.
//
// Threads: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "client/cdt/context.h"
#include "client/cdt/types.h"
#include "client/wire/request.h"
#include "client/wire/value.h"

namespace aero::cdt::hll {

using wire::List;
using wire::Operation;
// HLL operands: each the raw bytes of an HLL value (as read from an HLL bin).
using Hlls = std::vector<wire::Bytes>;

// INIT: create (or reset) the HLL with these register sizes.
Operation init(std::string bin, int64_t index_bit_count, int64_t minhash_bit_count = -1,
               const HllPolicy& policy = {}, const Context& ctx = {});
// ADD: add `values`, creating the HLL with these sizes if it is missing (-1: the bin must
// already hold an HLL); answers how many registers changed.
Operation add(std::string bin, List values, int64_t index_bit_count = -1,
              int64_t minhash_bit_count = -1, const HllPolicy& policy = {},
              const Context& ctx = {});
// SET_UNION: merge `hlls` into the bin.
Operation set_union(std::string bin, const Hlls& hlls, const HllPolicy& policy = {},
                    const Context& ctx = {});
// SET_COUNT: recompute the cached count; answers it.
Operation refresh_count(std::string bin, const Context& ctx = {});
// FOLD: lower the index bit count (HLLs without minhash only).
Operation fold(std::string bin, int64_t index_bit_count, const Context& ctx = {});

// COUNT: the estimated number of distinct values.
Operation get_count(std::string bin, const Context& ctx = {});
// UNION: the union of the bin and `hlls`, as an HLL.
Operation get_union(std::string bin, const Hlls& hlls, const Context& ctx = {});
// UNION_COUNT: the estimated count of that union.
Operation get_union_count(std::string bin, const Hlls& hlls, const Context& ctx = {});
// INTERSECT_COUNT: the estimated count of the intersection with `hlls`.
Operation get_intersect_count(std::string bin, const Hlls& hlls, const Context& ctx = {});
// SIMILARITY: the estimated Jaccard similarity with `hlls` (a double).
Operation get_similarity(std::string bin, const Hlls& hlls, const Context& ctx = {});
// DESCRIBE: [index_bit_count, minhash_bit_count].
Operation describe(std::string bin, const Context& ctx = {});
// MAY_CONTAIN: 1 when every one of `values` may be in the set, else 0.
Operation may_contain(std::string bin, List values, const Context& ctx = {});

}  // namespace aero::cdt::hll
