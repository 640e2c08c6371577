#include "test/server/cdt/cdt_result.h"

#include <string>

namespace aero::testserver::cdt {

namespace {

uint32_t calc_count(uint32_t index, uint64_t in_count, uint32_t max_index) {
  if (in_count >= uint64_t(max_index) - index) return max_index - index;
  return uint32_t(in_count);
}

}  // namespace

bool calc_index_count(int64_t in_index, uint64_t in_count, uint32_t n, uint32_t* out_index,
                      uint32_t* out_count, bool is_multi) {
  if (is_multi) {
    if (in_index >= int64_t(n)) {
      *out_index = n;
      *out_count = 0;
    } else if ((in_index = calc_index(in_index, n)) < 0) {
      if (uint64_t(-in_index) < in_count) {
        uint64_t c = in_count + uint64_t(in_index);
        if (c > n) c = n;
        *out_count = uint32_t(c);
      } else {
        *out_count = 0;
      }
      *out_index = 0;
    } else {
      *out_index = uint32_t(in_index);
      *out_count = calc_count(uint32_t(in_index), in_count, n);
    }
    return true;
  }
  if (in_index >= int64_t(n) || (in_index = calc_index(in_index, n)) < 0) return false;
  *out_index = uint32_t(in_index);
  *out_count = calc_count(uint32_t(in_index), in_count, n);
  return true;
}

void calc_rel_index_count(int64_t in_index, uint64_t in_count, uint32_t rel_index,
                          int64_t* out_index, uint64_t* out_count) {
  in_index += rel_index;
  if (in_index < 0) {
    const uint64_t back = uint64_t(-in_index);
    in_count = in_count > back ? in_count - back : 0;
    in_index = 0;
  }
  *out_index = in_index;
  *out_count = in_count;
}

void add_int_range(std::vector<mp::Value>& out, uint32_t start, uint32_t count, uint32_t n,
                   bool rev) {
  if (rev) start = n - start - count;
  for (uint32_t i = 0; i < count; ++i) out.push_back(mp::Value::integer(int64_t(start) + i));
}

int result_not_found(Result& r, int64_t index) {
  switch (r.type) {
    case kRtNone:
      break;
    case kRtIndexRange:
    case kRtRevIndexRange:
    case kRtRankRange:
    case kRtRevRankRange:
      r.set_list({mp::Value::integer(index), mp::Value::integer(0)});
      break;
    case kRtIndex:
    case kRtRevIndex:
    case kRtRank:
    case kRtRevRank:
      if (r.is_multi) {
        r.set_list({});
      } else {
        r.set_int(-1);
      }
      break;
    case kRtCount:
      r.set_int(0);
      break;
    case kRtExists:
      r.set_bool(false);
      break;
    case kRtKey:
    case kRtValue:
      if (r.is_multi) r.set_list({});
      break;
    case kRtKeyValue:
    case kRtUnorderedMap:
    case kRtOrderedMap: {
      mp::Value m = mp::Value::map();
      if (r.type == kRtKeyValue) {
        m.has_header = true;
        m.flags = 0x08;
      } else if (r.type == kRtOrderedMap) {
        m.has_header = true;
        m.flags = mp::kMapKeyOrdered;
      }
      r.set_value(std::move(m));
      break;
    }
    default:
      return kOpNotApplicable;
  }
  return kOk;
}

int result_index_rank_count(Result& r, uint32_t start, uint32_t count, uint32_t n) {
  bool rev = false;
  switch (r.type) {
    case kRtNone:
      break;
    case kRtCount:
      r.set_int(r.inverted ? int64_t(n) - count : count);
      break;
    case kRtExists:
      r.set_bool(r.inverted ? count == 0 : count != 0);
      break;
    case kRtRevIndex:
    case kRtRevRank:
      rev = true;
      [[fallthrough]];
    case kRtIndex:
    case kRtRank: {
      if (!r.is_multi) {
        if (count == 0) {
          r.set_int(-1);
          break;
        }
        if (rev) start = n - start - 1;
        r.set_int(start);
        break;
      }
      std::vector<mp::Value> out;
      if (r.inverted) {
        add_int_range(out, 0, start, n, rev);
        add_int_range(out, start + count, n - start - count, n, rev);
      } else {
        add_int_range(out, start, count, n, rev);
      }
      r.set_list(std::move(out));
      break;
    }
    default:
      return kOpNotApplicable;
  }
  return kOk;
}

int result_range(Result& r, uint32_t start, uint32_t count, uint32_t n) {
  switch (r.type) {
    case kRtNone:
      break;
    case kRtCount:
    case kRtExists:
    case kRtRevIndex:
    case kRtRevRank:
    case kRtIndex:
    case kRtRank:
      return result_index_rank_count(r, start, count, n);
    case kRtRevIndexRange:
    case kRtRevRankRange:
      start = n - start - count;
      [[fallthrough]];
    case kRtIndexRange:
    case kRtRankRange:
      if (r.inverted) return kOpNotApplicable;
      r.set_list({mp::Value::integer(start), mp::Value::integer(count)});
      break;
    default:
      return kOpNotApplicable;
  }
  return kOk;
}

void result_int_list_by_mask(Result& r, const std::vector<bool>& mask, uint32_t n) {
  const bool rev = r.type == kRtRevIndex || r.type == kRtRevRank;
  if (!r.is_multi) {
    uint32_t idx = 0;
    while (idx < n && !mask[idx]) ++idx;
    r.set_int(rev ? int64_t(n) - idx - 1 : idx);
    return;
  }
  std::vector<mp::Value> out;
  for (uint32_t i = 0; i < n; ++i) {
    if (mask[i]) out.push_back(mp::Value::integer(rev ? int64_t(n) - i - 1 : i));
  }
  r.set_list(std::move(out));
}

}  // namespace aero::testserver::cdt

namespace aero::testserver::cdt {

bool check_params(const mp::Op& op, size_t required, const char* kinds) {
  const size_t max = std::char_traits<char>::length(kinds);
  if (op.args.size() < required || op.args.size() > max) return false;
  for (size_t i = 0; i < op.args.size(); ++i) {
    const mp::Value& a = op.args[i];
    switch (kinds[i]) {
      case 'i':
        if (!a.is_int()) return false;
        break;
      case 's':
        if (a.contains_nonstorage()) return false;
        break;
      default:
        break;
    }
  }
  return true;
}

}  // namespace aero::testserver::cdt
