#include "client/exp/bit_exp.h"

#include "client/cdt/types.h"
#include "client/exp/call.h"

namespace aero::exp::bit {

using exp::detail::blob_read;
using exp::detail::kCallBits;
namespace op = cdt::opcode;

BlobExp get(const IntExp& o, const IntExp& s, const BlobExp& bin) {
  return blob_read<BlobExp>(kCallBits, op::kBitGet, {&o.packed(), &s.packed()}, bin);
}
IntExp count(const IntExp& o, const IntExp& s, const BlobExp& bin) {
  return blob_read<IntExp>(kCallBits, op::kBitCount, {&o.packed(), &s.packed()}, bin);
}
IntExp lscan(const IntExp& o, const IntExp& s, const BoolExp& v, const BlobExp& bin) {
  return blob_read<IntExp>(kCallBits, op::kBitLscan, {&o.packed(), &s.packed(), &v.packed()}, bin);
}
IntExp rscan(const IntExp& o, const IntExp& s, const BoolExp& v, const BlobExp& bin) {
  return blob_read<IntExp>(kCallBits, op::kBitRscan, {&o.packed(), &s.packed(), &v.packed()}, bin);
}
IntExp get_int(const IntExp& o, const IntExp& s, bool is_signed, const BlobExp& bin) {
  const std::string sign = exp::detail::pack_int(is_signed ? 1 : 0);
  return blob_read<IntExp>(kCallBits, op::kBitGetInt, {&o.packed(), &s.packed(), &sign}, bin);
}

}  // namespace aero::exp::bit
