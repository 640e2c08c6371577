// The 8.1 CDT path "select" operation (CDT op code 0xfe in op types 3 and 4): walk a list or
// map bin down a context path whose levels may be "all children matching an expression"
// (context type 4), then answer the selected elements (read) or replace each one with the value
// of an expression, or remove it (modify). Semantics learned from the real 8.1.2 server's
// answers in test/captures/operations/{list,map}_basics and the op layout from aerospike-server
// as/src/base/cdt.h (AS_CDT_OP_SELECT, as_cdt_select_flags) and aerospike-client-c
// (as_cdt_ctx.c: AS_CDT_CTX_EXP; as_exp.h var_builtin_*).
//
// Request value: [0xfe, [ctx_type, ctx_value, ...], flags] for a read, and
// [0xfe, [ctx...], flags, apply_exp] for a modify. flags: low nibble the return type (0 tree,
// 1 leaf values, 2 leaf map keys, 3 leaf [key, value] pairs flattened, 4 apply: modify only),
// 0x10 no-fail (skip elements an expression cannot evaluate instead of failing).
//
// Pure functions of their arguments; any thread (callers hold the record's lock).
#pragma once

#include <cstddef>
#include <cstdint>

#include "test/server/cdt/cdt_ops.h"
#include "test/server/exp/exp.h"

namespace aero::testserver::exp {

// True if a CDT op's value bytes are a "select" op ([0xfe, ...]).
bool is_select_op(const uint8_t* data, size_t size);

// Applies a select op (`op_type` 3 read, 4 modify) to `bin`; expressions see `ctx` (the
// record) plus the element being tested. On failure `bin` is untouched. Returns a result code:
// 4 a malformed request, or (without no-fail) an expression that cannot evaluate on an element;
// 12 the bin is not a list/map; 26 (without no-fail) a path level on a value of the wrong type.
uint8_t apply_select(uint8_t op_type, const uint8_t* data, size_t size, const Context& ctx,
                     cdt::BinData* bin, cdt::Answer* out);

}  // namespace aero::testserver::exp
