// List operations, following aerospike-server as/src/base/particle_list.c (the packed_list_*
// functions) on a decoded list instead of packed bytes.
#include "test/server/cdt/list_ops.h"

#include <algorithm>
#include <numeric>

namespace aero::testserver::cdt {

namespace {

using mp::Value;
using Items = std::vector<Value>;

enum ListOp : int64_t {
  kSetType = 0,
  kAppend = 1,
  kAppendItems = 2,
  kInsert = 3,
  kInsertItems = 4,
  kPop = 5,
  kPopRange = 6,
  kRemove = 7,
  kRemoveRange = 8,
  kSet = 9,
  kTrim = 10,
  kClear = 11,
  kIncrement = 12,
  kSort = 13,
  kSize = 16,
  kGet = 17,
  kGetRange = 18,
  kGetByIndex = 19,
  kGetByValue = 20,
  kGetByRank = 21,
  kGetAllByValue = 22,
  kGetAllByValueList = 23,
  kGetByIndexRange = 24,
  kGetByValueInterval = 25,
  kGetByRankRange = 26,
  kGetByValueRelRankRange = 27,
  kRemoveByIndex = 32,
  kRemoveByValue = 33,
  kRemoveByRank = 34,
  kRemoveAllByValue = 35,
  kRemoveAllByValueList = 36,
  kRemoveByIndexRange = 37,
  kRemoveByValueInterval = 38,
  kRemoveByRankRange = 39,
  kRemoveByValueRelRankRange = 40,
};

constexpr uint8_t kFlagOrdered = mp::kListOrdered;
constexpr uint8_t kFlagPersist = 0x10;

bool is_ordered(const Value& l) { return (l.flags & kFlagOrdered) != 0; }
bool valid_list_flags(uint64_t f) { return (f & ~uint64_t(kFlagOrdered | kFlagPersist)) == 0; }

// The persist-index flag changes only the server's storage, never what a client sees: it is
// not kept.
void set_flags(Value& l, uint8_t flags) {
  l.flags = flags & uint8_t(~0x10);
  l.has_header = l.flags != 0;
}

size_t lower_bound(const Items& items, const Value& v) {
  return size_t(std::lower_bound(items.begin(), items.end(), v,
                                 [](const Value& a, const Value& b) {
                                   return mp::compare(a, b) < 0;
                                 }) -
                items.begin());
}

size_t upper_bound(const Items& items, const Value& v) {
  return size_t(std::upper_bound(items.begin(), items.end(), v,
                                 [](const Value& a, const Value& b) {
                                   return mp::compare(a, b) < 0;
                                 }) -
                items.begin());
}

// Number of elements strictly less than v (the server's rank of a value in an unordered list).
uint32_t count_less(const Items& items, const Value& v) {
  uint32_t n = 0;
  for (const Value& e : items) {
    if (mp::compare(e, v) < 0) ++n;
  }
  return n;
}

// Indexes in rank order (stable).
std::vector<uint32_t> rank_order(const Items& items) {
  std::vector<uint32_t> idx(items.size());
  std::iota(idx.begin(), idx.end(), 0u);
  std::stable_sort(idx.begin(), idx.end(), [&](uint32_t a, uint32_t b) {
    return mp::compare(items[a], items[b]) < 0;
  });
  return idx;
}

void remove_by_mask(Items& items, const std::vector<bool>& mask) {
  Items kept;
  kept.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    if (!mask[i]) kept.push_back(std::move(items[i]));
  }
  items = std::move(kept);
}

Items values_by_mask(const Items& items, const std::vector<bool>& mask) {
  Items out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (mask[i]) out.push_back(items[i]);
  }
  return out;
}

struct Ctx {
  Value* list;  // mutable only when modify
  bool modify;
  Result* r;
  Items& items() { return list->items; }
  uint32_t n() const { return uint32_t(list->items.size()); }
};

// packed_list_trim: keep [index, index + count), answer about the rest (INVERTED index range).
int trim(Ctx& c, uint32_t index, uint32_t count) {
  Result& r = *c.r;
  const uint32_t n = c.n();
  const uint32_t rm_count = n - count;
  const uint32_t index1 = index + count;
  Items& items = c.items();
  const bool rev = r.type == kRtRevIndex || r.type == kRtRevRank;
  switch (r.type) {
    case kRtNone:
      break;
    case kRtCount:
      r.set_int(rm_count);
      break;
    case kRtExists:
      r.set_bool(rm_count != 0);
      break;
    case kRtIndex:
    case kRtRevIndex: {
      Items out;
      add_int_range(out, 0, index, n, rev);
      add_int_range(out, index1, n - index1, n, rev);
      r.set_list(std::move(out));
      break;
    }
    case kRtRank:
    case kRtRevRank: {
      Items out;
      if (is_ordered(*c.list)) {
        add_int_range(out, 0, index, n, rev);
        add_int_range(out, index + count, rm_count - index, n, rev);
      } else {
        for (uint32_t i = 0; i < n; ++i) {
          if (i >= index && i < index1) continue;
          const uint32_t rank = count_less(items, items[i]);
          out.push_back(Value::integer(rev ? int64_t(n) - rank - 1 : rank));
        }
      }
      r.set_list(std::move(out));
      break;
    }
    case kRtValue: {
      Items out;
      for (uint32_t i = 0; i < n; ++i) {
        if (i < index || i >= index1) out.push_back(items[i]);
      }
      r.set_list(std::move(out));
      break;
    }
    default:
      return kOpNotApplicable;
  }
  if (c.modify) {
    Items kept(std::make_move_iterator(items.begin() + index),
               std::make_move_iterator(items.begin() + index1));
    items = std::move(kept);
  }
  return kOk;
}

// packed_list_get_remove_by_index_range.
int by_index_range(Ctx& c, int64_t index, uint64_t count) {
  Result& r = *c.r;
  const uint32_t n = c.n();
  uint32_t uindex, count32;
  if (!calc_index_count(index, count, n, &uindex, &count32, r.is_multi)) return kOpNotApplicable;
  if (r.inverted) {
    if (!r.is_multi) return kOpNotApplicable;
    if (r.is_index_range() || r.is_rank_range()) return kOpNotApplicable;
    r.inverted = false;
    if (count32 == 0) {
      uindex = 0;
      count32 = n;
    } else if (uindex == 0) {
      uindex = count32;
      count32 = n - count32;
    } else if (uindex + count32 >= n) {
      count32 = uindex;
      uindex = 0;
    } else {
      return trim(c, uindex, count32);
    }
  }
  if (count32 == 0) return result_not_found(r, uindex);
  Items& items = c.items();
  const uint32_t new_count = n - count32;
  Items removed(items.begin() + uindex, items.begin() + uindex + count32);
  int rc = kOk;
  switch (r.type) {
    case kRtNone:
      break;
    case kRtIndex:
    case kRtRevIndex:
      rc = result_index_rank_count(r, uindex, count32, n);
      break;
    case kRtRank:
    case kRtRevRank: {
      const bool rev = r.type == kRtRevRank;
      if (new_count == 0) {
        rc = result_index_rank_count(r, 0, count32, n);
        break;
      }
      if (!r.is_multi) {
        uint32_t rank = is_ordered(*c.list) ? uindex : count_less(items, removed[0]);
        if (rev) rank = n - rank - 1;
        r.set_int(rank);
        break;
      }
      Items out;
      if (is_ordered(*c.list)) {
        add_int_range(out, uindex, count32, n, rev);
      } else {
        for (const Value& v : removed) {
          const uint32_t rank = count_less(items, v);
          out.push_back(Value::integer(rev ? int64_t(n) - rank - 1 : rank));
        }
      }
      r.set_list(std::move(out));
      break;
    }
    case kRtCount:
      r.set_int(count32);
      break;
    case kRtExists:
      r.set_bool(count32 != 0);
      break;
    case kRtValue:
      if (r.is_multi) {
        r.set_list(removed);
      } else {
        r.set_value(removed[0]);
      }
      break;
    case kRtRevIndexRange:
      uindex = n - uindex - count32;
      [[fallthrough]];
    case kRtIndexRange:
      r.set_list({Value::integer(uindex), Value::integer(count32)});
      break;
    case kRtRankRange:
    case kRtRevRankRange:
      if (is_ordered(*c.list)) {
        rc = result_range(r, uindex, count32, n);
        break;
      }
      return kOpNotApplicable;
    default:
      return kOpNotApplicable;
  }
  if (rc != kOk) return rc;
  if (c.modify) items.erase(items.begin() + uindex, items.begin() + uindex + count32);
  return kOk;
}

// Lower bound, count of the values in [start, end) of an ordered list (end null: to the end).
void ordered_find(const Items& items, const Value& start, const Value* end, bool single_value,
                  bool is_multi, uint32_t* rank, uint32_t* count) {
  const size_t lo = lower_bound(items, start);
  *rank = uint32_t(lo);
  if (single_value) {
    const bool found = lo < items.size() && mp::compare(items[lo], start) == 0;
    if (!found) {
      *count = 0;
    } else if (is_multi) {
      *count = uint32_t(upper_bound(items, start) - lo);
    } else {
      *count = 1;
    }
    return;
  }
  if (end == nullptr) {
    *count = uint32_t(items.size() - lo);
    return;
  }
  if (mp::compare(start, *end) >= 0) {
    *count = 0;
    return;
  }
  *count = uint32_t(lower_bound(items, *end) - lo);
}

// packed_list_get_remove_by_value_interval. `end` null: no upper bound; `single`: [v, v].
int by_value_interval(Ctx& c, const Value& start, const Value* end, bool single) {
  Result& r = *c.r;
  const bool inverted = r.inverted;
  if (inverted && !r.is_multi) return kOpNotApplicable;
  const uint32_t n = c.n();
  Items& items = c.items();
  if (is_ordered(*c.list)) {
    uint32_t rank, count;
    ordered_find(items, start, end, single, r.is_multi, &rank, &count);
    if (count == 0 && !r.is_multi) return result_not_found(r, 0);
    return by_index_range(c, rank, count);
  }
  uint32_t rank = 0, rm_count = 0;
  std::vector<bool> mask(n, false);
  uint32_t first = n;
  for (uint32_t i = 0; i < n; ++i) {
    const int cs = mp::compare(items[i], start);
    if (cs < 0) {
      ++rank;
      if (inverted) {
        mask[i] = true;
        ++rm_count;
      }
    } else if (!single) {
      const int ce = end ? mp::compare(items[i], *end) : -1;
      if ((ce < 0 && !inverted) || (ce >= 0 && inverted)) {
        mask[i] = true;
        ++rm_count;
      }
    } else if (cs == 0) {
      if (r.is_multi) {
        if (!inverted) {
          mask[i] = true;
          ++rm_count;
        }
      } else if (rm_count == 0) {
        first = i;
        ++rm_count;
      }
    } else if (inverted && r.is_multi) {
      mask[i] = true;
      ++rm_count;
    }
  }
  if (!r.is_multi && first < n) mask[first] = true;
  int rc = kOk;
  Items selected;
  switch (r.type) {
    case kRtNone:
    case kRtCount:
    case kRtExists:
    case kRtRevRank:
    case kRtRank:
    case kRtRevRankRange:
    case kRtRankRange:
      rc = result_range(r, rank, inverted ? n - rm_count : rm_count, n);
      break;
    case kRtIndex:
    case kRtRevIndex:
      if (r.is_multi) {
        result_int_list_by_mask(r, mask, n);
      } else {
        rc = result_index_rank_count(r, first, rm_count, n);
      }
      break;
    case kRtValue:
      if (r.is_multi) {
        r.set_list(values_by_mask(items, mask));
      } else if (rm_count != 0) {
        r.set_value(items[first]);
      }
      break;
    default:
      return kOpNotApplicable;
  }
  if (rc != kOk) return rc;
  if (c.modify && rm_count != 0) remove_by_mask(items, mask);
  return kOk;
}

// packed_list_get_remove_by_rank_range.
int by_rank_range(Ctx& c, int64_t rank, uint64_t count) {
  Result& r = *c.r;
  const bool inverted = r.inverted;
  if (inverted && !r.is_multi) return kOpNotApplicable;
  if (is_ordered(*c.list)) return by_index_range(c, rank, count);
  const uint32_t n = c.n();
  uint32_t urank, count32;
  if (!calc_index_count(rank, count, n, &urank, &count32, r.is_multi)) return kOpNotApplicable;
  Items& items = c.items();
  const std::vector<uint32_t> order = rank_order(items);
  const uint32_t rm_count = inverted ? n - count32 : count32;
  if (rm_count == 0) return result_not_found(r, urank);
  std::vector<bool> mask(n, inverted);
  for (uint32_t i = 0; i < count32; ++i) mask[order[urank + i]] = !inverted;
  if (inverted && r.is_rank_range()) return kOpNotApplicable;
  int rc = kOk;
  switch (r.type) {
    case kRtNone:
    case kRtCount:
    case kRtExists:
    case kRtRank:
    case kRtRevRank:
    case kRtRankRange:
    case kRtRevRankRange:
      rc = result_range(r, urank, count32, n);
      break;
    case kRtIndex:
    case kRtRevIndex:
      result_int_list_by_mask(r, mask, n);
      break;
    case kRtValue:
      if (inverted) {
        r.set_list(values_by_mask(items, mask));
      } else if (!r.is_multi) {
        r.set_value(items[order[urank]]);
      } else {
        Items out;
        for (uint32_t i = 0; i < count32; ++i) out.push_back(items[order[urank + i]]);
        r.set_list(std::move(out));
      }
      break;
    default:
      return kOpNotApplicable;
  }
  if (rc != kOk) return rc;
  if (c.modify) remove_by_mask(items, mask);
  return kOk;
}

// packed_list_get_remove_all_by_value_list.
int by_value_list(Ctx& c, const Value& value_list) {
  Result& r = *c.r;
  if (r.is_rank_range() || r.is_index_range()) return kOpNotApplicable;
  if (!value_list.is_list()) return kParameter;
  const Items& wanted = value_list.items;
  const bool inverted = r.inverted;
  const uint32_t n = c.n();
  Items& items = c.items();
  if (wanted.empty()) {
    if (!inverted) return result_not_found(r, 0);
    r.inverted = false;
    return by_index_range(c, 0, n);
  }
  std::vector<bool> mask(n, false);
  uint32_t rm_count = 0;
  if (is_ordered(*c.list)) {
    std::vector<std::pair<uint32_t, uint32_t>> rc_pairs;
    for (const Value& w : wanted) {
      uint32_t rank, count;
      ordered_find(items, w, &w, true, true, &rank, &count);
      rc_pairs.emplace_back(rank, count);
      for (uint32_t k = 0; k < count; ++k) mask[rank + k] = true;
    }
    if (inverted) mask.flip();
    for (bool b : mask) rm_count += b ? 1 : 0;
    switch (r.type) {
      case kRtNone:
        break;
      case kRtCount:
        r.set_int(rm_count);
        break;
      case kRtExists:
        r.set_bool(rm_count != 0);
        break;
      case kRtIndex:
      case kRtRevIndex:
      case kRtRank:
      case kRtRevRank:
        if (inverted) {
          result_int_list_by_mask(r, mask, n);
        } else {
          const bool rev = r.type == kRtRevIndex || r.type == kRtRevRank;
          Items out;
          for (const auto& [rank, count] : rc_pairs) add_int_range(out, rank, count, n, rev);
          r.set_list(std::move(out));
        }
        break;
      case kRtValue:
        if (inverted) {
          r.set_list(values_by_mask(items, mask));
        } else {
          Items out;
          for (const auto& [rank, count] : rc_pairs) {
            for (uint32_t k = 0; k < count; ++k) out.push_back(items[rank + k]);
          }
          r.set_list(std::move(out));
        }
        break;
      default:
        return kOpNotApplicable;
    }
    if (c.modify && rm_count != 0) remove_by_mask(items, mask);
    return kOk;
  }
  for (uint32_t i = 0; i < n; ++i) {
    bool found = false;
    for (const Value& w : wanted) {
      if (mp::compare(items[i], w) == 0) {
        found = true;
        break;
      }
    }
    if (found != inverted) {
      mask[i] = true;
      ++rm_count;
    }
  }
  switch (r.type) {
    case kRtNone:
      break;
    case kRtIndex:
    case kRtRevIndex:
      result_int_list_by_mask(r, mask, n);
      break;
    case kRtRank:
    case kRtRevRank: {
      // result_data_set_by_itemlist_irc: per wanted value, the ranks its matches occupy.
      const bool rev = r.type == kRtRevRank;
      std::vector<std::pair<uint32_t, uint32_t>> rc_pairs;  // (rank, count) per wanted value
      std::vector<size_t> sorted_w(wanted.size());
      std::iota(sorted_w.begin(), sorted_w.end(), size_t(0));
      std::stable_sort(sorted_w.begin(), sorted_w.end(), [&](size_t a, size_t b) {
        return mp::compare(wanted[a], wanted[b]) < 0;
      });
      rc_pairs.resize(wanted.size());
      for (size_t k = 0; k < wanted.size(); ++k) {
        uint32_t count = 0;
        // A value listed twice is counted once, at its last position in sorted order.
        const bool dup_later = k + 1 < wanted.size() &&
                               mp::compare(wanted[sorted_w[k]], wanted[sorted_w[k + 1]]) == 0;
        if (!dup_later) {
          for (const Value& e : items) count += mp::compare(e, wanted[sorted_w[k]]) == 0 ? 1 : 0;
        }
        rc_pairs[sorted_w[k]] = {count_less(items, wanted[sorted_w[k]]), count};
      }
      Items out;
      if (!inverted) {
        for (const auto& [rank, count] : rc_pairs) {
          for (uint32_t j = 0; j < count; ++j) add_int_range(out, rank + j, 1, n, rev);
        }
      } else {
        uint32_t prev = 0;
        for (size_t k = 0; k < wanted.size(); ++k) {
          const auto& [rank, count] = rc_pairs[sorted_w[k]];
          if (count == 0) continue;
          add_int_range(out, prev, rank - prev, n, rev);
          prev = rank + count;
        }
        add_int_range(out, prev, n - prev, n, rev);
      }
      r.set_list(std::move(out));
      break;
    }
    case kRtCount:
      r.set_int(rm_count);
      break;
    case kRtExists:
      r.set_bool(rm_count != 0);
      break;
    case kRtValue:
      r.set_list(values_by_mask(items, mask));
      break;
    default:
      return kOpNotApplicable;
  }
  if (c.modify && rm_count != 0) remove_by_mask(items, mask);
  return kOk;
}

// packed_list_get_remove_by_rel_rank_range.
int by_rel_rank_range(Ctx& c, const Value& value, int64_t rank, uint64_t count) {
  const Items& items = c.items();
  uint32_t rel;
  if (is_ordered(*c.list)) {
    rel = uint32_t(lower_bound(items, value));
  } else {
    rel = count_less(items, value);
  }
  int64_t new_rank;
  uint64_t new_count;
  calc_rel_index_count(rank, count, rel, &new_rank, &new_count);
  if (is_ordered(*c.list)) return by_index_range(c, new_rank, new_count);
  return by_rank_range(c, new_rank, new_count);
}

int mod_exists(uint64_t flags) { return (flags & kListNoFail) ? kOk : kElementExists; }
bool do_partial(uint64_t flags) {
  return (flags & (kListNoFail | kListDoPartial)) == (kListNoFail | kListDoPartial);
}

// packed_list_insert (unordered lists).
int insert(Ctx& c, int64_t index, const Items& payload, uint64_t mod_flags, bool set_result) {
  Result* r = set_result ? c.r : nullptr;
  Items& items = c.items();
  const uint32_t n = c.n();
  auto set_size = [&](uint32_t s) {
    if (r) r->set_int(s);
  };
  if (payload.empty()) {
    set_size(n);
    return kOk;
  }
  if (index > INT32_MAX || (index = calc_index(index, n)) < 0) return kOpNotApplicable;
  if ((mod_flags & kListInsertBounded) && uint64_t(index) > n) {
    if (mod_flags & kListNoFail) {
      set_size(n);
      return kOk;
    }
    return kOpNotApplicable;
  }
  Items add;
  if (mod_flags & kListAddUnique) {
    for (size_t i = 0; i < payload.size(); ++i) {
      bool in_list = false;
      for (const Value& e : items) {
        if (mp::compare(e, payload[i]) == 0) {
          in_list = true;
          break;
        }
      }
      bool in_payload = false;
      if (!in_list) {
        for (size_t j = 0; j < i; ++j) {
          if (mp::compare(payload[j], payload[i]) == 0) {
            in_payload = true;
            break;
          }
        }
      }
      if (in_payload) {
        if (!(mod_flags & kListNoFail)) return kOpNotApplicable;
        if (!do_partial(mod_flags)) {
          set_size(n);
          return kOk;
        }
        continue;
      }
      if (in_list) {
        if (do_partial(mod_flags)) continue;
        set_size(n);
        return mod_exists(mod_flags);
      }
      add.push_back(payload[i]);
    }
    if (add.empty()) {
      set_size(n);
      return mod_exists(mod_flags);
    }
  } else {
    add = payload;
  }
  const uint32_t uindex = uint32_t(index);
  if (uindex > n && uindex - n > kMaxRecordBytes) return kRecordTooBig;
  if (uindex > n) items.resize(uindex);  // nil padding
  items.insert(items.begin() + uindex, add.begin(), add.end());
  set_size(uint32_t(items.size()));
  return kOk;
}

// packed_list_add_ordered / packed_list_add_items_ordered.
int add_ordered(Ctx& c, const Items& payload, bool is_items, uint64_t mod_flags) {
  Result& r = *c.r;
  Items& items = c.items();
  const uint32_t n = c.n();
  const bool unique = (mod_flags & kListAddUnique) != 0;
  if (!is_items) {
    const size_t at = lower_bound(items, payload[0]);
    const bool found = at < items.size() && mp::compare(items[at], payload[0]) == 0;
    if (found && unique) {
      r.set_int(n);
      return mod_exists(mod_flags);
    }
    items.insert(items.begin() + upper_bound(items, payload[0]), payload[0]);
    r.set_int(int64_t(items.size()));
    return kOk;
  }
  if (payload.empty()) {
    r.set_int(n);
    return kOk;
  }
  Items sorted = payload;
  sort_values(sorted);
  if (unique) {
    Items dedup;
    for (Value& v : sorted) {
      if (!dedup.empty() && mp::compare(dedup.back(), v) == 0) {
        if (!(mod_flags & kListNoFail)) return kOpNotApplicable;
        if (!do_partial(mod_flags)) {
          r.set_int(n);
          return kOk;
        }
        continue;
      }
      dedup.push_back(std::move(v));
    }
    sorted = std::move(dedup);
  }
  Items add;
  for (Value& v : sorted) {
    const size_t at = lower_bound(items, v);
    const bool found = at < items.size() && mp::compare(items[at], v) == 0;
    if (unique && found) {
      if (do_partial(mod_flags)) continue;
      r.set_int(n);
      return mod_exists(mod_flags);
    }
    add.push_back(std::move(v));
  }
  for (Value& v : add) items.insert(items.begin() + upper_bound(items, v), std::move(v));
  r.set_int(int64_t(items.size()));
  return kOk;
}

// list_set (unordered lists).
int set_at(Ctx& c, int64_t index, const Value& value, uint64_t mod_flags) {
  Items& items = c.items();
  const uint32_t n = c.n();
  if (index >= int64_t(n)) return insert(c, index, Items{value}, mod_flags, false);
  if ((index = calc_index(index, n)) < 0) return kOpNotApplicable;
  if (mod_flags & kListAddUnique) {
    uint32_t matches = 0;
    int64_t first = -1;
    for (uint32_t i = 0; i < n; ++i) {
      if (mp::compare(items[i], value) == 0) {
        if (first < 0) first = i;
        ++matches;
      }
    }
    if (matches != 0 && (first != index || matches > 1)) return mod_exists(mod_flags);
  }
  items[size_t(index)] = value;
  return kOk;
}

// packed_list_replace_ordered: element `index` becomes `value`, kept in order.
int replace_ordered(Ctx& c, uint32_t index, const Value& value, uint64_t mod_flags) {
  Items& items = c.items();
  if (index > items.size()) return kOpNotApplicable;
  const size_t rank = lower_bound(items, value);
  const bool found = rank < items.size() && mp::compare(items[rank], value) == 0;
  if ((mod_flags & kListAddUnique) && found) {
    if (rank == index) return kOk;
    return mod_exists(mod_flags);
  }
  if (index < items.size()) items.erase(items.begin() + index);
  items.insert(items.begin() + lower_bound(items, value), value);
  return kOk;
}

bool is_number(const Value& v) { return v.is_int() || v.kind == mp::Kind::kDouble; }

int increment(Ctx& c, int64_t index, const Value* delta, uint64_t mod_flags) {
  const uint32_t n = c.n();
  if (index > INT32_MAX || (index = calc_index(index, n)) < 0) return kOpNotApplicable;
  const uint32_t uindex = uint32_t(index);
  if (delta != nullptr && !is_number(*delta) && delta->kind != mp::Kind::kNil) return kParameter;
  const bool delta_double = delta != nullptr && delta->kind == mp::Kind::kDouble;
  const int64_t di = (delta && delta->is_int()) ? delta->as_int() : 1;
  const double dd = delta_double ? delta->d : 1.0;
  Value result;
  if (uindex < n) {
    const Value& cur = c.items()[uindex];
    if (cur.is_int()) {
      result = Value::integer(int64_t(uint64_t(cur.as_int()) +
                                      uint64_t(delta_double ? int64_t(dd) : di)));
    } else if (cur.kind == mp::Kind::kDouble) {
      result = Value::dbl(cur.d + (delta_double ? dd : double(di)));
    } else {
      return kParameter;
    }
  } else if (delta_double) {
    result = Value::dbl(dd);
  } else {
    result = Value::integer(di);
  }
  c.r->set_value(result);
  if (is_ordered(*c.list)) return replace_ordered(c, uindex, result, mod_flags);
  return set_at(c, uindex, result, mod_flags);
}

int sort_list(Ctx& c, uint64_t flags) {
  Items& items = c.items();
  if (items.size() <= 1) return kOk;
  if (!is_ordered(*c.list)) sort_values(items, (flags & 1) != 0);
  if (flags & 2) {
    Items dedup;
    for (Value& v : items) {
      if (!dedup.empty() && mp::compare(dedup.back(), v) == 0) continue;
      dedup.push_back(std::move(v));
    }
    items = std::move(dedup);
  }
  return kOk;
}

int set_type(Ctx& c, uint64_t flags, bool toplevel) {
  if (!valid_list_flags(flags)) return kOpNotApplicable;
  if (!toplevel) flags &= ~uint64_t(kFlagPersist);
  const uint8_t f = uint8_t(flags & ~uint64_t(kFlagPersist));
  if (f == c.list->flags) return kOk;
  const bool reorder = (f & kFlagOrdered) && !is_ordered(*c.list);
  set_flags(*c.list, f);
  if (reorder) sort_values(c.items());
  return kOk;
}

bool creates_list(int64_t code) {
  switch (code) {
    case kSetType:
    case kAppend:
    case kAppendItems:
    case kInsert:
    case kInsertItems:
    case kSet:
    case kIncrement:
      return true;
    default:
      return false;
  }
}

// Dispatch shared by reads and modifies (the get/remove families).
int get_remove(Ctx& c, const mp::Op& op) {
  Result& r = *c.r;
  switch (op.code) {
    case kGetByIndex:
    case kRemoveByIndex:
      if (!check_params(op, 2, "ii")) return kParameter;
      r.set(int(op.args[0].as_int()), false);
      return by_index_range(c, op.args[1].as_int(), 1);
    case kGetByValue:
    case kGetAllByValue:
    case kRemoveByValue:
    case kRemoveAllByValue:
      if (!check_params(op, 2, "ip")) return kParameter;
      r.set(int(op.args[0].as_int()), op.code == kGetAllByValue || op.code == kRemoveAllByValue);
      return by_value_interval(c, op.args[1], &op.args[1], true);
    case kGetByRank:
    case kRemoveByRank:
      if (!check_params(op, 2, "ii")) return kParameter;
      r.set(int(op.args[0].as_int()), false);
      return by_rank_range(c, op.args[1].as_int(), 1);
    case kGetAllByValueList:
    case kRemoveAllByValueList:
      if (!check_params(op, 2, "ip")) return kParameter;
      r.set(int(op.args[0].as_int()), true);
      return by_value_list(c, op.args[1]);
    case kGetByIndexRange:
    case kRemoveByIndexRange:
      if (!check_params(op, 2, "iii")) return kParameter;
      r.set(int(op.args[0].as_int()), true);
      return by_index_range(c, op.args[1].as_int(), arg_uint(op, 2, UINT32_MAX));
    case kGetByValueInterval:
    case kRemoveByValueInterval:
      if (!check_params(op, 2, "ipp")) return kParameter;
      r.set(int(op.args[0].as_int()), true);
      return by_value_interval(c, op.args[1], op.args.size() > 2 ? &op.args[2] : nullptr,
                               false);
    case kGetByRankRange:
    case kRemoveByRankRange:
      if (!check_params(op, 2, "iii")) return kParameter;
      r.set(int(op.args[0].as_int()), true);
      return by_rank_range(c, op.args[1].as_int(), arg_uint(op, 2, UINT32_MAX));
    case kGetByValueRelRankRange:
    case kRemoveByValueRelRankRange:
      if (!check_params(op, 3, "ipii")) return kParameter;
      r.set(int(op.args[0].as_int()), true);
      return by_rel_rank_range(c, op.args[1], op.args[2].as_int(),
                               arg_uint(op, 3, UINT32_MAX));
    default:
      return kParameter;
  }
}

}  // namespace

void sort_values(std::vector<Value>& items, bool descending) {
  std::stable_sort(items.begin(), items.end(), [descending](const Value& a, const Value& b) {
    const int c = mp::compare(a, b);
    return descending ? c > 0 : c < 0;
  });
}

bool is_list_read_op(int64_t code) { return code >= kSize && code <= kGetByValueRelRankRange; }

int list_read(const Value& list, const mp::Op& op, Result* r) {
  Value& l = const_cast<Value&>(list);  // reads never write (modify = false)
  Ctx c{&l, false, r};
  switch (op.code) {
    case kSize:
      if (!check_params(op, 0, "")) return kParameter;
      r->set_int(int64_t(list.items.size()));
      return kOk;
    case kGet:
      if (!check_params(op, 1, "i")) return kParameter;
      r->set(kRtValue, false);
      return by_index_range(c, op.args[0].as_int(), 1);
    case kGetRange:
      if (!check_params(op, 1, "ii")) return kParameter;
      r->set(kRtValue, true);
      return by_index_range(c, op.args[0].as_int(), arg_uint(op, 1, UINT32_MAX));
    case kGetByIndex:
    case kGetByValue:
    case kGetByRank:
    case kGetAllByValue:
    case kGetAllByValueList:
    case kGetByIndexRange:
    case kGetByValueInterval:
    case kGetByRankRange:
    case kGetByValueRelRankRange:
      return get_remove(c, op);
    default:
      return kParameter;
  }
}

int list_modify(Value* list, bool* exists, bool toplevel, const mp::Op& op, Result* r) {
  if (!*exists) {
    if (op.code == kSort) return kBinType;
    if (!creates_list(op.code)) {
      // Removes, pops, clear and trim on a missing list do nothing; unknown ops still fail.
      if ((op.code >= kPop && op.code <= kClear) ||
          (op.code >= kRemoveByIndex && op.code <= kRemoveByValueRelRankRange)) {
        return kOk;
      }
      return kParameter;
    }
    uint64_t create = 0;
    if (op.code == kAppend || op.code == kAppendItems) create = arg_uint(op, 1, 0);
    if (op.code == kIncrement) create = arg_uint(op, 2, 0);
    if (!valid_list_flags(create)) create = 0;
    if (!toplevel) create &= ~uint64_t(kFlagPersist);
    *list = Value::list();
    set_flags(*list, uint8_t(create));
    *exists = true;
  }
  Ctx c{list, true, r};
  switch (op.code) {
    case kSetType:
      if (!check_params(op, 1, "i")) return kParameter;
      return set_type(c, uint64_t(op.args[0].as_int()), toplevel);
    case kAppend:
    case kAppendItems: {
      if (!check_params(op, 1, "sii")) return kParameter;
      const bool is_items = op.code == kAppendItems;
      if (is_items && !op.args[0].is_list()) return kParameter;
      const uint64_t mod = arg_uint(op, 2, 0);
      const Items payload = is_items ? op.args[0].items : Items{op.args[0]};
      if (is_ordered(*list)) return add_ordered(c, payload, is_items, mod);
      return insert(c, int64_t(list->items.size()), payload, mod, true);
    }
    case kInsert:
    case kInsertItems: {
      if (!check_params(op, 2, "isi")) return kParameter;
      const bool is_items = op.code == kInsertItems;
      if (is_items && !op.args[1].is_list()) return kParameter;
      if (is_ordered(*list)) return kOpNotApplicable;
      const Items payload = is_items ? op.args[1].items : Items{op.args[1]};
      return insert(c, op.args[0].as_int(), payload, arg_uint(op, 2, 0), true);
    }
    case kSet:
      if (!check_params(op, 2, "isi")) return kParameter;
      if (is_ordered(*list)) return kOpNotApplicable;
      return set_at(c, op.args[0].as_int(), op.args[1], arg_uint(op, 2, 0));
    case kIncrement:
      if (!check_params(op, 1, "ipii")) return kParameter;
      return increment(c, op.args[0].as_int(), op.args.size() > 1 ? &op.args[1] : nullptr,
                       arg_uint(op, 3, 0));
    case kSort:
      if (!check_params(op, 1, "i")) return kParameter;
      return sort_list(c, arg_uint(op, 0, 0));
    case kClear:
      if (!check_params(op, 0, "")) return kParameter;
      list->items.clear();
      return kOk;
    case kPop:
    case kRemove:
      if (!check_params(op, 1, "i")) return kParameter;
      r->set(op.code == kRemove ? kRtCount : kRtValue, false);
      return by_index_range(c, op.args[0].as_int(), 1);
    case kPopRange:
    case kRemoveRange:
      if (!check_params(op, 1, "ii")) return kParameter;
      r->set(op.code == kRemoveRange ? kRtCount : kRtValue, true);
      return by_index_range(c, op.args[0].as_int(), arg_uint(op, 1, UINT32_MAX));
    case kTrim:
      if (!check_params(op, 1, "ii")) return kParameter;
      r->set(kRtCount | int(kRtInverted), true);
      return by_index_range(c, op.args[0].as_int(), arg_uint(op, 1, UINT32_MAX));
    case kRemoveByIndex:
    case kRemoveByValue:
    case kRemoveByRank:
    case kRemoveAllByValue:
    case kRemoveAllByValueList:
    case kRemoveByIndexRange:
    case kRemoveByValueInterval:
    case kRemoveByRankRange:
    case kRemoveByValueRelRankRange:
      return get_remove(c, op);
    default:
      return kParameter;
  }
}

}  // namespace aero::testserver::cdt
