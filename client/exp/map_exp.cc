#include "client/exp/map_exp.h"

namespace aero::exp::map {

IntExp size(const MapExp& bin, const Context& ctx) {
  return IntExp::from_packed(exp::detail::pack_call(Type::integer, exp::detail::kCallCdt, ctx,
                                                    cdt::opcode::kMapSize, {}, bin.packed()));
}

}  // namespace aero::exp::map
