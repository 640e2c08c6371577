// Filter expressions and expression operations: a typed builder for Aerospike expressions
// (server 5.2+), packed as msgpack the way the official clients pack them (C client
// as_exp.c, Java Exp.java; op codes from the server's as/src/base/exp.c).
//
//   using namespace aero::exp;
//   // status == "active" and last update older than 30 days
//   Filter f = filter(and_(eq(str_bin("status"), "active"),
//                          lt(last_update(), int_val(now_ns - 30 * day_ns))));
//   aero::ReadPolicy p;  p.filter_exp = f;       // 27 (filtered out) when it does not match
//   client->get(key, p);
//   // computed bin in operate: EV = a + 4
//   ops.push_back(exp_read("EV", build(add(int_bin("a"), 4))));
//
// Every node has a static result type (IntExp, FloatExp, StrExp, BoolExp, ...), so mistakes
// the server would refuse with 4 are compile errors here: eq(int_bin("a"), "x") does not
// compile, neither do add(int_bin("a"), 1.5) or and_(int_bin("a"), ...). Mistakes it cannot
// see (a var of another type, an arity error in hand-packed bytes, a regex that does not
// compile) are answered by the server with 4.
//
// Building allocates (it concatenates packed children); build()/filter() then freeze the
// bytes into a shared Expression/Filter that commands reuse without further allocation.
//
// Threads: pure functions and values; build anywhere, share the result.
#pragma once

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "client/exp/expression.h"
#include "client/wire/value.h"

namespace aero::exp {

// An expression's result type (the server's result_type numbering).
enum class Type : uint8_t {
  nil = 0,
  boolean = 1,
  integer = 2,
  string = 3,
  list = 4,
  map = 5,
  blob = 6,
  floating = 7,
  geo = 8,
  hll = 9,
  any = 10,  // raw msgpack: infinity, wildcard
};

namespace detail {
std::string pack_int(int64_t v);
std::string pack_float(double v);
std::string pack_bool(bool v);
std::string pack_typed(uint8_t as_bytes_type, std::string_view bytes);
}  // namespace detail

// A sub-expression of static type T: its packed bytes.
template <Type T>
class Exp {
 public:
  static constexpr Type kType = T;

  // Literals convert implicitly to the matching type only.
  template <class I>
    requires(T == Type::integer && std::integral<I> && !std::same_as<I, bool>)
  Exp(I v) : packed_(detail::pack_int(static_cast<int64_t>(v))) {}  // NOLINT
  template <class F>
    requires(T == Type::floating && std::floating_point<F>)
  Exp(F v) : packed_(detail::pack_float(static_cast<double>(v))) {}  // NOLINT
  template <class S>
    requires(T == Type::string && std::convertible_to<const S&, std::string_view>)
  Exp(const S& s) : packed_(detail::pack_typed(3, std::string_view(s))) {}  // NOLINT
  template <class B>
    requires(T == Type::boolean && std::same_as<B, bool>)
  Exp(B v) : packed_(detail::pack_bool(v)) {}  // NOLINT

  const std::string& packed() const { return packed_; }
  static Exp from_packed(std::string p) {
    Exp e;
    e.packed_ = std::move(p);
    return e;
  }

 private:
  Exp() = default;
  std::string packed_;
};

using NilExp = Exp<Type::nil>;
using BoolExp = Exp<Type::boolean>;
using IntExp = Exp<Type::integer>;
using StrExp = Exp<Type::string>;
using ListExp = Exp<Type::list>;
using MapExp = Exp<Type::map>;
using BlobExp = Exp<Type::blob>;
using FloatExp = Exp<Type::floating>;
using GeoExp = Exp<Type::geo>;
using HllExp = Exp<Type::hll>;
using AnyExp = Exp<Type::any>;

// Freezes an expression for use in commands (expression operations).
template <Type T>
Expression build(const Exp<T>& e) {
  return Expression(e.packed());
}
// Freezes a boolean expression for a policy's filter_exp.
inline Filter filter(const BoolExp& e) { return make_filter(e.packed()); }

namespace detail {
// [code, args...] with the children's packed bytes appended.
std::string pack_op(int code, std::initializer_list<const std::string*> args);
std::string pack_op_vec(int code, const std::vector<const std::string*>& args);
template <Type T>
using Same = std::type_identity_t<Exp<T>>;
template <Type T>
inline constexpr bool kNumeric = T == Type::integer || T == Type::floating;
}  // namespace detail

// ---- Values ----
IntExp int_val(int64_t v);
FloatExp float_val(double v);
StrExp str_val(std::string_view v);
BoolExp bool_val(bool v);
BlobExp blob_val(std::span<const uint8_t> bytes);
GeoExp geo_val(std::string_view geojson);
ListExp list_val(const wire::List& list);  // sent quoted: [126, list]
MapExp map_val(const wire::Map& map);
NilExp nil();
AnyExp infinity();  // msgpack ext 0xff/01: above every value (range ends)
AnyExp wildcard();  // msgpack ext 0xff/00: matches any value
// The "unknown" value: in a cond branch it makes the whole expression unknown.
template <Type T>
Exp<T> unknown() {
  return Exp<T>::from_packed(detail::pack_op(0, {}));
}

// ---- Bins (a missing bin, or one of another type, makes the expression unknown) ----
IntExp int_bin(std::string_view name);
FloatExp float_bin(std::string_view name);
StrExp str_bin(std::string_view name);
BoolExp bool_bin(std::string_view name);
BlobExp blob_bin(std::string_view name);
GeoExp geo_bin(std::string_view name);
ListExp list_bin(std::string_view name);
MapExp map_bin(std::string_view name);
HllExp hll_bin(std::string_view name);
// The bin's particle type (0 when the bin does not exist).
IntExp bin_type(std::string_view name);
// bin_type(name) != 0.
BoolExp bin_exists(std::string_view name);

// ---- Record metadata ----
IntExp key_int();    // the stored user key (unknown when none, or of another type)
StrExp key_str();
BlobExp key_blob();
BoolExp key_exists();  // a user key is stored with the record
StrExp set_name();
IntExp digest_modulo(int32_t mod);  // digest bytes 16..19 modulo mod (mod != 0)
IntExp device_size();   // deprecated by the server: use record_size
IntExp memory_size();   // deprecated by the server: use record_size
IntExp record_size();
IntExp last_update();   // nanoseconds since the Unix epoch
IntExp since_update();  // milliseconds since the last update
IntExp void_time();     // nanoseconds since the Unix epoch; -1 = never expires
IntExp ttl();           // seconds; -1 = never expires
BoolExp is_tombstone();

// ---- Comparisons (both sides of one type; GeoJSON and HLL do not compare) ----
#define AERO_EXP_CMP(fn, code)                                                      \
  template <Type T>                                                                 \
    requires(T != Type::geo && T != Type::hll)                                      \
  BoolExp fn(const Exp<T>& a, const detail::Same<T>& b) {                           \
    return BoolExp::from_packed(detail::pack_op(code, {&a.packed(), &b.packed()})); \
  }
AERO_EXP_CMP(eq, 1)
AERO_EXP_CMP(ne, 2)
AERO_EXP_CMP(gt, 3)
AERO_EXP_CMP(ge, 4)
AERO_EXP_CMP(lt, 5)
AERO_EXP_CMP(le, 6)
#undef AERO_EXP_CMP

// Regex flags, passed to the server's regcomp unchanged (as the official clients do).
namespace regex {
inline constexpr uint32_t none = 0;
inline constexpr uint32_t extended = 1;
inline constexpr uint32_t icase = 2;
inline constexpr uint32_t nosub = 4;
inline constexpr uint32_t newline = 8;
}  // namespace regex
BoolExp regex_compare(std::string_view regex, uint32_t flags, const StrExp& str);
// True when one side is a point inside the other side's region.
BoolExp geo_compare(const GeoExp& left, const GeoExp& right);

// ---- Logic ----
template <class... More>
  requires(std::convertible_to<More, BoolExp> && ...)
BoolExp and_(const BoolExp& a, const BoolExp& b, const More&... more) {
  return BoolExp::from_packed(
      detail::pack_op(16, {&a.packed(), &b.packed(), &static_cast<const BoolExp&>(more).packed()...}));
}
template <class... More>
  requires(std::convertible_to<More, BoolExp> && ...)
BoolExp or_(const BoolExp& a, const BoolExp& b, const More&... more) {
  return BoolExp::from_packed(
      detail::pack_op(17, {&a.packed(), &b.packed(), &static_cast<const BoolExp&>(more).packed()...}));
}
// Exactly one argument is true.
template <class... More>
  requires(std::convertible_to<More, BoolExp> && ...)
BoolExp exclusive(const BoolExp& a, const BoolExp& b, const More&... more) {
  return BoolExp::from_packed(
      detail::pack_op(19, {&a.packed(), &b.packed(), &static_cast<const BoolExp&>(more).packed()...}));
}
BoolExp not_(const BoolExp& a);

// ---- Arithmetic (all arguments of one numeric type; integers wrap on overflow) ----
#define AERO_EXP_VARARG(fn, code)                                                          \
  template <Type T, class... More>                                                         \
    requires(detail::kNumeric<T> && (std::convertible_to<More, Exp<T>> && ...))            \
  Exp<T> fn(const Exp<T>& a, const More&... more) {                                        \
    return Exp<T>::from_packed(                                                            \
        detail::pack_op(code, {&a.packed(), &static_cast<const Exp<T>&>(more).packed()...})); \
  }
AERO_EXP_VARARG(add, 20)
AERO_EXP_VARARG(sub, 21)  // sub(x) is -x
AERO_EXP_VARARG(mul, 22)
AERO_EXP_VARARG(div, 23)  // integer division by zero is unknown; div(x) is 1 / x
AERO_EXP_VARARG(min, 50)
AERO_EXP_VARARG(max, 51)
#undef AERO_EXP_VARARG
FloatExp pow(const FloatExp& base, const FloatExp& exponent);
FloatExp log(const FloatExp& num, const FloatExp& base);
IntExp mod(const IntExp& num, const IntExp& denom);  // unknown when denom == 0
template <Type T>
  requires detail::kNumeric<T>
Exp<T> abs(const Exp<T>& a) {
  return Exp<T>::from_packed(detail::pack_op(27, {&a.packed()}));
}
FloatExp floor(const FloatExp& a);
FloatExp ceil(const FloatExp& a);
IntExp to_int(const FloatExp& a);
FloatExp to_float(const IntExp& a);

// ---- Integer bit operations ----
template <class... More>
  requires(std::convertible_to<More, IntExp> && ...)
IntExp int_and(const IntExp& a, const More&... more) {
  return IntExp::from_packed(detail::pack_op(32, {&a.packed(), &static_cast<const IntExp&>(more).packed()...}));
}
template <class... More>
  requires(std::convertible_to<More, IntExp> && ...)
IntExp int_or(const IntExp& a, const More&... more) {
  return IntExp::from_packed(detail::pack_op(33, {&a.packed(), &static_cast<const IntExp&>(more).packed()...}));
}
template <class... More>
  requires(std::convertible_to<More, IntExp> && ...)
IntExp int_xor(const IntExp& a, const More&... more) {
  return IntExp::from_packed(detail::pack_op(34, {&a.packed(), &static_cast<const IntExp&>(more).packed()...}));
}
IntExp int_not(const IntExp& a);
IntExp int_lshift(const IntExp& a, const IntExp& shift);
IntExp int_rshift(const IntExp& a, const IntExp& shift);   // logical
IntExp int_arshift(const IntExp& a, const IntExp& shift);  // arithmetic
IntExp int_count(const IntExp& a);                         // bits set
// Position of the first bit equal to `search` from the left (lscan) or the right (rscan),
// counted from the most significant bit; -1 when none.
IntExp int_lscan(const IntExp& a, const BoolExp& search);
IntExp int_rscan(const IntExp& a, const BoolExp& search);

// ---- cond, let/def/var ----
template <Type T>
struct Case {
  BoolExp when;
  Exp<T> then;
};
// The value of the first case whose condition is true, else `otherwise`.
template <Type T>
Exp<T> cond(std::initializer_list<Case<T>> cases, const detail::Same<T>& otherwise) {
  std::vector<const std::string*> args;
  for (const Case<T>& c : cases) {
    args.push_back(&c.when.packed());
    args.push_back(&c.then.packed());
  }
  args.push_back(&otherwise.packed());
  return Exp<T>::from_packed(detail::pack_op_vec(123, args));
}

// A variable definition for let(): name (letters, digits, '_'; not starting with a digit).
struct Def {
  std::string name;
  std::string packed;
};
template <Type T>
Def def(std::string_view name, const Exp<T>& value) {
  return Def{std::string(name), value.packed()};
}
namespace detail {
std::string pack_let(std::initializer_list<Def> defs, const std::string& body);
std::string pack_var(std::string_view name);
}  // namespace detail
// Evaluates the definitions in order (each may use the earlier ones), then `body`.
template <Type T>
Exp<T> let(std::initializer_list<Def> defs, const Exp<T>& body) {
  return Exp<T>::from_packed(detail::pack_let(defs, body.packed()));
}
// A variable defined by an enclosing let(), of the type it was defined with.
template <Type T>
Exp<T> var(std::string_view name) {
  return Exp<T>::from_packed(detail::pack_var(name));
}

}  // namespace aero::exp
