#include "client/exp/list_exp.h"

namespace aero::exp::list {

IntExp size(const ListExp& bin, const Context& ctx) {
  return IntExp::from_packed(exp::detail::pack_call(Type::integer, exp::detail::kCallCdt, ctx,
                                                    cdt::opcode::kListSize, {}, bin.packed()));
}

}  // namespace aero::exp::list
