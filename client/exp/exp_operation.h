// Expression operations for operate (and batch operate): expression read (op 7) puts an
// expression's value into the answer under a name; expression write (op 8) stores it into a
// bin. Packed as the official clients pack them (C as_operations_exp_read/_write, Java
// ExpOperation): the op value is the msgpack list [expression, flags], particle type blob.
//
//   ops.push_back(aero::exp::exp_read("EV", aero::exp::build(add(int_bin("a"), 4))));
//   ops.push_back(aero::exp::exp_write("c", expr, aero::exp::write_flags::update_only));
//
// Server answers (aerospike-server exp/expop.c): an expression that evaluates to unknown
// fails the command with 26 unless eval_no_fail; create_only fails with 6 when the bin
// exists, update_only with 17 when it does not; a nil result deletes the bin only with
// allow_delete (else 26); policy_no_fail turns those refusals into no-ops.
//
// Threads: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "client/exp/expression.h"
#include "client/wire/request.h"

namespace aero::exp {

// Flags of exp_read.
namespace read_flags {
inline constexpr uint32_t none = 0;               // an unknown value fails the command with 26
inline constexpr uint32_t eval_no_fail = 1 << 4;  // an unknown value reads as nil
}  // namespace read_flags

// Flags of exp_write (bits; combine with |).
namespace write_flags {
inline constexpr uint32_t none = 0;                 // create or update the bin
inline constexpr uint32_t create_only = 1 << 0;     // fail with 6 when the bin exists
inline constexpr uint32_t update_only = 1 << 1;     // fail with 17 when the bin does not exist
inline constexpr uint32_t allow_delete = 1 << 2;    // a nil result deletes the bin
inline constexpr uint32_t policy_no_fail = 1 << 3;  // the refusals above become no-ops
inline constexpr uint32_t eval_no_fail = 1 << 4;    // an unknown value is a no-op, not 26
}  // namespace write_flags

// EXP_READ (op type 7): evaluates `e` (non-empty) on the server and answers its value under
// `name`, which need not be a bin. `flags`: read_flags.
wire::Operation exp_read(std::string name, const Expression& e, uint32_t flags = read_flags::none);
// EXP_MODIFY (op type 8): evaluates `e` (non-empty) and stores the value in bin `bin`.
// `flags`: write_flags.
wire::Operation exp_write(std::string bin, const Expression& e, uint32_t flags = write_flags::none);

}  // namespace aero::exp
