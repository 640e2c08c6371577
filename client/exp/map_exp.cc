#include "client/exp/map_exp.h"

namespace aero::exp::map {

namespace {
template <Type C>
IntExp size_of(const Exp<C>& bin, const Context& ctx) {
  return IntExp::from_packed(exp::detail::pack_call(Type::integer, exp::detail::kCallCdt, ctx,
                                                    cdt::opcode::kMapSize, {}, bin.packed()));
}
}  // namespace

IntExp size(const ListExp& bin, const Context& ctx) { return size_of(bin, ctx); }
IntExp size(const MapExp& bin, const Context& ctx) { return size_of(bin, ctx); }

}  // namespace aero::exp::map
