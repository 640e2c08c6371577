// Path "select" operations (Aerospike server 8.1+, CDT op code 0xfe): walk a list or map bin
// down a context path whose levels may select every child (Context::all_children) or every
// child an expression accepts (Context::all_children_with_filter; the filter sees the element
// through client/exp/path_exp.h's element_value/element_key/element_index), then read what was
// selected or change each selected element. Wire layout from aerospike-server cdt.h
// (AS_CDT_OP_SELECT, as_cdt_select_flags) and the requests an official client sent to a real
// 8.1.2 server (test/captures/operations/{list,map}_basics).
//
//   // the titles of books priced at most 10, as [key, value, ...]
//   auto filter = exp::build(exp::le(exp::map::get_by_key<ReturnType::kValue, exp::Type::floating>(
//       exp::str_val("price"), exp::element_value<exp::Type::map>()), 10.0));
//   ops.push_back(cdt::select_by_path("bin", Context().all_children()
//       .all_children_with_filter(filter).all_children_with_filter(is_title),
//       select_flags::kMapKeyValues));
//
// Results: select_by_path answers one list (or, for kTree, the bin's shape with only the
// selected branches); modify_by_path answers nothing.
//
// Threads: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "client/cdt/context.h"
#include "client/exp/expression.h"
#include "client/wire/request.h"

namespace aero::cdt {

// The select flags: one return type (low nibble) ORed with kNoFail.
namespace select_flags {
inline constexpr uint32_t kTree = 0;          // the containers' shape, selected branches only
inline constexpr uint32_t kValues = 1;        // a list of the selected values
inline constexpr uint32_t kMapKeys = 2;       // a list of the selected map entries' keys
inline constexpr uint32_t kMapKeyValues = 3;  // a flat list key, value, key, value, ...
inline constexpr uint32_t kApply = 4;         // modify_by_path's (set by the builder)
// Skip elements a filter or the apply expression cannot evaluate (another type, missing
// key) instead of failing the command (the server answers 4 without it).
inline constexpr uint32_t kNoFail = 0x10;
}  // namespace select_flags

// SELECT (read, op type CDT read): [0xfe, ctx, flags]. `flags` is one of kTree, kValues,
// kMapKeys, kMapKeyValues, optionally | kNoFail.
wire::Operation select_by_path(std::string bin, const Context& ctx, uint32_t flags);

// SELECT with AS_CDT_SELECT_APPLY (modify, op type CDT modify): [0xfe, ctx, 4 | no-fail,
// apply]: replaces each selected element with `apply`'s value (an expression over
// element_value/key/index), or removes it when `apply` is exp::remove_result(). Lists the
// server keeps ordered are re-sorted. `ctx` must not be empty.
wire::Operation modify_by_path(std::string bin, const Context& ctx, const exp::Expression& apply,
                               bool no_fail = false);

}  // namespace aero::cdt
