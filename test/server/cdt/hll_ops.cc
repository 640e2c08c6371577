// Semantics from aerospike-server as/src/base/particle_hll.c (op tables, hll_parse_*,
// hll_modify_prepare_*, hmh_* and hll_* estimators). The floating-point steps of the
// estimators follow the server's order of operations so answers match bit for bit.
#include "test/server/cdt/hll_ops.h"

#include <cmath>
#include <cstring>
#include <vector>

#include "test/server/cdt/bit_args.h"
#include "test/server/cdt/bit_ops.h"

namespace aero::testserver::hll {

namespace {

constexpr uint8_t kOk = 0;
constexpr uint8_t kServerError = 1;  // AS_ERR_UNKNOWN: a stored HLL that is not well formed
constexpr uint8_t kParameter = 4;
constexpr uint8_t kBinExists = 6;
constexpr uint8_t kIncompatibleType = 12;
constexpr uint8_t kBinNotFound = 17;
constexpr uint8_t kOpNotApplicable = 26;

constexpr uint8_t kParticleInteger = 1;
constexpr uint8_t kParticleFloat = 2;
constexpr uint8_t kParticleHll = 18;
constexpr uint8_t kParticleList = 20;

constexpr uint32_t kHllBits = 6;
constexpr uint32_t kHllMaxValue = 1u << kHllBits;
constexpr uint64_t kMinIndexBits = 4, kMaxIndexBits = 16;
constexpr uint64_t kMinMinhashBits = 4, kMaxMinhashBits = 64 - kHllBits - 7;
constexpr uint8_t kUnset = 0xFF;

bool valid_index_bits(uint64_t n) { return n >= kMinIndexBits && n <= kMaxIndexBits; }
bool valid_minhash_bits(uint64_t n) {
  return n == 0 || (n >= kMinMinhashBits && n <= kMaxMinhashBits);
}
bool valid_combined(uint64_t i, uint64_t m) {
  return valid_index_bits(i) && valid_minhash_bits(m) && i + m <= 64;
}

size_t registers_size(uint8_t i, uint8_t m) {
  return size_t(((kHllBits + m) * (uint64_t(1) << i) + 7) / 8);
}

// ---- An HLL in memory: header + registers. ----
inline uint8_t index_bits(const uint8_t* h) { return h[1]; }
inline uint8_t minhash_bits(const uint8_t* h) { return h[2]; }
inline uint64_t cache_of(const uint8_t* h) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | h[3 + i];
  return v;
}
inline void set_cache(uint8_t* h, uint64_t v) {
  for (int i = 0; i < 8; ++i) h[3 + i] = uint8_t(v >> (8 * i));
}
inline uint32_t n_registers(const uint8_t* h) { return uint32_t(1) << index_bits(h); }

uint64_t get_register(const uint8_t* h, uint32_t r) {
  const uint32_t n_bits = kHllBits + minhash_bits(h);
  return bits::get_uint(h + kHeaderSize, uint64_t(n_bits) * r, n_bits);
}
void set_register(uint8_t* h, uint32_t r, uint64_t value) {
  const uint32_t n_bits = kHllBits + minhash_bits(h);
  bits::set_uint(h + kHeaderSize, uint64_t(n_bits) * r, n_bits, value);
}
inline uint8_t hll_value(const uint8_t* h, uint64_t reg) {
  return uint8_t(reg >> minhash_bits(h));
}

std::string make(uint8_t i, uint8_t m) {
  std::string s(required_size(i, m), '\0');
  s[1] = char(i);
  s[2] = char(m);
  return s;
}
inline uint8_t* mut(std::string& s) { return reinterpret_cast<uint8_t*>(s.data()); }
inline const uint8_t* ptr(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// hmh_hash: the register an element lands in and the value it would set there.
void hash_element(const uint8_t* h, std::string_view element, uint16_t* reg, uint64_t* packed);

// hmh_add: true if a register grew.
bool add_element(uint8_t* h, std::string_view element) {
  uint16_t reg = 0;
  uint64_t packed = 0;
  hash_element(h, element, &reg, &packed);
  if (get_register(h, reg) < packed) {
    set_register(h, reg, packed);  // keeps the low 6 + m bits, as the server does
    set_cache(h, 0);
    return true;
  }
  return false;
}

// May contain: every element's register holds at least the value the element would set
// (adding an element never lowers a register, so an added element always passes).
bool may_contain(const uint8_t* h, const std::vector<std::string_view>& elements) {
  for (std::string_view e : elements) {
    uint16_t reg = 0;
    uint64_t packed = 0;
    hash_element(h, e, &reg, &packed);
    if (get_register(h, reg) < packed) return false;
  }
  return true;
}

void hash_element(const uint8_t* h, std::string_view element, uint16_t* reg_out,
                  uint64_t* packed_out) {
  uint64_t h1 = 0, h2 = 0;
  murmur3_x64_128(ptr(element), element.size(), &h1, &h2);
  const uint8_t i = index_bits(h), m = minhash_bits(h);
  const uint16_t index_mask = uint16_t((uint16_t(1) << i) - 1);
  const uint16_t reg = uint16_t(uint16_t(h1) & index_mask);
  const uint64_t minhash_mask = (uint64_t(1) << m) - 1;
  const uint64_t minhash = (h1 >> i) & minhash_mask;
  const uint8_t value = uint8_t((h2 == 0 ? 64 : __builtin_ctzll(h2)) + 1);
  *reg_out = reg;
  *packed_out = (uint64_t(value) << m) | minhash;
}

double tau(double val) {
  if (val == 0.0 || val == 1.0) return 0.0;
  double z_prime;
  double y = 1.0;
  double z = 1 - val;
  do {
    val = std::sqrt(val);
    z_prime = z;
    y *= 0.5;
    z -= std::pow(1 - val, 2) * y;
  } while (z_prime != z);
  return z / 3;
}

double sigma(double val) {
  if (val == 1.0) return INFINITY;
  double z_prime;
  double y = 1;
  double z = val;
  do {
    val *= val;
    z_prime = z;
    z += val * y;
    y += y;
  } while (z_prime != z);
  return z;
}

double alpha(uint8_t i) {
  switch (i) {
    case 4: return 0.673;
    case 5: return 0.697;
    case 6: return 0.709;
    default: return 0.7213 / (1.0 + 1.079 / double(1u << i));
  }
}

uint64_t estimate(const uint8_t* h) {
  if (const uint64_t c = cache_of(h); c != 0) return c;
  const uint32_t n = n_registers(h);
  uint32_t c[kHllMaxValue + 1] = {};
  for (uint32_t r = 0; r < n; ++r) c[hll_value(h, get_register(h, r))]++;
  double z = n * tau(c[kHllMaxValue] / double(n));
  for (uint32_t k = kHllMaxValue; k > 0; --k) z = 0.5 * (z + c[k]);
  z += n * sigma(c[0] / double(n));
  return uint64_t(std::llround(alpha(index_bits(h)) * n * n / z));
}

struct Template {
  uint8_t i = 0, m = 0;
};

Template compatible(const std::vector<const uint8_t*>& hs) {
  uint8_t i = index_bits(hs[0]);
  uint64_t m = minhash_bits(hs[0]);
  for (size_t k = 1; k < hs.size(); ++k) {
    if (i > index_bits(hs[k])) i = index_bits(hs[k]);
    if (m != 0 && m != minhash_bits(hs[k])) m = 0;
  }
  return {i, uint8_t(m)};
}

// hmh_union / hll_union: `u` has no more index bits than `h`.
void union_into(uint8_t* u, const uint8_t* h) {
  const uint32_t max_registers = n_registers(h);
  const uint32_t mask = n_registers(u) - 1;
  if (minhash_bits(u) == 0) {
    for (uint32_t r = 0; r < max_registers; ++r) {
      const uint32_t ur = r & mask;
      const uint8_t v0 = hll_value(u, get_register(u, ur));
      const uint8_t v1 = hll_value(h, get_register(h, r));
      if (v0 < v1) set_register(u, ur, v1);
    }
    return;
  }
  for (uint32_t r = 0; r < max_registers; ++r) {
    const uint32_t ur = r & mask;
    const uint64_t v0 = get_register(u, ur);
    const uint64_t v1 = get_register(h, r);
    if (v0 < v1) set_register(u, ur, v1);
  }
  set_cache(u, 0);
}

std::string union_of(const std::vector<const uint8_t*>& hs) {
  const Template t = compatible(hs);
  std::string u = make(t.i, t.m);
  for (const uint8_t* h : hs) union_into(mut(u), h);
  return u;
}

uint64_t union_count(const std::vector<const uint8_t*>& hs) {
  const std::string u = union_of(hs);
  return estimate(ptr(u));
}

// hmh_has_data: the server looks at the first n_registers bytes of the registers only.
bool has_data(const uint8_t* h) {
  const uint32_t n = (n_registers(h) / 8) * 8;
  for (uint32_t k = 0; k < n; ++k) {
    if (h[kHeaderSize + k] != 0) return true;
  }
  return false;
}

void intersect_one(uint8_t* x, const uint8_t* h) {
  const uint32_t mask = n_registers(x) - 1;
  const uint32_t max_registers = n_registers(h);
  for (uint32_t r = 0; r < max_registers; ++r) {
    const uint32_t sr = r & mask;
    const uint64_t v0 = get_register(x, sr);
    const uint64_t v1 = get_register(h, r);
    set_register(x, sr, v0 == v1 ? v0 : 0);
  }
}

uint32_t used_registers(const uint8_t* h) {
  uint32_t count = 0;
  for (uint32_t r = 0; r < n_registers(h); ++r) count += get_register(h, r) != 0;
  return count;
}

double jaccard_collisions(const Template& t, uint64_t card0, uint64_t card1) {
  double cp = 0.0;
  const uint32_t n = uint32_t(1) << t.i;
  const uint32_t n_buckets = kHllMaxValue;
  double b1, b2;
  for (int32_t i = 1; uint32_t(i) <= n_buckets; ++i) {
    if (uint32_t(i) != n_buckets) {
      b1 = std::pow(2, -i);
      b2 = std::pow(2, -i + 1);
    } else {
      b1 = 0.0;
      b2 = std::pow(2, -i + 1);
    }
    b1 /= n;
    b2 /= n;
    const double pr_x = std::pow(1 - b1, double(card0)) - std::pow(1 - b2, double(card0));
    const double pr_y = std::pow(1 - b1, double(card1)) - std::pow(1 - b2, double(card1));
    cp += pr_x * pr_y;
  }
  return cp * n / std::pow(2, t.m);
}

uint64_t intersect_count(const std::vector<const uint8_t*>& hs);

double hll_similarity(const std::vector<const uint8_t*>& hs);

uint64_t hll_intersect_count(const std::vector<const uint8_t*>& hs) {
  const uint64_t cu = union_count(hs);
  uint64_t sum = 0;
  for (const uint8_t* h : hs) {
    const uint64_t c = estimate(h);
    if (sum + c < sum) {
      sum = UINT64_MAX;
      break;
    }
    sum += c;
  }
  if (hs.size() == 2) return sum > cu ? sum - cu : 0;
  // Three sets (the parser refuses more without matching minhash bits): inclusion-exclusion.
  const uint64_t sum_intersect = intersect_count({hs[0], hs[1]}) +
                                 intersect_count({hs[1], hs[2]}) +
                                 intersect_count({hs[0], hs[2]});
  // In unsigned arithmetic, which wraps, then read as signed (C++20: modulo 2^64): the same
  // value as the signed formula wherever that one does not overflow. Estimates of registers
  // that hold no real data can be near 2^63 (bit_hll_fuzzer), where it would.
  const int64_t result = int64_t(cu - (sum - sum_intersect));
  return result < 0 ? 0 : uint64_t(result);
}

double similarity(const std::vector<const uint8_t*>& hs) {
  const Template t = compatible(hs);
  if (t.m == 0) return hll_similarity(hs);
  bool one_has_data = false, one_is_empty = false;
  for (const uint8_t* h : hs) {
    if (has_data(h)) {
      one_has_data = true;
    } else {
      one_is_empty = true;
    }
  }
  if (one_is_empty) return one_has_data ? 0.0 : NAN;
  std::string agg = make(t.i, t.m);
  for (const uint8_t* h : hs) union_into(mut(agg), h);
  const uint32_t n_union = used_registers(ptr(agg));
  agg = make(t.i, t.m);
  union_into(mut(agg), hs[0]);
  for (size_t k = 1; k < hs.size(); ++k) intersect_one(mut(agg), hs[k]);
  const uint32_t n_intersect = used_registers(ptr(agg));
  double ec = 0.0;
  if (hs.size() == 2) ec = jaccard_collisions(t, estimate(hs[0]), estimate(hs[1]));
  double result = (n_intersect - ec) / double(n_union);
  if (result < 0.0) result = 0.0;
  return result;
}

double hll_similarity(const std::vector<const uint8_t*>& hs) {
  const uint64_t intersect = hll_intersect_count(hs);
  const uint64_t uni = union_count(hs);
  return double(intersect) / double(uni);
}

uint64_t intersect_count(const std::vector<const uint8_t*>& hs) {
  const Template t = compatible(hs);
  if (t.m == 0) return hll_intersect_count(hs);
  const double j = similarity(hs);
  if (std::isnan(j)) return 0;
  const uint64_t cu = union_count(hs);
  return uint64_t(std::llround(double(cu) * j));
}

// ---- Parsing (hll_state_init, hll_parse_op and the hll_parse_* argument parsers). ----
enum class Arg : uint8_t { kIndexBits, kMinhashBits, kFlags, kElements, kHlls, kHllsIntersect };

struct Def {
  uint64_t allowed_flags = 0;
  uint32_t min_args = 0, max_args = 0;
  Arg args[4] = {};
};

const Def* modify_def(uint64_t op) {
  static const Def defs[] = {
      {kCreateOnly | kUpdateOnly | kNoFail, 0, 3, {Arg::kIndexBits, Arg::kMinhashBits, Arg::kFlags}},
      {kCreateOnly | kNoFail, 1, 4,
       {Arg::kElements, Arg::kIndexBits, Arg::kMinhashBits, Arg::kFlags}},
      {kCreateOnly | kUpdateOnly | kAllowFold | kNoFail, 1, 2, {Arg::kHlls, Arg::kFlags}},
      {0, 0, 0, {}},
      {0, 1, 1, {Arg::kIndexBits}},
  };
  return op <= kFold ? &defs[op] : nullptr;
}

const Def* read_def(uint64_t op) {
  static const Def defs[] = {
      {0, 0, 0, {}},
      {0, 1, 1, {Arg::kHlls}},
      {0, 1, 1, {Arg::kHlls}},
      {0, 1, 1, {Arg::kHllsIntersect}},
      {0, 1, 1, {Arg::kHllsIntersect}},
      {0, 0, 0, {}},
      {0, 1, 1, {Arg::kElements}},
  };
  return op >= kCount && op <= kMayContain ? &defs[op - kCount] : nullptr;
}

struct Parsed {
  uint64_t op = 0;
  const Def* def = nullptr;
  uint8_t index_bits = kUnset;
  uint8_t minhash_bits = kUnset;
  uint64_t flags = 0;
  std::vector<std::string_view> elements;  // raw msgpack of each element
  std::vector<const uint8_t*> hlls;        // each a well-formed HLL inside the request
};

bool parse_arg(Arg a, bitargs::Reader& r, Parsed& p) {
  switch (a) {
    case Arg::kIndexBits: {
      int64_t v = 0;
      if (!r.get_int64(&v)) return false;
      if (v != -1 && !valid_index_bits(uint64_t(v))) return false;
      p.index_bits = uint8_t(v);
      return true;
    }
    case Arg::kMinhashBits: {
      int64_t v = 0;
      if (!r.get_int64(&v)) return false;
      if (v == -1) {
        p.minhash_bits = kUnset;
        return true;
      }
      if (!valid_minhash_bits(uint64_t(v))) return false;
      if (p.index_bits != kUnset && !valid_combined(p.index_bits, uint64_t(v))) return false;
      p.minhash_bits = uint8_t(v);
      return true;
    }
    case Arg::kFlags:
      if (!r.get_uint64(&p.flags)) return false;
      if ((p.flags & ~p.def->allowed_flags) != 0) return false;
      return !((p.flags & kCreateOnly) && (p.flags & kUpdateOnly));
    case Arg::kElements: {
      uint32_t n = 0;
      if (!r.list_count(&n) || n == 0) return false;
      for (uint32_t k = 0; k < n; ++k) {
        if (r.peek_is_container()) return false;
        std::string_view raw;
        // The server logs an unparsable element and goes on hashing whatever its pointer
        // holds; refusing it is the only safe reading.
        if (!r.skip(&raw)) return false;
        p.elements.push_back(raw);
      }
      return true;
    }
    case Arg::kHlls:
    case Arg::kHllsIntersect: {
      // A list of HLLs, or one HLL alone: what an expression sends when the argument is an
      // HLL bin or another call's HLL (hll.json.gz vectors 19-30 show 8.1.2 taking it).
      uint32_t n = 1;
      if (!r.peek_is_bin() && (!r.list_count(&n) || n == 0)) return false;
      for (uint32_t k = 0; k < n; ++k) {
        std::string_view b;
        if (!r.get_bin(&b) || b.size() < kHeaderSize + 1) return false;
        b.remove_prefix(1);  // the particle-type byte
        const uint8_t* h = ptr(b);
        if (h[0] != 0 || !valid_index_bits(h[1]) || !valid_minhash_bits(h[2])) return false;
        if (b.size() != required_size(h[1], h[2])) return false;
        p.hlls.push_back(h);
      }
      if (a == Arg::kHllsIntersect && p.hlls.size() > 2) {
        const uint8_t m = minhash_bits(p.hlls[0]);
        for (const uint8_t* h : p.hlls) {
          if (minhash_bits(h) != m) return false;
        }
        if (m == 0) return false;
      }
      return true;
    }
  }
  return false;
}

bool parse(const uint8_t* args, size_t n, bool is_read, Parsed& p) {
  bitargs::Reader r(args, n);
  uint32_t count = 0;
  if (!r.list_count(&count) || count == 0) return false;
  if (!r.get_uint64(&p.op)) return false;
  p.def = is_read ? read_def(p.op) : modify_def(p.op);
  if (p.def == nullptr) return false;
  const uint32_t n_args = count - 1;
  if (n_args < p.def->min_args || n_args > p.def->max_args) return false;
  for (uint32_t k = 0; k < n_args; ++k) {
    if (!parse_arg(p.def->args[k], r, p)) return false;
  }
  return true;
}

// hll_verify_bin.
uint8_t verify_bin(bool exists, uint8_t particle, std::string_view bin) {
  if (!exists) return kOk;
  if (particle != kParticleHll) return kIncompatibleType;
  return well_formed(bin) ? kOk : kServerError;
}

std::string integer_value(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[size_t(i)] = char(v >> (56 - 8 * i));
  return s;
}

void set_integer(Result* out, uint64_t v) {
  out->particle = kParticleInteger;
  out->value = integer_value(v);
}

}  // namespace

size_t required_size(uint8_t n_index_bits, uint8_t n_minhash_bits) {
  return kHeaderSize + registers_size(n_index_bits, n_minhash_bits);
}

bool well_formed(std::string_view h) {
  if (h.size() < kHeaderSize) return false;
  const uint8_t* p = ptr(h);
  return p[0] == 0 && valid_combined(p[1], p[2]) && h.size() == required_size(p[1], p[2]);
}

uint64_t estimate_count(std::string_view h) { return estimate(ptr(h)); }

void murmur3_x64_128(const uint8_t* data, size_t size, uint64_t* out1, uint64_t* out2) {
  constexpr uint64_t c1 = 0x87c37b91114253d5ull;
  constexpr uint64_t c2 = 0x4cf5ad432745937full;
  auto rotl = [](uint64_t x, int r) { return (x << r) | (x >> (64 - r)); };
  auto le64 = [](const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
  };
  auto fmix = [](uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ull;
    k ^= k >> 33;
    return k;
  };
  uint64_t h1 = 0, h2 = 0;
  const size_t nblocks = size / 16;
  for (size_t b = 0; b < nblocks; ++b) {
    uint64_t k1 = le64(data + 16 * b);
    uint64_t k2 = le64(data + 16 * b + 8);
    k1 *= c1;
    k1 = rotl(k1, 31);
    k1 *= c2;
    h1 ^= k1;
    h1 = rotl(h1, 27);
    h1 += h2;
    h1 = h1 * 5 + 0x52dce729;
    k2 *= c2;
    k2 = rotl(k2, 33);
    k2 *= c1;
    h2 ^= k2;
    h2 = rotl(h2, 31);
    h2 += h1;
    h2 = h2 * 5 + 0x38495ab5;
  }
  const uint8_t* tail = data + nblocks * 16;
  const size_t rest = size & 15;
  uint64_t k1 = 0, k2 = 0;
  for (size_t j = rest; j > 8; --j) k2 ^= uint64_t(tail[j - 1]) << (8 * (j - 9));
  if (rest > 8) {
    k2 *= c2;
    k2 = rotl(k2, 33);
    k2 *= c1;
    h2 ^= k2;
  }
  for (size_t j = rest < 8 ? rest : 8; j > 0; --j) k1 ^= uint64_t(tail[j - 1]) << (8 * (j - 1));
  if (rest > 0) {
    k1 *= c1;
    k1 = rotl(k1, 31);
    k1 *= c2;
    h1 ^= k1;
  }
  h1 ^= uint64_t(size);
  h2 ^= uint64_t(size);
  h1 += h2;
  h2 += h1;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 += h2;
  h2 += h1;
  *out1 = h1;
  *out2 = h2;
}

uint8_t read(uint8_t bin_particle, std::string_view bin, const uint8_t* args, size_t size,
             Result* out) {
  if (const uint8_t st = verify_bin(true, bin_particle, bin); st != kOk) return st;
  Parsed p;
  if (!parse(args, size, true, p)) return kParameter;
  const uint8_t* from = ptr(bin);
  if (p.op == kIntersectCount || p.op == kSimilarity) {
    // hll_read_prepare_intersect.
    const uint8_t m = minhash_bits(p.hlls[0]);
    if (p.hlls.size() > 2 && (minhash_bits(from) == 0 || minhash_bits(from) != m)) {
      return kOpNotApplicable;
    }
  }
  std::vector<const uint8_t*> all = p.hlls;
  all.push_back(from);
  switch (p.op) {
    case kCount:
      set_integer(out, estimate(from));
      return kOk;
    case kGetUnion:
      out->particle = kParticleHll;
      out->value = union_of(all);
      return kOk;
    case kUnionCount:
      set_integer(out, union_count(all));
      return kOk;
    case kIntersectCount:
      set_integer(out, intersect_count(all));
      return kOk;
    case kSimilarity: {
      const double d = similarity(all);
      uint64_t u = 0;
      std::memcpy(&u, &d, 8);
      out->particle = kParticleFloat;
      out->value = integer_value(u);
      return kOk;
    }
    case kMayContain:
      set_integer(out, may_contain(from, p.elements) ? 1 : 0);
      return kOk;
    case kDescribe:
      // A two-element msgpack list of small positive integers.
      out->particle = kParticleList;
      out->value = {char(0x92), char(index_bits(from)), char(minhash_bits(from))};
      return kOk;
    default:
      return kParameter;
  }
}

uint8_t modify(bool exists, uint8_t bin_particle, std::string_view bin, const uint8_t* args,
               size_t size, std::string* new_hll, bool* changed, Result* out) {
  *changed = false;
  if (const uint8_t st = verify_bin(exists, bin_particle, bin); st != kOk) return st;
  Parsed p;
  if (!parse(args, size, false, p)) return kParameter;
  if (exists && (p.flags & kCreateOnly)) return (p.flags & kNoFail) ? kOk : kBinExists;
  if (!exists && (p.flags & kUpdateOnly)) return (p.flags & kNoFail) ? kOk : kBinNotFound;
  const uint8_t* from = exists ? ptr(bin) : nullptr;

  std::string to;
  switch (p.op) {
    case kInit:
    case kAdd: {
      // hll_modify_prepare_init_op / hll_modify_prepare_add_op.
      if (from == nullptr) {
        if (p.index_bits == kUnset) return kOpNotApplicable;
        if (p.minhash_bits == kUnset) p.minhash_bits = 0;
      } else if (p.op == kInit) {
        if (p.index_bits == kUnset) p.index_bits = index_bits(from);
        if (p.minhash_bits == kUnset) p.minhash_bits = minhash_bits(from);
        if (!valid_combined(p.index_bits, p.minhash_bits)) return kOpNotApplicable;
      }
      if (p.op == kInit || from == nullptr) {
        to = make(p.index_bits, p.minhash_bits);
      } else {
        to.assign(bin);
      }
      if (p.op == kAdd) {
        uint64_t added = 0;
        for (std::string_view e : p.elements) added += add_element(mut(to), e) ? 1 : 0;
        set_integer(out, added);
      }
      break;
    }
    case kUnion: {
      // hll_modify_prepare_union_op: without allow-fold the bin may not lose precision.
      uint8_t min_i = kUnset, min_m = kUnset;
      for (const uint8_t* h : p.hlls) {
        if (index_bits(h) < min_i) min_i = index_bits(h);
        if (minhash_bits(h) != min_m) min_m = min_m == kUnset ? minhash_bits(h) : 0;
      }
      if (from != nullptr && (p.flags & kAllowFold) == 0) {
        if (index_bits(from) > min_i) return kOpNotApplicable;
        if (minhash_bits(from) != 0 && minhash_bits(from) != min_m) return kOpNotApplicable;
      }
      std::vector<const uint8_t*> all = p.hlls;
      if (from != nullptr) all.push_back(from);
      to = union_of(all);
      break;
    }
    case kRefreshCount:
      if (from == nullptr) return kBinNotFound;
      to.assign(bin);
      set_cache(mut(to), estimate(ptr(to)));
      set_integer(out, cache_of(ptr(to)));
      break;
    case kFold:
      if (from == nullptr) return kBinNotFound;
      if (minhash_bits(from) > 0) return kOpNotApplicable;
      if (index_bits(from) < p.index_bits) return kOpNotApplicable;
      if (p.index_bits == index_bits(from)) {
        to.assign(bin);
      } else {
        to = make(p.index_bits, 0);
        union_into(mut(to), from);
      }
      break;
    default:
      return kParameter;
  }
  *new_hll = std::move(to);
  *changed = true;
  return kOk;
}

}  // namespace aero::testserver::hll
