// Byte layouts follow aerospike-client-c as_list_operations.c (argument order, optional
// trailing arguments) and the server's cdt.c / particle_list.c; test/cdt checks them
// against the requests an official client sent (test/captures/operations/list_basics).
#include "client/cdt/list.h"

#include <utility>

#include "client/cdt/pack.h"

namespace aero::cdt::list {
namespace {

using wire::OpType;
namespace oc = opcode;

int64_t rt_int(ReturnType rt) { return static_cast<int64_t>(rt); }
int64_t u(uint64_t v) { return static_cast<int64_t>(v); }

// [op] with no arguments.
Operation op0(OpType t, std::string bin, const Context& ctx, uint32_t code) {
  Packer p;
  p.begin(ctx, code, 0);
  return p.finish(t, std::move(bin));
}

// [op, index] / [op, index, count]
Operation index_count(OpType t, std::string bin, const Context& ctx, uint32_t code, int64_t index,
                      std::optional<uint64_t> count) {
  Packer p;
  p.begin(ctx, code, count ? 2 : 1);
  p.integer(index);
  if (count) p.integer(u(*count));
  return p.finish(t, std::move(bin));
}

// [op, rt, n] / [op, rt, n, count]
Operation by_int(OpType t, std::string bin, const Context& ctx, uint32_t code, ReturnType rt,
                 int64_t n, std::optional<uint64_t> count = std::nullopt, bool has_count = false) {
  Packer p;
  p.begin(ctx, code, has_count && count ? 3 : 2);
  p.integer(rt_int(rt));
  p.integer(n);
  if (has_count && count) p.integer(u(*count));
  return p.finish(t, std::move(bin));
}

// [op, rt, value]
Operation by_value(OpType t, std::string bin, const Context& ctx, uint32_t code, ReturnType rt,
                   const Value& v) {
  Packer p;
  p.begin(ctx, code, 2);
  p.integer(rt_int(rt));
  p.value(v);
  return p.finish(t, std::move(bin));
}

// [op, rt, begin] / [op, rt, begin, end]
Operation by_interval(OpType t, std::string bin, const Context& ctx, uint32_t code, ReturnType rt,
                      const Value& begin, const Value& end) {
  Packer p;
  const bool has_end = !end.is_nil();
  p.begin(ctx, code, has_end ? 3 : 2);
  p.integer(rt_int(rt));
  p.value(begin);
  if (has_end) p.value(end);
  return p.finish(t, std::move(bin));
}

// [op, rt, value, rank] / [op, rt, value, rank, count]
Operation by_rel_rank(OpType t, std::string bin, const Context& ctx, uint32_t code, ReturnType rt,
                      const Value& v, int64_t rank, std::optional<uint64_t> count) {
  Packer p;
  p.begin(ctx, code, count ? 4 : 3);
  p.integer(rt_int(rt));
  p.value(v);
  p.integer(rank);
  if (count) p.integer(u(*count));
  return p.finish(t, std::move(bin));
}

}  // namespace

Operation create(std::string bin, ListOrder order, bool pad, bool persist_index,
                 const Context& ctx) {
  Packer p;
  if (ctx.empty()) {
    // Top level: the bin's own list; persist_index is bit 0x10 of the order.
    p.begin(ctx, oc::kListSetType, 1);
    p.integer(static_cast<int64_t>(order) | (persist_index ? 0x10 : 0));
  } else {
    // Nested: the last context step creates the list (persist_index does not apply).
    p.begin(ctx, oc::kListSetType, 1, list_create_flag(order, pad));
    p.integer(static_cast<int64_t>(order));
  }
  return p.finish(OpType::kCdtModify, std::move(bin));
}

Operation set_order(std::string bin, ListOrder order, const Context& ctx) {
  Packer p;
  p.begin(ctx, oc::kListSetType, 1);
  p.integer(static_cast<int64_t>(order));
  return p.finish(OpType::kCdtModify, std::move(bin));
}

Operation sort(std::string bin, uint32_t sort_flags, const Context& ctx) {
  Packer p;
  p.begin(ctx, oc::kListSort, 1);
  p.integer(sort_flags);
  return p.finish(OpType::kCdtModify, std::move(bin));
}

// [op, operand] / [op, operand, order, flags] (append-like: the policy sends both)
static Operation append_like(std::string bin, uint32_t code, const Value& operand,
                      const std::optional<ListPolicy>& policy, const Context& ctx) {
  Packer p;
  p.begin(ctx, code, policy ? 3 : 1);
  p.value(operand);
  if (policy) {
    p.integer(static_cast<int64_t>(policy->order));
    p.integer(policy->flags);
  }
  return p.finish(OpType::kCdtModify, std::move(bin));
}

// [op, index, operand] / [op, index, operand, flags] (insert-like: the policy sends flags)
static Operation insert_like(std::string bin, uint32_t code, int64_t index, const Value& operand,
                      const std::optional<ListPolicy>& policy, const Context& ctx) {
  Packer p;
  p.begin(ctx, code, policy ? 3 : 2);
  p.integer(index);
  p.value(operand);
  if (policy) p.integer(policy->flags);
  return p.finish(OpType::kCdtModify, std::move(bin));
}

Operation append(std::string bin, Value value, std::optional<ListPolicy> policy,
                 const Context& ctx) {
  return append_like(std::move(bin), oc::kListAppend, value, policy, ctx);
}

Operation append_items(std::string bin, List items, std::optional<ListPolicy> policy,
                       const Context& ctx) {
  return append_like(std::move(bin), oc::kListAppendItems, Value(std::move(items)), policy, ctx);
}

Operation insert(std::string bin, int64_t index, Value value, std::optional<ListPolicy> policy,
                 const Context& ctx) {
  return insert_like(std::move(bin), oc::kListInsert, index, value, policy, ctx);
}

Operation insert_items(std::string bin, int64_t index, List items,
                       std::optional<ListPolicy> policy, const Context& ctx) {
  return insert_like(std::move(bin), oc::kListInsertItems, index, Value(std::move(items)), policy,
                     ctx);
}

Operation set(std::string bin, int64_t index, Value value, std::optional<ListPolicy> policy,
              const Context& ctx) {
  return insert_like(std::move(bin), oc::kListSet, index, value, policy, ctx);
}

Operation increment(std::string bin, int64_t index, Value delta, std::optional<ListPolicy> policy,
                    const Context& ctx) {
  // [12, index] / [12, index, delta] / [12, index, delta, order, flags]
  Packer p;
  const bool has_delta = policy || !delta.is_nil();
  p.begin(ctx, oc::kListIncrement, policy ? 4 : has_delta ? 2 : 1);
  p.integer(index);
  if (has_delta) p.value(delta.is_nil() ? Value(1) : delta);
  if (policy) {
    p.integer(static_cast<int64_t>(policy->order));
    p.integer(policy->flags);
  }
  return p.finish(OpType::kCdtModify, std::move(bin));
}

Operation clear(std::string bin, const Context& ctx) {
  return op0(OpType::kCdtModify, std::move(bin), ctx, oc::kListClear);
}

Operation trim(std::string bin, int64_t index, uint64_t count, const Context& ctx) {
  return index_count(OpType::kCdtModify, std::move(bin), ctx, oc::kListTrim, index, count);
}

Operation size(std::string bin, const Context& ctx) {
  return op0(OpType::kCdtRead, std::move(bin), ctx, oc::kListSize);
}

Operation get(std::string bin, int64_t index, const Context& ctx) {
  return index_count(OpType::kCdtRead, std::move(bin), ctx, oc::kListGet, index, std::nullopt);
}

Operation get_range(std::string bin, int64_t index, std::optional<uint64_t> count,
                    const Context& ctx) {
  return index_count(OpType::kCdtRead, std::move(bin), ctx, oc::kListGetRange, index, count);
}

Operation pop(std::string bin, int64_t index, const Context& ctx) {
  return index_count(OpType::kCdtModify, std::move(bin), ctx, oc::kListPop, index, std::nullopt);
}

Operation pop_range(std::string bin, int64_t index, std::optional<uint64_t> count,
                    const Context& ctx) {
  return index_count(OpType::kCdtModify, std::move(bin), ctx, oc::kListPopRange, index, count);
}

Operation remove(std::string bin, int64_t index, const Context& ctx) {
  return index_count(OpType::kCdtModify, std::move(bin), ctx, oc::kListRemove, index,
                     std::nullopt);
}

Operation remove_range(std::string bin, int64_t index, std::optional<uint64_t> count,
                       const Context& ctx) {
  return index_count(OpType::kCdtModify, std::move(bin), ctx, oc::kListRemoveRange, index, count);
}

Operation get_by_index(std::string bin, int64_t index, ReturnType rt, const Context& ctx) {
  return by_int(OpType::kCdtRead, std::move(bin), ctx, oc::kListGetByIndex, rt, index);
}
Operation remove_by_index(std::string bin, int64_t index, ReturnType rt, const Context& ctx) {
  return by_int(OpType::kCdtModify, std::move(bin), ctx, oc::kListRemoveByIndex, rt, index);
}
Operation get_by_index_range(std::string bin, int64_t index, std::optional<uint64_t> count,
                             ReturnType rt, const Context& ctx) {
  return by_int(OpType::kCdtRead, std::move(bin), ctx, oc::kListGetByIndexRange, rt, index, count,
                true);
}
Operation remove_by_index_range(std::string bin, int64_t index, std::optional<uint64_t> count,
                                ReturnType rt, const Context& ctx) {
  return by_int(OpType::kCdtModify, std::move(bin), ctx, oc::kListRemoveByIndexRange, rt, index,
                count, true);
}
Operation get_by_rank(std::string bin, int64_t rank, ReturnType rt, const Context& ctx) {
  return by_int(OpType::kCdtRead, std::move(bin), ctx, oc::kListGetByRank, rt, rank);
}
Operation remove_by_rank(std::string bin, int64_t rank, ReturnType rt, const Context& ctx) {
  return by_int(OpType::kCdtModify, std::move(bin), ctx, oc::kListRemoveByRank, rt, rank);
}
Operation get_by_rank_range(std::string bin, int64_t rank, std::optional<uint64_t> count,
                            ReturnType rt, const Context& ctx) {
  return by_int(OpType::kCdtRead, std::move(bin), ctx, oc::kListGetByRankRange, rt, rank, count,
                true);
}
Operation remove_by_rank_range(std::string bin, int64_t rank, std::optional<uint64_t> count,
                               ReturnType rt, const Context& ctx) {
  return by_int(OpType::kCdtModify, std::move(bin), ctx, oc::kListRemoveByRankRange, rt, rank,
                count, true);
}
Operation get_by_value(std::string bin, Value value, ReturnType rt, const Context& ctx) {
  return by_value(OpType::kCdtRead, std::move(bin), ctx, oc::kListGetByValue, rt, value);
}
Operation remove_by_value(std::string bin, Value value, ReturnType rt, const Context& ctx) {
  return by_value(OpType::kCdtModify, std::move(bin), ctx, oc::kListRemoveByValue, rt, value);
}
Operation get_by_value_list(std::string bin, List values, ReturnType rt, const Context& ctx) {
  return by_value(OpType::kCdtRead, std::move(bin), ctx, oc::kListGetByValueList, rt,
                  Value(std::move(values)));
}
Operation remove_by_value_list(std::string bin, List values, ReturnType rt, const Context& ctx) {
  return by_value(OpType::kCdtModify, std::move(bin), ctx, oc::kListRemoveByValueList, rt,
                  Value(std::move(values)));
}
Operation get_by_value_range(std::string bin, Value begin, Value end, ReturnType rt,
                             const Context& ctx) {
  return by_interval(OpType::kCdtRead, std::move(bin), ctx, oc::kListGetByValueInterval, rt,
                     begin, end);
}
Operation remove_by_value_range(std::string bin, Value begin, Value end, ReturnType rt,
                                const Context& ctx) {
  return by_interval(OpType::kCdtModify, std::move(bin), ctx, oc::kListRemoveByValueInterval, rt,
                     begin, end);
}
Operation get_by_value_rel_rank_range(std::string bin, Value value, int64_t rank,
                                      std::optional<uint64_t> count, ReturnType rt,
                                      const Context& ctx) {
  return by_rel_rank(OpType::kCdtRead, std::move(bin), ctx, oc::kListGetByValueRelRankRange, rt,
                     value, rank, count);
}
Operation remove_by_value_rel_rank_range(std::string bin, Value value, int64_t rank,
                                         std::optional<uint64_t> count, ReturnType rt,
                                         const Context& ctx) {
  return by_rel_rank(OpType::kCdtModify, std::move(bin), ctx, oc::kListRemoveByValueRelRankRange,
                     rt, value, rank, count);
}

}  // namespace aero::cdt::list
