// The builders against the requests an official client sent to a real 8.1.2 server
// (test/captures/operations/{list_basics,map_basics,bit,hll}.json.gz):
//  - every captured list, map, bit and HLL operation is decoded into its arguments, rebuilt
//    with the typed builder that encodes that server operation, and the packed bytes (plus
//    op type and particle type) must be identical;
//  - every answer frame in those files decodes into a Record (several results per bin,
//    ordered maps, HLL and blob particles included).
// Operations outside this package's scope are counted and skipped: path expressions (op
// code 254, expressions' territory) and contexts carrying flags no builder sends (0x100).
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>
#include <string>

#include "client/cdt/bit.h"
#include "client/cdt/hll.h"
#include "client/cdt/list.h"
#include "client/cdt/map.h"
#include "client/wire/wire.h"
#include "test/wire/captures.h"

namespace aero::cdt {
namespace {

using wire::Bytes;
using wire::List;
using wire::Map;
using wire::OpType;
using wire::Operation;
using wire::Result;
using wire::Value;
using wire::testing::ByteVec;
using wire::testing::CaptureVector;
using wire::testing::load_captures;
using wire::testing::to_hex;

int64_t i(const Value& v) { return v.as_int() ? *v.as_int() : INT64_MIN; }
uint64_t u(const Value& v) { return static_cast<uint64_t>(i(v)); }
ReturnType rt(const Value& v) { return static_cast<ReturnType>(i(v)); }
std::optional<uint64_t> opt(const std::vector<Value>& a, size_t k) {
  if (a.size() > k) return u(a[k]);
  return std::nullopt;
}
Value at(const std::vector<Value>& a, size_t k) { return a.size() > k ? a[k] : Value(); }
List list_of(const Value& v) { return v.as_list() ? *v.as_list() : List{}; }
std::vector<uint8_t> blob(const Value& v) { return v.as_bytes() ? v.as_bytes()->data : ByteVec{}; }

// Context from the captured [type, value, ...] array; nullopt when it uses something no
// builder sends.
std::optional<Context> context_of(const List& items) {
  Context c;
  if (items.items.size() % 2 != 0) return std::nullopt;
  for (size_t k = 0; k < items.items.size(); k += 2) {
    const int64_t type = i(items.items[k]);
    const Value& v = items.items[k + 1];
    const uint32_t base = static_cast<uint32_t>(type) & 0x3f;
    const uint32_t create = static_cast<uint32_t>(type) & 0xc0;
    if ((type & ~int64_t{0xff}) != 0) return std::nullopt;
    switch (base) {
      case ctx_type::kListIndex:
        if (create == 0) {
          c.list_index(i(v));
        } else {
          c.list_index_create(i(v), create == 0xc0 ? ListOrder::kOrdered : ListOrder::kUnordered,
                              create == 0x80);
        }
        break;
      case ctx_type::kListRank:
        c.list_rank(i(v));
        break;
      case ctx_type::kListValue:
        c.list_value(v);
        break;
      case ctx_type::kMapIndex:
        c.map_index(i(v));
        break;
      case ctx_type::kMapRank:
        c.map_rank(i(v));
        break;
      case ctx_type::kMapKey:
        if (create == 0) {
          c.map_key(v);
        } else {
          c.map_key_create(v, create == 0x80   ? MapOrder::kKeyOrdered
                              : create == 0xc0 ? MapOrder::kKeyValueOrdered
                                               : MapOrder::kUnordered);
        }
        break;
      case ctx_type::kMapValue:
        c.map_value(v);
        break;
      default:
        return std::nullopt;
    }
    if (create != 0 && base != ctx_type::kListIndex && base != ctx_type::kMapKey) {
      return std::nullopt;
    }
  }
  return c;
}

MapPolicy map_policy(int64_t attr, uint32_t flags = 0,
                     MapWriteMode mode = MapWriteMode::kUpdate) {
  MapPolicy p;
  p.order = static_cast<MapOrder>(attr & 0x0f);
  p.persist_index = (attr & 0x10) != 0;
  p.flags = flags;
  p.write_mode = mode;
  return p;
}

// Rebuilds a list or map operation (op types 3 and 4) from its code and arguments.
std::optional<Operation> rebuild_cdt(const std::string& bin, int64_t code,
                                     const std::vector<Value>& a, const Context& ctx) {
  namespace l = list;
  namespace m = map;
  const size_t n = a.size();
  auto pol = [&](size_t k) -> std::optional<ListPolicy> {
    if (n > k + 1) return ListPolicy{static_cast<ListOrder>(i(a[k])), static_cast<uint32_t>(i(a[k + 1]))};
    return std::nullopt;
  };
  auto flags_pol = [&](size_t k) -> std::optional<ListPolicy> {
    if (n > k) return ListPolicy{ListOrder::kUnordered, static_cast<uint32_t>(i(a[k]))};
    return std::nullopt;
  };
  switch (code) {
    case opcode::kListSetType:
      return l::set_order(bin, static_cast<ListOrder>(i(a[0])), ctx);
    case opcode::kListAppend:
      return l::append(bin, a[0], pol(1), ctx);
    case opcode::kListAppendItems:
      return l::append_items(bin, list_of(a[0]), pol(1), ctx);
    case opcode::kListInsert:
      return l::insert(bin, i(a[0]), a[1], flags_pol(2), ctx);
    case opcode::kListInsertItems:
      return l::insert_items(bin, i(a[0]), list_of(a[1]), flags_pol(2), ctx);
    case opcode::kListPop:
      return l::pop(bin, i(a[0]), ctx);
    case opcode::kListPopRange:
      return l::pop_range(bin, i(a[0]), opt(a, 1), ctx);
    case opcode::kListRemove:
      return l::remove(bin, i(a[0]), ctx);
    case opcode::kListRemoveRange:
      return l::remove_range(bin, i(a[0]), opt(a, 1), ctx);
    case opcode::kListSet:
      return l::set(bin, i(a[0]), a[1], flags_pol(2), ctx);
    case opcode::kListTrim:
      return l::trim(bin, i(a[0]), u(a[1]), ctx);
    case opcode::kListClear:
      return l::clear(bin, ctx);
    case opcode::kListIncrement:
      if (n == 1) return l::increment(bin, i(a[0]), Value(), std::nullopt, ctx);
      return l::increment(bin, i(a[0]), a[1], pol(2), ctx);
    case opcode::kListSort:
      return l::sort(bin, static_cast<uint32_t>(i(a[0])), ctx);
    case opcode::kListSize:
      return l::size(bin, ctx);
    case opcode::kListGet:
      return l::get(bin, i(a[0]), ctx);
    case opcode::kListGetRange:
      return l::get_range(bin, i(a[0]), opt(a, 1), ctx);
    case opcode::kListGetByIndex:
      return l::get_by_index(bin, i(a[1]), rt(a[0]), ctx);
    case opcode::kListRemoveByIndex:
      return l::remove_by_index(bin, i(a[1]), rt(a[0]), ctx);
    case opcode::kListGetByRank:
      return l::get_by_rank(bin, i(a[1]), rt(a[0]), ctx);
    case opcode::kListRemoveByRank:
      return l::remove_by_rank(bin, i(a[1]), rt(a[0]), ctx);
    case opcode::kListGetByValue:
      return l::get_by_value(bin, a[1], rt(a[0]), ctx);
    case opcode::kListRemoveByValue:
      return l::remove_by_value(bin, a[1], rt(a[0]), ctx);
    case opcode::kListGetByValueList:
      return l::get_by_value_list(bin, list_of(a[1]), rt(a[0]), ctx);
    case opcode::kListRemoveByValueList:
      return l::remove_by_value_list(bin, list_of(a[1]), rt(a[0]), ctx);
    case opcode::kListGetByIndexRange:
      return l::get_by_index_range(bin, i(a[1]), opt(a, 2), rt(a[0]), ctx);
    case opcode::kListRemoveByIndexRange:
      return l::remove_by_index_range(bin, i(a[1]), opt(a, 2), rt(a[0]), ctx);
    case opcode::kListGetByRankRange:
      return l::get_by_rank_range(bin, i(a[1]), opt(a, 2), rt(a[0]), ctx);
    case opcode::kListRemoveByRankRange:
      return l::remove_by_rank_range(bin, i(a[1]), opt(a, 2), rt(a[0]), ctx);
    case opcode::kListGetByValueInterval:
      return l::get_by_value_range(bin, a[1], at(a, 2), rt(a[0]), ctx);
    case opcode::kListRemoveByValueInterval:
      return l::remove_by_value_range(bin, a[1], at(a, 2), rt(a[0]), ctx);
    case opcode::kListGetByValueRelRankRange:
      return l::get_by_value_rel_rank_range(bin, a[1], i(a[2]), opt(a, 3), rt(a[0]), ctx);
    case opcode::kListRemoveByValueRelRankRange:
      return l::remove_by_value_rel_rank_range(bin, a[1], i(a[2]), opt(a, 3), rt(a[0]), ctx);

    case opcode::kMapSetType:
      return m::set_policy(bin, map_policy(i(a[0])), ctx);
    case opcode::kMapPut:
      return m::put(bin, a[0], a[1],
                    map_policy(n > 2 ? i(a[2]) : 0, n > 3 ? static_cast<uint32_t>(i(a[3])) : 0),
                    ctx);
    case opcode::kMapAdd:
      return m::put(bin, a[0], a[1], map_policy(i(a[2]), 0, MapWriteMode::kCreateOnly), ctx);
    case opcode::kMapReplace:
      return m::put(bin, a[0], a[1], map_policy(0, 0, MapWriteMode::kUpdateOnly), ctx);
    case opcode::kMapPutItems:
      return m::put_items(bin, a[0].as_map() ? *a[0].as_map() : Map{},
                          map_policy(n > 1 ? i(a[1]) : 0, n > 2 ? static_cast<uint32_t>(i(a[2])) : 0),
                          ctx);
    case opcode::kMapAddItems:
      return m::put_items(bin, a[0].as_map() ? *a[0].as_map() : Map{},
                          map_policy(i(a[1]), 0, MapWriteMode::kCreateOnly), ctx);
    case opcode::kMapReplaceItems:
      return m::put_items(bin, a[0].as_map() ? *a[0].as_map() : Map{},
                          map_policy(0, 0, MapWriteMode::kUpdateOnly), ctx);
    case opcode::kMapIncrement:
      return m::increment(bin, a[0], a[1], map_policy(i(a[2])), ctx);
    case opcode::kMapDecrement:
      return m::decrement(bin, a[0], a[1], map_policy(i(a[2])), ctx);
    case opcode::kMapClear:
      return m::clear(bin, ctx);
    case opcode::kMapSize:
      return m::size(bin, ctx);
    case opcode::kMapGetByKey:
      return m::get_by_key(bin, a[1], rt(a[0]), ctx);
    case opcode::kMapRemoveByKey:
      return m::remove_by_key(bin, a[1], rt(a[0]), ctx);
    case opcode::kMapGetByKeyList:
      return m::get_by_key_list(bin, list_of(a[1]), rt(a[0]), ctx);
    case opcode::kMapRemoveByKeyList:
      return m::remove_by_key_list(bin, list_of(a[1]), rt(a[0]), ctx);
    case opcode::kMapGetByKeyInterval:
      return m::get_by_key_range(bin, a[1], at(a, 2), rt(a[0]), ctx);
    case opcode::kMapRemoveByKeyInterval:
      return m::remove_by_key_range(bin, a[1], at(a, 2), rt(a[0]), ctx);
    case opcode::kMapGetByKeyRelIndexRange:
      return m::get_by_key_rel_index_range(bin, a[1], i(a[2]), opt(a, 3), rt(a[0]), ctx);
    case opcode::kMapRemoveByKeyRelIndexRange:
      return m::remove_by_key_rel_index_range(bin, a[1], i(a[2]), opt(a, 3), rt(a[0]), ctx);
    case opcode::kMapGetByValue:
      return m::get_by_value(bin, a[1], rt(a[0]), ctx);
    case opcode::kMapRemoveByValue:
      return m::remove_by_value(bin, a[1], rt(a[0]), ctx);
    case opcode::kMapGetByValueList:
      return m::get_by_value_list(bin, list_of(a[1]), rt(a[0]), ctx);
    case opcode::kMapRemoveByValueList:
      return m::remove_by_value_list(bin, list_of(a[1]), rt(a[0]), ctx);
    case opcode::kMapGetByValueInterval:
      return m::get_by_value_range(bin, a[1], at(a, 2), rt(a[0]), ctx);
    case opcode::kMapRemoveByValueInterval:
      return m::remove_by_value_range(bin, a[1], at(a, 2), rt(a[0]), ctx);
    case opcode::kMapGetByValueRelRankRange:
      return m::get_by_value_rel_rank_range(bin, a[1], i(a[2]), opt(a, 3), rt(a[0]), ctx);
    case opcode::kMapRemoveByValueRelRankRange:
      return m::remove_by_value_rel_rank_range(bin, a[1], i(a[2]), opt(a, 3), rt(a[0]), ctx);
    case opcode::kMapGetByIndex:
      return m::get_by_index(bin, i(a[1]), rt(a[0]), ctx);
    case opcode::kMapRemoveByIndex:
      return m::remove_by_index(bin, i(a[1]), rt(a[0]), ctx);
    case opcode::kMapGetByIndexRange:
      return m::get_by_index_range(bin, i(a[1]), opt(a, 2), rt(a[0]), ctx);
    case opcode::kMapRemoveByIndexRange:
      return m::remove_by_index_range(bin, i(a[1]), opt(a, 2), rt(a[0]), ctx);
    case opcode::kMapGetByRank:
      return m::get_by_rank(bin, i(a[1]), rt(a[0]), ctx);
    case opcode::kMapRemoveByRank:
      return m::remove_by_rank(bin, i(a[1]), rt(a[0]), ctx);
    case opcode::kMapGetByRankRange:
      return m::get_by_rank_range(bin, i(a[1]), opt(a, 2), rt(a[0]), ctx);
    case opcode::kMapRemoveByRankRange:
      return m::remove_by_rank_range(bin, i(a[1]), opt(a, 2), rt(a[0]), ctx);
    default:
      return std::nullopt;
  }
}

std::optional<Operation> rebuild_bit(const std::string& bin, int64_t code,
                                     const std::vector<Value>& a, const Context& ctx) {
  namespace b = bit;
  const size_t n = a.size();
  auto pol = [&](size_t k) { return BitPolicy{static_cast<uint32_t>(i(a[k]))}; };
  auto u32 = [&](size_t k) { return static_cast<uint32_t>(i(a[k])); };
  switch (code) {
    case opcode::kBitResize:
      return b::resize(bin, u32(0), u32(2), pol(1), ctx);
    case opcode::kBitInsert:
      return b::insert(bin, i(a[0]), blob(a[1]), pol(2), ctx);
    case opcode::kBitRemove:
      return b::remove(bin, i(a[0]), u32(1), pol(2), ctx);
    case opcode::kBitSet:
      return b::set(bin, i(a[0]), u32(1), blob(a[2]), pol(3), ctx);
    case opcode::kBitOr:
      return b::bit_or(bin, i(a[0]), u32(1), blob(a[2]), pol(3), ctx);
    case opcode::kBitXor:
      return b::bit_xor(bin, i(a[0]), u32(1), blob(a[2]), pol(3), ctx);
    case opcode::kBitAnd:
      return b::bit_and(bin, i(a[0]), u32(1), blob(a[2]), pol(3), ctx);
    case opcode::kBitNot:
      return b::bit_not(bin, i(a[0]), u32(1), pol(2), ctx);
    case opcode::kBitLshift:
      return b::lshift(bin, i(a[0]), u32(1), u32(2), pol(3), ctx);
    case opcode::kBitRshift:
      return b::rshift(bin, i(a[0]), u32(1), u32(2), pol(3), ctx);
    case opcode::kBitAdd:
    case opcode::kBitSubtract: {
      const int64_t f = i(a[4]);
      auto fn = code == opcode::kBitAdd ? &b::add : &b::subtract;
      return fn(bin, i(a[0]), u32(1), i(a[2]), (f & 1) != 0,
                static_cast<BitOverflowAction>(f & ~int64_t{1}), pol(3), ctx);
    }
    case opcode::kBitSetInt:
      return b::set_int(bin, i(a[0]), u32(1), i(a[2]), pol(3), ctx);
    case opcode::kBitGet:
      return b::get(bin, i(a[0]), u32(1), ctx);
    case opcode::kBitCount:
      return b::count(bin, i(a[0]), u32(1), ctx);
    case opcode::kBitLscan:
      return b::lscan(bin, i(a[0]), u32(1), a[2] == Value(true), ctx);
    case opcode::kBitRscan:
      return b::rscan(bin, i(a[0]), u32(1), a[2] == Value(true), ctx);
    case opcode::kBitGetInt:
      return b::get_int(bin, i(a[0]), u32(1), n > 2 && i(a[2]) != 0, ctx);
    default:
      return std::nullopt;
  }
}

hll::Hlls hlls_of(const Value& v) {
  hll::Hlls out;
  for (const Value& e : list_of(v).items) out.push_back(e.as_bytes() ? *e.as_bytes() : Bytes());
  return out;
}

std::optional<Operation> rebuild_hll(const std::string& bin, int64_t code,
                                     const std::vector<Value>& a, const Context& ctx) {
  namespace h = hll;
  auto pol = [&](size_t k) { return HllPolicy{static_cast<uint32_t>(i(a[k]))}; };
  switch (code) {
    case opcode::kHllInit:
      return h::init(bin, i(a[0]), i(a[1]), pol(2), ctx);
    case opcode::kHllAdd:
      return h::add(bin, list_of(a[0]), i(a[1]), i(a[2]), pol(3), ctx);
    case opcode::kHllSetUnion:
      return h::set_union(bin, hlls_of(a[0]), pol(1), ctx);
    case opcode::kHllRefreshCount:
      return h::refresh_count(bin, ctx);
    case opcode::kHllFold:
      return h::fold(bin, i(a[0]), ctx);
    case opcode::kHllCount:
      return h::get_count(bin, ctx);
    case opcode::kHllUnion:
      return h::get_union(bin, hlls_of(a[0]), ctx);
    case opcode::kHllUnionCount:
      return h::get_union_count(bin, hlls_of(a[0]), ctx);
    case opcode::kHllIntersectCount:
      return h::get_intersect_count(bin, hlls_of(a[0]), ctx);
    case opcode::kHllSimilarity:
      return h::get_similarity(bin, hlls_of(a[0]), ctx);
    case opcode::kHllDescribe:
      return h::describe(bin, ctx);
    case opcode::kHllMayContain:
      return h::may_contain(bin, list_of(a[0]), ctx);
    default:
      return std::nullopt;
  }
}

bool is_family_op(uint8_t t) {
  switch (static_cast<OpType>(t)) {
    case OpType::kCdtRead:
    case OpType::kCdtModify:
    case OpType::kBitRead:
    case OpType::kBitModify:
    case OpType::kHllRead:
    case OpType::kHllModify:
      return true;
    default:
      return false;
  }
}

struct Tally {
  size_t checked = 0;
  size_t skipped = 0;
  std::set<std::pair<uint8_t, int64_t>> codes;  // (op type, op code) rebuilt and identical
};

// Rebuilds one captured op; returns false (and records a failure) on a mismatch.
void check_op(const wire::OpView& op, Tally& t, const std::string& where) {
  const auto payload = op.value.bytes();
  Result<Value> decoded = wire::msgpack_decode(payload);
  ASSERT_TRUE(decoded.ok()) << where << ": " << decoded.error().to_string();
  const List* top = decoded->as_list();
  ASSERT_NE(top, nullptr) << where;
  ASSERT_FALSE(top->items.empty()) << where;
  Context ctx;
  const List* inner = top;
  if (i(top->items[0]) == 0xff) {
    ASSERT_EQ(top->items.size(), 3u) << where;
    std::optional<Context> c = context_of(list_of(top->items[1]));
    if (!c || !top->items[2].as_list()) {
      ++t.skipped;
      return;
    }
    ctx = *c;
    inner = top->items[2].as_list();
  }
  const int64_t code = i(inner->items[0]);
  const std::vector<Value> args(inner->items.begin() + 1, inner->items.end());
  const std::string bin(op.name);
  std::optional<Operation> rebuilt;
  switch (static_cast<OpType>(op.op_type)) {
    case OpType::kBitRead:
    case OpType::kBitModify:
      rebuilt = rebuild_bit(bin, code, args, ctx);
      break;
    case OpType::kHllRead:
    case OpType::kHllModify:
      rebuilt = rebuild_hll(bin, code, args, ctx);
      break;
    default:
      rebuilt = rebuild_cdt(bin, code, args, ctx);
      break;
  }
  if (!rebuilt) {
    ++t.skipped;  // op code 254 (path expressions) and the like
    return;
  }
  EXPECT_EQ(static_cast<int>(rebuilt->type), op.op_type) << where << " code " << code;
  ASSERT_NE(rebuilt->value.as_bytes(), nullptr);
  const Bytes& mine = *rebuilt->value.as_bytes();
  EXPECT_EQ(mine.particle_type, op.value.particle_type()) << where;
  EXPECT_EQ(to_hex(mine.data), to_hex(payload.data(), payload.size()))
      << where << " code " << code << ": " << decoded->debug_string().substr(0, 300);
  EXPECT_EQ(rebuilt->bin_name, bin);
  ++t.checked;
  t.codes.insert({op.op_type, code});
}

class FamilyCaptures : public ::testing::TestWithParam<const char*> {};

TEST_P(FamilyCaptures, EveryOperationRebuildsByteIdentical) {
  const auto vectors =
      load_captures(std::string("test/captures/operations/") + GetParam() + ".json.gz");
  Tally t;
  for (const CaptureVector& v : vectors) {
    Result<wire::ProtoHeader> h = wire::parse_proto_header(v.request);
    ASSERT_TRUE(h.ok());
    if (h->type != wire::ProtoType::kMessage) continue;
    Result<wire::MessageView> m = wire::parse_single_message(std::span(v.request).subspan(8));
    if (!m.ok()) {
      // The map capture writes a few deliberately malformed map bins (plain WRITE ops, which
      // the server refuses); no list/map/bit/HLL operation is among them.
      ++t.skipped;
      continue;
    }
    bool any_map_op = false;
    for (wire::OpView op : m->ops()) {
      if (!is_family_op(op.op_type)) continue;
      check_op(op, t, v.name);
      if (HasFatalFailure()) return;
      Result<Value> d = wire::msgpack_decode(op.value.bytes());
      const List* l = d.ok() ? d->as_list() : nullptr;
      if (l && !l->items.empty()) {
        const List* in = i(l->items[0]) == 0xff && l->items.size() == 3 ? l->items[2].as_list() : l;
        const int64_t code = in && !in->items.empty() ? i(in->items[0]) : -1;
        if (op.op_type <= 4 && code >= 64 && code <= 110) any_map_op = true;
      }
    }
    // Map operations ask for a result per op, as the official client did.
    if (any_map_op) {
      EXPECT_NE(m->header.info2 & wire::info2::kRespondAllOps, 0) << v.name;
    }
  }
  std::string codes;
  for (const auto& [type, code] : t.codes) codes += std::to_string(type) + ":" + std::to_string(code) + " ";
  std::printf("%s: %zu ops byte-identical (%zu distinct op codes), %zu out of scope\n  %s\n",
              GetParam(), t.checked, t.codes.size(), t.skipped, codes.c_str());
  EXPECT_GT(t.checked, 10u);
}

TEST_P(FamilyCaptures, EveryAnswerDecodes) {
  const auto vectors =
      load_captures(std::string("test/captures/operations/") + GetParam() + ".json.gz");
  size_t records = 0;
  for (const CaptureVector& v : vectors) {
    for (const ByteVec& frame : v.responses) {
      Result<wire::ProtoHeader> h = wire::parse_proto_header(frame);
      ASSERT_TRUE(h.ok());
      if (h->type != wire::ProtoType::kMessage &&
          h->type != wire::ProtoType::kCompressedMessage) {
        continue;
      }
      wire::Buffer scratch;
      Result<std::span<const uint8_t>> body = wire::frame_message_body(frame, scratch);
      ASSERT_TRUE(body.ok()) << v.name << ": " << body.error().to_string();
      Result<wire::MessageView> m = wire::parse_record_response(*body);
      ASSERT_TRUE(m.ok()) << v.name << ": " << m.error().to_string();
      Result<wire::Record> rec = m->to_record();
      ASSERT_TRUE(rec.ok()) << v.name << ": " << rec.error().to_string();
      ++records;
    }
  }
  EXPECT_GT(records, 10u);
}

INSTANTIATE_TEST_SUITE_P(Operations, FamilyCaptures,
                         ::testing::Values("list_basics", "map_basics", "bit", "hll"));

}  // namespace
}  // namespace aero::cdt
