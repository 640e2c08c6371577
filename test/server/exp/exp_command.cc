#include "test/server/exp/exp_command.h"

#include <string>

#include "test/server/exp/msgpack_reader.h"
#include "test/server/wire.h"

namespace aero::testserver::exp {

namespace {

namespace rc = wire::result;

constexpr uint64_t kCreateOnly = 1 << 0;
constexpr uint64_t kUpdateOnly = 1 << 1;
constexpr uint64_t kAllowDelete = 1 << 2;
constexpr uint64_t kPolicyNoFail = 1 << 3;
constexpr uint64_t kEvalNoFail = 1 << 4;
constexpr uint8_t kOpNotApplicable = 26;
constexpr uint8_t kBinExists = 6;
constexpr uint8_t kBinNotFound = 17;

// An op's value: [expression] or [expression, flags].
uint8_t parse_op(const OpView& op, bool modify, std::unique_ptr<Expression>* exp,
                 uint64_t* flags) {
  Reader r(op.value, op.value_size);
  uint32_t n = 0;
  std::string_view body;
  if (!r.read_list_header(&n) || n == 0 || n > 2 || !r.read_element(&body)) {
    return rc::kParameter;
  }
  *flags = 0;
  if (n == 2) {
    int64_t f = 0;
    if (!r.read_int(&f) || f < 0) return rc::kParameter;
    const uint64_t allowed = modify ? (kCreateOnly | kUpdateOnly | kAllowDelete |
                                       kPolicyNoFail | kEvalNoFail)
                                    : kEvalNoFail;
    if (uint64_t(f) & ~allowed) return rc::kParameter;
    *flags = uint64_t(f);
  }
  if (!r.at_end()) return rc::kParameter;
  uint8_t result = rc::kOk;
  *exp = Expression::build(reinterpret_cast<const uint8_t*>(body.data()), body.size(), &result);
  return *exp ? rc::kOk : result;
}

void put_bin(Record& r, std::string_view name, uint8_t type, std::string bytes) {
  Bin* b = r.find_bin(name);
  if (b == nullptr) {
    r.bins.emplace_back();
    b = &r.bins.back();
    b->name.assign(name);
  }
  b->type = type;
  b->value = std::move(bytes);
}

}  // namespace

uint8_t build_filter(const MessageView& m, std::unique_ptr<Expression>* out) {
  out->reset();
  const FieldView& f = m.field(wire::field::kFilterExpression);
  if (!f.present) return rc::kOk;
  uint8_t result = rc::kOk;
  *out = Expression::build(f.data, f.size, &result);
  if (!*out) return result;
  if ((*out)->type() != Type::kBool) {  // filters must be boolean
    out->reset();
    return rc::kParameter;
  }
  return rc::kOk;
}

bool filter_passes(const Expression* filter, const Record& r, const uint8_t* digest,
                   uint32_t now) {
  if (filter == nullptr) return true;
  return filter->matches(Context{&r, digest, now});
}

uint8_t read_op(const OpView& op, const Record& r, const uint8_t* digest, uint32_t now,
                ResponseWriter& w) {
  std::unique_ptr<Expression> e;
  uint64_t flags = 0;
  if (const uint8_t st = parse_op(op, false, &e, &flags); st != rc::kOk) return st;
  const Value v = e->evaluate(Context{&r, digest, now});
  uint8_t particle = wire::particle::kNull;
  std::string bytes;
  if (!value_to_bin(v, &particle, &bytes)) {
    if (v.kind != Value::Kind::kNil && !(flags & kEvalNoFail)) return kOpNotApplicable;
    particle = wire::particle::kNull;
    bytes.clear();
  }
  w.add_op(wire::op::kExpRead, particle, op.name, bytes.data(), bytes.size());
  return rc::kOk;
}

uint8_t write_op(const OpView& op, Record& r, const uint8_t* digest, uint32_t now) {
  std::unique_ptr<Expression> e;
  uint64_t flags = 0;
  if (const uint8_t st = parse_op(op, true, &e, &flags); st != rc::kOk) return st;
  const bool was_live = r.find_bin(op.name) != nullptr;
  const bool no_fail = (flags & kPolicyNoFail) != 0;
  if (was_live && (flags & kCreateOnly)) return no_fail ? rc::kOk : kBinExists;
  if (!was_live && (flags & kUpdateOnly)) return no_fail ? rc::kOk : kBinNotFound;
  const Value v = e->evaluate(Context{&r, digest, now});
  if (v.unknown() || v.kind == Value::Kind::kMsgpack) {
    return (flags & kEvalNoFail) ? rc::kOk : kOpNotApplicable;
  }
  if (v.kind == Value::Kind::kNil) {
    if (!was_live) return rc::kOk;
    if (!(flags & kAllowDelete)) return no_fail ? rc::kOk : kOpNotApplicable;
    r.remove_bin(op.name);
    return rc::kOk;
  }
  uint8_t particle = 0;
  std::string bytes;
  if (!value_to_bin(v, &particle, &bytes)) return kOpNotApplicable;
  put_bin(r, op.name, particle, std::move(bytes));
  return rc::kOk;
}

}  // namespace aero::testserver::exp
