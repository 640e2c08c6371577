// Reading the answers of list, map, bit and HLL operations out of a Record. The server
// answers each operation with one bin entry named after the op's bin, in op order (map, bit
// and HLL operations ask for an answer per op, so an op that produced nothing answers nil);
// several operations on one bin therefore give several entries of the same name, which
// Record::find would only show the first of.
//
// Threads: pure functions over a Record the caller keeps alive.
#pragma once

#include <string_view>
#include <vector>

#include "client/wire/value.h"

namespace aero::cdt {

// Every answer for `bin`, in the order of the operations that produced them.
std::vector<const wire::Value*> results(const wire::Record& record, std::string_view bin);

// The `n`th answer for `bin` (0-based), or nullptr when there are fewer.
const wire::Value* result(const wire::Record& record, std::string_view bin, size_t n);

}  // namespace aero::cdt
