#include "test/server/exp/exp.h"

#include <regex.h>

#include <bit>
#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>
#include <utility>

#include "test/server/cdt/bit_ops.h"
#include "test/server/cdt/hll_ops.h"
#include "test/server/exp/cdt_call.h"
#include "test/server/exp/geo.h"
#include "test/server/exp/msgpack_reader.h"
#include "test/server/wire.h"

namespace aero::testserver::exp {

namespace {

namespace rc = wire::result;
namespace pt = wire::particle;

// Wire op codes (aerospike-server as/src/base/exp.c, exp_op_code).
enum Code : uint16_t {
  kUnk = 0,
  kEq = 1, kNe = 2, kGt = 3, kGe = 4, kLt = 5, kLe = 6,
  kRegex = 7, kGeoCmp = 8,
  kAnd = 16, kOr = 17, kNot = 18, kExclusive = 19,
  kAdd = 20, kSub = 21, kMul = 22, kDiv = 23, kPow = 24, kLog = 25, kMod = 26, kAbs = 27,
  kFloor = 28, kCeil = 29, kToInt = 30, kToFloat = 31,
  kIntAnd = 32, kIntOr = 33, kIntXor = 34, kIntNot = 35, kLshift = 36, kRshift = 37,
  kArshift = 38, kCount = 39, kLscan = 40, kRscan = 41,
  kMin = 50, kMax = 51,
  kDigestMod = 64, kDeviceSize = 65, kLastUpdate = 66, kSinceUpdate = 67, kVoidTime = 68,
  kTtl = 69, kSetName = 70, kKeyExists = 71, kIsTombstone = 72, kMemorySize = 73,
  kRecordSize = 74,
  kKey = 80, kBin = 81, kBinType = 82,
  kBuiltin = 122, kCond = 123, kVar = 124, kLet = 125, kQuote = 126, kCall = 127,
  kLiteral = 1000,  // not on the wire
};

// as_bytes types: the first byte of a str/bin value.
constexpr uint8_t kBytesString = 3;
constexpr uint8_t kBytesBlob = 4;
constexpr uint8_t kBytesHll = 18;
constexpr uint8_t kBytesGeo = 23;

constexpr int kMaxDepth = 128;
constexpr int64_t kUnixOffset = wire::kCitrusleafEpochUnix;

struct RegexHolder {
  regex_t re;
  ~RegexHolder() { regfree(&re); }
};

using Kind = Value::Kind;

Value unknown() { return Value{}; }
Value make_int(int64_t v) {
  Value r;
  r.kind = Kind::kInt;
  r.i = v;
  return r;
}
Value make_float(double v) {
  Value r;
  r.kind = Kind::kFloat;
  r.f = v;
  return r;
}
Value make_bool(bool v) {
  Value r;
  r.kind = Kind::kBool;
  r.b = v;
  return r;
}

}  // namespace

struct Node {
  uint16_t code = kLiteral;
  Type type = Type::kNil;
  std::vector<Node> args;
  Value literal;
  std::string name;
  int64_t param = 0;
  uint32_t var = 0;  // var: slot; let: first slot
  std::shared_ptr<RegexHolder> regex;
  // call: the op array [op, args...] as pieces: raw msgpack, or (index >= 0) the value of
  // args[index] evaluated at run time. param is the system (0 list/map, 1 bits, 2 HLL,
  // | 0x40 modify). call_ctx: a list/map call's raw context array ([0xff, ctx, [op...]]).
  uint32_t call_count = 0;
  bool has_call_ctx = false;
  std::string call_ctx;
  std::vector<std::pair<std::string, int>> pieces;
};

// ---- Build ----

class Builder {
 public:
  Builder(const uint8_t* p, size_t n) : r_(p, n) {}

  bool build(Node& root) {
    if (!node(root, 0)) return false;
    if (!r_.at_end()) return fail();
    return true;
  }
  uint8_t error() const { return error_; }
  uint32_t var_count() const { return max_var_; }

 private:
  struct VarEntry {
    std::string_view name;
    uint32_t slot;
    Type type;
    bool defined;
  };

  bool fail(uint8_t code = rc::kParameter) {
    error_ = code;
    return false;
  }

  bool literal_bytes(Node& n, std::string_view s) {
    if (s.empty()) return fail();
    const uint8_t t = uint8_t(s[0]);
    s.remove_prefix(1);
    n.literal.bytes.assign(s);
    switch (t) {
      case kBytesString:
        n.type = Type::kStr;
        n.literal.kind = Kind::kStr;
        return true;
      case kBytesBlob:
        n.type = Type::kBlob;
        n.literal.kind = Kind::kBlob;
        return true;
      case kBytesHll:
        n.type = Type::kHll;
        n.literal.kind = Kind::kHll;
        return true;
      case kBytesGeo:
        if (!geo_parse(n.literal.bytes, nullptr)) return fail();
        n.type = Type::kGeo;
        n.literal.kind = Kind::kGeo;
        return true;
      default:
        return fail();
    }
  }

  bool children(Node& n, uint32_t count, int depth) {
    // Every child takes at least one byte: a count past what is left is malformed, and must
    // not size the vector (a 4-billion-element array header would exhaust memory).
    if (count > r_.remaining()) return fail();
    n.args.resize(count);
    for (uint32_t i = 0; i < count; ++i) {
      if (!node(n.args[i], depth + 1)) return false;
    }
    return true;
  }

  bool all_of(const Node& n, Type t) const {
    for (const Node& a : n.args) {
      if (a.type != t) return false;
    }
    return true;
  }

  bool read_name(std::string* out, bool bin_name) {
    std::string_view s;
    if (!r_.read_bytes(&s)) return fail();
    if (bin_name && (s.empty() || s.size() > 15)) return fail();
    out->assign(s);
    return true;
  }

  bool node(Node& n, int depth) {
    if (depth > kMaxDepth) return fail();
    n.code = kLiteral;
    switch (r_.peek()) {
      case MpKind::kError:
        return fail();
      case MpKind::kNil:
        r_.read_nil();
        n.type = Type::kNil;
        n.literal.kind = Kind::kNil;
        return true;
      case MpKind::kBool:
        r_.read_bool(&n.literal.b);
        n.type = Type::kBool;
        n.literal.kind = Kind::kBool;
        return true;
      case MpKind::kInt:
        if (!r_.read_int(&n.literal.i)) return fail();
        n.type = Type::kInt;
        n.literal.kind = Kind::kInt;
        return true;
      case MpKind::kDouble:
        if (!r_.read_double(&n.literal.f)) return fail();
        n.type = Type::kFloat;
        n.literal.kind = Kind::kFloat;
        return true;
      case MpKind::kBytes: {
        std::string_view s;
        if (!r_.read_bytes(&s)) return fail();
        return literal_bytes(n, s);
      }
      case MpKind::kMap: {
        std::string_view s;
        if (!r_.read_element(&s)) return fail();
        n.type = Type::kMap;
        n.literal.kind = Kind::kMap;
        n.literal.bytes.assign(s);
        return true;
      }
      case MpKind::kExt: {
        std::string_view s;
        if (!r_.read_element(&s)) return fail();
        n.type = Type::kAny;
        n.literal.kind = Kind::kMsgpack;
        n.literal.bytes.assign(s);
        return true;
      }
      case MpKind::kList:
        break;
    }
    uint32_t count = 0;
    int64_t code = 0;
    if (!r_.read_list_header(&count) || count == 0 || !r_.read_int(&code) || code < 0 ||
        code > kCall) {
      return fail();
    }
    const uint32_t argc = count - 1;
    n.code = uint16_t(code);
    switch (code) {
      case kUnk:
        if (argc != 0) return fail();
        n.type = Type::kBool;
        return true;
      case kEq:
      case kNe:
      case kGt:
      case kGe:
      case kLt:
      case kLe:
        if (argc != 2 || !children(n, 2, depth)) return false;
        if (n.args[0].type != n.args[1].type || n.args[0].type == Type::kGeo ||
            n.args[0].type == Type::kHll) {
          return fail();
        }
        n.type = Type::kBool;
        return true;
      case kRegex: {
        if (argc != 3 || !r_.read_int(&n.param)) return fail();
        std::string pattern;
        if (!read_name(&pattern, false)) return false;
        if (!children(n, 1, depth) || n.args[0].type != Type::kStr) return fail();
        regex_t re;
        if (regcomp(&re, pattern.c_str(), int(n.param)) != 0) return fail();
        auto holder = std::make_shared<RegexHolder>();
        holder->re = re;  // the holder frees it
        n.regex = std::move(holder);
        n.type = Type::kBool;
        return true;
      }
      case kGeoCmp:
        if (argc != 2 || !children(n, 2, depth) || !all_of(n, Type::kGeo)) return fail();
        n.type = Type::kBool;
        return true;
      case kAnd:
      case kOr:
      case kExclusive:
        if (argc < 2 || !children(n, argc, depth) || !all_of(n, Type::kBool)) return fail();
        n.type = Type::kBool;
        return true;
      case kNot:
        if (argc != 1 || !children(n, 1, depth) || !all_of(n, Type::kBool)) return fail();
        n.type = Type::kBool;
        return true;
      case kAdd:
      case kSub:
      case kMul:
      case kDiv:
      case kMin:
      case kMax: {
        if (argc < 1 || !children(n, argc, depth)) return false;
        const Type t = n.args[0].type;
        if ((t != Type::kInt && t != Type::kFloat) || !all_of(n, t)) return fail();
        n.type = t;
        return true;
      }
      case kPow:
      case kLog:
        if (argc != 2 || !children(n, 2, depth) || !all_of(n, Type::kFloat)) return fail();
        n.type = Type::kFloat;
        return true;
      case kMod:
      case kLshift:
      case kRshift:
      case kArshift:
        if (argc != 2 || !children(n, 2, depth) || !all_of(n, Type::kInt)) return fail();
        n.type = Type::kInt;
        return true;
      case kAbs: {
        if (argc != 1 || !children(n, 1, depth)) return false;
        const Type t = n.args[0].type;
        if (t != Type::kInt && t != Type::kFloat) return fail();
        n.type = t;
        return true;
      }
      case kFloor:
      case kCeil:
      case kToInt:
        if (argc != 1 || !children(n, 1, depth) || !all_of(n, Type::kFloat)) return fail();
        n.type = code == kToInt ? Type::kInt : Type::kFloat;
        return true;
      case kToFloat:
      case kIntNot:
      case kCount:
        if (argc != 1 || !children(n, 1, depth) || !all_of(n, Type::kInt)) return fail();
        n.type = code == kToFloat ? Type::kFloat : Type::kInt;
        return true;
      case kIntAnd:
      case kIntOr:
      case kIntXor:
        if (argc < 1 || !children(n, argc, depth) || !all_of(n, Type::kInt)) return fail();
        n.type = Type::kInt;
        return true;
      case kLscan:
      case kRscan:
        if (argc != 2 || !children(n, 2, depth)) return false;
        if (n.args[0].type != Type::kInt || n.args[1].type != Type::kBool) return fail();
        n.type = Type::kInt;
        return true;
      case kDigestMod:
        if (argc != 1 || !r_.read_int(&n.param) || int32_t(n.param) == 0) return fail();
        n.type = Type::kInt;
        return true;
      case kDeviceSize:
      case kLastUpdate:
      case kSinceUpdate:
      case kVoidTime:
      case kTtl:
      case kMemorySize:
      case kRecordSize:
        if (argc != 0) return fail();
        n.type = Type::kInt;
        return true;
      case kSetName:
        if (argc != 0) return fail();
        n.type = Type::kStr;
        return true;
      case kKeyExists:
      case kIsTombstone:
        if (argc != 0) return fail();
        n.type = Type::kBool;
        return true;
      case kKey:
        if (argc != 1 || !r_.read_int(&n.param)) return fail();
        if (n.param != int64_t(Type::kInt) && n.param != int64_t(Type::kStr) &&
            n.param != int64_t(Type::kBlob)) {
          return fail();
        }
        n.type = Type(n.param);
        return true;
      case kBin:
        if (argc != 2 || !r_.read_int(&n.param) || n.param < 0 ||
            n.param >= int64_t(Type::kAny)) {
          return fail();
        }
        if (!read_name(&n.name, true)) return false;
        n.type = Type(n.param);
        return true;
      case kBinType:
        if (argc != 1 || !read_name(&n.name, true)) return fail();
        n.type = Type::kInt;
        return true;
      case kBuiltin: {
        // [122, result type, id]: the element a CDT "select" level is testing (0 map key,
        // 1 value, 2 index); aerospike-client-c as_exp.h var_builtin_*.
        int64_t id = 0;
        if (argc != 2 || !r_.read_int(&n.param) || n.param < 0 ||
            n.param >= int64_t(Type::kAny) || !r_.read_int(&id) || id < 0 || id > 2) {
          return fail();
        }
        n.var = uint32_t(id);
        n.type = Type(n.param);
        return true;
      }
      case kCond: {
        if (argc < 3 || argc % 2 == 0 || !children(n, argc, depth)) return fail();
        Type t = Type::kAny;
        bool have = false;
        for (uint32_t i = 0; i < argc; ++i) {
          const Node& a = n.args[i];
          const bool is_condition = i + 1 < argc && i % 2 == 0;
          if (is_condition) {
            if (a.type != Type::kBool) return fail();
            continue;
          }
          if (a.code == kUnk) continue;  // unknown may stand in for any type
          if (!have) {
            t = a.type;
            have = true;
          } else if (a.type != t) {
            return fail();
          }
        }
        n.type = have ? t : Type::kBool;
        return true;
      }
      case kVar: {
        std::string name;
        if (argc != 1 || !read_name(&name, false)) return fail();
        for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
          if (it->name == name) {
            if (!it->defined) return fail();  // used inside its own definition
            n.var = it->slot;
            n.type = it->type;
            return true;
          }
        }
        return fail();
      }
      case kLet: {
        if (argc < 3 || argc % 2 == 0 || argc > r_.remaining()) return fail();
        const uint32_t n_vars = argc / 2;
        const size_t scope_start = vars_.size();
        n.var = next_var_;
        n.args.resize(n_vars + 1);
        for (uint32_t i = 0; i < n_vars; ++i) {
          std::string_view name;
          if (!r_.read_bytes(&name) || name.empty()) return fail();
          if (name[0] != '_' && !std::isalpha(uint8_t(name[0]))) return fail();
          for (char c : name) {
            if (c != '_' && !std::isalnum(uint8_t(c))) return fail();
          }
          for (const VarEntry& v : vars_) {
            if (v.name == name) return fail();  // duplicate in scope
          }
          vars_.push_back(VarEntry{name, next_var_++, Type::kAny, false});
          if (!node(n.args[i], depth + 1)) return false;
          vars_.back().type = n.args[i].type;
          vars_.back().defined = true;
        }
        if (!node(n.args[n_vars], depth + 1)) return false;
        n.type = n.args[n_vars].type;
        if (next_var_ > max_var_) max_var_ = next_var_;
        next_var_ -= n_vars;
        vars_.resize(scope_start);
        n.param = n_vars;
        return true;
      }
      case kQuote: {
        std::string_view s;
        if (argc != 1 || r_.peek() != MpKind::kList || !r_.read_element(&s)) return fail();
        n.code = kLiteral;
        n.type = Type::kList;
        n.literal.kind = Kind::kList;
        n.literal.bytes.assign(s);
        return true;
      }
      case kCall:
        return build_call(n, argc, depth);
      default:
        return fail();
    }
  }

  // [127, result type, system, [op, args...], bin expression] (the server's build_call):
  // list arguments inside the op array are expressions, evaluated when the call runs.
  bool build_call(Node& n, uint32_t argc, int depth) {
    int64_t type = 0, system = 0;
    if (argc != 4 || !r_.read_int(&type) || !r_.read_int(&system) || type < 0 ||
        type >= int64_t(Type::kAny)) {
      return fail();
    }
    const int64_t family = system & ~int64_t(0x40);
    if (family < 0 || family > 2) return fail();  // CALL_CDT, CALL_BITS, CALL_HLL only
    uint32_t count = 0;
    int64_t op = 0;
    if (!r_.read_list_header(&count) || count == 0 || !r_.read_int(&op)) return fail();
    if (op == 0xff) {  // [0xff, ctx, [op, args...]]: the context stays raw (parse_op_call)
      std::string_view ctx;
      if (family != 0 || count != 3 || !r_.read_element(&ctx)) return fail();
      if (!r_.read_list_header(&count) || count == 0 || !r_.read_int(&op)) return fail();
      n.has_call_ctx = true;
      n.call_ctx.assign(ctx);
    } else if (op == 0xfe) {
      return fail(rc::kUnsupportedFeature);  // 8.1 path "select": not emulated
    }
    n.call_count = count;
    n.pieces.emplace_back(std::string(), -1);
    {
      std::string head;
      pack_int_into(head, op);
      n.pieces.back().first = std::move(head);
    }
    for (uint32_t i = 1; i < count; ++i) {
      if (r_.peek() == MpKind::kList) {
        n.args.emplace_back();
        if (!node(n.args.back(), depth + 1)) return false;
        n.pieces.emplace_back(std::string(), int(n.args.size() - 1));
      } else {
        std::string_view raw;
        if (!r_.read_element(&raw)) return fail();
        n.pieces.emplace_back(std::string(raw), -1);
      }
    }
    n.args.emplace_back();
    if (!node(n.args.back(), depth + 1)) return false;
    const Type bin = n.args.back().type;
    if (family == 0) {
      if (bin != Type::kList && bin != Type::kMap) return fail();  // build_call: list or map
    } else if (bin != Type::kNil && bin != (family == 1 ? Type::kBlob : Type::kHll)) {
      return fail();
    }
    n.param = system;
    n.type = Type(type);
    return true;
  }

 public:
  static void pack_int_into(std::string& s, int64_t v) {
    if (v >= 0 && v < 128) {
      s.push_back(char(v));
      return;
    }
    s.push_back(char(0xd3));
    for (int k = 7; k >= 0; --k) s.push_back(char(uint64_t(v) >> (8 * k)));
  }

 private:
  Reader r_;
  uint8_t error_ = rc::kParameter;
  std::vector<VarEntry> vars_;
  uint32_t next_var_ = 0;
  uint32_t max_var_ = 0;
};

Expression::Expression() = default;
Expression::~Expression() = default;

std::unique_ptr<Expression> Expression::build(const uint8_t* p, size_t n, uint8_t* result) {
  std::unique_ptr<Expression> e(new Expression());
  e->root_ = std::make_unique<Node>();
  Builder b(p, n);
  if (!b.build(*e->root_)) {
    *result = b.error();
    return nullptr;
  }
  if (e->root_->type == Type::kAny) {  // the server cannot tell what such a result is
    *result = rc::kParameter;
    return nullptr;
  }
  e->var_count_ = b.var_count();
  *result = rc::kOk;
  return e;
}

Type Expression::type() const { return root_->type; }

// ---- Evaluate ----

namespace {

struct Frame {
  const Context& ctx;
  std::vector<Value> vars;
};

Value eval(const Node& n, Frame& f);

Value bin_value(const Bin& b, Type want) {
  Value v;
  const auto* data = reinterpret_cast<const uint8_t*>(b.value.data());
  switch (b.type) {
    case pt::kInteger:
      if (want != Type::kInt || b.value.size() != 8) return unknown();
      return make_int(int64_t(wire::load_be64(data)));
    case pt::kFloat: {
      if (want != Type::kFloat || b.value.size() != 8) return unknown();
      const uint64_t raw = wire::load_be64(data);
      double d;
      std::memcpy(&d, &raw, 8);
      return make_float(d);
    }
    case pt::kBool:
      if (want != Type::kBool || b.value.empty()) return unknown();
      return make_bool(b.value[0] != 0);
    case pt::kString:
      if (want != Type::kStr) return unknown();
      v.kind = Kind::kStr;
      break;
    case pt::kBlob:
      if (want != Type::kBlob) return unknown();
      v.kind = Kind::kBlob;
      break;
    case pt::kHll:
      if (want != Type::kHll) return unknown();
      v.kind = Kind::kHll;
      break;
    case pt::kList:
      if (want != Type::kList) return unknown();
      v.kind = Kind::kList;
      break;
    case pt::kMap:
      if (want != Type::kMap) return unknown();
      v.kind = Kind::kMap;
      break;
    case pt::kGeoJson: {
      if (want != Type::kGeo || b.value.size() < 3) return unknown();
      // Stored as sent: flags (1), cell count (2), cells (8 each), then the JSON text.
      const size_t cells = wire::load_be16(data + 1);
      if (b.value.size() < 3 + 8 * cells) return unknown();
      v.kind = Kind::kGeo;
      v.bytes.assign(b.value, 3 + 8 * cells, std::string::npos);
      return v;
    }
    default:
      return unknown();
  }
  v.bytes = b.value;
  return v;
}

int compare_bytes(const std::string& a, const std::string& b) {
  const int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
  if (c != 0) return c;
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

bool compare_result(uint16_t code, int c) {
  switch (code) {
    case kEq:
      return c == 0;
    case kNe:
      return c != 0;
    case kGt:
      return c > 0;
    case kGe:
      return c >= 0;
    case kLt:
      return c < 0;
    default:
      return c <= 0;
  }
}

Value eval_compare(const Node& n, Frame& f) {
  Value a = eval(n.args[0], f);
  if (a.unknown()) return a;
  Value b = eval(n.args[1], f);
  if (b.unknown()) return b;
  int c = 0;
  switch (a.kind) {
    case Kind::kNil:
      c = 0;
      break;
    case Kind::kBool:
      c = int(a.b) - int(b.b);
      break;
    case Kind::kInt:
      c = a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
      break;
    case Kind::kFloat:
      if (std::isnan(a.f) || std::isnan(b.f)) return make_bool(n.code == kNe);
      c = a.f < b.f ? -1 : a.f > b.f ? 1 : 0;
      break;
    default:
      // Strings and blobs compare bytewise; list, map and raw msgpack literals compare by
      // their packed bytes (exact for equality, an approximation of CDT order otherwise).
      c = compare_bytes(a.bytes, b.bytes);
      break;
  }
  return make_bool(compare_result(n.code, c));
}

// Integer arithmetic wraps (two's complement), as the server's int64 arithmetic does on the
// hardware it runs on; the test server must not have undefined behaviour where it has none.
int64_t wrap_add(int64_t a, int64_t b) { return int64_t(uint64_t(a) + uint64_t(b)); }
int64_t wrap_sub(int64_t a, int64_t b) { return int64_t(uint64_t(a) - uint64_t(b)); }
int64_t wrap_mul(int64_t a, int64_t b) { return int64_t(uint64_t(a) * uint64_t(b)); }

Value eval_arith(const Node& n, Frame& f) {
  Value acc = eval(n.args[0], f);
  if (acc.unknown()) return acc;
  const bool is_float = acc.kind == Kind::kFloat;
  if (n.code == kSub && n.args.size() == 1) {
    if (is_float) return make_float(0.0 - acc.f);
    return make_int(wrap_sub(0, acc.i));
  }
  double dprod = 1.0;
  int64_t iprod = 1;
  for (size_t k = 1; k < n.args.size(); ++k) {
    Value v = eval(n.args[k], f);
    if (v.unknown()) return v;
    switch (n.code) {
      case kAdd:
        if (is_float) acc.f += v.f; else acc.i = wrap_add(acc.i, v.i);
        break;
      case kSub:
        if (is_float) acc.f -= v.f; else acc.i = wrap_sub(acc.i, v.i);
        break;
      case kMul:
        if (is_float) acc.f *= v.f; else acc.i = wrap_mul(acc.i, v.i);
        break;
      case kDiv:
        if (is_float) dprod *= v.f; else iprod = wrap_mul(iprod, v.i);
        break;
      case kMin:
        if (is_float) acc.f = std::min(acc.f, v.f); else acc.i = std::min(acc.i, v.i);
        break;
      case kMax:
        if (is_float) acc.f = std::max(acc.f, v.f); else acc.i = std::max(acc.i, v.i);
        break;
      default:
        break;
    }
  }
  if (n.code != kDiv) return acc;
  if (n.args.size() == 1) {  // div(x) is 1 / x
    if (is_float) return make_float(1.0 / acc.f);
    iprod = acc.i;
    acc.i = 1;
  }
  if (is_float) return make_float(acc.f / dprod);
  if (iprod == 0) return unknown();  // integer division by zero
  if (iprod == -1) return make_int(wrap_sub(0, acc.i));  // INT64_MIN / -1 wraps
  return make_int(acc.i / iprod);
}

int64_t float_to_int(double d) {
  // x86 cvttsd2si: NaN and out-of-range values become INT64_MIN.
  if (std::isnan(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0) {
    return std::numeric_limits<int64_t>::min();
  }
  return int64_t(d);
}

uint64_t record_size(const Record& r) {
  // An estimate of the stored (flat) size: a fixed header plus, per bin, its name, type and
  // value. The real figure depends on the storage format; tests compare relative sizes.
  uint64_t size = 39 + r.key.size();
  for (const Bin& b : r.bins) size += 2 + b.name.size() + 5 + b.value.size();
  return size;
}

Value eval_meta(const Node& n, const Context& c) {
  const Record& r = *c.record;
  switch (n.code) {
    case kDigestMod: {
      uint32_t v;
      std::memcpy(&v, c.digest + 16, 4);  // host order, as the server reads it
      return make_int(int64_t(v) % int32_t(n.param));
    }
    case kDeviceSize:
      return make_int(0);  // memory namespace
    case kMemorySize:
    case kRecordSize:
      return make_int(int64_t(record_size(r)));
    case kLastUpdate:
      return make_int((int64_t(r.last_update_ms) + kUnixOffset * 1000) * 1000000);
    case kSinceUpdate: {
      const uint64_t now_ms = uint64_t(c.now) * 1000;
      return make_int(now_ms > r.last_update_ms ? int64_t(now_ms - r.last_update_ms) : 0);
    }
    case kVoidTime:
      if (r.void_time == 0) return make_int(-1);
      return make_int((int64_t(r.void_time) + kUnixOffset) * 1000000000);
    case kTtl:
      if (r.void_time == 0) return make_int(-1);
      return make_int(r.void_time > c.now ? int64_t(r.void_time - c.now) : 1);
    case kSetName: {
      Value v;
      v.kind = Kind::kStr;
      v.bytes = r.set;
      return v;
    }
    case kKeyExists:
      return make_bool(!r.key.empty());
    case kIsTombstone:
      return make_bool(false);
    case kKey: {
      if (r.key.empty()) return unknown();
      const uint8_t t = uint8_t(r.key[0]);
      Value v;
      if (t == pt::kInteger && r.key.size() == 9 && n.type == Type::kInt) {
        return make_int(int64_t(wire::load_be64(reinterpret_cast<const uint8_t*>(r.key.data() + 1))));
      }
      if (t == pt::kString && n.type == Type::kStr) {
        v.kind = Kind::kStr;
      } else if (t == pt::kBlob && n.type == Type::kBlob) {
        v.kind = Kind::kBlob;
      } else {
        return unknown();
      }
      v.bytes.assign(r.key, 1, std::string::npos);
      return v;
    }
    default:
      return unknown();
  }
}

void pack_typed(std::string& s, uint8_t type, const std::string& bytes) {
  const size_t len = bytes.size() + 1;
  s.push_back(char(0xdb));
  for (int k = 3; k >= 0; --k) s.push_back(char(uint32_t(len) >> (8 * k)));
  s.push_back(char(type));
  s += bytes;
}

// A value as a msgpack call argument; false for unknown.
bool pack_value(std::string& s, const Value& v) {
  switch (v.kind) {
    case Kind::kUnknown:
      return false;
    case Kind::kNil:
      s.push_back(char(0xc0));
      return true;
    case Kind::kBool:
      s.push_back(char(v.b ? 0xc3 : 0xc2));
      return true;
    case Kind::kInt:
      Builder::pack_int_into(s, v.i);
      return true;
    case Kind::kFloat: {
      uint64_t raw;
      std::memcpy(&raw, &v.f, 8);
      s.push_back(char(0xcb));
      for (int k = 7; k >= 0; --k) s.push_back(char(raw >> (8 * k)));
      return true;
    }
    case Kind::kStr:
      pack_typed(s, pt::kString, v.bytes);
      return true;
    case Kind::kBlob:
      pack_typed(s, pt::kBlob, v.bytes);
      return true;
    case Kind::kHll:
      pack_typed(s, pt::kHll, v.bytes);
      return true;
    case Kind::kGeo:
      pack_typed(s, pt::kGeoJson, v.bytes);
      return true;
    default:  // list, map, raw msgpack
      s += v.bytes;
      return true;
  }
}

// A list/map call: the bin operand must be a list or map from a bin or another call (a
// literal is not one: the server's eval_call answers unknown for it).
Value eval_cdt_call(const Node& n, const Value& bin, const std::string& op) {
  const Node& operand = n.args.back();
  if (operand.code == kLiteral || (bin.kind != Kind::kList && bin.kind != Kind::kMap)) {
    return unknown();
  }
  std::string packed;
  if (n.has_call_ctx) {
    packed.assign("\x93\xcc\xff", 3);
    packed += n.call_ctx;
  }
  packed += op;
  uint8_t particle = 0;
  std::string bytes;
  if (!cdt_call((n.param & 0x40) != 0, bin.kind == Kind::kList ? pt::kList : pt::kMap, bin.bytes,
                packed, &particle, &bytes)) {
    return unknown();
  }
  if (particle == 0) {
    if (n.type != Type::kNil) return unknown();
    Value v;
    v.kind = Kind::kNil;
    return v;
  }
  Bin b;
  b.type = particle;
  b.value = std::move(bytes);
  return bin_value(b, n.type);
}

Value eval_call(const Node& n, Frame& f) {
  std::string op;
  op.push_back(char(0xdd));
  for (int k = 3; k >= 0; --k) op.push_back(char(n.call_count >> (8 * k)));
  for (const auto& [raw, index] : n.pieces) {
    if (index < 0) {
      op += raw;
    } else if (!pack_value(op, eval(n.args[size_t(index)], f))) {
      return unknown();
    }
  }
  const Value bin = eval(n.args.back(), f);
  if (bin.unknown()) return bin;
  if ((n.param & 0x3f) == 0) return eval_cdt_call(n, bin, op);
  const bool exists = bin.kind != Kind::kNil;
  const bool is_bits = (n.param & 0x3f) == 1;
  const uint8_t particle = !exists ? 0 : is_bits ? pt::kBlob : pt::kHll;
  const auto* args = reinterpret_cast<const uint8_t*>(op.data());
  Value out;
  if (n.param & 0x40) {  // modify a copy: the result is the new bin value
    std::string changed_value;
    bool changed = false;
    uint8_t st;
    if (is_bits) {
      st = bits::modify(exists, particle, bin.bytes, args, op.size(), &changed_value, &changed);
    } else {
      hll::Result ignored;
      st = hll::modify(exists, particle, bin.bytes, args, op.size(), &changed_value, &changed,
                       &ignored);
    }
    if (st != 0 || (!changed && !exists)) return unknown();
    out.kind = is_bits ? Kind::kBlob : Kind::kHll;
    out.bytes = changed ? std::move(changed_value) : bin.bytes;
  } else {
    if (!exists) return unknown();
    uint8_t rp = 0;
    std::string rv;
    if (is_bits) {
      bits::Result r;
      if (bits::read(particle, bin.bytes, args, op.size(), &r) != 0) return unknown();
      rp = r.particle;
      rv = std::move(r.value);
    } else {
      hll::Result r;
      if (hll::read(particle, bin.bytes, args, op.size(), &r) != 0) return unknown();
      rp = r.particle;
      rv = std::move(r.value);
    }
    Bin b;
    b.type = rp;
    b.value = std::move(rv);
    out = bin_value(b, n.type);
  }
  const Type have = out.kind == Kind::kBlob ? Type::kBlob : out.kind == Kind::kHll ? Type::kHll : n.type;
  if (out.unknown() || have != n.type) return unknown();
  return out;
}

Value eval(const Node& n, Frame& f) {
  switch (n.code) {
    case kCall:
      return eval_call(n, f);
    case kLiteral:
      return n.literal;
    case kUnk:
      return unknown();
    case kEq:
    case kNe:
    case kGt:
    case kGe:
    case kLt:
    case kLe:
      return eval_compare(n, f);
    case kRegex: {
      Value s = eval(n.args[0], f);
      if (s.unknown() || s.kind != Kind::kStr) return unknown();
      const std::string text(s.bytes.c_str());  // up to the first NUL, as strndup + regexec
      return make_bool(regexec(&n.regex->re, text.c_str(), 0, nullptr, 0) == 0);
    }
    case kGeoCmp: {
      Value a = eval(n.args[0], f);
      if (a.unknown()) return a;
      Value b = eval(n.args[1], f);
      if (b.unknown()) return b;
      const int m = geo_match(a.bytes, b.bytes);
      return m < 0 ? unknown() : make_bool(m == 1);
    }
    case kAnd:
    case kOr: {
      const bool is_and = n.code == kAnd;
      bool saw_unknown = false;
      for (const Node& a : n.args) {
        Value v = eval(a, f);
        if (v.unknown()) {
          saw_unknown = true;
          continue;
        }
        if (v.b != is_and) return make_bool(!is_and);
      }
      return saw_unknown ? unknown() : make_bool(is_and);
    }
    case kNot: {
      Value v = eval(n.args[0], f);
      if (v.unknown()) return v;
      return make_bool(!v.b);
    }
    case kExclusive: {
      bool seen = false;
      for (const Node& a : n.args) {
        Value v = eval(a, f);
        if (v.unknown()) return v;
        if (v.b) {
          if (seen) return make_bool(false);
          seen = true;
        }
      }
      return make_bool(seen);
    }
    case kAdd:
    case kSub:
    case kMul:
    case kDiv:
    case kMin:
    case kMax:
      return eval_arith(n, f);
    case kPow:
    case kLog: {
      Value a = eval(n.args[0], f);
      if (a.unknown()) return a;
      Value b = eval(n.args[1], f);
      if (b.unknown()) return b;
      return make_float(n.code == kPow ? std::pow(a.f, b.f) : std::log(a.f) / std::log(b.f));
    }
    case kMod: {
      Value a = eval(n.args[0], f);
      if (a.unknown()) return a;
      Value b = eval(n.args[1], f);
      if (b.unknown() || b.i == 0) return unknown();
      if (b.i == -1) return make_int(0);  // INT64_MIN % -1 would trap
      return make_int(a.i % b.i);
    }
    case kAbs: {
      Value a = eval(n.args[0], f);
      if (a.unknown()) return a;
      if (a.kind == Kind::kFloat) return make_float(std::fabs(a.f));
      return make_int(a.i < 0 ? wrap_sub(0, a.i) : a.i);
    }
    case kFloor:
    case kCeil:
    case kToInt: {
      Value a = eval(n.args[0], f);
      if (a.unknown()) return a;
      if (n.code == kToInt) return make_int(float_to_int(a.f));
      return make_float(n.code == kFloor ? std::floor(a.f) : std::ceil(a.f));
    }
    case kToFloat: {
      Value a = eval(n.args[0], f);
      if (a.unknown()) return a;
      return make_float(double(a.i));
    }
    case kIntAnd:
    case kIntOr:
    case kIntXor: {
      Value acc = eval(n.args[0], f);
      if (acc.unknown()) return acc;
      for (size_t k = 1; k < n.args.size(); ++k) {
        Value v = eval(n.args[k], f);
        if (v.unknown()) return v;
        if (n.code == kIntAnd) acc.i &= v.i;
        else if (n.code == kIntOr) acc.i |= v.i;
        else acc.i ^= v.i;
      }
      return acc;
    }
    case kIntNot:
    case kCount: {
      Value a = eval(n.args[0], f);
      if (a.unknown()) return a;
      if (n.code == kIntNot) return make_int(~a.i);
      return make_int(std::popcount(uint64_t(a.i)));
    }
    case kLshift:
    case kRshift:
    case kArshift: {
      Value a = eval(n.args[0], f);
      if (a.unknown()) return a;
      Value s = eval(n.args[1], f);
      if (s.unknown()) return s;
      const unsigned sh = unsigned(s.i) & 63;  // the hardware masks the count
      if (n.code == kLshift) return make_int(int64_t(uint64_t(a.i) << sh));
      if (n.code == kRshift) return make_int(int64_t(uint64_t(a.i) >> sh));
      return make_int(a.i >> sh);
    }
    case kLscan:
    case kRscan: {
      Value a = eval(n.args[0], f);
      if (a.unknown()) return a;
      Value set = eval(n.args[1], f);
      if (set.unknown()) return set;
      uint64_t v = uint64_t(a.i);
      if (!set.b) v = ~v;
      if (v == 0) return make_int(-1);
      if (n.code == kLscan) return make_int(std::countl_zero(v));
      return make_int(63 - std::countr_zero(v));
    }
    case kDigestMod:
    case kDeviceSize:
    case kLastUpdate:
    case kSinceUpdate:
    case kVoidTime:
    case kTtl:
    case kSetName:
    case kKeyExists:
    case kIsTombstone:
    case kMemorySize:
    case kRecordSize:
    case kKey:
      return eval_meta(n, f.ctx);
    case kBin: {
      const Bin* b = f.ctx.record->find_bin(n.name);
      if (b == nullptr) return unknown();
      return bin_value(*b, n.type);
    }
    case kBinType: {
      const Bin* b = f.ctx.record->find_bin(n.name);
      return make_int(b == nullptr ? 0 : b->type);
    }
    case kBuiltin:
      if (f.ctx.loop == nullptr || !f.ctx.loop->has[n.var]) return unknown();
      return bin_value(f.ctx.loop->vars[n.var], n.type);
    case kCond: {
      const size_t cases = n.args.size() / 2;
      for (size_t k = 0; k < cases; ++k) {
        Value c = eval(n.args[2 * k], f);
        if (c.unknown()) return c;
        if (c.b) return eval(n.args[2 * k + 1], f);
      }
      return eval(n.args.back(), f);
    }
    case kVar:
      return f.vars[n.var];
    case kLet: {
      const size_t n_vars = size_t(n.param);
      for (size_t k = 0; k < n_vars; ++k) f.vars[n.var + k] = eval(n.args[k], f);
      return eval(n.args[n_vars], f);
    }
    default:
      return unknown();
  }
}

}  // namespace

Value Expression::evaluate(const Context& ctx) const {
  Frame f{ctx, std::vector<Value>(var_count_)};
  return eval(*root_, f);
}

bool Expression::matches(const Context& ctx) const {
  Value v = evaluate(ctx);
  return v.kind == Kind::kBool && v.b;
}

bool value_to_bin(const Value& v, uint8_t* particle, std::string* bytes) {
  uint8_t buf[8];
  switch (v.kind) {
    case Kind::kBool:
      *particle = pt::kBool;
      bytes->assign(1, char(v.b ? 1 : 0));
      return true;
    case Kind::kInt:
      *particle = pt::kInteger;
      wire::store_be64(buf, uint64_t(v.i));
      bytes->assign(reinterpret_cast<const char*>(buf), 8);
      return true;
    case Kind::kFloat: {
      uint64_t raw;
      std::memcpy(&raw, &v.f, 8);
      *particle = pt::kFloat;
      wire::store_be64(buf, raw);
      bytes->assign(reinterpret_cast<const char*>(buf), 8);
      return true;
    }
    case Kind::kStr:
      *particle = pt::kString;
      *bytes = v.bytes;
      return true;
    case Kind::kBlob:
      *particle = pt::kBlob;
      *bytes = v.bytes;
      return true;
    case Kind::kHll:
      *particle = pt::kHll;
      *bytes = v.bytes;
      return true;
    case Kind::kList:
      *particle = pt::kList;
      *bytes = v.bytes;
      return true;
    case Kind::kMap:
      *particle = pt::kMap;
      *bytes = v.bytes;
      return true;
    case Kind::kGeo:
      *particle = pt::kGeoJson;
      bytes->assign(3, '\0');  // no flags, no cells
      bytes->append(v.bytes);
      return true;
    default:
      return false;
  }
}

}  // namespace aero::testserver::exp
