// List read expressions: the list operations' read side as expression nodes, on a list bin
// or on any list-valued expression, optionally inside a nested collection (a Context). The
// C client's as_exp_list_* reads (as_exp.h) are the checklist and give the byte layout:
// [127, result type, 0, [op, return type, args...], list] (see call.h).
//
//   using namespace aero::exp;
//   using aero::cdt::ReturnType;
//   // records whose list bin "x" holds "x2" at least once
//   Filter f = filter(gt(list::get_by_value<ReturnType::kCount>(str_val("x2"), list_bin("x")), 0));
//   // the first element of the list at map key "rooms", as a string
//   StrExp s = list::get_by_index<ReturnType::kValue, Type::string>(
//       0, map_bin("m"), aero::cdt::Context().map_key("rooms"));
//
// Result types follow the return type (ReturnType, client/cdt/types.h): kCount -> IntExp,
// kExists -> BoolExp, kIndex/kRank (and reverse) -> IntExp for one element, ListExp for a
// selection; kValue -> ListExp for a selection, and for one element (by index, by rank) the
// Exp type named by the second template argument. Return types a list read cannot answer
// (kNone, kKey, map results) do not compile. kInverted may be ORed onto any of them.
//
// On the server: a missing bin, a bin or context step of another type, or an index out of
// range make the expression "unknown" (the filter does not match).
//
// Threads: pure functions.
#pragma once

#include <cstdint>

#include "client/cdt/context.h"
#include "client/cdt/types.h"
#include "client/exp/call.h"
#include "client/exp/exp.h"

namespace aero::exp::list {

using cdt::Context;
using cdt::ReturnType;

template <ReturnType R>
concept Multi = exp::detail::list_result(R, false, Type::any) != Type::any;
template <ReturnType R, Type V>
concept Single = exp::detail::list_result(R, true, V) != Type::any;
// The Exp type a list selector of several elements answers for return type R.
template <ReturnType R>
using MultiExp = Exp<exp::detail::list_result(R, false, Type::any)>;
// The Exp type a single-element list selector answers for return type R, V being the element's
// value type (used for kValue).
template <ReturnType R, Type V>
using SingleExp = Exp<exp::detail::list_result(R, true, V)>;

// SIZE: the number of elements (of the collection `ctx` leads to, when one is given).
IntExp size(const ListExp& bin, const Context& ctx = {});
IntExp size(const MapExp& bin, const Context& ctx = {});

// GET_BY_VALUE: the elements equal to `value`.
template <ReturnType R, Type V, Type C>
  requires Multi<R> && exp::detail::Collection<C>
MultiExp<R> get_by_value(const Exp<V>& value, const Exp<C>& bin, const Context& ctx = {}) {
  return exp::detail::cdt_read<MultiExp<R>>(ctx, cdt::opcode::kListGetByValue, R,
    {&value.packed()}, bin);
}

// GET_BY_VALUE_INTERVAL: the elements with values in [begin, end); nil() as `end`: no upper
// bound.
template <ReturnType R, Type B, Type E, Type C>
  requires Multi<R> && exp::detail::Collection<C>
MultiExp<R> get_by_value_range(const Exp<B>& begin, const Exp<E>& end, const Exp<C>& bin,
                               const Context& ctx = {}) {
  return exp::detail::cdt_read<MultiExp<R>>(ctx, cdt::opcode::kListGetByValueInterval, R,
    {&begin.packed(), &end.packed()}, bin);
}

// GET_BY_VALUE_LIST: the elements whose value is an item of `values`.
template <ReturnType R, Type C>
  requires Multi<R> && exp::detail::Collection<C>
MultiExp<R> get_by_value_list(const ListExp& values, const Exp<C>& bin, const Context& ctx = {}) {
  return exp::detail::cdt_read<MultiExp<R>>(ctx, cdt::opcode::kListGetByValueList, R,
    {&values.packed()}, bin);
}

// GET_BY_VALUE_REL_RANK_RANGE: the elements from the one `rank` away from `value` (in value
// order) to the largest.
template <ReturnType R, Type V, Type C>
  requires Multi<R> && exp::detail::Collection<C>
MultiExp<R> get_by_value_rel_rank_range(const Exp<V>& value, const IntExp& rank, const Exp<C>& bin,
                                        const Context& ctx = {}) {
  return exp::detail::cdt_read<MultiExp<R>>(ctx, cdt::opcode::kListGetByValueRelRankRange, R,
    {&value.packed(), &rank.packed()}, bin);
}

// Same, `count` elements.
template <ReturnType R, Type V, Type C>
  requires Multi<R> && exp::detail::Collection<C>
MultiExp<R> get_by_value_rel_rank_range(const Exp<V>& value, const IntExp& rank,
                                        const IntExp& count, const Exp<C>& bin,
                                        const Context& ctx = {}) {
  return exp::detail::cdt_read<MultiExp<R>>(ctx, cdt::opcode::kListGetByValueRelRankRange, R,
    {&value.packed(), &rank.packed(), &count.packed()}, bin);
}

// GET_BY_INDEX: the element at `index`; with kValue its type is V.
template <ReturnType R, Type V = Type::any, Type C>
  requires Single<R, V> && exp::detail::Collection<C>
SingleExp<R, V> get_by_index(const IntExp& index, const Exp<C>& bin, const Context& ctx = {}) {
  return exp::detail::cdt_read<SingleExp<R, V>>(ctx, cdt::opcode::kListGetByIndex, R,
    {&index.packed()}, bin);
}

// GET_BY_INDEX_RANGE: the elements from `index` to the end.
template <ReturnType R, Type C>
  requires Multi<R> && exp::detail::Collection<C>
MultiExp<R> get_by_index_range(const IntExp& index, const Exp<C>& bin, const Context& ctx = {}) {
  return exp::detail::cdt_read<MultiExp<R>>(ctx, cdt::opcode::kListGetByIndexRange, R,
    {&index.packed()}, bin);
}

// Same, `count` elements.
template <ReturnType R, Type C>
  requires Multi<R> && exp::detail::Collection<C>
MultiExp<R> get_by_index_range(const IntExp& index, const IntExp& count, const Exp<C>& bin,
                               const Context& ctx = {}) {
  return exp::detail::cdt_read<MultiExp<R>>(ctx, cdt::opcode::kListGetByIndexRange, R,
    {&index.packed(), &count.packed()}, bin);
}

// GET_BY_RANK: the element of `rank` (0 smallest, -1 largest); with kValue its type is V.
template <ReturnType R, Type V = Type::any, Type C>
  requires Single<R, V> && exp::detail::Collection<C>
SingleExp<R, V> get_by_rank(const IntExp& rank, const Exp<C>& bin, const Context& ctx = {}) {
  return exp::detail::cdt_read<SingleExp<R, V>>(ctx, cdt::opcode::kListGetByRank, R,
    {&rank.packed()}, bin);
}

// GET_BY_RANK_RANGE: the elements from `rank` to the largest.
template <ReturnType R, Type C>
  requires Multi<R> && exp::detail::Collection<C>
MultiExp<R> get_by_rank_range(const IntExp& rank, const Exp<C>& bin, const Context& ctx = {}) {
  return exp::detail::cdt_read<MultiExp<R>>(ctx, cdt::opcode::kListGetByRankRange, R,
    {&rank.packed()}, bin);
}

// Same, `count` elements.
template <ReturnType R, Type C>
  requires Multi<R> && exp::detail::Collection<C>
MultiExp<R> get_by_rank_range(const IntExp& rank, const IntExp& count, const Exp<C>& bin,
                              const Context& ctx = {}) {
  return exp::detail::cdt_read<MultiExp<R>>(ctx, cdt::opcode::kListGetByRankRange, R,
    {&rank.packed(), &count.packed()}, bin);
}

}  // namespace aero::exp::list
