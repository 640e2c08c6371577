// Internal to the list/map/bit/HLL read expressions (list_exp.h, map_exp.h, bit_exp.h,
// hll_exp.h): the server's `call` node and the result typing of "get by" selectors.
//
//   [127, result type, system, op, bin]
//
// where `op` is the packed collection operation exactly as the operation builders pack it
// (client/cdt/pack.h: [op, args...], or [0xff, ctx, [op, args...]] with a context) except
// that every argument is an expression, and `system` is 0 for lists and maps, 1 for bits,
// 2 for HLL (aerospike-server as/src/base/exp.c build_call / parse_op_call; the C client's
// as_exp.h _AS_EXP_CDT_LIST_READ and friends encode the same).
//
// Threads: pure functions.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "client/cdt/context.h"
#include "client/cdt/types.h"
#include "client/exp/exp.h"

namespace aero::exp::detail {

inline constexpr int kCallCdt = 0;
inline constexpr int kCallBits = 1;
inline constexpr int kCallHll = 2;

// [127, result, system, ctx-framed [op, args...], bin].
std::string pack_call(Type result, int system, const cdt::Context& ctx, uint32_t op,
                      const std::vector<const std::string*>& args, const std::string& bin);

// A return type as the msgpack integer the operation carries.
std::string pack_return_type(cdt::ReturnType rt);

// What a list or map read runs on: a list or map (a context may lead from either to the
// collection the read acts on; without one the server answers "unknown" for the wrong kind).
template <Type C>
concept Collection = C == Type::list || C == Type::map;

// A list/map read: [127, Out's type, 0, [op, return type, args...], bin].
template <class Out, Type B>
Out cdt_read(const cdt::Context& ctx, uint32_t op, cdt::ReturnType rt,
             std::initializer_list<const std::string*> args, const Exp<B>& bin) {
  const std::string r = pack_return_type(rt);
  std::vector<const std::string*> all{&r};
  all.insert(all.end(), args.begin(), args.end());
  return Out::from_packed(pack_call(Out::kType, kCallCdt, ctx, op, all, bin.packed()));
}

// A bit or HLL read (no return type): [127, result, system, [op, args...], bin].
template <class Out, Type B>
Out blob_read(int system, uint32_t op, std::initializer_list<const std::string*> args,
              const Exp<B>& bin) {
  return Out::from_packed(pack_call(Out::kType, system, cdt::Context(), op,
                                    std::vector<const std::string*>(args), bin.packed()));
}

constexpr uint32_t base_return(cdt::ReturnType r) {
  return static_cast<uint32_t>(r) & ~static_cast<uint32_t>(cdt::ReturnType::kInverted);
}

// The result type of a list selector (the C client's as_exp_get_list_type); Type::any when
// the return type is not one a list read answers (nor an inverted single selector). `single`: selects one element (by index, by
// rank), whose value is of type `value`.
constexpr Type list_result(cdt::ReturnType r, bool single, Type value) {
  using R = cdt::ReturnType;
  // The server refuses (26) an inverted single-element list selector: it does not compile.
  if (single && (static_cast<uint32_t>(r) & static_cast<uint32_t>(R::kInverted)) != 0) {
    return Type::any;
  }
  switch (static_cast<R>(base_return(r))) {
    case R::kIndex:
    case R::kReverseIndex:
    case R::kRank:
    case R::kReverseRank:
      return single ? Type::integer : Type::list;
    case R::kCount:
      return Type::integer;
    case R::kValue:
      return single ? value : Type::list;
    case R::kExists:
      return Type::boolean;
    default:
      return Type::any;
  }
}

// The result type of a map selector (as_exp_get_map_type): like lists, plus keys (one or a
// list) and key/value results (a map).
constexpr Type map_result(cdt::ReturnType r, bool single, Type value) {
  using R = cdt::ReturnType;
  // An inverted single map selector selects every other entry: a selection.
  single = single && (static_cast<uint32_t>(r) & static_cast<uint32_t>(R::kInverted)) == 0;
  switch (static_cast<R>(base_return(r))) {
    case R::kKey:
      return single ? value : Type::list;
    case R::kKeyValue:
    case R::kUnorderedMap:
    case R::kOrderedMap:
      return Type::map;
    default:
      return list_result(r, single, value);
  }
}

}  // namespace aero::exp::detail
