// Byte layouts follow aerospike-client-c as_map_operations.c (put/put_items command choice
// by policy, optional trailing arguments) and the server's particle_map.c; test/cdt checks
// them against the requests an official client sent (test/captures/operations/map_basics).
#include "client/cdt/map.h"

#include <utility>

#include "client/cdt/pack.h"

namespace aero::cdt::map {
namespace {

using wire::OpType;
namespace oc = opcode;

// Map ops ask for a result per op (RESPOND_ALL_OPS), as the C client does.
constexpr bool kRespondAll = true;

int64_t rt_int(ReturnType rt) { return static_cast<int64_t>(rt); }

int64_t attributes(const MapPolicy& p, bool nested) {
  int64_t a = static_cast<int64_t>(p.order);
  if (p.persist_index && !nested) a |= 0x10;
  return a;
}

Operation op0(OpType t, std::string bin, const Context& ctx, uint32_t code) {
  Packer p;
  p.begin(ctx, code, 0);
  return p.finish(t, std::move(bin), kRespondAll);
}

// [op, rt, n] / [op, rt, n, count]
Operation by_int(OpType t, std::string bin, const Context& ctx, uint32_t code, ReturnType rt,
                 int64_t n, std::optional<uint64_t> count = std::nullopt) {
  Packer p;
  p.begin(ctx, code, count ? 3 : 2);
  p.integer(rt_int(rt));
  p.integer(n);
  if (count) p.integer(static_cast<int64_t>(*count));
  return p.finish(t, std::move(bin), kRespondAll);
}

// [op, rt, value]
Operation by_value(OpType t, std::string bin, const Context& ctx, uint32_t code, ReturnType rt,
                   const Value& v) {
  Packer p;
  p.begin(ctx, code, 2);
  p.integer(rt_int(rt));
  p.value(v);
  return p.finish(t, std::move(bin), kRespondAll);
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
  return p.finish(t, std::move(bin), kRespondAll);
}

// [op, rt, value, n] / [op, rt, value, n, count]
Operation by_relative(OpType t, std::string bin, const Context& ctx, uint32_t code, ReturnType rt,
                      const Value& v, int64_t n, std::optional<uint64_t> count) {
  Packer p;
  p.begin(ctx, code, count ? 4 : 3);
  p.integer(rt_int(rt));
  p.value(v);
  p.integer(n);
  if (count) p.integer(static_cast<int64_t>(*count));
  return p.finish(t, std::move(bin), kRespondAll);
}

// [op, key, delta, attributes]
Operation incr_like(std::string bin, uint32_t code, const Value& key, const Value& delta,
                    const MapPolicy& policy, const Context& ctx) {
  Packer p;
  p.begin(ctx, code, 3);
  p.value(key);
  p.value(delta);
  p.integer(attributes(policy, !ctx.empty()));
  return p.finish(OpType::kCdtModify, std::move(bin), kRespondAll);
}

}  // namespace

Operation create(std::string bin, MapOrder order, bool persist_index, const Context& ctx) {
  Packer p;
  if (ctx.empty()) {
    p.begin(ctx, oc::kMapSetType, 1);
    p.integer(static_cast<int64_t>(order) | (persist_index ? 0x10 : 0));
  } else {
    // Nested: the last context step creates the map (persist_index does not apply).
    p.begin(ctx, oc::kMapSetType, 1, map_create_flag(order));
    p.integer(static_cast<int64_t>(order));
  }
  return p.finish(OpType::kCdtModify, std::move(bin), kRespondAll);
}

Operation set_policy(std::string bin, const MapPolicy& policy, const Context& ctx) {
  Packer p;
  p.begin(ctx, oc::kMapSetType, 1);
  p.integer(attributes(policy, !ctx.empty()));
  return p.finish(OpType::kCdtModify, std::move(bin), kRespondAll);
}

Operation put(std::string bin, Value key, Value value, const MapPolicy& policy,
              const Context& ctx) {
  Packer p;
  const int64_t attr = attributes(policy, !ctx.empty());
  if (policy.flags != kMapWriteDefault) {
    p.begin(ctx, oc::kMapPut, 4);
    p.value(key);
    p.value(value);
    p.integer(attr);
    p.integer(policy.flags);
  } else if (policy.write_mode == MapWriteMode::kUpdateOnly) {
    // REPLACE takes no attributes: it never creates the map.
    p.begin(ctx, oc::kMapReplace, 2);
    p.value(key);
    p.value(value);
  } else {
    p.begin(ctx, policy.write_mode == MapWriteMode::kCreateOnly ? oc::kMapAdd : oc::kMapPut, 3);
    p.value(key);
    p.value(value);
    p.integer(attr);
  }
  return p.finish(OpType::kCdtModify, std::move(bin), kRespondAll);
}

Operation put_items(std::string bin, Map items, const MapPolicy& policy, const Context& ctx) {
  Packer p;
  const int64_t attr = attributes(policy, !ctx.empty());
  const Value v(std::move(items));
  if (policy.flags != kMapWriteDefault) {
    p.begin(ctx, oc::kMapPutItems, 3);
    p.value(v);
    p.integer(attr);
    p.integer(policy.flags);
  } else if (policy.write_mode == MapWriteMode::kUpdateOnly) {
    p.begin(ctx, oc::kMapReplaceItems, 1);
    p.value(v);
  } else {
    p.begin(ctx,
            policy.write_mode == MapWriteMode::kCreateOnly ? oc::kMapAddItems : oc::kMapPutItems,
            2);
    p.value(v);
    p.integer(attr);
  }
  return p.finish(OpType::kCdtModify, std::move(bin), kRespondAll);
}

Operation increment(std::string bin, Value key, Value delta, const MapPolicy& policy,
                    const Context& ctx) {
  return incr_like(std::move(bin), oc::kMapIncrement, key, delta, policy, ctx);
}

Operation decrement(std::string bin, Value key, Value delta, const MapPolicy& policy,
                    const Context& ctx) {
  return incr_like(std::move(bin), oc::kMapDecrement, key, delta, policy, ctx);
}

Operation clear(std::string bin, const Context& ctx) {
  return op0(OpType::kCdtModify, std::move(bin), ctx, oc::kMapClear);
}

Operation size(std::string bin, const Context& ctx) {
  return op0(OpType::kCdtRead, std::move(bin), ctx, oc::kMapSize);
}

#define AERO_MAP_PAIR(get_name, remove_name, get_code, remove_code, helper, params, args) \
  Operation get_name params {                                                          \
    return helper(OpType::kCdtRead, std::move(bin), ctx, oc::get_code, args);          \
  }                                                                                    \
  Operation remove_name params {                                                       \
    return helper(OpType::kCdtModify, std::move(bin), ctx, oc::remove_code, args);     \
  }

#define AERO_ARGS(...) __VA_ARGS__

AERO_MAP_PAIR(get_by_key, remove_by_key, kMapGetByKey, kMapRemoveByKey, by_value,
              (std::string bin, Value key, ReturnType rt, const Context& ctx), AERO_ARGS(rt, key))
AERO_MAP_PAIR(get_by_key_list, remove_by_key_list, kMapGetByKeyList, kMapRemoveByKeyList, by_value,
              (std::string bin, List keys, ReturnType rt, const Context& ctx),
              AERO_ARGS(rt, Value(std::move(keys))))
AERO_MAP_PAIR(get_by_key_range, remove_by_key_range, kMapGetByKeyInterval, kMapRemoveByKeyInterval,
              by_interval, (std::string bin, Value begin, Value end, ReturnType rt, const Context& ctx),
              AERO_ARGS(rt, begin, end))
AERO_MAP_PAIR(get_by_key_rel_index_range, remove_by_key_rel_index_range, kMapGetByKeyRelIndexRange,
              kMapRemoveByKeyRelIndexRange, by_relative,
              (std::string bin, Value key, int64_t index, std::optional<uint64_t> count, ReturnType rt,
               const Context& ctx),
              AERO_ARGS(rt, key, index, count))
AERO_MAP_PAIR(get_by_value, remove_by_value, kMapGetByValue, kMapRemoveByValue, by_value,
              (std::string bin, Value value, ReturnType rt, const Context& ctx), AERO_ARGS(rt, value))
AERO_MAP_PAIR(get_by_value_list, remove_by_value_list, kMapGetByValueList, kMapRemoveByValueList,
              by_value, (std::string bin, List values, ReturnType rt, const Context& ctx),
              AERO_ARGS(rt, Value(std::move(values))))
AERO_MAP_PAIR(get_by_value_range, remove_by_value_range, kMapGetByValueInterval,
              kMapRemoveByValueInterval, by_interval,
              (std::string bin, Value begin, Value end, ReturnType rt, const Context& ctx),
              AERO_ARGS(rt, begin, end))
AERO_MAP_PAIR(get_by_value_rel_rank_range, remove_by_value_rel_rank_range,
              kMapGetByValueRelRankRange, kMapRemoveByValueRelRankRange, by_relative,
              (std::string bin, Value value, int64_t rank, std::optional<uint64_t> count,
               ReturnType rt, const Context& ctx),
              AERO_ARGS(rt, value, rank, count))
AERO_MAP_PAIR(get_by_index, remove_by_index, kMapGetByIndex, kMapRemoveByIndex, by_int,
              (std::string bin, int64_t index, ReturnType rt, const Context& ctx), AERO_ARGS(rt, index))
AERO_MAP_PAIR(get_by_index_range, remove_by_index_range, kMapGetByIndexRange, kMapRemoveByIndexRange,
              by_int,
              (std::string bin, int64_t index, std::optional<uint64_t> count, ReturnType rt,
               const Context& ctx),
              AERO_ARGS(rt, index, count))
AERO_MAP_PAIR(get_by_rank, remove_by_rank, kMapGetByRank, kMapRemoveByRank, by_int,
              (std::string bin, int64_t rank, ReturnType rt, const Context& ctx), AERO_ARGS(rt, rank))
AERO_MAP_PAIR(get_by_rank_range, remove_by_rank_range, kMapGetByRankRange, kMapRemoveByRankRange,
              by_int,
              (std::string bin, int64_t rank, std::optional<uint64_t> count, ReturnType rt,
               const Context& ctx),
              AERO_ARGS(rt, rank, count))

#undef AERO_ARGS
#undef AERO_MAP_PAIR

}  // namespace aero::cdt::map
