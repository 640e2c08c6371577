#include "client/exp/exp.h"

#include <cstring>

#include "client/wire/msgpack.h"

namespace aero::exp {

namespace detail {

namespace {

// Appends to a std::string with the writer interface the msgpack templates use.
struct StringWriter {
  std::string& s;
  void u8(uint8_t v) { s.push_back(static_cast<char>(v)); }
  void u16be(uint16_t v) {
    u8(static_cast<uint8_t>(v >> 8));
    u8(static_cast<uint8_t>(v));
  }
  void u32be(uint32_t v) {
    u16be(static_cast<uint16_t>(v >> 16));
    u16be(static_cast<uint16_t>(v));
  }
  void u64be(uint64_t v) {
    u32be(static_cast<uint32_t>(v >> 32));
    u32be(static_cast<uint32_t>(v));
  }
  void bytes(const void* p, size_t n) { s.append(static_cast<const char*>(p), n); }
};

void list_header(std::string& s, size_t n) {
  StringWriter w{s};
  wire::detail::msgpack_write_count(w, static_cast<uint32_t>(n), 0x90, 0xdc, 0xdd);
}

// A plain msgpack str (bin names, variable names, regexes: no as_bytes type byte).
void plain_str(std::string& s, std::string_view v) {
  StringWriter w{s};
  wire::detail::msgpack_write_str_header(w, static_cast<uint32_t>(v.size()));
  s.append(v);
}

void int_into(std::string& s, int64_t v) {
  StringWriter w{s};
  wire::detail::msgpack_write_int(w, v);
}

}  // namespace

std::string pack_int(int64_t v) {
  std::string s;
  int_into(s, v);
  return s;
}

std::string pack_float(double v) {
  std::string s;
  StringWriter w{s};
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  w.u8(0xcb);
  w.u64be(bits);
  return s;
}

std::string pack_bool(bool v) { return std::string(1, static_cast<char>(v ? 0xc3 : 0xc2)); }

std::string pack_typed(uint8_t as_bytes_type, std::string_view bytes) {
  std::string s;
  StringWriter w{s};
  wire::detail::msgpack_write_typed_bytes(w, as_bytes_type, bytes.data(), bytes.size());
  return s;
}

std::string pack_op(int code, std::initializer_list<const std::string*> args) {
  size_t size = 6;
  for (const std::string* a : args) size += a->size();
  std::string s;
  s.reserve(size);
  list_header(s, args.size() + 1);
  int_into(s, code);
  for (const std::string* a : args) s += *a;
  return s;
}

std::string pack_op_vec(int code, const std::vector<const std::string*>& args) {
  std::string s;
  list_header(s, args.size() + 1);
  int_into(s, code);
  for (const std::string* a : args) s += *a;
  return s;
}

std::string pack_let(std::initializer_list<Def> defs, const std::string& body) {
  std::string s;
  list_header(s, 2 * defs.size() + 2);
  int_into(s, 125);
  for (const Def& d : defs) {
    plain_str(s, d.name);
    s += d.packed;
  }
  s += body;
  return s;
}

std::string pack_var(std::string_view name) {
  std::string s;
  list_header(s, 2);
  int_into(s, 124);
  plain_str(s, name);
  return s;
}

namespace {

std::string bin_op(int type, std::string_view name) {
  std::string s;
  list_header(s, 3);
  int_into(s, 81);
  int_into(s, type);
  plain_str(s, name);
  return s;
}

std::string op0(int code) { return pack_op(code, {}); }

std::string op_int_arg(int code, int64_t v) {
  std::string s;
  list_header(s, 2);
  int_into(s, code);
  int_into(s, v);
  return s;
}

}  // namespace
}  // namespace detail

using detail::pack_op;

// ---- Values ----
IntExp int_val(int64_t v) { return IntExp::from_packed(detail::pack_int(v)); }
FloatExp float_val(double v) { return FloatExp::from_packed(detail::pack_float(v)); }
StrExp str_val(std::string_view v) { return StrExp::from_packed(detail::pack_typed(3, v)); }
BoolExp bool_val(bool v) { return BoolExp::from_packed(detail::pack_bool(v)); }
BlobExp blob_val(std::span<const uint8_t> bytes) {
  return BlobExp::from_packed(detail::pack_typed(
      4, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size())));
}
GeoExp geo_val(std::string_view geojson) { return GeoExp::from_packed(detail::pack_typed(23, geojson)); }
ListExp list_val(const wire::List& list) {
  std::string s;
  detail::list_header(s, 2);
  detail::int_into(s, 126);
  detail::StringWriter w{s};
  wire::detail::msgpack_write(w, wire::Value(list));
  return ListExp::from_packed(std::move(s));
}
MapExp map_val(const wire::Map& map) {
  std::string s;
  detail::StringWriter w{s};
  wire::detail::msgpack_write(w, wire::Value(map));
  return MapExp::from_packed(std::move(s));
}
NilExp nil() { return NilExp::from_packed(std::string(1, static_cast<char>(0xc0))); }
AnyExp infinity() { return AnyExp::from_packed(std::string("\xd4\xff\x01", 3)); }
AnyExp wildcard() { return AnyExp::from_packed(std::string("\xd4\xff\x00", 3)); }

// ---- Bins ----
IntExp int_bin(std::string_view n) { return IntExp::from_packed(detail::bin_op(2, n)); }
FloatExp float_bin(std::string_view n) { return FloatExp::from_packed(detail::bin_op(7, n)); }
StrExp str_bin(std::string_view n) { return StrExp::from_packed(detail::bin_op(3, n)); }
BoolExp bool_bin(std::string_view n) { return BoolExp::from_packed(detail::bin_op(1, n)); }
BlobExp blob_bin(std::string_view n) { return BlobExp::from_packed(detail::bin_op(6, n)); }
GeoExp geo_bin(std::string_view n) { return GeoExp::from_packed(detail::bin_op(8, n)); }
ListExp list_bin(std::string_view n) { return ListExp::from_packed(detail::bin_op(4, n)); }
MapExp map_bin(std::string_view n) { return MapExp::from_packed(detail::bin_op(5, n)); }
HllExp hll_bin(std::string_view n) { return HllExp::from_packed(detail::bin_op(9, n)); }
IntExp bin_type(std::string_view n) {
  std::string s;
  detail::list_header(s, 2);
  detail::int_into(s, 82);
  detail::plain_str(s, n);
  return IntExp::from_packed(std::move(s));
}
BoolExp bin_exists(std::string_view n) { return ne(bin_type(n), int_val(0)); }

// ---- Metadata ----
IntExp key_int() { return IntExp::from_packed(detail::op_int_arg(80, 2)); }
StrExp key_str() { return StrExp::from_packed(detail::op_int_arg(80, 3)); }
BlobExp key_blob() { return BlobExp::from_packed(detail::op_int_arg(80, 6)); }
BoolExp key_exists() { return BoolExp::from_packed(detail::op0(71)); }
StrExp set_name() { return StrExp::from_packed(detail::op0(70)); }
IntExp digest_modulo(int32_t mod) { return IntExp::from_packed(detail::op_int_arg(64, mod)); }
IntExp device_size() { return IntExp::from_packed(detail::op0(65)); }
IntExp memory_size() { return IntExp::from_packed(detail::op0(73)); }
IntExp record_size() { return IntExp::from_packed(detail::op0(74)); }
IntExp last_update() { return IntExp::from_packed(detail::op0(66)); }
IntExp since_update() { return IntExp::from_packed(detail::op0(67)); }
IntExp void_time() { return IntExp::from_packed(detail::op0(68)); }
IntExp ttl() { return IntExp::from_packed(detail::op0(69)); }
BoolExp is_tombstone() { return BoolExp::from_packed(detail::op0(72)); }

// ---- Comparisons, logic ----
BoolExp regex_compare(std::string_view regex, uint32_t flags, const StrExp& str) {
  std::string s;
  detail::list_header(s, 4);
  detail::int_into(s, 7);
  detail::int_into(s, flags);
  detail::plain_str(s, regex);
  s += str.packed();
  return BoolExp::from_packed(std::move(s));
}
BoolExp geo_compare(const GeoExp& l, const GeoExp& r) {
  return BoolExp::from_packed(pack_op(8, {&l.packed(), &r.packed()}));
}
BoolExp not_(const BoolExp& a) { return BoolExp::from_packed(pack_op(18, {&a.packed()})); }

// ---- Arithmetic ----
FloatExp pow(const FloatExp& b, const FloatExp& e) {
  return FloatExp::from_packed(pack_op(24, {&b.packed(), &e.packed()}));
}
FloatExp log(const FloatExp& n, const FloatExp& b) {
  return FloatExp::from_packed(pack_op(25, {&n.packed(), &b.packed()}));
}
IntExp mod(const IntExp& n, const IntExp& d) {
  return IntExp::from_packed(pack_op(26, {&n.packed(), &d.packed()}));
}
FloatExp floor(const FloatExp& a) { return FloatExp::from_packed(pack_op(28, {&a.packed()})); }
FloatExp ceil(const FloatExp& a) { return FloatExp::from_packed(pack_op(29, {&a.packed()})); }
IntExp to_int(const FloatExp& a) { return IntExp::from_packed(pack_op(30, {&a.packed()})); }
FloatExp to_float(const IntExp& a) { return FloatExp::from_packed(pack_op(31, {&a.packed()})); }

// ---- Integer bits ----
IntExp int_not(const IntExp& a) { return IntExp::from_packed(pack_op(35, {&a.packed()})); }
IntExp int_lshift(const IntExp& a, const IntExp& s) {
  return IntExp::from_packed(pack_op(36, {&a.packed(), &s.packed()}));
}
IntExp int_rshift(const IntExp& a, const IntExp& s) {
  return IntExp::from_packed(pack_op(37, {&a.packed(), &s.packed()}));
}
IntExp int_arshift(const IntExp& a, const IntExp& s) {
  return IntExp::from_packed(pack_op(38, {&a.packed(), &s.packed()}));
}
IntExp int_count(const IntExp& a) { return IntExp::from_packed(pack_op(39, {&a.packed()})); }
IntExp int_lscan(const IntExp& a, const BoolExp& b) {
  return IntExp::from_packed(pack_op(40, {&a.packed(), &b.packed()}));
}
IntExp int_rscan(const IntExp& a, const BoolExp& b) {
  return IntExp::from_packed(pack_op(41, {&a.packed(), &b.packed()}));
}

}  // namespace aero::exp
