#include "client/scan.h"

namespace aero {

namespace {
// Cursor bytes: "AEC1", kind (0 scan, 1 query), namespace length + bytes, partition count
// (2 bytes LE), then per partition: id (2 bytes LE), flags (1 done, 2 has digest), and with
// a digest the 20 digest bytes and the bval (8 bytes LE).
constexpr std::uint8_t kMagic[4] = {'A', 'E', 'C', '1'};
constexpr std::uint8_t kDone = 1, kHasDigest = 2;
}  // namespace

bool Cursor::done() const {
  for (const PartitionState& p : parts_) {
    if (!p.done) return false;
  }
  return true;
}

std::vector<std::uint8_t> Cursor::serialize() const {
  std::vector<std::uint8_t> out(kMagic, kMagic + 4);
  out.push_back(query_ ? 1 : 0);
  out.push_back(static_cast<std::uint8_t>(ns_.size()));
  out.insert(out.end(), ns_.begin(), ns_.end());
  out.push_back(static_cast<std::uint8_t>(parts_.size() & 0xFF));
  out.push_back(static_cast<std::uint8_t>(parts_.size() >> 8));
  for (const PartitionState& p : parts_) {
    out.push_back(static_cast<std::uint8_t>(p.id & 0xFF));
    out.push_back(static_cast<std::uint8_t>(p.id >> 8));
    out.push_back(static_cast<std::uint8_t>((p.done ? kDone : 0) | (p.has_digest ? kHasDigest : 0)));
    if (p.has_digest) {
      out.insert(out.end(), p.digest.begin(), p.digest.end());
      auto v = static_cast<std::uint64_t>(p.bval);
      for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    }
  }
  return out;
}

Result<Cursor> Cursor::parse(std::span<const std::uint8_t> b) {
  auto bad = [](const std::string& why) {
    return Status(ClientCode::invalid_argument, "not a scan cursor: " + why);
  };
  std::size_t at = 0;
  auto need = [&](std::size_t n) { return b.size() - at >= n; };
  if (!need(6) || !std::equal(kMagic, kMagic + 4, b.begin())) return bad("bad header");
  at = 4;
  std::uint8_t kind = b[at++];
  if (kind > 1) return bad("unknown kind");
  std::size_t ns_len = b[at++];
  if (ns_len == 0 || ns_len > 31 || !need(ns_len + 2)) return bad("bad namespace");
  std::string ns(reinterpret_cast<const char*>(b.data() + at), ns_len);
  at += ns_len;
  std::size_t count = b[at] | (std::size_t{b[at + 1]} << 8);
  at += 2;
  if (count == 0 || count > 4096) return bad("partition count " + std::to_string(count));
  std::vector<PartitionState> parts;
  std::vector<bool> seen(4096, false);
  for (std::size_t i = 0; i < count; ++i) {
    if (!need(3)) return bad("truncated");
    PartitionState p;
    p.id = static_cast<std::uint16_t>(b[at] | (b[at + 1] << 8));
    std::uint8_t flags = b[at + 2];
    at += 3;
    if (p.id >= 4096 || seen[p.id]) return bad("partition id " + std::to_string(p.id));
    if ((flags & ~(kDone | kHasDigest)) != 0) return bad("unknown flags");
    seen[p.id] = true;
    p.done = (flags & kDone) != 0;
    p.has_digest = (flags & kHasDigest) != 0;
    if (p.has_digest) {
      if (!need(28)) return bad("truncated");
      std::copy(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + 20), p.digest.begin());
      at += 20;
      std::uint64_t v = 0;
      for (int k = 7; k >= 0; --k) v = (v << 8) | b[at + static_cast<std::size_t>(k)];
      p.bval = static_cast<std::int64_t>(v);
      at += 8;
    }
    parts.push_back(p);
  }
  if (at != b.size()) return bad("trailing bytes");
  return Cursor(std::move(ns), kind == 1, std::move(parts));
}

}  // namespace aero
