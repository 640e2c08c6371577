#include "client/cdt/context.h"

#include <utility>

#include "client/cdt/pack.h"

namespace aero::cdt {

Context& Context::add(uint32_t type, wire::Value v) {
  items_.push_back(Item{type, std::move(v), {}});
  return *this;
}

Context& Context::list_index(int64_t index) { return add(ctx_type::kListIndex, index); }
Context& Context::list_index_create(int64_t index, ListOrder order, bool pad) {
  return add(ctx_type::kListIndex | list_create_flag(order, pad), index);
}
Context& Context::list_rank(int64_t rank) { return add(ctx_type::kListRank, rank); }
Context& Context::list_value(wire::Value value) {
  return add(ctx_type::kListValue, std::move(value));
}
Context& Context::map_index(int64_t index) { return add(ctx_type::kMapIndex, index); }
Context& Context::map_rank(int64_t rank) { return add(ctx_type::kMapRank, rank); }
Context& Context::map_key(wire::Value key) { return add(ctx_type::kMapKey, std::move(key)); }
Context& Context::map_key_create(wire::Value key, MapOrder order) {
  return add(ctx_type::kMapKey | map_create_flag(order), std::move(key));
}
Context& Context::map_value(wire::Value value) {
  return add(ctx_type::kMapValue, std::move(value));
}
Context& Context::expression(std::vector<uint8_t> packed) {
  items_.push_back(Item{ctx_type::kExp, wire::Value(), std::move(packed)});
  return *this;
}

Context& Context::all_children() { return expression({0xc3}); }  // msgpack true
Context& Context::all_children_with_filter(const exp::Expression& filter) {
  const std::string_view b = filter.bytes();
  return expression(std::vector<uint8_t>(b.begin(), b.end()));
}

// ---- Packer (pack.h) ----

void Packer::begin(const Context& ctx, uint32_t op, uint32_t argc, uint32_t last_ctx_flag) {
  if (!ctx.empty()) {
    array(3);
    integer(0xff);
    ctx.pack(*this, last_ctx_flag);
  }
  array(argc + 1);
  integer(op);
}

wire::Operation Packer::finish(wire::OpType type, std::string bin, bool respond_all_ops) {
  wire::Operation op = wire::Operation::raw(
      type, std::move(bin), wire::Value(wire::Bytes(take(), wire::particle::kBlob)));
  op.respond_all_ops = respond_all_ops;
  return op;
}

}  // namespace aero::cdt
