// Bit operations on blob bins: typed builders for every bit operation the official clients
// offer (the C client's as_operations_bit_*). Offsets and sizes count bits unless named
// byte_*; negative offsets count from the end. Modify ops answer nothing (nil) except where
// noted; read ops answer a blob (get), an integer (count, scans, get_int).
//
// Threads: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "client/cdt/context.h"
#include "client/cdt/types.h"
#include "client/wire/request.h"

namespace aero::cdt::bit {

using wire::Operation;
// The bytes of a blob operand (a bit pattern, most significant bit of byte 0 first).
using Blob = std::vector<uint8_t>;

// RESIZE: make the blob `byte_size` bytes (BitResizeFlags: from front, grow/shrink only).
Operation resize(std::string bin, uint32_t byte_size, uint32_t resize_flags = kBitResizeDefault,
                 const BitPolicy& policy = {}, const Context& ctx = {});
// INSERT: insert `value` bytes at `byte_offset`.
Operation insert(std::string bin, int64_t byte_offset, Blob value, const BitPolicy& policy = {},
                 const Context& ctx = {});
// REMOVE: remove `byte_size` bytes at `byte_offset`.
Operation remove(std::string bin, int64_t byte_offset, uint32_t byte_size,
                 const BitPolicy& policy = {}, const Context& ctx = {});
// SET: overwrite `bit_size` bits at `bit_offset` with the leading bits of `value`.
Operation set(std::string bin, int64_t bit_offset, uint32_t bit_size, Blob value,
              const BitPolicy& policy = {}, const Context& ctx = {});
// OR (bit op 4): or the leading `bit_size` bits of `value` into the bits at `bit_offset`.
Operation bit_or(std::string bin, int64_t bit_offset, uint32_t bit_size, Blob value,
                 const BitPolicy& policy = {}, const Context& ctx = {});
// XOR (bit op 5): exclusive-or the leading `bit_size` bits of `value` into the bits at
// `bit_offset`.
Operation bit_xor(std::string bin, int64_t bit_offset, uint32_t bit_size, Blob value,
                  const BitPolicy& policy = {}, const Context& ctx = {});
// AND (bit op 6): and the leading `bit_size` bits of `value` into the bits at `bit_offset`.
Operation bit_and(std::string bin, int64_t bit_offset, uint32_t bit_size, Blob value,
                  const BitPolicy& policy = {}, const Context& ctx = {});
// NOT: invert `bit_size` bits at `bit_offset`.
Operation bit_not(std::string bin, int64_t bit_offset, uint32_t bit_size,
                  const BitPolicy& policy = {}, const Context& ctx = {});
// LSHIFT (bit op 8): shift the `bit_size` bits at `bit_offset` left by `shift`, filling
// with 0.
Operation lshift(std::string bin, int64_t bit_offset, uint32_t bit_size, uint32_t shift,
                 const BitPolicy& policy = {}, const Context& ctx = {});
// RSHIFT (bit op 9): shift the `bit_size` bits at `bit_offset` right by `shift`, filling
// with 0.
Operation rshift(std::string bin, int64_t bit_offset, uint32_t bit_size, uint32_t shift,
                 const BitPolicy& policy = {}, const Context& ctx = {});
// ADD (bit op 10): treat the `bit_size` (<= 64) bits as an integer (signed or not) and add
// `value`; `action` says what overflow does.
Operation add(std::string bin, int64_t bit_offset, uint32_t bit_size, int64_t value,
              bool is_signed, BitOverflowAction action, const BitPolicy& policy = {},
              const Context& ctx = {});
// SUBTRACT (bit op 11): as add, but subtract `value`; `action` says what underflow does.
Operation subtract(std::string bin, int64_t bit_offset, uint32_t bit_size, int64_t value,
                   bool is_signed, BitOverflowAction action, const BitPolicy& policy = {},
                   const Context& ctx = {});
// SET_INT: store `value` in the `bit_size` (<= 64) bits at `bit_offset`.
Operation set_int(std::string bin, int64_t bit_offset, uint32_t bit_size, int64_t value,
                  const BitPolicy& policy = {}, const Context& ctx = {});

// GET: the `bit_size` bits at `bit_offset`, as a blob.
Operation get(std::string bin, int64_t bit_offset, uint32_t bit_size, const Context& ctx = {});
// COUNT: how many of those bits are 1.
Operation count(std::string bin, int64_t bit_offset, uint32_t bit_size, const Context& ctx = {});
// LSCAN (bit op 52): the offset, from the start of the range, of the first bit equal to
// `value` scanning left to right, or -1.
Operation lscan(std::string bin, int64_t bit_offset, uint32_t bit_size, bool value,
                const Context& ctx = {});
// RSCAN (bit op 53): the offset, from the start of the range, of the last bit equal to
// `value` (the first found scanning right to left), or -1.
Operation rscan(std::string bin, int64_t bit_offset, uint32_t bit_size, bool value,
                const Context& ctx = {});
// GET_INT: the `bit_size` (<= 64) bits as an integer.
Operation get_int(std::string bin, int64_t bit_offset, uint32_t bit_size, bool is_signed = false,
                  const Context& ctx = {});

}  // namespace aero::cdt::bit
