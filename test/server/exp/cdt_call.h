// The list/map side of the expression `call` (system 0, and 0x40 for modify-local): runs a
// collection operation on a list or map value with the same code the record operations use
// (test/server/cdt/cdt_ops.h), as the server's eval_call hands the op to
// as_bin_cdt_read_exp / as_bin_cdt_modify_exp (aerospike-server as/src/base/exp.c).
//
// Pure functions; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace aero::testserver::exp {

// Runs the packed op `op` ([op, args...] or [0xff, ctx, [op, args...]]) on `bin`, a list
// (particle 20) or map (19) value in its stored form. A read answers the op's result; a
// modify answers the changed collection (the bin itself is not touched). `*out_particle` 0
// means the answer is nil. False when the server would make the call "unknown": the op
// fails (wrong collection type, bad arguments, a context that does not resolve).
bool cdt_call(bool modify, uint8_t particle, std::string_view bin, std::string_view op,
              uint8_t* out_particle, std::string* out);

}  // namespace aero::testserver::exp
