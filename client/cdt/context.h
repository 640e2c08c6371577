// Contexts: the path from a bin's top-level list or map down to the nested collection an
// operation (or a read expression) acts on. Each step selects one element of the current
// collection: list by index, rank or value; map by index, rank, key or value; or by an
// expression. "Create" steps make the list/map on write when it is missing (lists with an
// order and optional nil padding, maps with an order).
//
//   Context().map_key("rooms").list_index(-1)   // last element of the list at key "rooms"
//
// Item type codes and create flags follow the C client (as_cdt_ctx.h, as_cdt_order.h) and
// the server's cdt.c. Threads: a plain value type.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "client/cdt/types.h"
#include "client/exp/expression.h"
#include "client/wire/value.h"

namespace aero::cdt {

// Context item type codes (the server's CDT context types; create flags are ORed on top).
namespace ctx_type {
inline constexpr uint32_t kExp = 0x04;        // selected by an expression
inline constexpr uint32_t kListIndex = 0x10;  // list element by index
inline constexpr uint32_t kListRank = 0x11;   // list element by value rank
inline constexpr uint32_t kListValue = 0x13;  // list element by value
inline constexpr uint32_t kMapIndex = 0x20;   // map entry by key-order index
inline constexpr uint32_t kMapRank = 0x21;    // map entry by value rank
inline constexpr uint32_t kMapKey = 0x22;     // map entry by key
inline constexpr uint32_t kMapValue = 0x23;   // map entry by value
inline constexpr uint32_t kValueBit = 0x02;  // the item's operand is a value (key/value steps)
}  // namespace ctx_type

// The create-on-write flag of a list step: 0xc0 ordered, else 0x80 with nil padding
// (insert beyond the end pads with nils), else 0x40.
constexpr uint32_t list_create_flag(ListOrder order, bool pad) {
  return order == ListOrder::kOrdered ? 0xc0u : pad ? 0x80u : 0x40u;
}

// The create-on-write flag of a map step: 0x40 unordered, 0x80 key-ordered, 0xc0
// key/value-ordered.
constexpr uint32_t map_create_flag(MapOrder order) {
  switch (order) {
    case MapOrder::kKeyOrdered:
      return 0x80;
    case MapOrder::kKeyValueOrdered:
      return 0xc0;
    case MapOrder::kUnordered:
      break;
  }
  return 0x40;
}

// A CDT context: the steps, outermost first, from a bin's collection to the nested one an
// operation addresses. Built by chaining the step methods; empty means the bin itself.
class Context {
 public:
  // One step: its type code (ctx_type, with any create flag ORed in) and its operand.
  struct Item {
    uint32_t type = 0;                  // ctx_type code | create flag (0x40 / 0x80 / 0xc0)
    wire::Value value;                  // index/rank as an integer, or the key/value
    std::vector<uint8_t> expression;   // kExp: the packed expression
    // Same type, value and expression bytes.
    friend bool operator==(const Item&, const Item&) = default;
  };

  Context() = default;

  // List element at `index` (negative counts from the end).
  Context& list_index(int64_t index);
  // Like list_index, creating the list on write when it is missing.
  Context& list_index_create(int64_t index, ListOrder order, bool pad);
  // List element of `rank` (0 smallest, -1 largest).
  Context& list_rank(int64_t rank);
  // First list element equal to `value`.
  Context& list_value(wire::Value value);
  // Map entry at key-order `index`.
  Context& map_index(int64_t index);
  // Map entry of value `rank`.
  Context& map_rank(int64_t rank);
  // Map entry with `key`.
  Context& map_key(wire::Value key);
  // Like map_key, creating the map on write when it is missing.
  Context& map_key_create(wire::Value key, MapOrder order);
  // First map entry whose value equals `value`.
  Context& map_value(wire::Value value);
  // Every element the packed expression selects (server 8.1 path expressions).
  Context& expression(std::vector<uint8_t> packed);
  // Every child of the list or map (context type 4 with the expression `true`; server 8.1
  // path "select", select.h).
  Context& all_children();
  // Every child the boolean expression `filter` accepts; it sees the child through
  // client/exp/path_exp.h's element_value/element_key/element_index (server 8.1, select.h).
  Context& all_children_with_filter(const exp::Expression& filter);

  // True when there are no steps (the operation acts on the bin's own list or map).
  bool empty() const { return items_.empty(); }
  // The number of steps.
  size_t size() const { return items_.size(); }
  // The steps, outermost first; valid until the Context is next modified or destroyed.
  std::span<const Item> items() const { return items_; }

  // Appends the msgpack array [type, value, type, value, ...] to `out`, ORing
  // `last_flag` onto the last item's type.
  template <class W>
  void pack(W& w, uint32_t last_flag = 0) const;

  // Same steps in the same order.
  friend bool operator==(const Context&, const Context&) = default;

 private:
  Context& add(uint32_t type, wire::Value v);
  std::vector<Item> items_;
};

template <class W>
void Context::pack(W& w, uint32_t last_flag) const {
  w.array(static_cast<uint32_t>(items_.size() * 2));
  for (size_t i = 0; i < items_.size(); ++i) {
    const Item& it = items_[i];
    w.integer(static_cast<int64_t>(i + 1 == items_.size() ? (it.type | last_flag) : it.type));
    if ((it.type & 0xff) == ctx_type::kExp) {
      w.raw(it.expression);
    } else {
      w.value(it.value);
    }
  }
}

}  // namespace aero::cdt
