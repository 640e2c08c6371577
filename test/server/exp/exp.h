// The test server's expression engine: builds a packed Aerospike expression (msgpack, as the
// official clients send it in field 43 or in an expression operation) into a typed tree, with
// the server's build-time checks (aerospike-server as/src/base/exp.c: arity, argument types,
// mismatched comparisons, filters that are not boolean), and evaluates it against a record
// with the server's runtime semantics: a missing bin or a bin of another type makes the result
// "unknown"; integer arithmetic wraps; integer division or modulo by zero is unknown; regexes
// are POSIX regcomp with the client's flags passed through unchanged (as the server does).
//
// `call` runs bit and HLL operations (read and modify-local) through test/server/cdt's
// bit_ops/hll_ops, and list and map operations (read and modify-local, with contexts) through
// cdt_call.h on top of cdt_ops: the same functions the record operations use. The 8.1 path
// "select" call (op 0xfe) builds to 16 (unsupported). Geo
// comparison knows points, polygons and AeroCircles with plain spherical geometry (no S2).
//
// Threads: an Expression is immutable after build and may be evaluated from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "test/server/store.h"

namespace aero::testserver::exp {

// Static result types (the server's result_type numbering).
enum class Type : uint8_t {
  kNil = 0,
  kBool = 1,
  kInt = 2,
  kStr = 3,
  kList = 4,
  kMap = 5,
  kBlob = 6,
  kFloat = 7,
  kGeo = 8,
  kHll = 9,
  kAny = 10,  // raw msgpack (wildcard, infinity, ...)
};

// A runtime value.
struct Value {
  enum class Kind : uint8_t { kUnknown, kNil, kBool, kInt, kFloat, kStr, kBlob, kGeo, kList, kMap, kHll, kMsgpack };
  Kind kind = Kind::kUnknown;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string bytes;  // str, blob, GeoJSON text, HLL bytes, list/map/other msgpack

  bool unknown() const { return kind == Kind::kUnknown; }
};

// The element a CDT "select" context level or modify expression is looking at: the built-in
// variables of the expression's var_builtin op (122: 0 map key, 1 value, 2 list/map index), as
// particle type + bin bytes. `has[k]` false makes that variable unknown (a list element has no
// key). See exp/cdt_select.h.
struct LoopVars {
  Bin vars[3];
  bool has[3] = {false, false, false};
};

// What an expression sees: the record (live, as of this point of the command), its digest and
// the server clock; inside a CDT "select", the element being tested (`loop`).
struct Context {
  const Record* record = nullptr;
  const uint8_t* digest = nullptr;  // 20 bytes
  uint32_t now = 0;                 // seconds since 2010-01-01 (the test server clock)
  const LoopVars* loop = nullptr;   // CDT "select" only
};

struct Node;

class Expression {
 public:
  // Builds the expression packed in [p, p+n). On failure returns nullptr and sets *result to
  // the server's answer (4 parameter error, 16 for the unsupported "select" call).
  static std::unique_ptr<Expression> build(const uint8_t* p, size_t n, uint8_t* result);
  ~Expression();
  Expression(const Expression&) = delete;
  Expression& operator=(const Expression&) = delete;

  Type type() const;
  Value evaluate(const Context& ctx) const;
  // A filter matches when it evaluates to true (unknown and false do not match).
  bool matches(const Context& ctx) const;

 private:
  Expression();
  std::unique_ptr<Node> root_;
  uint32_t var_count_ = 0;
  friend class Builder;
};

// Stores a value into a bin (the bin's wire encoding); false for unknown and nil.
bool value_to_bin(const Value& v, uint8_t* particle, std::string* bytes);

}  // namespace aero::testserver::exp
