// HyperLogLog read expressions: the HLL operations' read side as expression nodes, on an
// HLL bin or any HLL-valued expression. The C client's as_exp_hll_* reads (as_exp.h) are the
// checklist and give the byte layout: [127, result type, 2, [op, args...], hll] (call.h).
//
// The "other HLLs" argument of get_union/union_count/intersect_count/similarity is a list of
// HLL values (list_val of HLL or blob bytes) or a single HLL expression (another HLL bin, or
// a get_union result), as the real server takes both.
//
//   using namespace aero::exp;
//   // records whose HLL bins a and b share at least ~10 elements
//   Filter f = filter(ge(hll::intersect_count(hll_bin("b"), hll_bin("a")), 10));
//
// On the server: a missing bin or a bin of another type makes the expression "unknown".
//
// Threads: pure functions.
#pragma once

#include "client/exp/exp.h"

namespace aero::exp::hll {

template <Type T>
concept Hlls = T == Type::list || T == Type::hll;

namespace detail {
HllExp get_union(const std::string& hlls, const HllExp& bin);
IntExp union_count(const std::string& hlls, const HllExp& bin);
IntExp intersect_count(const std::string& hlls, const HllExp& bin);
FloatExp similarity(const std::string& hlls, const HllExp& bin);
}  // namespace detail

// COUNT: the estimated number of distinct elements.
IntExp count(const HllExp& bin);
// GET_UNION: the union of `hlls` and the bin.
template <Type T>
  requires Hlls<T>
HllExp get_union(const Exp<T>& hlls, const HllExp& bin) {
  return detail::get_union(hlls.packed(), bin);
}
// UNION_COUNT: the estimated element count of that union.
template <Type T>
  requires Hlls<T>
IntExp union_count(const Exp<T>& hlls, const HllExp& bin) {
  return detail::union_count(hlls.packed(), bin);
}
// INTERSECT_COUNT: the estimated element count of the intersection of `hlls` and the bin.
template <Type T>
  requires Hlls<T>
IntExp intersect_count(const Exp<T>& hlls, const HllExp& bin) {
  return detail::intersect_count(hlls.packed(), bin);
}
// SIMILARITY: the estimated Jaccard similarity of `hlls` and the bin.
template <Type T>
  requires Hlls<T>
FloatExp similarity(const Exp<T>& hlls, const HllExp& bin) {
  return detail::similarity(hlls.packed(), bin);
}
// DESCRIBE: [index bit count, minhash bit count].
ListExp describe(const HllExp& bin);
// MAY_CONTAIN: 1 when every item of `values` may have been added to the bin, else 0.
IntExp may_contain(const ListExp& values, const HllExp& bin);

}  // namespace aero::exp::hll
