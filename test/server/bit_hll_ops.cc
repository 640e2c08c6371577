#include "test/server/bit_hll_ops.h"

#include <string>
#include <string_view>

#include "test/server/cdt/bit_ops.h"
#include "test/server/cdt/hll_ops.h"
#include "test/server/wire.h"

namespace aero::testserver {

namespace {

namespace rc = wire::result;

void put_bin(Record& r, std::string_view name, uint8_t type, std::string&& value) {
  Bin* b = r.find_bin(name);
  if (b == nullptr) {
    r.bins.emplace_back();
    b = &r.bins.back();
    b->name.assign(name);
  }
  b->type = type;
  b->value = std::move(value);
}

// Reads (12, 15) on a bin that may be missing: a missing bin answers nothing, or a null op.
uint8_t do_read(const Record& r, const OpView& op, bool respond_all, ResponseWriter& w) {
  const Bin* b = r.find_bin(op.name);
  if (b == nullptr) {
    if (respond_all) w.add_op(op.type, wire::particle::kNull, op.name, nullptr, 0);
    return rc::kOk;
  }
  uint8_t particle = 0;
  std::string value;
  if (op.type == wire::op::kBitRead) {
    // particle_blob.c as_bin_bits_packed_read: the op itself must be sent as a blob.
    if (op.particle != wire::particle::kBlob) return rc::kIncompatibleType;
    bits::Result res;
    const uint8_t st = bits::read(b->type, b->value, op.value, op.value_size, &res);
    if (st != rc::kOk) return st;
    particle = res.particle;
    value = std::move(res.value);
  } else {
    hll::Result res;
    const uint8_t st = hll::read(b->type, b->value, op.value, op.value_size, &res);
    if (st != rc::kOk) return st;
    particle = res.particle;
    value = std::move(res.value);
  }
  w.add_op(op.type, particle, op.name, value.data(), value.size());
  return rc::kOk;
}

}  // namespace

bool is_bit_hll_op(uint8_t t) {
  return t == wire::op::kBitRead || t == wire::op::kBitModify || t == wire::op::kHllRead ||
         t == wire::op::kHllModify;
}

bool is_bit_hll_read(uint8_t t) { return t == wire::op::kBitRead || t == wire::op::kHllRead; }

uint8_t read_bit_hll_op(const Record& r, const OpView& op, bool respond_all, ResponseWriter& w) {
  return do_read(r, op, respond_all, w);
}

uint8_t apply_bit_hll_op(Record& r, const OpView& op, bool respond_all, ResponseWriter& w) {
  if (is_bit_hll_read(op.type)) return do_read(r, op, respond_all, w);
  const Bin* b = r.find_bin(op.name);
  const bool exists = b != nullptr;
  const uint8_t bin_type = exists ? b->type : 0;
  const std::string_view bin_value = exists ? std::string_view(b->value) : std::string_view();
  std::string updated;
  bool changed = false;
  if (op.type == wire::op::kBitModify) {
    if (op.particle != wire::particle::kBlob) return rc::kIncompatibleType;
    const uint8_t st =
        bits::modify(exists, bin_type, bin_value, op.value, op.value_size, &updated, &changed);
    if (st != rc::kOk) return st;
    if (changed) put_bin(r, op.name, wire::particle::kBlob, std::move(updated));
    if (respond_all) w.add_op(op.type, wire::particle::kNull, op.name, nullptr, 0);
    return rc::kOk;
  }
  hll::Result res;
  const uint8_t st = hll::modify(exists, bin_type, bin_value, op.value, op.value_size, &updated,
                                 &changed, &res);
  if (st != rc::kOk) return st;
  if (changed) put_bin(r, op.name, wire::particle::kHll, std::move(updated));
  if (respond_all || res.particle != 0) {
    w.add_op(op.type, res.particle, op.name, res.value.data(), res.value.size());
  }
  return rc::kOk;
}

}  // namespace aero::testserver
