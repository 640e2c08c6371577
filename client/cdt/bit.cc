// Byte layouts follow aerospike-client-c as_bit_operations.c and the server's
// particle_blob.c; test/cdt checks every one against test/captures/operations/bit.
#include "client/cdt/bit.h"

#include <utility>

#include "client/cdt/pack.h"

namespace aero::cdt::bit {
namespace {

using wire::OpType;
namespace oc = opcode;

Operation modify(Packer& p, std::string bin) { return p.finish(OpType::kBitModify, std::move(bin)); }
Operation read(Packer& p, std::string bin) { return p.finish(OpType::kBitRead, std::move(bin)); }

// [op, offset, size, blob, flags]
Operation with_blob(std::string bin, uint32_t code, int64_t off, uint32_t size, const Blob& v,
                    const BitPolicy& policy, const Context& ctx) {
  Packer p;
  p.begin(ctx, code, 4);
  p.integer(off);
  p.integer(size);
  p.blob(v);
  p.integer(policy.flags);
  return modify(p, std::move(bin));
}

// [op, offset, size, n, flags]
Operation with_int(std::string bin, uint32_t code, int64_t off, uint32_t size, int64_t n,
                   const BitPolicy& policy, const Context& ctx) {
  Packer p;
  p.begin(ctx, code, 4);
  p.integer(off);
  p.integer(size);
  p.integer(n);
  p.integer(policy.flags);
  return modify(p, std::move(bin));
}

// [op, offset, size, value, flags, signed | action]
Operation math(std::string bin, uint32_t code, int64_t off, uint32_t size, int64_t value,
               bool is_signed, BitOverflowAction action, const BitPolicy& policy,
               const Context& ctx) {
  Packer p;
  p.begin(ctx, code, 5);
  p.integer(off);
  p.integer(size);
  p.integer(value);
  p.integer(policy.flags);
  p.integer(static_cast<int64_t>(action) | (is_signed ? 1 : 0));
  return modify(p, std::move(bin));
}

// [op, offset, size]
Operation range_read(std::string bin, uint32_t code, int64_t off, uint32_t size,
                     const Context& ctx) {
  Packer p;
  p.begin(ctx, code, 2);
  p.integer(off);
  p.integer(size);
  return read(p, std::move(bin));
}

Operation scan(std::string bin, uint32_t code, int64_t off, uint32_t size, bool value,
               const Context& ctx) {
  Packer p;
  p.begin(ctx, code, 3);
  p.integer(off);
  p.integer(size);
  p.value(wire::Value(value));
  return read(p, std::move(bin));
}

}  // namespace

Operation resize(std::string bin, uint32_t byte_size, uint32_t resize_flags,
                 const BitPolicy& policy, const Context& ctx) {
  Packer p;
  p.begin(ctx, oc::kBitResize, 3);
  p.integer(byte_size);
  p.integer(policy.flags);
  p.integer(resize_flags);
  return modify(p, std::move(bin));
}

Operation insert(std::string bin, int64_t byte_offset, Blob value, const BitPolicy& policy,
                 const Context& ctx) {
  Packer p;
  p.begin(ctx, oc::kBitInsert, 3);
  p.integer(byte_offset);
  p.blob(value);
  p.integer(policy.flags);
  return modify(p, std::move(bin));
}

Operation remove(std::string bin, int64_t byte_offset, uint32_t byte_size,
                 const BitPolicy& policy, const Context& ctx) {
  Packer p;
  p.begin(ctx, oc::kBitRemove, 3);
  p.integer(byte_offset);
  p.integer(byte_size);
  p.integer(policy.flags);
  return modify(p, std::move(bin));
}

Operation set(std::string bin, int64_t off, uint32_t size, Blob value, const BitPolicy& policy,
              const Context& ctx) {
  return with_blob(std::move(bin), oc::kBitSet, off, size, value, policy, ctx);
}
Operation bit_or(std::string bin, int64_t off, uint32_t size, Blob value, const BitPolicy& policy,
                 const Context& ctx) {
  return with_blob(std::move(bin), oc::kBitOr, off, size, value, policy, ctx);
}
Operation bit_xor(std::string bin, int64_t off, uint32_t size, Blob value,
                  const BitPolicy& policy, const Context& ctx) {
  return with_blob(std::move(bin), oc::kBitXor, off, size, value, policy, ctx);
}
Operation bit_and(std::string bin, int64_t off, uint32_t size, Blob value,
                  const BitPolicy& policy, const Context& ctx) {
  return with_blob(std::move(bin), oc::kBitAnd, off, size, value, policy, ctx);
}

Operation bit_not(std::string bin, int64_t off, uint32_t size, const BitPolicy& policy,
                  const Context& ctx) {
  Packer p;
  p.begin(ctx, oc::kBitNot, 3);
  p.integer(off);
  p.integer(size);
  p.integer(policy.flags);
  return modify(p, std::move(bin));
}

Operation lshift(std::string bin, int64_t off, uint32_t size, uint32_t shift,
                 const BitPolicy& policy, const Context& ctx) {
  return with_int(std::move(bin), oc::kBitLshift, off, size, shift, policy, ctx);
}
Operation rshift(std::string bin, int64_t off, uint32_t size, uint32_t shift,
                 const BitPolicy& policy, const Context& ctx) {
  return with_int(std::move(bin), oc::kBitRshift, off, size, shift, policy, ctx);
}

Operation add(std::string bin, int64_t off, uint32_t size, int64_t value, bool is_signed,
              BitOverflowAction action, const BitPolicy& policy, const Context& ctx) {
  return math(std::move(bin), oc::kBitAdd, off, size, value, is_signed, action, policy, ctx);
}
Operation subtract(std::string bin, int64_t off, uint32_t size, int64_t value, bool is_signed,
                   BitOverflowAction action, const BitPolicy& policy, const Context& ctx) {
  return math(std::move(bin), oc::kBitSubtract, off, size, value, is_signed, action, policy, ctx);
}
Operation set_int(std::string bin, int64_t off, uint32_t size, int64_t value,
                  const BitPolicy& policy, const Context& ctx) {
  return with_int(std::move(bin), oc::kBitSetInt, off, size, value, policy, ctx);
}

Operation get(std::string bin, int64_t off, uint32_t size, const Context& ctx) {
  return range_read(std::move(bin), oc::kBitGet, off, size, ctx);
}
Operation count(std::string bin, int64_t off, uint32_t size, const Context& ctx) {
  return range_read(std::move(bin), oc::kBitCount, off, size, ctx);
}
Operation lscan(std::string bin, int64_t off, uint32_t size, bool value, const Context& ctx) {
  return scan(std::move(bin), oc::kBitLscan, off, size, value, ctx);
}
Operation rscan(std::string bin, int64_t off, uint32_t size, bool value, const Context& ctx) {
  return scan(std::move(bin), oc::kBitRscan, off, size, value, ctx);
}
Operation get_int(std::string bin, int64_t off, uint32_t size, bool is_signed,
                  const Context& ctx) {
  Packer p;
  p.begin(ctx, oc::kBitGetInt, is_signed ? 3 : 2);
  p.integer(off);
  p.integer(size);
  if (is_signed) p.integer(1);
  return read(p, std::move(bin));
}

}  // namespace aero::cdt::bit
