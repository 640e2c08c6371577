// Map read expressions: the map operations' read side as expression nodes, on a map bin or
// any map-valued expression, optionally inside a nested collection (a Context). The C
// client's as_exp_map_* reads (as_exp.h) are the checklist and give the byte layout:
// [127, result type, 0, [op, return type, args...], map] (see call.h).
//
//   using namespace aero::exp;
//   using aero::cdt::ReturnType;
//   // records whose map bin "y" has no key "key_not"
//   Filter f = filter(eq(map::get_by_key<ReturnType::kCount>(str_val("key_not"), map_bin("y")),
//   0));
//   // the value at key "age" as an integer
//   IntExp age = map::get_by_key<ReturnType::kValue, Type::integer>(str_val("age"), map_bin("m"));
//
// Result types follow the return type (ReturnType, client/cdt/types.h): kCount -> IntExp,
// kExists -> BoolExp, kKeyValue / kUnorderedMap / kOrderedMap -> MapExp, kIndex/kRank (and
// reverse) -> IntExp for one entry, ListExp for a selection; kKey and kValue -> ListExp for a
// selection, and for one entry (by key, by index, by rank) the Exp type named by the second
// template argument. kNone does not compile. kInverted may be ORed onto any of them.
//
// On the server: a missing bin, a bin or context step of another type, or an entry that
// does not exist where one is required make the expression "unknown".
//
// Threads: pure functions.
#pragma once

#include <cstdint>

#include "client/cdt/context.h"
#include "client/cdt/types.h"
#include "client/exp/call.h"
#include "client/exp/exp.h"

namespace aero::exp::map {

using cdt::Context;
using cdt::ReturnType;

template <ReturnType R>
concept Multi = exp::detail::map_result(R, false, Type::any) != Type::any;
template <ReturnType R, Type V>
concept Single = exp::detail::map_result(R, true, V) != Type::any;
// The Exp type a map selector of several elements answers for return type R.
template <ReturnType R>
using MultiExp = Exp<exp::detail::map_result(R, false, Type::any)>;
// The Exp type a single-entry map selector answers for return type R, V being the type of
// the key (kKey) or value (kValue) it answers.
template <ReturnType R, Type V>
using SingleExp = Exp<exp::detail::map_result(R, true, V)>;

// SIZE: the number of entries (of the collection `ctx` leads to, when one is given).
IntExp size(const ListExp& bin, const Context& ctx = {});
IntExp size(const MapExp& bin, const Context& ctx = {});

// GET_BY_KEY: the entry with `key`; with kKey/kValue its type is V.
template <ReturnType R, Type V = Type::any, Type K, Type C>
  requires Single<R, V> && exp::detail::Collection<C>
SingleExp<R, V> get_by_key(const Exp<K>& key, const Exp<C>& bin, const Context& ctx = {}) {
  return exp::detail::cdt_read<SingleExp<R, V>>(ctx, cdt::opcode::kMapGetByKey, R,
    {&key.packed()}, bin);
}

// GET_BY_KEY_INTERVAL: the entries with keys in [begin, end); nil() as `end`: no upper
// bound.
template <ReturnType R, Type B, Type E, Type C>
  requires Multi<R> && exp::detail::Collection<C>
MultiExp<R> get_by_key_range(const Exp<B>& begin, const Exp<E>& end, const Exp<C>& bin,
                             const Context& ctx = {}) {
  return exp::detail::cdt_read<MultiExp<R>>(ctx, cdt::opcode::kMapGetByKeyInterval, R,
    {&begin.packed(), &end.packed()}, bin);
}

// GET_BY_KEY_LIST: the entries whose key is an item of `keys`.
template <ReturnType R, Type C>
  requires Multi<R> && exp::detail::Collection<C>
MultiExp<R> get_by_key_list(const ListExp& keys, const Exp<C>& bin, const Context& ctx = {}) {
  return exp::detail::cdt_read<MultiExp<R>>(ctx, cdt::opcode::kMapGetByKeyList, R,
    {&keys.packed()}, bin);
}

// GET_BY_KEY_REL_INDEX_RANGE: the entries from `index` positions after `key` (in key
// order) to the end.
template <ReturnType R, Type K, Type C>
  requires Multi<R> && exp::detail::Collection<C>
MultiExp<R> get_by_key_rel_index_range(const Exp<K>& key, const IntExp& index, const Exp<C>& bin,
                                       const Context& ctx = {}) {
  return exp::detail::cdt_read<MultiExp<R>>(ctx, cdt::opcode::kMapGetByKeyRelIndexRange, R,
    {&key.packed(), &index.packed()}, bin);
}

// Same, `count` entries.
template <ReturnType R, Type K, Type C>
  requires Multi<R> && exp::detail::Collection<C>
MultiExp<R> get_by_key_rel_index_range(const Exp<K>& key, const IntExp& index, const IntExp& count,
                                       const Exp<C>& bin, const Context& ctx = {}) {
  return exp::detail::cdt_read<MultiExp<R>>(ctx, cdt::opcode::kMapGetByKeyRelIndexRange, R,
    {&key.packed(), &index.packed(), &count.packed()}, bin);
}

// GET_BY_VALUE: the entries whose value equals `value`.
template <ReturnType R, Type V, Type C>
  requires Multi<R> && exp::detail::Collection<C>
MultiExp<R> get_by_value(const Exp<V>& value, const Exp<C>& bin, const Context& ctx = {}) {
  return exp::detail::cdt_read<MultiExp<R>>(ctx, cdt::opcode::kMapGetByValue, R,
    {&value.packed()}, bin);
}

// GET_BY_VALUE_INTERVAL: the entries with values in [begin, end); nil() as `end`: no upper
// bound.
template <ReturnType R, Type B, Type E, Type C>
  requires Multi<R> && exp::detail::Collection<C>
MultiExp<R> get_by_value_range(const Exp<B>& begin, const Exp<E>& end, const Exp<C>& bin,
                               const Context& ctx = {}) {
  return exp::detail::cdt_read<MultiExp<R>>(ctx, cdt::opcode::kMapGetByValueInterval, R,
    {&begin.packed(), &end.packed()}, bin);
}

// GET_BY_VALUE_LIST: the entries whose value is an item of `values`.
template <ReturnType R, Type C>
  requires Multi<R> && exp::detail::Collection<C>
MultiExp<R> get_by_value_list(const ListExp& values, const Exp<C>& bin, const Context& ctx = {}) {
  return exp::detail::cdt_read<MultiExp<R>>(ctx, cdt::opcode::kMapGetByValueList, R,
    {&values.packed()}, bin);
}

// GET_BY_VALUE_REL_RANK_RANGE: the entries from the one `rank` away from `value` (in value
// order) to the largest.
template <ReturnType R, Type V, Type C>
  requires Multi<R> && exp::detail::Collection<C>
MultiExp<R> get_by_value_rel_rank_range(const Exp<V>& value, const IntExp& rank, const Exp<C>& bin,
                                        const Context& ctx = {}) {
  return exp::detail::cdt_read<MultiExp<R>>(ctx, cdt::opcode::kMapGetByValueRelRankRange, R,
    {&value.packed(), &rank.packed()}, bin);
}

// Same, `count` entries.
template <ReturnType R, Type V, Type C>
  requires Multi<R> && exp::detail::Collection<C>
MultiExp<R> get_by_value_rel_rank_range(const Exp<V>& value, const IntExp& rank,
                                        const IntExp& count, const Exp<C>& bin,
                                        const Context& ctx = {}) {
  return exp::detail::cdt_read<MultiExp<R>>(ctx, cdt::opcode::kMapGetByValueRelRankRange, R,
    {&value.packed(), &rank.packed(), &count.packed()}, bin);
}

// GET_BY_INDEX: the entry at key-order `index`; with kKey/kValue its type is V.
template <ReturnType R, Type V = Type::any, Type C>
  requires Single<R, V> && exp::detail::Collection<C>
SingleExp<R, V> get_by_index(const IntExp& index, const Exp<C>& bin, const Context& ctx = {}) {
  return exp::detail::cdt_read<SingleExp<R, V>>(ctx, cdt::opcode::kMapGetByIndex, R,
    {&index.packed()}, bin);
}

// GET_BY_INDEX_RANGE: the entries from key-order `index` to the end.
template <ReturnType R, Type C>
  requires Multi<R> && exp::detail::Collection<C>
MultiExp<R> get_by_index_range(const IntExp& index, const Exp<C>& bin, const Context& ctx = {}) {
  return exp::detail::cdt_read<MultiExp<R>>(ctx, cdt::opcode::kMapGetByIndexRange, R,
    {&index.packed()}, bin);
}

// Same, `count` entries.
template <ReturnType R, Type C>
  requires Multi<R> && exp::detail::Collection<C>
MultiExp<R> get_by_index_range(const IntExp& index, const IntExp& count, const Exp<C>& bin,
                               const Context& ctx = {}) {
  return exp::detail::cdt_read<MultiExp<R>>(ctx, cdt::opcode::kMapGetByIndexRange, R,
    {&index.packed(), &count.packed()}, bin);
}

// GET_BY_RANK: the entry of value `rank` (0 smallest, -1 largest); with kKey/kValue its type is V.
template <ReturnType R, Type V = Type::any, Type C>
  requires Single<R, V> && exp::detail::Collection<C>
SingleExp<R, V> get_by_rank(const IntExp& rank, const Exp<C>& bin, const Context& ctx = {}) {
  return exp::detail::cdt_read<SingleExp<R, V>>(ctx, cdt::opcode::kMapGetByRank, R,
    {&rank.packed()}, bin);
}

// GET_BY_RANK_RANGE: the entries from value `rank` to the largest.
template <ReturnType R, Type C>
  requires Multi<R> && exp::detail::Collection<C>
MultiExp<R> get_by_rank_range(const IntExp& rank, const Exp<C>& bin, const Context& ctx = {}) {
  return exp::detail::cdt_read<MultiExp<R>>(ctx, cdt::opcode::kMapGetByRankRange, R,
    {&rank.packed()}, bin);
}

// Same, `count` entries.
template <ReturnType R, Type C>
  requires Multi<R> && exp::detail::Collection<C>
MultiExp<R> get_by_rank_range(const IntExp& rank, const IntExp& count, const Exp<C>& bin,
                              const Context& ctx = {}) {
  return exp::detail::cdt_read<MultiExp<R>>(ctx, cdt::opcode::kMapGetByRankRange, R,
    {&rank.packed(), &count.packed()}, bin);
}

}  // namespace aero::exp::map
