// Semantics from aerospike-server as/src/base/particle_blob.c (op tables, bits_parse_*,
// bits_prepare_*, bits_modify_op_*, bits_read_op_*). The server works on whole bytes with
// shifts and masks; this file states the same results bit by bit over the op's window.
#include "test/server/cdt/bit_ops.h"

#include <cstring>

#include "test/server/cdt/bit_args.h"

namespace aero::testserver::bits {

namespace {

// Result codes (Aerospike numbering).
constexpr uint8_t kOk = 0;
constexpr uint8_t kParameter = 4;
constexpr uint8_t kBinExists = 6;
constexpr uint8_t kIncompatibleType = 12;
constexpr uint8_t kRecordTooBig = 13;
constexpr uint8_t kBinNotFound = 17;
constexpr uint8_t kOpNotApplicable = 26;

constexpr uint8_t kParticleInteger = 1;
constexpr uint8_t kParticleBlob = 4;

constexpr int64_t kProtoSizeMax = 128 * 1024 * 1024;  // the server's PROTO_SIZE_MAX
// The namespace's max-record-size in the captured configuration: a real server builds larger
// blobs and then refuses to store the record (13); refusing up front keeps memory bounded.
constexpr uint64_t kMaxBlobSize = 1024 * 1024;

enum class Arg : uint8_t {
  kByteOffset,
  kOffset,
  kByteSize,
  kByteSizeAllowZero,
  kIntegerSize,
  kSize,
  kBool,
  kNBits,
  kIntValue,
  kBuf,
  kFlags,
  kResizeSubflags,
  kArithmeticSubflags,
  kGetIntSubflags,
};

enum class Prep : uint8_t { kResize, kInsert, kRemove, kModify, kInteger, kRead };

struct Def {
  bool valid = false;
  Prep prep = Prep::kRead;
  uint64_t allowed_flags = 0;
  uint32_t min_args = 0;
  uint32_t max_args = 0;
  Arg args[5] = {};
};

constexpr uint64_t kCu = kCreateOnly | kUpdateOnly | kNoFail;
constexpr uint64_t kUp = kUpdateOnly | kNoFail | kPartial;
constexpr uint64_t kUn = kUpdateOnly | kNoFail;

// particle_blob.c bits_modify_op_table.
const Def* modify_def(uint64_t op) {
  static const Def defs[] = {
      {true, Prep::kResize, kCu, 1, 3, {Arg::kByteSizeAllowZero, Arg::kFlags, Arg::kResizeSubflags}},
      {true, Prep::kInsert, kCu, 2, 3, {Arg::kByteOffset, Arg::kBuf, Arg::kFlags}},
      {true, Prep::kRemove, kUp, 2, 3, {Arg::kByteOffset, Arg::kByteSize, Arg::kFlags}},
      {true, Prep::kModify, kUp, 3, 4, {Arg::kOffset, Arg::kSize, Arg::kBuf, Arg::kFlags}},
      {true, Prep::kModify, kUp, 3, 4, {Arg::kOffset, Arg::kSize, Arg::kBuf, Arg::kFlags}},
      {true, Prep::kModify, kUp, 3, 4, {Arg::kOffset, Arg::kSize, Arg::kBuf, Arg::kFlags}},
      {true, Prep::kModify, kUp, 3, 4, {Arg::kOffset, Arg::kSize, Arg::kBuf, Arg::kFlags}},
      {true, Prep::kModify, kUp, 2, 3, {Arg::kOffset, Arg::kSize, Arg::kFlags}},
      {true, Prep::kModify, kUp, 3, 4, {Arg::kOffset, Arg::kSize, Arg::kNBits, Arg::kFlags}},
      {true, Prep::kModify, kUp, 3, 4, {Arg::kOffset, Arg::kSize, Arg::kNBits, Arg::kFlags}},
      {true, Prep::kInteger, kUn, 3, 5,
       {Arg::kOffset, Arg::kIntegerSize, Arg::kIntValue, Arg::kFlags, Arg::kArithmeticSubflags}},
      {true, Prep::kInteger, kUn, 3, 5,
       {Arg::kOffset, Arg::kIntegerSize, Arg::kIntValue, Arg::kFlags, Arg::kArithmeticSubflags}},
      {true, Prep::kInteger, kUn, 3, 4,
       {Arg::kOffset, Arg::kIntegerSize, Arg::kIntValue, Arg::kFlags}},
  };
  return op < sizeof(defs) / sizeof(defs[0]) ? &defs[op] : nullptr;
}

// particle_blob.c bits_read_op_table (ops 50..54).
const Def* read_def(uint64_t op) {
  static const Def defs[] = {
      {true, Prep::kRead, 0, 2, 2, {Arg::kOffset, Arg::kSize}},
      {true, Prep::kRead, 0, 2, 2, {Arg::kOffset, Arg::kSize}},
      {true, Prep::kRead, 0, 3, 3, {Arg::kOffset, Arg::kSize, Arg::kBool}},
      {true, Prep::kRead, 0, 3, 3, {Arg::kOffset, Arg::kSize, Arg::kBool}},
      {true, Prep::kRead, 0, 2, 3, {Arg::kOffset, Arg::kIntegerSize, Arg::kGetIntSubflags}},
  };
  return op >= kGet && op <= kGetInt ? &defs[op - kGet] : nullptr;
}

struct Parsed {
  uint64_t op = 0;
  const Def* def = nullptr;
  int64_t offset = 0;  // bits; after normalize: 0..7 within the first byte
  uint64_t size = 0;   // bits
  uint64_t value = 0;
  std::string_view buf;  // payload without its particle-type byte
  uint64_t subflags = 0;
  uint64_t flags = 0;
};

bool parse_arg(Arg a, bitargs::Reader& r, Parsed& p) {
  switch (a) {
    case Arg::kByteOffset:
    case Arg::kOffset: {
      int64_t v = 0;
      if (!r.get_int64(&v)) return false;
      const int64_t limit = a == Arg::kByteOffset ? kProtoSizeMax : kProtoSizeMax * 8;
      if (v > limit || v < -limit) return false;
      p.offset = a == Arg::kByteOffset ? v * 8 : v;
      return true;
    }
    case Arg::kByteSize:
    case Arg::kByteSizeAllowZero: {
      uint64_t v = 0;
      if (!r.get_uint64(&v)) return false;
      if ((v == 0 && a == Arg::kByteSize) || v > uint64_t(kProtoSizeMax)) return false;
      p.size = v * 8;
      return true;
    }
    case Arg::kIntegerSize: {
      uint64_t v = 0;
      if (!r.get_uint64(&v) || v == 0 || v > 64) return false;
      p.size = v;
      return true;
    }
    case Arg::kSize: {
      uint64_t v = 0;
      if (!r.get_uint64(&v) || v == 0 || v > uint64_t(kProtoSizeMax) * 8) return false;
      p.size = v;
      return true;
    }
    case Arg::kBool: {
      bool b = false;
      if (!r.get_bool(&b)) return false;
      p.value = b ? 1 : 0;
      return true;
    }
    case Arg::kNBits:
      return r.get_uint64(&p.value) && p.value <= uint64_t(kProtoSizeMax) * 8;
    case Arg::kIntValue:
      return r.get_uint64(&p.value);
    case Arg::kBuf: {
      std::string_view b;
      // The server also refuses a payload holding only the type byte; an empty payload (no
      // type byte at all) would make it read out of bounds, so it is refused here as well.
      if (!r.get_bin(&b) || b.size() <= 1) return false;
      p.buf = b.substr(1);
      const uint64_t bits = uint64_t(p.buf.size()) * 8;
      if (p.size != 0) {
        if (bits < p.size) return false;
      } else {
        p.size = bits;
      }
      return true;
    }
    case Arg::kFlags:
      if (!r.get_uint64(&p.flags)) return false;
      if ((p.flags & ~p.def->allowed_flags) != 0) return false;
      return !((p.flags & kCreateOnly) && (p.flags & kUpdateOnly));
    case Arg::kResizeSubflags:
      if (!r.get_uint64(&p.subflags)) return false;
      if ((p.subflags & ~(kFromFront | kGrowOnly | kShrinkOnly)) != 0) return false;
      return !((p.subflags & kGrowOnly) && (p.subflags & kShrinkOnly));
    case Arg::kArithmeticSubflags:
      if (!r.get_uint64(&p.subflags)) return false;
      if ((p.subflags & ~(kSigned | kSaturate | kWrap)) != 0) return false;
      return !((p.subflags & kSaturate) && (p.subflags & kWrap));
    case Arg::kGetIntSubflags:
      return r.get_uint64(&p.subflags) && (p.subflags & ~kSigned) == 0;
  }
  return false;
}

// bits_state_init + bits_parse_op.
bool parse(const uint8_t* args, size_t n, bool is_read, Parsed& p) {
  bitargs::Reader r(args, n);
  uint32_t count = 0;
  if (!r.list_count(&count) || count == 0) return false;
  if (!r.get_uint64(&p.op)) return false;
  p.def = is_read ? read_def(p.op) : modify_def(p.op);
  if (p.def == nullptr) return false;
  const uint32_t n_args = count - 1;
  if (n_args < p.def->min_args || n_args > p.def->max_args) return false;
  for (uint32_t i = 0; i < n_args; ++i) {
    if (!parse_arg(p.def->args[i], r, p)) return false;
  }
  return true;
}

inline bool bit_at(const uint8_t* b, uint64_t i) { return (b[i >> 3] >> (7 - (i & 7))) & 1; }
inline void put_bit(uint8_t* b, uint64_t i, bool v) {
  const uint8_t m = uint8_t(0x80 >> (i & 7));
  b[i >> 3] = v ? uint8_t(b[i >> 3] | m) : uint8_t(b[i >> 3] & ~m);
}
inline const uint8_t* bytes(std::string_view s) {
  return reinterpret_cast<const uint8_t*>(s.data());
}

// What bits_prepare_* decided: the op's first byte and byte count, or an early outcome.
struct Window {
  uint64_t byte_offset = 0;
  uint64_t op_size = 0;  // bytes touched, from byte_offset
};
constexpr int kProceed = -1;

// bits_normalize_offset: negative offsets count from the end; then offset becomes 0..7.
int normalize(Parsed& p, uint64_t old_size, bool exists, Window& w) {
  if (p.offset < 0) {
    if (!exists) return kParameter;
    if (uint64_t(-p.offset) > old_size * 8) return kParameter;
    p.offset += int64_t(old_size * 8);
  }
  w.byte_offset = uint64_t(p.offset) / 8;
  p.offset %= 8;
  w.op_size = (uint64_t(p.offset) + p.size + 7) / 8;
  return kProceed;
}

// bits_prepare_read_op (also the integer modify ops).
int prepare_read(const Parsed& p, uint64_t old_size, const Window& w) {
  if (w.byte_offset >= old_size || w.byte_offset + w.op_size > old_size) {
    return (p.flags & kNoFail) ? kOk : kOpNotApplicable;
  }
  return kProceed;
}

// bits_prepare_modify_op: set/or/xor/and/not/shifts; `partial` trims the window to the blob.
int prepare_modify(Parsed& p, uint64_t old_size, const Window& w) {
  if (w.byte_offset >= old_size) return (p.flags & kNoFail) ? kOk : kOpNotApplicable;
  if (w.byte_offset + w.op_size > old_size) {
    if (!(p.flags & kPartial)) return (p.flags & kNoFail) ? kOk : kOpNotApplicable;
    p.size = (old_size - w.byte_offset) * 8 - uint64_t(p.offset);
  }
  return kProceed;
}

// handle_signed_overflow.
bool signed_overflow(uint32_t n_bits, bool saturate, uint64_t load, uint64_t value,
                     uint64_t* result) {
  const uint32_t leading = 64 - n_bits;
  const uint64_t mask = ~uint64_t(0) >> leading;
  auto ext = [&](uint64_t x) { return int64_t(x << leading) >> leading; };
  const int64_t s_result = ext(*result), s_load = ext(load), s_value = ext(value);
  if (s_load < 0 && s_value < 0 && s_result > 0) {
    if (!saturate) return false;
    *result = (mask >> (n_bits - 1)) << (n_bits - 1);  // most negative
  } else if (s_load > 0 && s_value > 0 && s_result < 0) {
    if (!saturate) return false;
    *result = mask >> 1;  // most positive
  }
  return true;
}

// Applies an overwrite op to `b` (a copy of the blob) over its window. False when an integer
// op overflows with the fail action.
bool apply_overwrite(const Parsed& p, const Window& w, uint8_t* b) {
  const uint64_t start = w.byte_offset * 8 + uint64_t(p.offset);
  const uint64_t n = p.size;
  const uint8_t* buf = bytes(p.buf);
  switch (p.op) {
    case kSet:
      for (uint64_t i = 0; i < n; ++i) put_bit(b, start + i, bit_at(buf, i));
      return true;
    case kOr:
      for (uint64_t i = 0; i < n; ++i) {
        put_bit(b, start + i, bit_at(b, start + i) || bit_at(buf, i));
      }
      return true;
    case kXor:
      for (uint64_t i = 0; i < n; ++i) {
        put_bit(b, start + i, bit_at(b, start + i) != bit_at(buf, i));
      }
      return true;
    case kAnd:
      for (uint64_t i = 0; i < n; ++i) {
        put_bit(b, start + i, bit_at(b, start + i) && bit_at(buf, i));
      }
      return true;
    case kNot:
      for (uint64_t i = 0; i < n; ++i) put_bit(b, start + i, !bit_at(b, start + i));
      return true;
    case kLshift: {
      const uint64_t s = p.value;
      for (uint64_t i = 0; i < n; ++i) {
        put_bit(b, start + i, s < n && i + s < n ? bit_at(b, start + i + s) : false);
      }
      return true;
    }
    case kRshift: {
      const uint64_t s = p.value;
      for (uint64_t k = n; k > 0; --k) {
        const uint64_t i = k - 1;
        put_bit(b, start + i, s < n && i >= s ? bit_at(b, start + i - s) : false);
      }
      return true;
    }
    case kAdd:
    case kSubtract:
    case kSetInt: {
      const uint32_t n_bits = uint32_t(n);
      const uint64_t mask = ~uint64_t(0) >> (64 - n_bits);
      const uint64_t value = p.value & mask;
      if (p.op == kSetInt) {
        set_uint(b, start, n_bits, value);
        return true;
      }
      const uint64_t load = get_uint(b, start, n_bits);
      const bool is_signed = (p.subflags & kSigned) != 0;
      const bool wrap = (p.subflags & kWrap) != 0;
      const bool saturate = (p.subflags & kSaturate) != 0;
      uint64_t result;
      if (p.op == kAdd) {
        result = (load + value) & mask;
        if (!wrap) {
          if (is_signed) {
            if (!signed_overflow(n_bits, saturate, load, value, &result)) return false;
          } else if (result < load) {
            if (!saturate) return false;
            result = mask;
          }
        }
      } else {
        result = (load - value) & mask;
        if (!wrap) {
          if (is_signed) {
            if (!signed_overflow(n_bits, saturate, load, uint64_t(0) - value, &result)) {
              return false;
            }
          } else if (result > load) {
            if (!saturate) return false;
            result = 0;
          }
        }
      }
      set_uint(b, start, n_bits, result);
      return true;
    }
    default:
      return false;
  }
}

std::string integer_value(int64_t v) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[size_t(i)] = char(uint64_t(v) >> (56 - 8 * i));
  return s;
}

}  // namespace

uint64_t get_uint(const uint8_t* b, uint64_t bit, uint32_t n) {
  uint64_t v = 0;
  for (uint32_t i = 0; i < n; ++i) v = (v << 1) | uint64_t(bit_at(b, bit + i));
  return v;
}

void set_uint(uint8_t* b, uint64_t bit, uint32_t n, uint64_t value) {
  for (uint32_t i = 0; i < n; ++i) put_bit(b, bit + i, (value >> (n - 1 - i)) & 1);
}

uint64_t count_ones(const uint8_t* b, uint64_t bit, uint64_t n) {
  uint64_t c = 0;
  for (uint64_t i = 0; i < n; ++i) c += bit_at(b, bit + i);
  return c;
}

std::string extract(const uint8_t* b, uint64_t bit, uint64_t n) {
  std::string out(size_t((n + 7) / 8), '\0');
  uint8_t* o = reinterpret_cast<uint8_t*>(out.data());
  for (uint64_t i = 0; i < n; ++i) put_bit(o, i, bit_at(b, bit + i));
  return out;
}

uint8_t read(uint8_t bin_particle, std::string_view blob, const uint8_t* args, size_t size,
             Result* out) {
  Parsed p;
  if (!parse(args, size, true, p)) return kParameter;
  if (bin_particle != kParticleBlob) return kIncompatibleType;
  const uint64_t old_size = blob.size();
  Window w;
  if (const int st = normalize(p, old_size, true, w); st != kProceed) return uint8_t(st);
  if (const int st = prepare_read(p, old_size, w); st != kProceed) return uint8_t(st);
  const uint8_t* b = bytes(blob);
  const uint64_t start = w.byte_offset * 8 + uint64_t(p.offset);
  switch (p.op) {
    case kGet:
      out->particle = kParticleBlob;
      out->value = extract(b, start, p.size);
      return kOk;
    case kCount:
      out->particle = kParticleInteger;
      out->value = integer_value(int64_t(count_ones(b, start, p.size)));
      return kOk;
    case kLscan: {
      int64_t answer = -1;
      for (uint64_t i = 0; i < p.size; ++i) {
        if (bit_at(b, start + i) == (p.value == 1)) {
          answer = int64_t(i);
          break;
        }
      }
      out->particle = kParticleInteger;
      out->value = integer_value(answer);
      return kOk;
    }
    case kRscan: {
      // The server scans the first byte of the window without masking the bits before the
      // offset (bits_read_op_rscan), so a match there answers a negative index: kept.
      int64_t answer = -1;
      const uint64_t first = w.byte_offset * 8;
      for (uint64_t k = start + p.size; k > first; --k) {
        if (bit_at(b, k - 1) == (p.value == 1)) {
          answer = int64_t(k - 1) - int64_t(start);
          break;
        }
      }
      out->particle = kParticleInteger;
      out->value = integer_value(answer);
      return kOk;
    }
    case kGetInt: {
      const uint32_t n = uint32_t(p.size);
      int64_t v = int64_t(get_uint(b, start, n));
      if ((p.subflags & kSigned) != 0 && n < 64) {
        v = int64_t(uint64_t(v) << (64 - n)) >> (64 - n);
      }
      out->particle = kParticleInteger;
      out->value = integer_value(v);
      return kOk;
    }
    default:
      return kParameter;
  }
}

uint8_t modify(bool exists, uint8_t bin_particle, std::string_view blob, const uint8_t* args,
               size_t size, std::string* new_blob, bool* changed) {
  *changed = false;
  Parsed p;
  if (!parse(args, size, false, p)) return kParameter;
  if (exists) {
    if (p.flags & kCreateOnly) return (p.flags & kNoFail) ? kOk : kBinExists;
    if (bin_particle != kParticleBlob) return kIncompatibleType;
  } else if ((p.op != kInsert && p.op != kResize) || (p.flags & kUpdateOnly)) {
    return (p.flags & kNoFail) ? kOk : kBinNotFound;
  }
  const uint64_t old_size = exists ? blob.size() : 0;
  Window w;
  if (const int st = normalize(p, old_size, exists, w); st != kProceed) return uint8_t(st);

  std::string out;
  switch (p.def->prep) {
    case Prep::kResize: {
      const uint64_t target = w.op_size;
      if (target == old_size) return kOk;  // already that size: nothing to do
      if (target < old_size && (p.subflags & kGrowOnly)) {
        return (p.flags & kNoFail) ? kOk : kParameter;
      }
      if (target > old_size && (p.subflags & kShrinkOnly)) {
        return (p.flags & kNoFail) ? kOk : kParameter;
      }
      if (target >= uint64_t(kProtoSizeMax)) return kParameter;
      if (target > kMaxBlobSize) return kRecordTooBig;
      const bool front = (p.subflags & kFromFront) != 0;
      if (target < old_size) {
        out = front ? std::string(blob.substr(size_t(old_size - target)))
                    : std::string(blob.substr(0, size_t(target)));
      } else {
        const std::string zeros(size_t(target - old_size), '\0');
        out = front ? zeros + std::string(blob) : std::string(blob) + zeros;
      }
      break;
    }
    case Prep::kInsert: {
      const uint64_t new_size = std::max(old_size, w.byte_offset) + p.buf.size();
      if (new_size >= uint64_t(kProtoSizeMax)) return kParameter;
      if (new_size > kMaxBlobSize) return kRecordTooBig;
      out.assign(blob);
      if (w.byte_offset > old_size) out.append(size_t(w.byte_offset - old_size), '\0');
      out.insert(size_t(w.byte_offset), p.buf);
      break;
    }
    case Prep::kRemove: {
      if (w.byte_offset >= old_size) return (p.flags & kNoFail) ? kOk : kParameter;
      uint64_t n = w.op_size;
      if (w.byte_offset + n > old_size) {
        if (!(p.flags & kPartial)) return (p.flags & kNoFail) ? kOk : kParameter;
        n = old_size - w.byte_offset;
      }
      out.assign(blob);
      out.erase(size_t(w.byte_offset), size_t(n));
      break;
    }
    case Prep::kModify:
    case Prep::kInteger: {
      const int st = p.def->prep == Prep::kModify ? prepare_modify(p, old_size, w)
                                                  : prepare_read(p, old_size, w);
      if (st != kProceed) return uint8_t(st);
      out.assign(blob);
      if (!apply_overwrite(p, w, reinterpret_cast<uint8_t*>(out.data()))) {
        return (p.flags & kNoFail) ? kOk : kOpNotApplicable;
      }
      break;
    }
    case Prep::kRead:
      return kParameter;
  }
  *new_blob = std::move(out);
  *changed = true;
  return kOk;
}

}  // namespace aero::testserver::bits
