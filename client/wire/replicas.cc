#include "client/wire/replicas.h"

#include <algorithm>
#include <charconv>

namespace aero::wire {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

Result<uint64_t> decimal(std::string_view s, uint64_t max, const char* what, std::string_view ns) {
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || v > max) {
    return bad_response("replicas for namespace '" + std::string(ns) + "': " + what + " '" +
                        std::string(s) + "' is not a number in 0.." + std::to_string(max));
  }
  return v;
}

// Splits off the text up to `sep` (or the end).
std::string_view take(std::string_view& s, char sep) {
  const size_t at = s.find(sep);
  std::string_view head = s.substr(0, at);
  s = at == std::string_view::npos ? std::string_view() : s.substr(at + 1);
  return head;
}

}  // namespace

Result<PartitionBitmap> decode_partition_bitmap(std::string_view s) {
  if (s.size() != kPartitionBitmapBase64Size) {
    return bad_response("partition bitmap of " + std::to_string(s.size()) +
                        " base64 characters (684 expected)");
  }
  // 170 full groups give 510 bytes; the last group "xxx=" gives 2 more.
  PartitionBitmap out{};
  size_t o = 0;
  for (size_t i = 0; i < s.size(); i += 4) {
    const bool last = i + 4 == s.size();
    int v[4];
    for (int j = 0; j < 4; ++j) {
      const char c = s[i + j];
      if (last && j == 3) {
        if (c != '=') return bad_response("partition bitmap must end with one '=' padding");
        v[j] = 0;
        continue;
      }
      v[j] = b64_value(c);
      if (v[j] < 0) {
        return bad_response("partition bitmap has an invalid base64 character at offset " +
                            std::to_string(i + j));
      }
    }
    const uint32_t n = (uint32_t(v[0]) << 18) | (uint32_t(v[1]) << 12) | (uint32_t(v[2]) << 6) |
                       uint32_t(v[3]);
    out[o++] = static_cast<uint8_t>(n >> 16);
    out[o++] = static_cast<uint8_t>(n >> 8);
    if (!last) out[o++] = static_cast<uint8_t>(n);
  }
  return out;
}

std::string encode_partition_bitmap(const PartitionBitmap& b) {
  std::string out;
  out.reserve(kPartitionBitmapBase64Size);
  size_t i = 0;
  for (; i + 3 <= b.size(); i += 3) {
    const uint32_t n = (uint32_t(b[i]) << 16) | (uint32_t(b[i + 1]) << 8) | b[i + 2];
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  // 512 = 3 * 170 + 2
  const uint32_t n = (uint32_t(b[i]) << 16) | (uint32_t(b[i + 1]) << 8);
  out += kAlphabet[n >> 18];
  out += kAlphabet[(n >> 12) & 63];
  out += kAlphabet[(n >> 6) & 63];
  out += '=';
  return out;
}

Result<std::vector<NamespaceReplicas>> parse_replicas(std::string_view value,
                                                      ReplicasFormat format) {
  std::vector<NamespaceReplicas> out;
  if (value.empty()) return out;
  std::string_view rest = value;
  while (true) {
    const bool more = rest.find(';') != std::string_view::npos;
    std::string_view entry = take(rest, ';');
    const size_t colon = entry.find(':');
    if (colon == std::string_view::npos) {
      return bad_response("replicas entry '" + std::string(entry.substr(0, 40)) +
                          "' has no ':' after the namespace");
    }
    NamespaceReplicas ns;
    ns.ns.assign(entry.substr(0, colon));
    if (ns.ns.empty() || ns.ns.size() > kMaxNamespaceLength) {
      return bad_response("replicas namespace name of " + std::to_string(ns.ns.size()) +
                          " bytes (1..31)");
    }
    std::string_view fields = entry.substr(colon + 1);
    uint64_t n_replicas = 1;
    if (format == ReplicasFormat::kReplicas) {
      Result<uint64_t> regime = decimal(take(fields, ','), UINT32_MAX, "regime", ns.ns);
      if (!regime.ok()) return regime.error();
      ns.regime = static_cast<uint32_t>(*regime);
    }
    if (format != ReplicasFormat::kReplicasMaster) {
      Result<uint64_t> n = decimal(take(fields, ','), 255, "replica count", ns.ns);
      if (!n.ok()) return n.error();
      if (*n == 0) return bad_response("replicas for namespace '" + ns.ns + "': replica count 0");
      n_replicas = *n;
    }
    // Reserve only what the remaining text can hold (each bitmap is 684 characters).
    ns.replicas.reserve(std::min<uint64_t>(n_replicas, fields.size() / kPartitionBitmapBase64Size + 1));
    for (uint64_t i = 0; i < n_replicas; ++i) {
      if (fields.empty()) {
        return bad_response("replicas for namespace '" + ns.ns + "': " +
                            std::to_string(n_replicas) + " bitmaps declared, " +
                            std::to_string(i) + " present");
      }
      Result<PartitionBitmap> bm = decode_partition_bitmap(take(fields, ','));
      if (!bm.ok()) {
        return bad_response("replicas for namespace '" + ns.ns + "', column " + std::to_string(i) +
                            ": " + bm.error().message());
      }
      ns.replicas.push_back(*bm);
    }
    if (!fields.empty()) {
      return bad_response("replicas for namespace '" + ns.ns + "': more bitmaps than the " +
                          std::to_string(n_replicas) + " declared");
    }
    out.push_back(std::move(ns));
    if (!more) break;
    if (rest.empty()) return bad_response("replicas value ends with ';'");
  }
  return out;
}

std::string format_replicas(const std::vector<NamespaceReplicas>& namespaces) {
  std::string out;
  for (size_t i = 0; i < namespaces.size(); ++i) {
    const NamespaceReplicas& ns = namespaces[i];
    if (i != 0) out += ';';
    out += ns.ns;
    out += ':';
    out += std::to_string(ns.regime);
    out += ',';
    out += std::to_string(ns.replicas.size());
    for (const PartitionBitmap& b : ns.replicas) {
      out += ',';
      out += encode_partition_bitmap(b);
    }
  }
  return out;
}

}  // namespace aero::wire
