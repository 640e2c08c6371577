#include "test/server/query_filter.h"

#include <vector>

#include "test/server/exp/exp.h"
#include "test/server/sindex_keys.h"
#include "test/server/wire.h"

namespace aero::testserver {

namespace {

namespace rc = wire::result;

uint64_t mix(uint64_t a, uint64_t b) {
  const unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return uint64_t(r) ^ uint64_t(r >> 64);
}

uint64_t le(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= uint64_t(p[i]) << (8 * i);
  return v;
}

}  // namespace

// wyhash final version 3 (public domain algorithm by Wang Yi), with the seed the server uses.
int64_t sindex_bval(std::string_view bytes) {
  static constexpr uint64_t kSecret[4] = {0xa0761d6478bd642full, 0xe7037ed1a0b428dbull,
                                          0x8ebc6af09c88c6e3ull, 0x589965cc75374cc3ull};
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t len = bytes.size();
  uint64_t seed = 0x29FBB14cc886full ^ kSecret[0];
  uint64_t a = 0, b = 0;
  if (len <= 16) {
    if (len >= 4) {
      const size_t off = (len >> 3) << 2;
      a = (le(p, 4) << 32) | le(p + off, 4);
      b = (le(p + len - 4, 4) << 32) | le(p + len - 4 - off, 4);
    } else if (len > 0) {
      a = (uint64_t(p[0]) << 16) | (uint64_t(p[len >> 1]) << 8) | p[len - 1];
    }
  } else {
    size_t i = len;
    if (i > 48) {
      uint64_t see1 = seed, see2 = seed;
      do {
        seed = mix(le(p, 8) ^ kSecret[1], le(p + 8, 8) ^ seed);
        see1 = mix(le(p + 16, 8) ^ kSecret[2], le(p + 24, 8) ^ see1);
        see2 = mix(le(p + 32, 8) ^ kSecret[3], le(p + 40, 8) ^ see2);
        p += 48;
        i -= 48;
      } while (i > 48);
      seed ^= see1 ^ see2;
    }
    while (i > 16) {
      seed = mix(le(p, 8) ^ kSecret[1], le(p + 8, 8) ^ seed);
      i -= 16;
      p += 16;
    }
    a = le(p + i - 16, 8);
    b = le(p + i - 8, 8);
  }
  return int64_t(mix(kSecret[1] ^ len, mix(a ^ kSecret[1], b ^ seed)));
}

QueryFilter::~QueryFilter() = default;

uint8_t QueryFilter::parse(const MessageView& m, Namespace& ns, std::string_view set,
                           std::unique_ptr<QueryFilter>* out) {
  const FieldView& f = m.field(wire::field::kIndexRange);
  const uint8_t* p = f.data;
  const uint8_t* const end = f.data + f.size;
  if (!f.present || end - p < 2 || p[0] != 1) return rc::kParameter;
  const uint8_t name_len = p[1];
  p += 2;
  const FieldView& name_field = m.field(wire::field::kIndexName);
  const FieldView& exp_field = m.field(wire::field::kIndexExpression);
  // A bin name, or (with an empty one) an index name or an expression.
  if (name_len >= 16 || end - p < name_len + 1) return rc::kParameter;
  if ((name_len == 0) == !(name_field.present || exp_field.present)) return rc::kParameter;
  std::unique_ptr<QueryFilter> q(new QueryFilter());
  const std::string bin(reinterpret_cast<const char*>(p), name_len);
  p += name_len;
  const uint8_t type = *p++;
  if (end - p < 4) return rc::kParameter;
  const uint32_t begin_len = wire::load_be32(p);
  p += 4;
  if (uint64_t(end - p) < begin_len) return rc::kParameter;
  const uint8_t* begin = p;
  p += begin_len;
  IndexType itype;
  if (type == wire::particle::kInteger) {
    if (begin_len != 8 || end - p < 12 || wire::load_be32(p) != 8) return rc::kParameter;
    q->begin_ = int64_t(wire::load_be64(begin));
    q->end_ = int64_t(wire::load_be64(p + 4));
    if (q->begin_ > q->end_) return rc::kParameter;
    itype = IndexType::kNumeric;
  } else if (type == wire::particle::kString || type == wire::particle::kBlob) {
    q->integer_ = false;
    q->value_.assign(reinterpret_cast<const char*>(begin), begin_len);
    itype = type == wire::particle::kString ? IndexType::kString : IndexType::kBlob;
  } else if (type == wire::particle::kGeoJson) {
    return rc::kIndexNotFound;  // geo indexes are not emulated
  } else {
    return rc::kParameter;
  }
  IndexCollection collection = IndexCollection::kDefault;
  if (const FieldView& c = m.field(wire::field::kIndexType); c.present) {
    if (c.size != 1 || c.data[0] > 3) return rc::kParameter;
    collection = IndexCollection(c.data[0]);
  }
  const FieldView& ctx = m.field(wire::field::kIndexContext);
  const std::string context = ctx.present ? std::string(ctx.str()) : std::string();
  const std::string expression = exp_field.present ? std::string(exp_field.str()) : std::string();
  bool found = false;
  for (const IndexDef& d : ns.indexes()) {
    const bool same = name_field.present
                          ? d.name == name_field.str()
                          : (d.bin == bin && d.collection == collection &&
                             d.context == context && d.exp == expression);
    if (same && d.type == itype && (d.set.empty() || d.set == set)) {
      q->index_ = d;
      found = true;
      break;
    }
  }
  if (!found) return rc::kIndexNotFound;
  if (!q->index_.exp.empty()) {
    uint8_t result = rc::kOk;
    const auto* e = reinterpret_cast<const uint8_t*>(q->index_.exp.data());
    q->exp_ = exp::Expression::build(e, q->index_.exp.size(), &result);
    if (!q->exp_) return rc::kIndexNotFound;
  }
  *out = std::move(q);
  return rc::kOk;
}

bool QueryFilter::matches(const Record& r, const uint8_t* digest, uint32_t now,
                          int64_t* bval) const {
  if (!index_.set.empty() && r.set != index_.set) return false;
  std::vector<IndexKey> keys;
  if (exp_) {
    const exp::Value v = exp_->evaluate(exp::Context{&r, digest, now});
    if (index_.type == IndexType::kNumeric && v.kind == exp::Value::Kind::kInt) {
      keys.push_back(IndexKey{true, v.i, {}});
    } else if ((index_.type == IndexType::kString && v.kind == exp::Value::Kind::kStr) ||
               (index_.type == IndexType::kBlob && v.kind == exp::Value::Kind::kBlob)) {
      keys.push_back(IndexKey{false, 0, v.bytes});
    }
  } else {
    index_keys(index_, r, &keys);
  }
  bool hit = false;
  for (const IndexKey& k : keys) {
    if (integer_) {
      if (!k.integer || k.value < begin_ || k.value > end_) continue;
      if (!hit || k.value < *bval) *bval = k.value;  // the smallest matching key
      hit = true;
    } else if (!k.integer && k.bytes == value_) {
      *bval = sindex_bval(k.bytes);
      return true;
    }
  }
  return hit;
}

}  // namespace aero::testserver
