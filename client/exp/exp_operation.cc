#include "client/exp/exp_operation.h"

#include <vector>

#include "client/wire/msgpack.h"

namespace aero::exp {

namespace {

struct VecWriter {
  std::vector<uint8_t>& v;
  void u8(uint8_t b) { v.push_back(b); }
  void u16be(uint16_t x) {
    u8(static_cast<uint8_t>(x >> 8));
    u8(static_cast<uint8_t>(x));
  }
  void u32be(uint32_t x) {
    u16be(static_cast<uint16_t>(x >> 16));
    u16be(static_cast<uint16_t>(x));
  }
  void u64be(uint64_t x) {
    u32be(static_cast<uint32_t>(x >> 32));
    u32be(static_cast<uint32_t>(x));
  }
  void bytes(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    v.insert(v.end(), b, b + n);
  }
};

wire::Operation make(wire::OpType type, std::string name, const Expression& e, uint32_t flags) {
  std::vector<uint8_t> v;
  v.reserve(e.bytes().size() + 6);
  VecWriter w{v};
  w.u8(0x92);  // [expression, flags]
  w.bytes(e.bytes().data(), e.bytes().size());
  wire::detail::msgpack_write_int(w, flags);
  return wire::Operation::raw(type, std::move(name), wire::Value(wire::Bytes(std::move(v))));
}

}  // namespace

wire::Operation exp_read(std::string name, const Expression& e, uint32_t flags) {
  return make(wire::OpType::kExpRead, std::move(name), e, flags);
}

wire::Operation exp_write(std::string bin, const Expression& e, uint32_t flags) {
  return make(wire::OpType::kExpModify, std::move(bin), e, flags);
}

}  // namespace aero::exp
