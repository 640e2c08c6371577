// Map operations, after aerospike-server as/src/base/particle_map.c, on a decoded map kept
// sorted by key.
#include "test/server/cdt/map_ops.h"

#include <algorithm>
#include <numeric>

namespace aero::testserver::cdt {

namespace {

using mp::Entry;
using mp::Value;
using Entries = std::vector<Entry>;

enum MapOp : int64_t {
  kSetType = 64,
  kAdd = 65,
  kAddItems = 66,
  kPut = 67,
  kPutItems = 68,
  kReplace = 69,
  kReplaceItems = 70,
  kIncrement = 73,
  kDecrement = 74,
  kClear = 75,
  kRemoveByKey = 76,
  kRemoveByIndex = 77,
  kRemoveByValue = 78,
  kRemoveByRank = 79,
  kRemoveByKeyList = 81,
  kRemoveAllByValue = 82,
  kRemoveByValueList = 83,
  kRemoveByKeyInterval = 84,
  kRemoveByIndexRange = 85,
  kRemoveByValueInterval = 86,
  kRemoveByRankRange = 87,
  kRemoveByKeyRelIndexRange = 88,
  kRemoveByValueRelRankRange = 89,
  kSize = 96,
  kGetByKey = 97,
  kGetByIndex = 98,
  kGetByValue = 99,
  kGetByRank = 100,
  kGetAllByValue = 102,
  kGetByKeyInterval = 103,
  kGetByIndexRange = 104,
  kGetByValueInterval = 105,
  kGetByRankRange = 106,
  kGetByKeyList = 107,
  kGetByValueList = 108,
  kGetByKeyRelIndexRange = 109,
  kGetByValueRelRankRange = 110,
};

constexpr uint8_t kPersist = 0x10;
constexpr uint8_t kInternalKeyOrdered = 0x08;  // the header of KEY_VALUE answers

bool valid_map_flags(uint64_t f) {
  return (f & ~uint64_t(mp::kMapKeyValueOrdered | kPersist)) == 0;
}

// The persist-index flag changes only the server's storage, never what a client sees: it is
// not kept.
void set_flags(Value& m, uint8_t flags) {
  m.flags = flags & uint8_t(~kPersist);
  m.has_header = m.flags != 0;
}

int cmp_key(const Entry& a, const Value& k) { return mp::compare(a.key, k); }

// Entry indexes in value order (stable: equal values keep key order).
std::vector<uint32_t> rank_order(const Entries& e) {
  std::vector<uint32_t> idx(e.size());
  std::iota(idx.begin(), idx.end(), 0u);
  std::stable_sort(idx.begin(), idx.end(), [&](uint32_t a, uint32_t b) {
    return mp::compare(e[a].value, e[b].value) < 0;
  });
  return idx;
}

uint32_t count_values_less(const Entries& e, const Value& v) {
  uint32_t n = 0;
  for (const Entry& x : e) n += mp::compare(x.value, v) < 0 ? 1 : 0;
  return n;
}

struct Ctx {
  Value* map;
  bool modify;
  Result* r;
  Entries& entries() { return map->entries; }
  uint32_t n() const { return uint32_t(map->entries.size()); }
};

// A selection of entries: `order` lists the chosen entry indexes in answer order.
struct Selection {
  std::vector<uint32_t> order;
  bool contiguous_rank = false;  // RANK answers are [rank_start, rank_start + count)
  uint32_t rank_start = 0;
  uint32_t rank_count = 0;
};

Value entries_map(const Entries& all, const std::vector<uint32_t>& idx, int type) {
  Value m = Value::map();
  for (uint32_t i : idx) m.entries.push_back(all[i]);
  if (type == kRtKeyValue) {
    sort_entries(m.entries);
    set_flags(m, kInternalKeyOrdered);
  } else if (type == kRtOrderedMap) {
    sort_entries(m.entries);
    set_flags(m, mp::kMapKeyOrdered);
  }
  return m;
}

// Builds the answer for a selection, then removes it when modifying.
int finish(Ctx& c, Selection sel, bool single) {
  Result& r = *c.r;
  const uint32_t n = c.n();
  Entries& e = c.entries();
  std::vector<bool> mask(n, false);
  for (uint32_t i : sel.order) mask[i] = true;
  if (r.inverted) {
    mask.flip();
    sel.order.clear();
    for (uint32_t i = 0; i < n; ++i) {
      if (mask[i]) sel.order.push_back(i);
    }
    single = false;  // contiguous rank answers stay ranges (inverted in the answer)
  }
  const uint32_t count = uint32_t(sel.order.size());
  if (count == 0 && single) {
    const int rc = result_not_found(r, -1);
    return rc;
  }
  std::vector<uint32_t> by_index = sel.order;
  std::sort(by_index.begin(), by_index.end());
  const bool multi = r.is_multi || !single;
  switch (r.type) {
    case kRtNone:
      break;
    case kRtCount:
      r.set_int(count);
      break;
    case kRtExists:
      r.set_bool(count != 0);
      break;
    case kRtIndex:
    case kRtRevIndex: {
      const bool rev = r.type == kRtRevIndex;
      if (!multi) {
        r.set_int(rev ? int64_t(n) - by_index[0] - 1 : by_index[0]);
        break;
      }
      std::vector<Value> out;
      for (uint32_t i : by_index) out.push_back(Value::integer(rev ? int64_t(n) - i - 1 : i));
      r.set_list(std::move(out));
      break;
    }
    case kRtRank:
    case kRtRevRank: {
      const bool rev = r.type == kRtRevRank;
      std::vector<Value> out;
      if (sel.contiguous_rank) {
        // result_data_set_range: the rank range, or what is outside it when INVERTED.
        if (!multi) {
          return result_index_rank_count(r, sel.rank_start, sel.rank_count, n);
        }
        if (r.inverted) {
          add_int_range(out, 0, sel.rank_start, n, rev);
          add_int_range(out, sel.rank_start + sel.rank_count,
                        n - sel.rank_start - sel.rank_count, n, rev);
        } else {
          add_int_range(out, sel.rank_start, sel.rank_count, n, rev);
        }
      } else {
        const std::vector<uint32_t> order = rank_order(e);
        std::vector<uint32_t> rank_of(n);
        for (uint32_t k = 0; k < n; ++k) rank_of[order[k]] = k;
        std::vector<uint32_t> ranks;
        for (uint32_t i : by_index) ranks.push_back(rank_of[i]);
        for (uint32_t rk : ranks) out.push_back(Value::integer(rev ? int64_t(n) - rk - 1 : rk));
      }
      if (!multi) {
        r.set_value(out.empty() ? Value::integer(-1) : out[0]);
      } else {
        r.set_list(std::move(out));
      }
      break;
    }
    case kRtKey:
    case kRtValue: {
      std::vector<Value> out;
      for (uint32_t i : sel.order) out.push_back(r.type == kRtKey ? e[i].key : e[i].value);
      if (!multi) {
        if (!out.empty()) r.set_value(std::move(out[0]));
      } else {
        r.set_list(std::move(out));
      }
      break;
    }
    case kRtKeyValue:
    case kRtUnorderedMap:
    case kRtOrderedMap:
      r.set_value(entries_map(e, sel.order, r.type));
      break;
    default:
      return kOpNotApplicable;
  }
  if (c.modify && count != 0) {
    Entries kept;
    for (uint32_t i = 0; i < n; ++i) {
      if (!mask[i]) kept.push_back(std::move(e[i]));
    }
    e = std::move(kept);
  }
  return kOk;
}

int by_index_range(Ctx& c, int64_t index, uint64_t count, bool single) {
  Result& r = *c.r;
  uint32_t uindex, count32;
  if (!calc_index_count(index, count, c.n(), &uindex, &count32, !single)) {
    return kOpNotApplicable;
  }
  Selection s;
  for (uint32_t i = 0; i < count32; ++i) s.order.push_back(uindex + i);
  if (r.is_index_range() || r.is_rank_range()) {
    if (r.inverted) return kOpNotApplicable;
    return result_range(r, uindex, count32, c.n());
  }
  return finish(c, std::move(s), single);
}

int by_rank_range(Ctx& c, int64_t rank, uint64_t count, bool single) {
  uint32_t urank, count32;
  if (!calc_index_count(rank, count, c.n(), &urank, &count32, !single)) return kOpNotApplicable;
  const std::vector<uint32_t> order = rank_order(c.entries());
  Selection s;
  for (uint32_t i = 0; i < count32; ++i) s.order.push_back(order[urank + i]);
  s.contiguous_rank = true;
  s.rank_start = urank;
  s.rank_count = count32;
  return finish(c, std::move(s), single);
}

// Keys in [start, end) (end null: to the end; single: exactly start).
int by_key_interval(Ctx& c, const Value& start, const Value* end, bool single) {
  const Entries& e = c.entries();
  Selection s;
  for (uint32_t i = 0; i < e.size(); ++i) {
    if (cmp_key(e[i], start) < 0) continue;
    if (single) {
      if (cmp_key(e[i], start) == 0) s.order.push_back(i);
      continue;
    }
    if (end != nullptr && cmp_key(e[i], *end) >= 0) continue;
    s.order.push_back(i);
  }
  return finish(c, std::move(s), single);
}

int by_value_interval(Ctx& c, const Value& start, const Value* end, bool single, bool multi) {
  const Entries& e = c.entries();
  Selection s;
  uint32_t less = 0;
  for (uint32_t i = 0; i < e.size(); ++i) {
    const int cs = mp::compare(e[i].value, start);
    if (cs < 0) {
      ++less;
      continue;
    }
    if (single) {
      if (cs == 0 && (multi || s.order.empty())) s.order.push_back(i);
      continue;
    }
    if (end != nullptr && mp::compare(e[i].value, *end) >= 0) continue;
    s.order.push_back(i);
  }
  s.contiguous_rank = true;
  s.rank_start = less;
  s.rank_count = uint32_t(s.order.size());
  return finish(c, std::move(s), !multi);
}

int by_key_list(Ctx& c, const Value& keys) {
  if (!keys.is_list()) return kParameter;
  const Entries& e = c.entries();
  Selection s;
  for (uint32_t i = 0; i < e.size(); ++i) {
    for (const Value& k : keys.items) {
      if (cmp_key(e[i], k) == 0) {
        s.order.push_back(i);
        break;
      }
    }
  }
  return finish(c, std::move(s), false);
}

int by_value_list(Ctx& c, const Value& values) {
  if (!values.is_list()) return kParameter;
  const Entries& e = c.entries();
  Selection s;
  for (uint32_t i = 0; i < e.size(); ++i) {
    for (const Value& v : values.items) {
      if (mp::compare(e[i].value, v) == 0) {
        s.order.push_back(i);
        break;
      }
    }
  }
  return finish(c, std::move(s), false);
}

int by_key_rel_index_range(Ctx& c, const Value& key, int64_t index, uint64_t count) {
  const uint32_t rel = uint32_t(key_lower_bound(c.entries(), key));
  int64_t i;
  uint64_t n;
  calc_rel_index_count(index, count, rel, &i, &n);
  return by_index_range(c, i, n, false);
}

int by_value_rel_rank_range(Ctx& c, const Value& value, int64_t rank, uint64_t count) {
  const uint32_t rel = count_values_less(c.entries(), value);
  int64_t i;
  uint64_t n;
  calc_rel_index_count(rank, count, rel, &i, &n);
  return by_rank_range(c, i, n, false);
}

bool is_number(const Value& v) { return v.is_int() || v.kind == mp::Kind::kDouble; }

// Puts one entry; returns a result code (kOk when skipped under NO_FAIL).
int put_one(Entries& e, const Value& key, const Value& value, uint64_t mod, bool* failed) {
  const size_t at = key_lower_bound(e, key);
  const bool found = at < e.size() && mp::compare(e[at].key, key) == 0;
  *failed = false;
  if (found && (mod & kMapCreateOnly)) {
    *failed = true;
    return (mod & kMapNoFail) ? kOk : kElementExists;
  }
  if (!found && (mod & kMapUpdateOnly)) {
    *failed = true;
    return (mod & kMapNoFail) ? kOk : kElementNotFound;
  }
  if (found) {
    e[at].value = value;
  } else {
    e.insert(e.begin() + at, Entry{key, value});
  }
  return kOk;
}

int put_items(Ctx& c, const Value& items, uint64_t mod) {
  if (!items.is_map()) return kParameter;
  Entries& e = c.entries();
  Entries work = e;
  for (const Entry& kv : items.entries) {
    bool failed;
    const int rc = put_one(work, kv.key, kv.value, mod, &failed);
    if (rc != kOk) return rc;
    if (failed && !(mod & kMapDoPartial)) {
      c.r->set_int(c.n());  // NO_FAIL without PARTIAL: nothing changes
      return kOk;
    }
  }
  e = std::move(work);
  c.r->set_int(c.n());
  return kOk;
}

int increment(Ctx& c, const Value& key, const Value* delta, bool decrement, uint64_t mod) {
  if (delta != nullptr && !is_number(*delta) && delta->kind != mp::Kind::kNil) return kParameter;
  const bool dd = delta != nullptr && delta->kind == mp::Kind::kDouble;
  int64_t di = (delta && delta->is_int()) ? delta->as_int() : 1;
  double dv = dd ? delta->d : 1.0;
  if (decrement) {
    di = int64_t(0 - uint64_t(di));
    dv = -dv;
  }
  Entries& e = c.entries();
  const size_t at = find_key(e, key);
  Value result;
  if (at < e.size()) {
    const Value& cur = e[at].value;
    if (cur.is_int()) {
      result = Value::integer(int64_t(uint64_t(cur.as_int()) + uint64_t(dd ? int64_t(dv) : di)));
    } else if (cur.kind == mp::Kind::kDouble) {
      result = Value::dbl(cur.d + (dd ? dv : double(di)));
    } else {
      return kParameter;
    }
  } else if (dd) {
    result = Value::dbl(dv);
  } else {
    result = Value::integer(di);
  }
  bool failed;
  const int rc = put_one(e, key, result, mod, &failed);
  if (rc != kOk) return rc;
  if (!failed) c.r->set_value(result);
  return kOk;
}

bool creates_map(int64_t code) {
  switch (code) {
    case kSetType:
    case kAdd:
    case kAddItems:
    case kPut:
    case kPutItems:
    case kReplace:
    case kReplaceItems:
    case kIncrement:
    case kDecrement:
      return true;
    default:
      return false;
  }
}

// The get op a remove op mirrors.
int64_t as_get_code(int64_t code) {
  switch (code) {
    case kRemoveByKey:
      return kGetByKey;
    case kRemoveByIndex:
      return kGetByIndex;
    case kRemoveByValue:
      return kGetByValue;
    case kRemoveByRank:
      return kGetByRank;
    case kRemoveByKeyList:
      return kGetByKeyList;
    case kRemoveAllByValue:
      return kGetAllByValue;
    case kRemoveByValueList:
      return kGetByValueList;
    case kRemoveByKeyInterval:
      return kGetByKeyInterval;
    case kRemoveByIndexRange:
      return kGetByIndexRange;
    case kRemoveByValueInterval:
      return kGetByValueInterval;
    case kRemoveByRankRange:
      return kGetByRankRange;
    case kRemoveByKeyRelIndexRange:
      return kGetByKeyRelIndexRange;
    case kRemoveByValueRelRankRange:
      return kGetByValueRelRankRange;
    default:
      return code;
  }
}

int get_remove(Ctx& c, const mp::Op& op) {
  Result& r = *c.r;
  const int64_t code = as_get_code(op.code);
  switch (code) {
    case kGetByKey:
      if (!check_params(op, 2, "ip")) return kParameter;
      r.set(int(op.args[0].as_int()), false);
      return by_key_interval(c, op.args[1], nullptr, true);
    case kGetByIndex:
      if (!check_params(op, 2, "ii")) return kParameter;
      r.set(int(op.args[0].as_int()), false);
      return by_index_range(c, op.args[1].as_int(), 1, true);
    case kGetByValue:
    case kGetAllByValue:
      if (!check_params(op, 2, "ip")) return kParameter;
      r.set(int(op.args[0].as_int()), code == kGetAllByValue);
      return by_value_interval(c, op.args[1], nullptr, true, code == kGetAllByValue);
    case kGetByRank:
      if (!check_params(op, 2, "ii")) return kParameter;
      r.set(int(op.args[0].as_int()), false);
      return by_rank_range(c, op.args[1].as_int(), 1, true);
    case kGetByKeyInterval:
      if (!check_params(op, 2, "ipp")) return kParameter;
      r.set(int(op.args[0].as_int()), true);
      return by_key_interval(c, op.args[1], op.args.size() > 2 ? &op.args[2] : nullptr, false);
    case kGetByIndexRange:
      if (!check_params(op, 2, "iii")) return kParameter;
      r.set(int(op.args[0].as_int()), true);
      return by_index_range(c, op.args[1].as_int(), arg_uint(op, 2, UINT32_MAX), false);
    case kGetByValueInterval:
      if (!check_params(op, 2, "ipp")) return kParameter;
      r.set(int(op.args[0].as_int()), true);
      return by_value_interval(c, op.args[1], op.args.size() > 2 ? &op.args[2] : nullptr,
                               false, true);
    case kGetByRankRange:
      if (!check_params(op, 2, "iii")) return kParameter;
      r.set(int(op.args[0].as_int()), true);
      return by_rank_range(c, op.args[1].as_int(), arg_uint(op, 2, UINT32_MAX), false);
    case kGetByKeyList:
      if (!check_params(op, 2, "ip")) return kParameter;
      r.set(int(op.args[0].as_int()), true);
      return by_key_list(c, op.args[1]);
    case kGetByValueList:
      if (!check_params(op, 2, "ip")) return kParameter;
      r.set(int(op.args[0].as_int()), true);
      return by_value_list(c, op.args[1]);
    case kGetByKeyRelIndexRange:
      if (!check_params(op, 3, "ipii")) return kParameter;
      r.set(int(op.args[0].as_int()), true);
      return by_key_rel_index_range(c, op.args[1], op.args[2].as_int(),
                                    arg_uint(op, 3, UINT32_MAX));
    case kGetByValueRelRankRange:
      if (!check_params(op, 3, "ipii")) return kParameter;
      r.set(int(op.args[0].as_int()), true);
      return by_value_rel_rank_range(c, op.args[1], op.args[2].as_int(),
                                     arg_uint(op, 3, UINT32_MAX));
    default:
      return kParameter;
  }
}

}  // namespace

bool sort_entries(std::vector<Entry>& entries) {
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return mp::compare(a.key, b.key) < 0;
  });
  for (size_t i = 1; i < entries.size(); ++i) {
    if (mp::compare(entries[i - 1].key, entries[i].key) == 0) return false;
  }
  return true;
}

size_t key_lower_bound(const std::vector<Entry>& entries, const Value& key) {
  return size_t(std::lower_bound(entries.begin(), entries.end(), key,
                                 [](const Entry& a, const Value& k) {
                                   return mp::compare(a.key, k) < 0;
                                 }) -
                entries.begin());
}

size_t find_key(const std::vector<Entry>& entries, const Value& key) {
  const size_t at = key_lower_bound(entries, key);
  if (at < entries.size() && mp::compare(entries[at].key, key) == 0) return at;
  return entries.size();
}

bool is_map_read_op(int64_t code) { return code >= kSize && code <= kGetByValueRelRankRange; }

int map_read(const Value& map, const mp::Op& op, Result* r) {
  Ctx c{const_cast<Value*>(&map), false, r};  // reads never write (modify = false)
  if (op.code == kSize) {
    if (!check_params(op, 0, "")) return kParameter;
    r->set_int(int64_t(map.entries.size()));
    return kOk;
  }
  if (!is_map_read_op(op.code)) return kParameter;
  return get_remove(c, op);
}

int map_modify(Value* map, bool* exists, bool toplevel, const mp::Op& op, Result* r) {
  if (!*exists) {
    if (!creates_map(op.code)) {
      if (op.code >= kClear && op.code <= kRemoveByValueRelRankRange) return kOk;
      return kParameter;
    }
    uint64_t create = 0;
    switch (op.code) {
      case kAdd:
      case kPut:
      case kIncrement:
      case kDecrement:
        create = arg_uint(op, 2, 0);
        break;
      case kAddItems:
      case kPutItems:
        create = arg_uint(op, 1, 0);
        break;
      default:
        break;
    }
    if (!valid_map_flags(create)) create = 0;
    if (!toplevel) create &= ~uint64_t(kPersist);
    *map = Value::map();
    set_flags(*map, uint8_t(create));
    *exists = true;
  }
  Ctx c{map, true, r};
  switch (op.code) {
    case kSetType: {
      if (!check_params(op, 1, "i")) return kParameter;
      uint64_t f = uint64_t(op.args[0].as_int());
      if (!valid_map_flags(f)) return kOpNotApplicable;
      if (!toplevel) f &= ~uint64_t(kPersist);
      set_flags(*map, uint8_t(f));
      return kOk;
    }
    case kAdd:
    case kPut:
    case kReplace: {
      const char* kinds = op.code == kPut ? "ssii" : (op.code == kAdd ? "ssi" : "ss");
      if (!check_params(op, 2, kinds)) return kParameter;
      uint64_t mod = op.code == kPut ? arg_uint(op, 3, 0) : 0;
      if (op.code == kAdd) mod = kMapCreateOnly;
      if (op.code == kReplace) mod = kMapUpdateOnly;
      bool failed;
      const int rc = put_one(map->entries, op.args[0], op.args[1], mod, &failed);
      if (rc != kOk) return rc;
      r->set_int(int64_t(map->entries.size()));
      return kOk;
    }
    case kAddItems:
    case kPutItems:
    case kReplaceItems: {
      const char* kinds = op.code == kPutItems ? "sii" : (op.code == kAddItems ? "si" : "s");
      if (!check_params(op, 1, kinds)) return kParameter;
      uint64_t mod = op.code == kPutItems ? arg_uint(op, 2, 0) : 0;
      if (op.code == kAddItems) mod = kMapCreateOnly;
      if (op.code == kReplaceItems) mod = kMapUpdateOnly;
      return put_items(c, op.args[0], mod);
    }
    case kIncrement:
    case kDecrement:
      if (!check_params(op, 1, "ppi")) return kParameter;
      return increment(c, op.args[0], op.args.size() > 1 ? &op.args[1] : nullptr,
                       op.code == kDecrement, 0);
    case kClear:
      if (!check_params(op, 0, "")) return kParameter;
      map->entries.clear();
      return kOk;
    case kRemoveByKey:
    case kRemoveByIndex:
    case kRemoveByValue:
    case kRemoveByRank:
    case kRemoveByKeyList:
    case kRemoveAllByValue:
    case kRemoveByValueList:
    case kRemoveByKeyInterval:
    case kRemoveByIndexRange:
    case kRemoveByValueInterval:
    case kRemoveByRankRange:
    case kRemoveByKeyRelIndexRange:
    case kRemoveByValueRelRankRange:
      return get_remove(c, op);
    default:
      return kParameter;
  }
}

}  // namespace aero::testserver::cdt
