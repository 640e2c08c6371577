// CDT op dispatch and contexts (aerospike-server as/src/base/cdt.c: cdt_context_dig, the
// list_/map_subcontext_by_* functions, cdt_context_unwind).
#include "test/server/cdt/cdt_ops.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <vector>

#include "test/server/cdt/cdt_result.h"
#include "test/server/cdt/list_ops.h"
#include "test/server/cdt/map_ops.h"

namespace aero::testserver::cdt {

namespace {

using mp::Value;

constexpr uint8_t kParticleInteger = 1;
constexpr uint8_t kParticleFloat = 2;
constexpr uint8_t kParticleString = 3;
constexpr uint8_t kParticleBlob = 4;
constexpr uint8_t kParticleBool = 17;
constexpr uint8_t kParticleMap = 19;
constexpr uint8_t kParticleList = 20;
constexpr uint8_t kParticleGeoJson = 23;

// Context type bits (as_cdt_ctx.h / cdt.h).
constexpr uint64_t kCtxIndex = 0x00;
constexpr uint64_t kCtxRank = 0x01;
constexpr uint64_t kCtxKey = 0x02;
constexpr uint64_t kCtxValue = 0x03;
constexpr uint64_t kCtxBaseMask = 0x0f;
constexpr uint64_t kCtxList = 0x10;
constexpr uint64_t kCtxMap = 0x20;
constexpr uint64_t kCreateMask = 0x1c0;
constexpr uint64_t kCreateListUnordered = 0x40;
constexpr uint64_t kCreateListUnbound = 0x80;
constexpr uint64_t kCreateListOrdered = 0xc0;
constexpr uint64_t kCreateMapUnordered = 0x40;
constexpr uint64_t kCreateMapKOrdered = 0x80;
constexpr uint64_t kCreateMapKvOrdered = 0xc0;
constexpr uint64_t kCreatePersist = 0x100;

bool create_type_ok(uint64_t type) {
  const uint64_t cr = type & kCreateMask;
  if (type & kCtxList) {
    switch (cr & ~kCreatePersist) {
      case 0:
        return cr == 0;
      case kCreateListUnordered:
      case kCreateListUnbound:
      case kCreateListOrdered:
        return true;
      default:
        return false;
    }
  }
  if (type & kCtxMap) {
    switch (cr) {
      case 0:
      case kCreateMapUnordered:
      case kCreateMapKOrdered:
      case kCreateMapKvOrdered:
      case kCreateMapKOrdered | kCreatePersist:
      case kCreateMapKvOrdered | kCreatePersist:
        return true;
      default:
        return false;
    }
  }
  return cr == 0;
}

// A step down the context path: the container and which child was taken.
struct Step {
  Value* container;
  size_t index;
};

bool is_ordered_list(const Value& v) { return v.is_list() && (v.flags & mp::kListOrdered); }

size_t list_lower_bound(const std::vector<Value>& items, const Value& v) {
  size_t i = 0;
  while (i < items.size() && mp::compare(items[i], v) < 0) ++i;
  return i;
}

std::vector<uint32_t> value_order(const std::vector<Value>& items) {
  std::vector<uint32_t> idx(items.size());
  std::iota(idx.begin(), idx.end(), 0u);
  std::stable_sort(idx.begin(), idx.end(), [&](uint32_t a, uint32_t b) {
    return mp::compare(items[a], items[b]) < 0;
  });
  return idx;
}

// Creates the container a context level lives in (the level's create flags say which kind).
int create_container(uint64_t type, Value* out) {
  const uint64_t cr = type & kCreateMask;
  const uint64_t base = type & kCtxBaseMask;
  if ((type & kCtxMap) && base == kCtxKey) {
    *out = Value::map();
    uint8_t flags = 0;
    if ((cr & ~kCreatePersist) == kCreateMapKOrdered) flags = mp::kMapKeyOrdered;
    if ((cr & ~kCreatePersist) == kCreateMapKvOrdered) flags = mp::kMapKeyValueOrdered;
    out->flags = flags;  // persist-index: storage only, not kept (see list_ops.cc)
    out->has_header = flags != 0;
    return kOk;
  }
  if ((type & kCtxList) && base == kCtxIndex) {
    *out = Value::list();
    uint8_t flags = (cr & ~kCreatePersist) == kCreateListOrdered ? mp::kListOrdered : 0;
    out->flags = flags;  // persist-index: storage only, not kept (see list_ops.cc)
    out->has_header = flags != 0;
    return kOk;
  }
  return kOpNotApplicable;
}

// Takes one context level down from `cur` (which exists). `*child_exists` false: the child was
// created as a placeholder (create flags), to be filled by the levels below or the op.
int dig(Value* cur, const mp::CtxLevel& level, bool modify, size_t* child,
        bool* child_exists) {
  const uint64_t type = level.type;
  const uint64_t base = type & kCtxBaseMask;
  const uint64_t cr = type & kCreateMask;
  const bool create_on = (cr & ~kCreatePersist) != 0;
  *child_exists = true;
  if (cur->is_list()) {
    if (type & kCtxMap) return kOpNotApplicable;
    std::vector<Value>& items = cur->items;
    const uint32_t n = uint32_t(items.size());
    const bool ordered = is_ordered_list(*cur);
    if (base == kCtxIndex || (base == kCtxRank && ordered)) {
      if (!level.value.is_int()) return kParameter;
      const int64_t index = level.value.as_int();
      uint32_t uindex, count;
      if (calc_index_count(index, 1, n, &uindex, &count, false)) {
        *child = uindex;
        return kOk;
      }
      if (!create_on || !modify) return kOpNotApplicable;
      uint32_t pad = 0;
      if (n == 0 && index == -1) {
        uindex = 0;
      } else if (index == int64_t(n)) {
        uindex = n;
      } else if (ordered && index > int64_t(n)) {
        uindex = n;
      } else if ((cr & ~kCreatePersist) == kCreateListUnbound && index > int64_t(n)) {
        pad = uint32_t(index - n);
        uindex = n;
      } else {
        return kOpNotApplicable;
      }
      items.resize(size_t(uindex) + pad);
      items.emplace_back();
      *child = items.size() - 1;
      *child_exists = false;
      return kOk;
    }
    if (base == kCtxRank) {
      if (!level.value.is_int()) return kParameter;
      uint32_t urank, count;
      if (!calc_index_count(level.value.as_int(), 1, n, &urank, &count, false)) {
        return kOpNotApplicable;
      }
      *child = value_order(items)[urank];
      return kOk;
    }
    if (base == kCtxValue) {
      if (n == 0) return kOpNotApplicable;
      for (size_t i = 0; i < n; ++i) {
        if (mp::compare(items[i], level.value) == 0) {
          *child = i;
          return kOk;
        }
      }
      return kOpNotApplicable;
    }
    return kOpNotApplicable;  // key context on a list
  }
  if (cur->is_map()) {
    if (type & kCtxList) return kOpNotApplicable;
    std::vector<mp::Entry>& e = cur->entries;
    const uint32_t n = uint32_t(e.size());
    switch (base) {
      case kCtxKey: {
        const size_t at = find_key(e, level.value);
        if (at < n) {
          *child = at;
          return kOk;
        }
        if (!create_on || !modify || level.value.contains_nonstorage()) return kOpNotApplicable;
        const size_t pos = key_lower_bound(e, level.value);
        e.insert(e.begin() + pos, mp::Entry{level.value, Value()});
        *child = pos;
        *child_exists = false;
        return kOk;
      }
      case kCtxIndex: {
        if (!level.value.is_int()) return kParameter;
        uint32_t u, c;
        if (!calc_index_count(level.value.as_int(), 1, n, &u, &c, false)) {
          return kOpNotApplicable;
        }
        *child = u;
        return kOk;
      }
      case kCtxRank: {
        if (!level.value.is_int()) return kParameter;
        uint32_t u, c;
        if (!calc_index_count(level.value.as_int(), 1, n, &u, &c, false)) {
          return kOpNotApplicable;
        }
        std::vector<Value> values;
        for (const mp::Entry& x : e) values.push_back(x.value);
        *child = value_order(values)[u];
        return kOk;
      }
      case kCtxValue:
        for (size_t i = 0; i < n; ++i) {
          if (mp::compare(e[i].value, level.value) == 0) {
            *child = i;
            return kOk;
          }
        }
        return kOpNotApplicable;
      default:
        return kOpNotApplicable;
    }
  }
  return kOpNotApplicable;
}

Value* child_of(Value* container, size_t i) {
  return container->is_list() ? &container->items[i] : &container->entries[i].value;
}

// After a change below an ordered list, the changed element moves to its place in the order
// (cdt_context_unwind_list).
void unwind(std::vector<Step>& path) {
  for (size_t k = path.size(); k-- > 0;) {
    Step& s = path[k];
    if (!is_ordered_list(*s.container)) continue;
    std::vector<Value>& items = s.container->items;
    Value moved = std::move(items[s.index]);
    items.erase(items.begin() + s.index);
    const size_t at = list_lower_bound(items, moved);
    items.insert(items.begin() + at, std::move(moved));
  }
}

// The server's form of a value written by a client (cdt_untrusted_rewrite): maps sorted by
// key, order flags checked, persist-index flags only at the top.
bool normalize(Value& v) {
  if (v.is_nonstorage()) return false;
  // A msgpack ext element is no client value (only the order header is, and that is decoded
  // into `flags`), as for operation arguments (stored_form). Stored, it would also change
  // meaning once an operation moved it to the front: a list's first ext is read as its header.
  if (v.kind == mp::Kind::kExt) return false;
  if (v.is_list()) {
    if (v.has_header) {
      if ((v.flags & ~uint8_t(0x11)) != 0) return false;
      v.flags &= ~uint8_t(0x10);  // persist-index: storage only
      v.has_header = v.flags != 0;
    }
    for (Value& x : v.items) {
      if (!normalize(x)) return false;
    }
    if (v.flags & mp::kListOrdered) {
      for (size_t i = 1; i < v.items.size(); ++i) {
        if (mp::compare(v.items[i - 1], v.items[i]) > 0) return false;
      }
    }
    return true;
  }
  if (v.is_map()) {
    if (v.has_header) {
      if ((v.flags & ~uint8_t(0x13)) != 0) return false;
      v.flags &= ~uint8_t(0x10);  // persist-index: storage only
      v.has_header = v.flags != 0;
    }
    for (mp::Entry& e : v.entries) {
      if (!normalize(e.key) || !normalize(e.value)) return false;
    }
    if (v.flags & mp::kMapKeyOrdered) {
      for (size_t i = 1; i < v.entries.size(); ++i) {
        if (mp::compare(v.entries[i - 1].key, v.entries[i].key) >= 0) return false;
      }
      return true;
    }
    return sort_entries(v.entries);
  }
  return true;
}

bool has_nonstorage(const Value& v) {
  if (v.is_nonstorage()) return true;
  for (const Value& x : v.items) {
    if (has_nonstorage(x)) return true;
  }
  for (const mp::Entry& e : v.entries) {
    if (has_nonstorage(e.key) || has_nonstorage(e.value)) return true;
  }
  return false;
}

// Values a write may store (keys, values, items) go in the server's form, as a whole-bin write
// of the same value would: an unordered map used as a map key or list item is stored sorted.
// A storable argument that has no such form (a map with a key twice, bad order flags, a
// msgpack ext value) is a parameter error; arguments holding wildcard or infinity (range bounds) stay as sent, and the
// operation itself decides whether they are allowed there.
bool has_ext(const Value& v) {
  if (v.kind == mp::Kind::kExt) return true;
  for (const Value& x : v.items) {
    if (has_ext(x)) return true;
  }
  for (const mp::Entry& e : v.entries) {
    if (has_ext(e.key) || has_ext(e.value)) return true;
  }
  return false;
}

bool stored_form(mp::Op& op) {
  for (Value& arg : op.args) {
    if (has_ext(arg)) return false;  // msgpack ext is no client value (only as list/map flags)
    if (!arg.is_list() && !arg.is_map()) continue;
    Value copy = arg;
    if (normalize(copy)) {
      arg = std::move(copy);
    } else if (!has_nonstorage(arg)) {
      return false;
    }
  }
  return true;
}

int run(const mp::Op& op, bool modify, Value* target, bool* exists, bool toplevel,
        Result* r) {
  const bool list_op = is_list_op(op.code);
  if (!list_op && !is_map_op(op.code)) return kParameter;
  if (*exists) {
    if (list_op ? !target->is_list() : !target->is_map()) return kBinType;
  }
  if (!modify) {
    if (!*exists) return kOk;
    return list_op ? list_read(*target, op, r) : map_read(*target, op, r);
  }
  return list_op ? list_modify(target, exists, toplevel, op, r)
                 : map_modify(target, exists, toplevel, op, r);
}

}  // namespace

bool to_particle(const Value& v, uint8_t* particle, std::string* bytes) {
  bytes->clear();
  switch (v.kind) {
    case mp::Kind::kNil:
    case mp::Kind::kWildcard:
    case mp::Kind::kInfinity:
      return false;
    case mp::Kind::kFalse:
    case mp::Kind::kTrue:
      *particle = kParticleBool;
      bytes->push_back(v.kind == mp::Kind::kTrue ? 1 : 0);
      return true;
    case mp::Kind::kInt: {
      *particle = kParticleInteger;
      const uint64_t u = v.big ? v.u : uint64_t(v.i);
      for (int k = 7; k >= 0; --k) bytes->push_back(char(uint8_t(u >> (8 * k))));
      return true;
    }
    case mp::Kind::kDouble: {
      *particle = kParticleFloat;
      uint64_t u;
      std::memcpy(&u, &v.d, 8);
      for (int k = 7; k >= 0; --k) bytes->push_back(char(uint8_t(u >> (8 * k))));
      return true;
    }
    case mp::Kind::kBytes:
      if (v.bytes.empty()) {
        *particle = kParticleBlob;
        return true;
      }
      // The first byte names the type, as the server reads it (msgpack_in.c): a string or a
      // GeoJSON; any other byte makes it bytes, answered as a blob.
      *particle = uint8_t(v.bytes[0]);
      if (*particle != kParticleString && *particle != kParticleGeoJson) *particle = kParticleBlob;
      bytes->assign(v.bytes, 1, std::string::npos);
      return true;
    case mp::Kind::kList:
      *particle = kParticleList;
      mp::encode(v, bytes);
      return true;
    case mp::Kind::kMap:
      *particle = kParticleMap;
      mp::encode(v, bytes);
      return true;
    case mp::Kind::kExt:
      *particle = kParticleBlob;
      *bytes = v.bytes;
      return true;
  }
  return false;
}

uint8_t apply_op(uint8_t op_type, const uint8_t* data, size_t size, BinData* bin, Answer* out) {
  *out = Answer();
  mp::Op op;
  if (!mp::parse_op(data, size, &op)) return kParameter;
  const bool modify = op_type == 4;
  if (modify && !stored_form(op)) return kParameter;
  Value root;
  bool exists = bin->exists;
  if (exists) {
    if (bin->particle != kParticleList && bin->particle != kParticleMap) {
      return op.ctx.empty() ? kBinType : kParameter;
    }
    if (!mp::decode_all(bin->value, &root)) return kParameter;
  }
  std::vector<Step> path;
  Value* cur = &root;
  bool cur_exists = exists;
  for (size_t i = 0; i < op.ctx.size(); ++i) {
    const mp::CtxLevel& level = op.ctx[i];
    if ((level.type & kCtxBaseMask) > kCtxValue || !create_type_ok(level.type)) {
      return kOpNotApplicable;
    }
    if (i > 0 && (level.type & kCreatePersist)) return kOpNotApplicable;
    if (!cur_exists) {
      if (!modify) return kOk;  // nothing there to read
      if ((level.type & kCreateMask & ~kCreatePersist) == 0) return kOpNotApplicable;
      if (const int rc = create_container(level.type, cur); rc != kOk) return rc;
      cur_exists = true;
    }
    size_t child;
    bool child_exists;
    if (const int rc = dig(cur, level, modify, &child, &child_exists); rc != kOk) return rc;
    path.push_back({cur, child});
    cur = child_of(cur, child);
    cur_exists = child_exists;
  }
  Result r;
  const int rc = run(op, modify, cur, &cur_exists, path.empty(), &r);
  if (rc != kOk) return uint8_t(rc);
  if (r.has) out->has = to_particle(r.value, &out->particle, &out->bytes);
  if (!modify || !cur_exists) return kOk;  // reads and no-ops change nothing
  unwind(path);
  // A wildcard or infinity may bound a range, never be stored: a write that would store one
  // (e.g. as part of a map key given to increment) is a parameter error, the bin unchanged.
  if (has_nonstorage(root)) {
    *out = Answer();
    return kParameter;
  }
  bin->exists = true;
  bin->particle = root.is_list() ? kParticleList : kParticleMap;
  bin->value = mp::encode(root);
  return kOk;
}

uint8_t precheck_op(const uint8_t* data, size_t size) {
  mp::Op op;
  if (!mp::parse_op(data, size, &op)) return kOk;  // apply_op reports it
  for (size_t i = 1; i < op.ctx.size(); ++i) {
    if ((op.ctx[i].type & kCreatePersist) && create_type_ok(op.ctx[i].type)) {
      return kOpNotApplicable;
    }
  }
  return kOk;
}

uint8_t read_value(const Value& container, const mp::Op& op, Value* result, bool* has_result) {
  *has_result = false;
  Value copy = container;  // contexts may not write, but dig() takes a mutable value
  Value* cur = &copy;
  for (const mp::CtxLevel& level : op.ctx) {
    if ((level.type & kCtxBaseMask) > kCtxValue || !create_type_ok(level.type)) {
      return kOpNotApplicable;
    }
    size_t child;
    bool child_exists;
    if (const int rc = dig(cur, level, false, &child, &child_exists); rc != kOk) {
      return uint8_t(rc);
    }
    cur = child_of(cur, child);
  }
  bool exists = true;
  Result r;
  const int rc = run(op, false, cur, &exists, op.ctx.empty(), &r);
  if (rc != kOk) return uint8_t(rc);
  *has_result = r.has;
  if (r.has) *result = std::move(r.value);
  return kOk;
}

uint8_t normalize_bin(uint8_t particle, std::string* value) {
  Value v;
  if (!mp::decode_all(*value, &v)) return kUnknown;
  if ((particle == kParticleList) != v.is_list() || (particle == kParticleMap) != v.is_map()) {
    return kUnknown;
  }
  if (!normalize(v)) return kUnknown;
  *value = mp::encode(v);
  return kOk;
}

}  // namespace aero::testserver::cdt
