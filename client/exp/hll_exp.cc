#include "client/exp/hll_exp.h"

#include "client/cdt/types.h"
#include "client/exp/call.h"

namespace aero::exp::hll {

using exp::detail::blob_read;
using exp::detail::kCallHll;
namespace op = cdt::opcode;

namespace detail {
HllExp get_union(const std::string& hlls, const HllExp& bin) {
  return blob_read<HllExp>(kCallHll, op::kHllUnion, {&hlls}, bin);
}
IntExp union_count(const std::string& hlls, const HllExp& bin) {
  return blob_read<IntExp>(kCallHll, op::kHllUnionCount, {&hlls}, bin);
}
IntExp intersect_count(const std::string& hlls, const HllExp& bin) {
  return blob_read<IntExp>(kCallHll, op::kHllIntersectCount, {&hlls}, bin);
}
FloatExp similarity(const std::string& hlls, const HllExp& bin) {
  return blob_read<FloatExp>(kCallHll, op::kHllSimilarity, {&hlls}, bin);
}
}  // namespace detail

IntExp count(const HllExp& bin) { return blob_read<IntExp>(kCallHll, op::kHllCount, {}, bin); }
ListExp describe(const HllExp& bin) {
  return blob_read<ListExp>(kCallHll, op::kHllDescribe, {}, bin);
}
IntExp may_contain(const ListExp& values, const HllExp& bin) {
  return blob_read<IntExp>(kCallHll, op::kHllMayContain, {&values.packed()}, bin);
}

}  // namespace aero::exp::hll
