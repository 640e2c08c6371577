#include "client/exp/path_exp.h"

#include <string>

namespace aero::exp {

namespace detail {
std::string pack_builtin(Type type, int id) {
  // fixarray 3, 122, result type, variable id: all positive fixints.
  return std::string{char(0x93), char(122), char(uint8_t(type)), char(id)};
}
}  // namespace detail

IntExp element_index() { return IntExp::from_packed(detail::pack_builtin(Type::integer, 2)); }

NilExp remove_result() { return NilExp::from_packed(detail::pack_op(100, {})); }

}  // namespace aero::exp
