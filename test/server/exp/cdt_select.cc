// The CDT path "select" operation: see cdt_select.h.
#include "test/server/exp/cdt_select.h"

#include <algorithm>
#include <memory>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

#include "test/server/cdt/msgpack_value.h"
#include "test/server/exp/msgpack_reader.h"

namespace aero::testserver::exp {
namespace {

constexpr int64_t kSelectOp = 0xfe;
constexpr uint8_t kRc4 = 4, kRc12 = 12, kRc26 = 26;
constexpr uint8_t kListParticle = 20, kMapParticle = 19;

// Context types (aerospike-client-c as_cdt_ctx.h): 4 is "all children matching an expression".
constexpr uint64_t kCtxExp = 0x04;
constexpr uint64_t kCtxListIndex = 0x10, kCtxListRank = 0x11, kCtxListValue = 0x13;
constexpr uint64_t kCtxMapIndex = 0x20, kCtxMapRank = 0x21, kCtxMapKey = 0x22,
                   kCtxMapValue = 0x23;

// Return types (low nibble of the flags) and the no-fail flag.
constexpr int64_t kTree = 0, kLeafValues = 1, kLeafKeys = 2, kLeafKeyValues = 3, kApply = 4;
constexpr int64_t kNoFail = 0x10;

struct Level {
  uint64_t type = 0;
  std::unique_ptr<Expression> filter;  // kCtxExp
  mp::Value value;                     // the others
};

struct Request {
  std::vector<Level> levels;
  int64_t rtype = 0;
  bool no_fail = false;
  bool remove = false;                // modify: the apply expression is "remove" ([100])
  std::unique_ptr<Expression> apply;  // modify otherwise
};

uint8_t parse(uint8_t op_type, const uint8_t* data, size_t size, Request* req) {
  Reader r(data, size);
  uint32_t n = 0, m = 0;
  int64_t code = 0, flags = 0;
  if (!r.read_list_header(&n) || (n != 3 && n != 4) || !r.read_int(&code) ||
      code != kSelectOp || !r.read_list_header(&m) || m % 2 != 0 || m / 2 > 64) {
    return kRc4;
  }
  for (uint32_t k = 0; k < m / 2; ++k) {
    Level l;
    int64_t type = 0;
    std::string_view raw;
    if (!r.read_int(&type) || type < 0 || !r.read_element(&raw)) return kRc4;
    l.type = uint64_t(type);
    const auto* p = reinterpret_cast<const uint8_t*>(raw.data());
    if (l.type == kCtxExp) {
      uint8_t rc = kRc4;
      l.filter = Expression::build(p, raw.size(), &rc);
      if (!l.filter) return rc;
      if (l.filter->type() != Type::kBool) return kRc4;
    } else if (l.type == kCtxListIndex || l.type == kCtxListRank || l.type == kCtxListValue ||
               l.type == kCtxMapIndex || l.type == kCtxMapRank || l.type == kCtxMapKey ||
               l.type == kCtxMapValue) {
      if (!mp::decode_all(raw, &l.value)) return kRc4;
      if ((l.type & 0x0f) != 0x02 && (l.type & 0x0f) != 0x03 && !l.value.is_int()) return kRc4;
    } else {
      return kRc4;
    }
    req->levels.push_back(std::move(l));
  }
  if (!r.read_int(&flags) || flags < 0 || (flags & ~int64_t(0x1f)) != 0) return kRc4;
  req->rtype = flags & 0x0f;
  req->no_fail = (flags & kNoFail) != 0;
  if (op_type == 3) {
    if (n != 3 || req->rtype > kLeafKeyValues) return kRc4;
  } else {
    if (n != 4 || req->rtype != kApply || req->levels.empty()) return kRc4;
    std::string_view raw;
    if (!r.read_element(&raw)) return kRc4;
    if (raw == std::string_view("\x91\x64", 2)) {
      req->remove = true;  // as_exp_remove_result (exp op 100)
    } else {
      uint8_t rc = kRc4;
      req->apply = Expression::build(reinterpret_cast<const uint8_t*>(raw.data()), raw.size(), &rc);
      if (!req->apply) return rc;
    }
  }
  return r.at_end() ? 0 : kRc4;
}

void set_var(LoopVars* lv, int k, const mp::Value& v) {
  lv->has[k] = cdt::to_particle(v, &lv->vars[k].type, &lv->vars[k].value);
}

// The loop variables of child `i` of `node` (a list or map).
LoopVars vars_of(const mp::Value& node, size_t i) {
  LoopVars lv;
  if (node.is_map()) {
    set_var(&lv, 0, node.entries[i].key);
    set_var(&lv, 1, node.entries[i].value);
  } else {
    set_var(&lv, 1, node.items[i]);
  }
  set_var(&lv, 2, mp::Value::integer(int64_t(i)));
  return lv;
}

const mp::Value& child(const mp::Value& node, size_t i) {
  return node.is_map() ? node.entries[i].value : node.items[i];
}
mp::Value& child(mp::Value& node, size_t i) {
  return node.is_map() ? node.entries[i].value : node.items[i];
}

// The children of `node` a level selects, in order. 0, or a result code.
uint8_t select_children(const Level& l, const mp::Value& node, const Context& base, bool no_fail,
                        std::vector<size_t>* out) {
  out->clear();
  const bool container = node.is_list() || node.is_map();
  if (l.type == kCtxExp) {
    if (!container) return no_fail ? 0 : kRc26;
    for (size_t i = 0; i < node.size(); ++i) {
      LoopVars lv = vars_of(node, i);
      Context c = base;
      c.loop = &lv;
      const Value v = l.filter->evaluate(c);
      if (v.unknown() || v.kind != Value::Kind::kBool) {
        // 4, as the 8.1.2 server answered map_basics vector 472 (a string filter on a nil).
        if (no_fail) continue;
        return kRc4;
      }
      if (v.b) out->push_back(i);
    }
    return 0;
  }
  const bool want_map = (l.type & 0x20) != 0;
  if (want_map ? !node.is_map() : !node.is_list()) return no_fail ? 0 : kRc26;
  const size_t n = node.size();
  switch (l.type & 0x0f) {
    case 0x00: {  // index
      int64_t i = l.value.as_int();
      if (i < 0) i += int64_t(n);
      if (i >= 0 && i < int64_t(n)) out->push_back(size_t(i));
      return 0;
    }
    case 0x01: {  // rank
      std::vector<size_t> order(n);
      std::iota(order.begin(), order.end(), size_t(0));
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return mp::less(child(node, a), child(node, b));
      });
      int64_t i = l.value.as_int();
      if (i < 0) i += int64_t(n);
      if (i >= 0 && i < int64_t(n)) out->push_back(order[size_t(i)]);
      return 0;
    }
    case 0x02:  // map key
      for (size_t i = 0; i < n; ++i) {
        if (mp::compare(node.entries[i].key, l.value) == 0) {
          out->push_back(i);
          break;
        }
      }
      return 0;
    default:  // value
      for (size_t i = 0; i < n; ++i) {
        if (mp::compare(child(node, i), l.value) == 0) {
          out->push_back(i);
          break;
        }
      }
      return 0;
  }
}

mp::Value empty_like(const mp::Value& node) {
  mp::Value v = node.is_map() ? mp::Value::map() : mp::Value::list();
  v.has_header = node.has_header;
  v.flags = node.flags;
  return v;
}

struct Reading {
  const Request& req;
  const Context& base;
  std::vector<mp::Value> flat;  // leaf return types

  // Selects below `node` (at `depth`); `key` is its map key when its parent is a map.
  // Tree mode builds `*tree`. 0 or a result code.
  uint8_t walk(const mp::Value& node, const mp::Value* key, size_t depth, mp::Value* tree) {
    if (depth == req.levels.size()) {
      switch (req.rtype) {
        case kTree:
          *tree = node;
          return 0;
        case kLeafValues:
          flat.push_back(node);
          return 0;
        default:
          if (key == nullptr) return req.no_fail ? 0 : kRc26;
          flat.push_back(*key);
          if (req.rtype == kLeafKeyValues) flat.push_back(node);
          return 0;
      }
    }
    std::vector<size_t> picked;
    if (const uint8_t rc = select_children(req.levels[depth], node, base, req.no_fail, &picked)) {
      return rc;
    }
    if (req.rtype == kTree) *tree = empty_like(node);
    for (size_t i : picked) {
      const mp::Value* k = node.is_map() ? &node.entries[i].key : nullptr;
      mp::Value sub;
      if (const uint8_t rc = walk(child(node, i), k, depth + 1, &sub)) return rc;
      if (req.rtype != kTree) continue;
      if (node.is_map()) {
        tree->entries.push_back({node.entries[i].key, std::move(sub)});
      } else {
        tree->items.push_back(std::move(sub));
      }
    }
    return 0;
  }
};

// An expression's value as a msgpack element; false for unknown and kinds a CDT cannot hold.
bool to_element(const Value& v, mp::Value* out) {
  switch (v.kind) {
    case Value::Kind::kNil:
      *out = mp::Value::nil();
      return true;
    case Value::Kind::kBool:
      *out = mp::Value::boolean(v.b);
      return true;
    case Value::Kind::kInt:
      *out = mp::Value::integer(v.i);
      return true;
    case Value::Kind::kFloat:
      *out = mp::Value::dbl(v.f);
      return true;
    case Value::Kind::kStr:
      *out = mp::Value::string(v.bytes);
      return true;
    case Value::Kind::kBlob:
      *out = mp::Value();
      out->kind = mp::Kind::kBytes;
      out->is_str = false;
      out->bytes = std::string(1, char(mp::kAsBlob)) + v.bytes;
      return true;
    case Value::Kind::kList:
    case Value::Kind::kMap:
      return mp::decode_all(v.bytes, out);
    default:
      return false;
  }
}

struct Modifying {
  const Request& req;
  const Context& base;

  // Applies the request below `node` at `depth` (< levels). 0 or a result code.
  uint8_t walk(mp::Value& node, size_t depth) {
    std::vector<size_t> picked;
    if (const uint8_t rc = select_children(req.levels[depth], node, base, req.no_fail, &picked)) {
      return rc;
    }
    if (depth + 1 < req.levels.size()) {
      for (size_t i : picked) {
        if (const uint8_t rc = walk(child(node, i), depth + 1)) return rc;
      }
      sort_if_ordered(node);  // a changed child may move (list_basics vector 6949)
      return 0;
    }
    // The picked children are the leaves. In a list, an element the expression cannot evaluate
    // leaves the whole list unchanged under no-fail; in a map, only that entry (as the 8.1.2
    // server answered map_basics vector 466).
    std::vector<bool> drop(node.size(), false);
    std::vector<std::pair<size_t, mp::Value>> changes;
    for (size_t i : picked) {
      if (req.remove) {
        drop[i] = true;
        continue;
      }
      LoopVars lv = vars_of(node, i);
      Context c = base;
      c.loop = &lv;
      mp::Value e;
      if (!to_element(req.apply->evaluate(c), &e)) {
        if (!req.no_fail) return kRc4;
        if (node.is_list()) return 0;
        continue;
      }
      changes.emplace_back(i, std::move(e));
    }
    for (auto& [i, e] : changes) child(node, i) = std::move(e);
    if (req.remove) {
      size_t w = 0;
      for (size_t i = 0; i < node.size(); ++i) {
        if (drop[i]) continue;
        if (w != i && node.is_map()) {
          node.entries[w] = std::move(node.entries[i]);
        } else if (w != i) {
          node.items[w] = std::move(node.items[i]);
        }
        ++w;
      }
      if (node.is_map()) {
        node.entries.resize(w);
      } else {
        node.items.resize(w);
      }
    }
    sort_if_ordered(node);
    return 0;
  }

  static void sort_if_ordered(mp::Value& node) {
    if (node.is_list() && node.has_header && (node.flags & mp::kListOrdered) != 0) {
      std::stable_sort(node.items.begin(), node.items.end(), mp::less);
    }
  }
};

}  // namespace

bool is_select_op(const uint8_t* data, size_t size) {
  Reader r(data, size);
  uint32_t n = 0;
  int64_t code = 0;
  return r.read_list_header(&n) && n >= 1 && r.read_int(&code) && code == kSelectOp;
}

uint8_t apply_select(uint8_t op_type, const uint8_t* data, size_t size, const Context& ctx,
                     cdt::BinData* bin, cdt::Answer* out) {
  *out = cdt::Answer();
  if (op_type != 3 && op_type != 4) return kRc4;
  Request req;
  if (const uint8_t rc = parse(op_type, data, size, &req)) return rc;
  if (!bin->exists) return 0;  // nothing to select from
  if (bin->particle != kListParticle && bin->particle != kMapParticle) return kRc12;
  mp::Value root;
  if (!mp::decode_all(bin->value, &root)) return kRc4;
  if (op_type == 3) {
    Reading rd{req, ctx, {}};
    mp::Value tree;
    if (const uint8_t rc = rd.walk(root, nullptr, 0, &tree)) return rc;
    const mp::Value result = req.rtype == kTree ? std::move(tree) : mp::Value::list(std::move(rd.flat));
    out->has = cdt::to_particle(result, &out->particle, &out->bytes);
    return 0;
  }
  Modifying md{req, ctx};
  if (const uint8_t rc = md.walk(root, 0)) return rc;
  bin->value = mp::encode(root);
  return 0;
}

}  // namespace aero::testserver::exp
