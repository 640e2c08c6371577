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
  nil = 0,       // nil
  boolean = 1,   // true / false
  integer = 2,   // 64-bit signed integer
  string = 3,    // string
  list = 4,      // list
  map = 5,       // map
  blob = 6,      // bytes
  floating = 7,  // double
  geo = 8,       // GeoJSON
  hll = 9,       // HyperLogLog
  any = 10,      // raw msgpack: infinity, wildcard
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
  // The static result type, T.
  static constexpr Type kType = T;

  // Literals convert implicitly to the matching type only.
  template <class I>
  requires(T == Type::integer && std::integral<I> && !std::same_as<I, bool>) Exp(I v)
      : packed_(detail::pack_int(static_cast<int64_t>(v))) {}  // NOLINT
  // A floating-point literal becomes a FloatExp (msgpack float64).
  template <class F>
  requires(T == Type::floating && std::floating_point<F>) Exp(F v)
      : packed_(detail::pack_float(static_cast<double>(v))) {}  // NOLINT
  // Anything convertible to std::string_view becomes a StrExp (a string value).
  template <class S>
  requires(T == Type::string && std::convertible_to<const S&, std::string_view>) Exp(const S& s)
      : packed_(detail::pack_typed(3, std::string_view(s))) {}  // NOLINT
  // Exactly `bool` becomes a BoolExp (integers and pointers do not).
  template <class B>
  requires(T == Type::boolean && std::same_as<B, bool>) Exp(B v)
      : packed_(detail::pack_bool(v)) {}  // NOLINT

  // The packed msgpack bytes of this sub-expression.
  const std::string& packed() const { return packed_; }
  // Wraps already-packed bytes as an Exp of type T, unchecked: the builders use it; bytes of
  // the wrong shape or type are refused by the server with 4 (parameter error).
  static Exp from_packed(std::string p) {
    Exp e;
    e.packed_ = std::move(p);
    return e;
  }

 private:
  Exp() = default;
  std::string packed_;
};

using NilExp = Exp<Type::nil>;         // an expression whose value is nil
using BoolExp = Exp<Type::boolean>;    // a boolean expression (what a filter needs)
using IntExp = Exp<Type::integer>;     // a 64-bit signed integer expression
using StrExp = Exp<Type::string>;      // a string expression
using ListExp = Exp<Type::list>;       // a list expression
using MapExp = Exp<Type::map>;         // a map expression
using BlobExp = Exp<Type::blob>;       // a blob (bytes) expression
using FloatExp = Exp<Type::floating>;  // a double expression
using GeoExp = Exp<Type::geo>;         // a GeoJSON expression
using HllExp = Exp<Type::hll>;         // a HyperLogLog expression
using AnyExp = Exp<Type::any>;         // raw msgpack of no fixed type (infinity, wildcard)

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
// An integer literal (msgpack int, smallest form).
IntExp int_val(int64_t v);
// A double literal (msgpack float64).
FloatExp float_val(double v);
// A string literal (msgpack str with the string particle type byte, 3).
StrExp str_val(std::string_view v);
// A boolean literal (msgpack true/false).
BoolExp bool_val(bool v);
// A blob literal: `bytes` copied, with the blob particle type byte (4).
BlobExp blob_val(std::span<const uint8_t> bytes);
// A GeoJSON literal: the text with the GeoJSON particle type byte (23).
GeoExp geo_val(std::string_view geojson);
// A list literal.
ListExp list_val(const wire::List& list);  // sent quoted: [126, list]
// A map literal (a msgpack map; maps need no quoting).
MapExp map_val(const wire::Map& map);
// The nil literal (msgpack nil); written by exp_write it deletes the bin (with allow_delete).
NilExp nil();
AnyExp infinity();  // msgpack ext 0xff/01: above every value (range ends)
AnyExp wildcard();  // msgpack ext 0xff/00: matches any value
// The "unknown" value: in a cond branch it makes the whole expression unknown.
template <Type T>
Exp<T> unknown() {
  return Exp<T>::from_packed(detail::pack_op(0, {}));
}

// ---- Bins (a missing bin, or one of another type, makes the expression unknown) ----
// The integer value of bin `name` (BIN, exp op 81, result type 2).
IntExp int_bin(std::string_view name);
// The double value of bin `name` (BIN, exp op 81, result type 7).
FloatExp float_bin(std::string_view name);
// The string value of bin `name` (BIN, exp op 81, result type 3).
StrExp str_bin(std::string_view name);
// The boolean value of bin `name` (BIN, exp op 81, result type 1).
BoolExp bool_bin(std::string_view name);
// The blob value of bin `name` (BIN, exp op 81, result type 6).
BlobExp blob_bin(std::string_view name);
// The GeoJSON value of bin `name` (BIN, exp op 81, result type 8).
GeoExp geo_bin(std::string_view name);
// The list value of bin `name` (BIN, exp op 81, result type 4).
ListExp list_bin(std::string_view name);
// The map value of bin `name` (BIN, exp op 81, result type 5).
MapExp map_bin(std::string_view name);
// The HyperLogLog value of bin `name` (BIN, exp op 81, result type 9).
HllExp hll_bin(std::string_view name);
// The bin's particle type (0 when the bin does not exist).
IntExp bin_type(std::string_view name);
// bin_type(name) != 0.
BoolExp bin_exists(std::string_view name);

// ---- Record metadata ----
IntExp key_int();    // the stored user key (unknown when none, or of another type)
// The stored user key as a string (KEY, exp op 80); unknown when none, or of another type.
StrExp key_str();
// The stored user key as a blob (KEY, exp op 80); unknown when none, or of another type.
BlobExp key_blob();
BoolExp key_exists();  // a user key is stored with the record
// The name of the record's set (SET_NAME, exp op 70).
StrExp set_name();
IntExp digest_modulo(int32_t mod);  // digest bytes 16..19 modulo mod (mod != 0)
IntExp device_size();   // deprecated by the server: use record_size
IntExp memory_size();   // deprecated by the server: use record_size
// The record's size in bytes as stored (RECORD_SIZE, exp op 74; server 7.0+).
IntExp record_size();
IntExp last_update();   // nanoseconds since the Unix epoch
IntExp since_update();  // milliseconds since the last update
IntExp void_time();     // nanoseconds since the Unix epoch; -1 = never expires
IntExp ttl();           // seconds; -1 = never expires
// True when the record is a tombstone (IS_TOMBSTONE, exp op 72): a durable delete's marker,
// seen only where tombstones are read (e.g. XDR filters); false for live records.
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
inline constexpr uint32_t none = 0;      // POSIX basic syntax, case-sensitive
inline constexpr uint32_t extended = 1;  // POSIX extended syntax (the clients' REGEX_EXTENDED)
inline constexpr uint32_t icase = 2;     // ignore case (REGEX_ICASE)
inline constexpr uint32_t nosub = 4;     // no match positions needed (REGEX_NOSUB)
inline constexpr uint32_t newline = 8;   // '.' and ^/$ respect line breaks (REGEX_NEWLINE)
}  // namespace regex
// CMP_REGEX (exp op 7): true when `str` matches the POSIX regex `regex` (compiled by the
// server with `flags`, a regex:: combination); a regex that does not compile fails with 4.
BoolExp regex_compare(std::string_view regex, uint32_t flags, const StrExp& str);
// CMP_GEO (exp op 8): true when one side is a point inside the other side's region.
BoolExp geo_compare(const GeoExp& left, const GeoExp& right);

// ---- Logic ----
// AND (exp op 16): true when every argument is true (two or more).
template <class... More>
  requires(std::convertible_to<More, BoolExp> && ...)
BoolExp and_(const BoolExp& a, const BoolExp& b, const More&... more) {
  return BoolExp::from_packed(
      detail::pack_op(16, {&a.packed(), &b.packed(), &static_cast<const BoolExp&>(more).packed()...}));
}
// OR (exp op 17): true when any argument is true (two or more).
template <class... More>
  requires(std::convertible_to<More, BoolExp> && ...)
BoolExp or_(const BoolExp& a, const BoolExp& b, const More&... more) {
  return BoolExp::from_packed(
      detail::pack_op(17, {&a.packed(), &b.packed(), &static_cast<const BoolExp&>(more).packed()...}));
}
// EXCLUSIVE (exp op 19): exactly one argument is true.
template <class... More>
  requires(std::convertible_to<More, BoolExp> && ...)
BoolExp exclusive(const BoolExp& a, const BoolExp& b, const More&... more) {
  return BoolExp::from_packed(
      detail::pack_op(19, {&a.packed(), &b.packed(), &static_cast<const BoolExp&>(more).packed()...}));
}
// NOT (exp op 18): the negation of `a`.
BoolExp not_(const BoolExp& a);

// ---- Arithmetic (all arguments of one numeric type; integers wrap on overflow) ----
#define AERO_EXP_VARARG(fn, code)                                                          \
  template <Type T, class... More>                                                         \
    requires(detail::kNumeric<T> && (std::convertible_to<More, Exp<T>> && ...))            \
  Exp<T> fn(const Exp<T>& a, const More&... more) {                                        \
    return Exp<T>::from_packed(                                                            \
        detail::pack_op(code, {&a.packed(), &static_cast<const Exp<T>&>(more).packed()...})); \
  }
// ADD (exp op 20): the sum of the arguments.
AERO_EXP_VARARG(add, 20)
// SUB (exp op 21): the first argument minus the others; sub(x) is -x.
AERO_EXP_VARARG(sub, 21)
// MUL (exp op 22): the product of the arguments.
AERO_EXP_VARARG(mul, 22)
// DIV (exp op 23): the first argument divided by the others; div(x) is 1 / x; integer
// division by zero is unknown.
AERO_EXP_VARARG(div, 23)
// MIN (exp op 50): the smallest argument.
AERO_EXP_VARARG(min, 50)
// MAX (exp op 51): the largest argument.
AERO_EXP_VARARG(max, 51)
#undef AERO_EXP_VARARG
// POW (exp op 24): `base` raised to `exponent`.
FloatExp pow(const FloatExp& base, const FloatExp& exponent);
// LOG (exp op 25): the logarithm of `num` in base `base`.
FloatExp log(const FloatExp& num, const FloatExp& base);
IntExp mod(const IntExp& num, const IntExp& denom);  // unknown when denom == 0
// ABS (exp op 27): the absolute value of an integer or double.
template <Type T>
  requires detail::kNumeric<T>
Exp<T> abs(const Exp<T>& a) {
  return Exp<T>::from_packed(detail::pack_op(27, {&a.packed()}));
}
// FLOOR (exp op 28): `a` rounded down to a whole number (still a double).
FloatExp floor(const FloatExp& a);
// CEIL (exp op 29): `a` rounded up to a whole number (still a double).
FloatExp ceil(const FloatExp& a);
// TO_INT (exp op 30): `a` converted to an integer (the fraction is dropped).
IntExp to_int(const FloatExp& a);
// TO_FLOAT (exp op 31): `a` converted to a double.
FloatExp to_float(const IntExp& a);

// ---- Integer bit operations ----
// INT_AND (exp op 32): the bitwise and of the arguments.
template <class... More>
  requires(std::convertible_to<More, IntExp> && ...)
IntExp int_and(const IntExp& a, const More&... more) {
  return IntExp::from_packed(detail::pack_op(32, {&a.packed(), &static_cast<const IntExp&>(more).packed()...}));
}
// INT_OR (exp op 33): the bitwise or of the arguments.
template <class... More>
  requires(std::convertible_to<More, IntExp> && ...)
IntExp int_or(const IntExp& a, const More&... more) {
  return IntExp::from_packed(detail::pack_op(33, {&a.packed(), &static_cast<const IntExp&>(more).packed()...}));
}
// INT_XOR (exp op 34): the bitwise exclusive or of the arguments.
template <class... More>
  requires(std::convertible_to<More, IntExp> && ...)
IntExp int_xor(const IntExp& a, const More&... more) {
  return IntExp::from_packed(detail::pack_op(34, {&a.packed(), &static_cast<const IntExp&>(more).packed()...}));
}
// INT_NOT (exp op 35): the bitwise complement of `a`.
IntExp int_not(const IntExp& a);
// INT_LSHIFT (exp op 36): `a` shifted left by `shift` bits.
IntExp int_lshift(const IntExp& a, const IntExp& shift);
IntExp int_rshift(const IntExp& a, const IntExp& shift);   // logical
IntExp int_arshift(const IntExp& a, const IntExp& shift);  // arithmetic
IntExp int_count(const IntExp& a);                         // bits set
// INT_LSCAN (exp op 40): the position of the first bit equal to `search` scanning from the
// most significant bit (position 0); -1 when none.
IntExp int_lscan(const IntExp& a, const BoolExp& search);
// INT_RSCAN (exp op 41): the position, counted from the most significant bit, of the first
// bit equal to `search` scanning from the least significant bit; -1 when none.
IntExp int_rscan(const IntExp& a, const BoolExp& search);

// ---- cond, let/def/var ----
// One branch of cond(): `then` is the value when `when` is the first true condition.
template <Type T>
struct Case {
  BoolExp when;  // the condition
  Exp<T> then;   // the value when it holds
};
// COND (exp op 123): the value of the first case whose condition is true, else `otherwise`.
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
  std::string name;    // the variable's name
  std::string packed;  // its packed value expression
};
// A let() definition: `name` bound to `value` (read it with var<T>(name)).
template <Type T>
Def def(std::string_view name, const Exp<T>& value) {
  return Def{std::string(name), value.packed()};
}
namespace detail {
std::string pack_let(std::initializer_list<Def> defs, const std::string& body);
std::string pack_var(std::string_view name);
}  // namespace detail
// LET (exp op 125): evaluates the definitions in order (each may use the earlier ones), then
// `body`.
template <Type T>
Exp<T> let(std::initializer_list<Def> defs, const Exp<T>& body) {
  return Exp<T>::from_packed(detail::pack_let(defs, body.packed()));
}
// VAR (exp op 124): a variable defined by an enclosing let(), of the type it was defined
// with.
template <Type T>
Exp<T> var(std::string_view name) {
  return Exp<T>::from_packed(detail::pack_var(name));
}

}  // namespace aero::exp
