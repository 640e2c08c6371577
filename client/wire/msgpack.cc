#include "client/wire/msgpack.h"

#include <string>

namespace aero::wire {
namespace {

using detail::load_u16be;
using detail::load_u32be;
using detail::load_u64be;

// One decoder serves both decoding (out != nullptr) and validation (out == nullptr, no
// allocation at all).
class Decoder {
 public:
  explicit Decoder(std::span<const uint8_t> bytes) : p_(bytes.data()), n_(bytes.size()) {}

  size_t position() const { return pos_; }

  Status value(Value* out, int depth) {
    if (pos_ >= n_) return error("value expected but the input ended");
    const size_t start = pos_;
    const uint8_t tag = p_[pos_++];
    if (tag <= 0x7f) return set(out, Value(int64_t{tag}));
    if (tag >= 0xe0) return set(out, Value(int64_t{static_cast<int8_t>(tag)}));
    if ((tag & 0xe0) == 0xa0) return blob(out, tag & 0x1f, true);
    if ((tag & 0xf0) == 0x90) return list(out, tag & 0x0f, depth);
    if ((tag & 0xf0) == 0x80) return map(out, tag & 0x0f, depth);
    uint64_t u = 0;
    switch (tag) {
      case 0xc0:
        return set(out, Value());
      case 0xc2:
        return set(out, Value(false));
      case 0xc3:
        return set(out, Value(true));
      case 0xcc:
        if (!fixed(1, u)) return truncated("uint8");
        return set(out, Value(static_cast<int64_t>(u)));
      case 0xcd:
        if (!fixed(2, u)) return truncated("uint16");
        return set(out, Value(static_cast<int64_t>(u)));
      case 0xce:
        if (!fixed(4, u)) return truncated("uint32");
        return set(out, Value(static_cast<int64_t>(u)));
      case 0xcf:  // uint64 above INT64_MAX wraps, as in the C client
        if (!fixed(8, u)) return truncated("uint64");
        return set(out, Value(static_cast<int64_t>(u)));
      case 0xd0:
        if (!fixed(1, u)) return truncated("int8");
        return set(out, Value(int64_t{static_cast<int8_t>(u)}));
      case 0xd1:
        if (!fixed(2, u)) return truncated("int16");
        return set(out, Value(int64_t{static_cast<int16_t>(u)}));
      case 0xd2:
        if (!fixed(4, u)) return truncated("int32");
        return set(out, Value(int64_t{static_cast<int32_t>(u)}));
      case 0xd3:
        if (!fixed(8, u)) return truncated("int64");
        return set(out, Value(static_cast<int64_t>(u)));
      case 0xca: {
        if (!fixed(4, u)) return truncated("float32");
        uint32_t bits = static_cast<uint32_t>(u);
        float f;
        std::memcpy(&f, &bits, sizeof f);
        return set(out, Value(static_cast<double>(f)));
      }
      case 0xcb:
        if (!fixed(8, u)) return truncated("float64");
        return set(out, Value(detail::bits_double(u)));
      case 0xc4:
      case 0xd9:
        if (!fixed(1, u)) return truncated("str8/bin8 length");
        return blob(out, static_cast<uint32_t>(u), tag == 0xd9);
      case 0xc5:
      case 0xda:
        if (!fixed(2, u)) return truncated("str16/bin16 length");
        return blob(out, static_cast<uint32_t>(u), tag == 0xda);
      case 0xc6:
      case 0xdb:
        if (!fixed(4, u)) return truncated("str32/bin32 length");
        return blob(out, static_cast<uint32_t>(u), tag == 0xdb);
      case 0xdc:
        if (!fixed(2, u)) return truncated("array16 count");
        return list(out, static_cast<uint32_t>(u), depth);
      case 0xdd:
        if (!fixed(4, u)) return truncated("array32 count");
        return list(out, static_cast<uint32_t>(u), depth);
      case 0xde:
        if (!fixed(2, u)) return truncated("map16 count");
        return map(out, static_cast<uint32_t>(u), depth);
      case 0xdf:
        if (!fixed(4, u)) return truncated("map32 count");
        return map(out, static_cast<uint32_t>(u), depth);
      default:
        break;
    }
    if (tag == 0xd4 && remaining() >= 2 && p_[pos_] == kMsgpackCmpExtType) {
      const uint8_t data = p_[pos_ + 1];
      if (data == kMsgpackCmpInfinity || data == kMsgpackCmpWildcard) {
        pos_ += 2;
        if (data == kMsgpackCmpInfinity) return set(out, Value(Infinity{}));
        return set(out, Value(Wildcard{}));
      }
    }
    pos_ = start;
    if (is_ext(tag)) {
      return error("msgpack ext (tag 0x" + hex(tag) +
                   ") is only allowed as the first element of a list or map");
    }
    return error("invalid msgpack tag 0x" + hex(tag));
  }

 private:
  static bool is_ext(uint8_t tag) { return (tag >= 0xd4 && tag <= 0xd8) || (tag >= 0xc7 && tag <= 0xc9); }

  // d4 ff 00 / d4 ff 01 at the current position.
  bool is_cmp_marker() const {
    return remaining() >= 3 && p_[pos_] == 0xd4 && p_[pos_ + 1] == kMsgpackCmpExtType &&
           (p_[pos_ + 2] == kMsgpackCmpInfinity || p_[pos_ + 2] == kMsgpackCmpWildcard);
  }

  static std::string hex(uint8_t b) {
    static constexpr char kHex[] = "0123456789abcdef";
    return std::string{kHex[b >> 4], kHex[b & 15]};
  }

  Status error(const std::string& what) const {
    return bad_response("msgpack at offset " + std::to_string(pos_) + ": " + what);
  }
  Status truncated(const char* what) const {
    return error(std::string(what) + " truncated");
  }

  static Status set(Value* out, Value v) {
    if (out != nullptr) *out = std::move(v);
    return Status();
  }

  size_t remaining() const { return n_ - pos_; }

  bool fixed(size_t len, uint64_t& v) {
    if (remaining() < len) return false;
    const uint8_t* q = p_ + pos_;
    switch (len) {
      case 1:
        v = q[0];
        break;
      case 2:
        v = load_u16be(q);
        break;
      case 4:
        v = load_u32be(q);
        break;
      default:
        v = load_u64be(q);
        break;
    }
    pos_ += len;
    return true;
  }

  Status blob(Value* out, uint32_t len, bool str_family) {
    if (remaining() < len) {
      return error("string/blob of " + std::to_string(len) + " bytes but only " +
                   std::to_string(remaining()) + " remain");
    }
    const uint8_t* data = p_ + pos_;
    pos_ += len;
    if (out == nullptr) return Status();
    if (len == 0) {
      // No particle-type byte: an empty msgpack str is an empty string, an empty bin an
      // empty blob.
      if (str_family) return set(out, Value(std::string()));
      return set(out, Value(Bytes()));
    }
    const uint8_t type = data[0];
    const char* text = reinterpret_cast<const char*>(data + 1);
    if (type == particle::kString) return set(out, Value(std::string(text, len - 1)));
    if (type == particle::kGeoJson) return set(out, Value(GeoJson{std::string(text, len - 1)}));
    return set(out, Value(Bytes(std::vector<uint8_t>(data + 1, data + len), type)));
  }

  // Reads a leading ext element (the order metadata) if one is there. Returns its ext type
  // through `flags`; `present` tells whether one was consumed.
  Status leading_ext(bool& present, uint8_t& flags) {
    present = false;
    if (pos_ >= n_ || !is_ext(p_[pos_])) return Status();
    if (is_cmp_marker()) return Status();  // a value (Infinity/Wildcard), not metadata
    const uint8_t tag = p_[pos_];
    size_t header = 0;
    uint64_t content = 0;
    if (tag >= 0xd4 && tag <= 0xd8) {
      header = 1;
      content = uint64_t{1} << (tag - 0xd4);
    } else {
      const size_t len_bytes = tag == 0xc7 ? 1 : tag == 0xc8 ? 2 : 4;
      if (remaining() < 1 + len_bytes) return error("ext header truncated");
      const uint8_t* q = p_ + pos_ + 1;
      content = len_bytes == 1 ? q[0] : len_bytes == 2 ? load_u16be(q) : load_u32be(q);
      header = 1 + len_bytes;
    }
    if (remaining() < header + 1 || remaining() - header - 1 < content) {
      return error("ext element truncated");
    }
    flags = p_[pos_ + header];
    pos_ += header + 1 + static_cast<size_t>(content);
    present = true;
    return Status();
  }

  Status list(Value* out, uint32_t count, int depth) {
    if (depth + 1 > kMaxMsgpackDepth) return error("nesting deeper than 64");
    if (count > remaining()) {
      return error("list of " + std::to_string(count) + " elements but only " +
                   std::to_string(remaining()) + " bytes remain");
    }
    uint8_t flags = 0;
    if (count != 0) {
      bool present = false;
      if (Status s = leading_ext(present, flags); !s.ok()) return s;
      if (present) --count;
    }
    List l;
    l.order_flags = flags;
    if (out != nullptr) l.items.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
      Value item;
      if (Status s = value(out != nullptr ? &item : nullptr, depth + 1); !s.ok()) return s;
      if (out != nullptr) l.items.push_back(std::move(item));
    }
    return set(out, Value(std::move(l)));
  }

  Status map(Value* out, uint32_t count, int depth) {
    if (depth + 1 > kMaxMsgpackDepth) return error("nesting deeper than 64");
    if (count > remaining() / 2) {
      return error("map of " + std::to_string(count) + " entries but only " +
                   std::to_string(remaining()) + " bytes remain");
    }
    uint8_t flags = 0;
    if (count != 0) {
      bool present = false;
      if (Status s = leading_ext(present, flags); !s.ok()) return s;
      if (present) {
        // The metadata key's value (nil in practice) is skipped.
        if (Status s = value(nullptr, depth + 1); !s.ok()) return s;
        --count;
      }
    }
    Map m;
    m.order_flags = flags;
    if (out != nullptr) m.entries.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
      Value k;
      Value v;
      if (Status s = value(out != nullptr ? &k : nullptr, depth + 1); !s.ok()) return s;
      if (Status s = value(out != nullptr ? &v : nullptr, depth + 1); !s.ok()) return s;
      if (out != nullptr) m.entries.emplace_back(std::move(k), std::move(v));
    }
    return set(out, Value(std::move(m)));
  }

  const uint8_t* p_;
  size_t n_;
  size_t pos_ = 0;
};

}  // namespace

size_t msgpack_size(const Value& v) {
  detail::SizeCounter c;
  detail::msgpack_write(c, v);
  return c.size();
}

void msgpack_encode(const Value& v, Buffer& out) {
  out.resize(msgpack_size(v));
  detail::ByteWriter w(out.data());
  detail::msgpack_write(w, v);
}

Result<Value> msgpack_decode_prefix(std::span<const uint8_t> bytes, size_t* consumed) {
  Decoder d(bytes);
  Value v;
  if (Status s = d.value(&v, 0); !s.ok()) return s;
  if (consumed != nullptr) *consumed = d.position();
  return v;
}

Result<Value> msgpack_decode(std::span<const uint8_t> bytes) {
  size_t used = 0;
  Result<Value> r = msgpack_decode_prefix(bytes, &used);
  if (r.ok() && used != bytes.size()) {
    return bad_response("msgpack: " + std::to_string(bytes.size() - used) +
                        " trailing bytes after the value");
  }
  return r;
}

Status msgpack_validate(std::span<const uint8_t> bytes) {
  Decoder d(bytes);
  if (Status s = d.value(nullptr, 0); !s.ok()) return s;
  if (d.position() != bytes.size()) {
    return bad_response("msgpack: " + std::to_string(bytes.size() - d.position()) +
                        " trailing bytes after the value");
  }
  return Status();
}

}  // namespace aero::wire
