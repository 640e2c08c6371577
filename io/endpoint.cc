// Endpoint parsing and formatting: numeric IPv4/IPv6 only, no name resolution and no
// platform headers, so every backend shares it unchanged.
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "io/loop.h"

namespace aero::io {
namespace {

// Parses a decimal number of at most `max` (no sign, no leading '+', at least one digit).
// Leading zeros are accepted only for the number 0 itself when `strict_zero` is set.
std::optional<std::uint32_t> parse_decimal(std::string_view s, std::uint32_t max,
                                           bool strict_zero) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  if (strict_zero && s.size() > 1 && s[0] == '0') return std::nullopt;
  std::uint64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
    if (value > max) return std::nullopt;
  }
  return static_cast<std::uint32_t>(value);
}

// "a.b.c.d", each part 0..255, no leading zeros (they mean octal to some parsers).
bool parse_v4(std::string_view s, std::uint8_t* out) {
  for (int i = 0; i < 4; ++i) {
    std::size_t dot = s.find('.');
    if ((i < 3) != (dot != std::string_view::npos)) return false;
    std::string_view part = s.substr(0, dot);
    auto value = parse_decimal(part, 255, true);
    if (!value) return false;
    out[i] = static_cast<std::uint8_t>(*value);
    s = i < 3 ? s.substr(dot + 1) : std::string_view{};
  }
  return true;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 4291 text form: eight groups, one "::" for a run of zero groups, optionally ending in
// a dotted IPv4 address.
bool parse_v6(std::string_view s, std::uint8_t* out) {
  std::uint16_t groups[8] = {};
  int count = 0;
  int gap = -1;  // group index where "::" sits
  if (s.size() >= 2 && s.substr(0, 2) == "::") {
    gap = 0;
    s.remove_prefix(2);
    if (s.empty()) {
      for (int i = 0; i < 16; ++i) out[i] = 0;
      return true;
    }
  } else if (!s.empty() && s[0] == ':') {
    return false;
  }
  while (true) {
    if (count == 8) return false;
    std::size_t colon = s.find(':');
    std::string_view part = s.substr(0, colon);
    if (colon == std::string_view::npos && part.find('.') != std::string_view::npos) {
      if (count > 6) return false;
      std::uint8_t v4[4];
      if (!parse_v4(part, v4)) return false;
      groups[count++] = static_cast<std::uint16_t>(v4[0] << 8 | v4[1]);
      groups[count++] = static_cast<std::uint16_t>(v4[2] << 8 | v4[3]);
      break;
    }
    if (part.empty() || part.size() > 4) return false;
    unsigned value = 0;
    for (char c : part) {
      int d = hex_digit(c);
      if (d < 0) return false;
      value = value << 4 | static_cast<unsigned>(d);
    }
    groups[count++] = static_cast<std::uint16_t>(value);
    if (colon == std::string_view::npos) break;
    s.remove_prefix(colon + 1);
    if (!s.empty() && s[0] == ':') {
      if (gap >= 0) return false;  // a second "::"
      gap = count;
      s.remove_prefix(1);
      if (s.empty()) break;
    } else if (s.empty()) {
      return false;  // trailing single ':'
    }
  }
  std::uint16_t full[8] = {};
  if (gap < 0) {
    if (count != 8) return false;
    for (int i = 0; i < 8; ++i) full[i] = groups[i];
  } else {
    if (count > 7) return false;  // "::" must stand for at least one group
    int tail = count - gap;
    for (int i = 0; i < gap; ++i) full[i] = groups[i];
    for (int i = 0; i < tail; ++i) full[8 - tail + i] = groups[gap + i];
  }
  for (int i = 0; i < 8; ++i) {
    out[2 * i] = static_cast<std::uint8_t>(full[i] >> 8);
    out[2 * i + 1] = static_cast<std::uint8_t>(full[i] & 0xff);
  }
  return true;
}

}  // namespace

Endpoint Endpoint::v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d,
                      std::uint16_t port) {
  Endpoint e;
  e.family = Family::v4;
  e.address[0] = a;
  e.address[1] = b;
  e.address[2] = c;
  e.address[3] = d;
  e.port = port;
  return e;
}

std::optional<Endpoint> Endpoint::parse(std::string_view text, std::uint16_t port) {
  Endpoint e;
  e.port = port;
  if (text.find(':') == std::string_view::npos) {
    if (!parse_v4(text, e.address.data())) return std::nullopt;
    e.family = Family::v4;
    return e;
  }
  std::size_t percent = text.find('%');
  if (percent != std::string_view::npos) {
    auto scope = parse_decimal(text.substr(percent + 1), 0xffffffffu, false);
    if (!scope) return std::nullopt;
    e.scope_id = *scope;
    text = text.substr(0, percent);
  }
  if (!parse_v6(text, e.address.data())) return std::nullopt;
  e.family = Family::v6;
  return e;
}

std::string Endpoint::to_string() const {
  char buf[80];
  if (family == Family::v4) {
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u:%u", address[0], address[1], address[2],
                  address[3], port);
    return buf;
  }
  // RFC 5952: lowercase, no leading zeros, the longest run (>= 2) of zero groups as "::".
  unsigned groups[8];
  for (int i = 0; i < 8; ++i) {
    groups[i] = static_cast<unsigned>(address[2 * i] << 8 | address[2 * i + 1]);
  }
  int best_start = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  std::string out = "[";
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (i > 0 && i != best_start + best_len) out += ':';
    std::snprintf(buf, sizeof buf, "%x", groups[i]);
    out += buf;
  }
  if (scope_id != 0) out += "%" + std::to_string(scope_id);
  out += "]:" + std::to_string(port);
  return out;
}

}  // namespace aero::io
