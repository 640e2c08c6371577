// Expressions for the server 8.1 CDT path "select" (client/cdt/select.h): the built-in
// variables through which a context level's filter, or modify_by_path's apply expression, sees
// the element it is looking at (aerospike-client-c as_exp.h var_builtin_*: the server's
// EXP_VAR_BUILTIN op 122 [122, type, id]), and the "remove" apply expression (op 100).
//
//   // every element of the list whose value is an integer >= 14
//   Context().all_children_with_filter(build(ge(element_value<Type::integer>(), 14)))
//
// A variable of another type than the element's makes the expression unknown (the element
// fails the filter; without the select no-fail flag the server answers 4).
//
// Threads: pure functions.
#pragma once

#include "client/exp/exp.h"

namespace aero::exp {

namespace detail {
std::string pack_builtin(Type type, int id);
}  // namespace detail

// The element's value, as type T (built-in variable 1).
template <Type T>
Exp<T> element_value() {
  return Exp<T>::from_packed(detail::pack_builtin(T, 1));
}
// The element's map key, as type T (built-in variable 0; unknown for list elements).
template <Type T>
Exp<T> element_key() {
  return Exp<T>::from_packed(detail::pack_builtin(T, 0));
}
// The element's index in its list or map (built-in variable 2).
IntExp element_index();

// modify_by_path's apply expression that removes each selected element (op 100).
NilExp remove_result();

}  // namespace aero::exp
