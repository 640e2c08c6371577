#include "client/wire/peers.h"

#include <charconv>

namespace aero::wire {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  bool at_end() const { return pos_ == s_.size(); }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }

  Status expect(char c) {
    if (peek() != c || at_end()) return error(std::string("'") + c + "' expected");
    ++pos_;
    return Status();
  }

  Status error(const std::string& what) const {
    return bad_response("host list at offset " + std::to_string(pos_) + ": " + what);
  }

  // Decimal digits up to one of the stop characters (or the end).
  Status number(uint64_t max, uint64_t& out, const char* what) {
    const size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    if (pos_ == start) return error(std::string(what) + " expected");
    auto [ptr, ec] = std::from_chars(s_.data() + start, s_.data() + pos_, out);
    if (ec != std::errc() || out > max) {
      pos_ = start;
      return error(std::string(what) + " out of range");
    }
    return Status();
  }

  Status port(uint16_t& out) {
    uint64_t v = 0;
    if (Status st = number(65535, v, "port"); !st.ok()) return st;
    if (v == 0) return error("port 0");
    out = static_cast<uint16_t>(v);
    return Status();
  }

  // Text up to (not including) any character in `stops`; must be non-empty if `required`.
  Status token(std::string_view stops, std::string& out, const char* what, bool required) {
    const size_t start = pos_;
    while (pos_ < s_.size() && stops.find(s_[pos_]) == std::string_view::npos) {
      const char c = s_[pos_];
      if (c <= ' ' || c == 127 || c == '[' || c == ']' ) {
        return error(std::string("invalid character in ") + what);
      }
      ++pos_;
    }
    if (required && pos_ == start) return error(std::string(what) + " is empty");
    out.assign(s_.substr(start, pos_ - start));
    return Status();
  }

  // host = name [":" port] | "[" ipv6 "]" [":" port]; stops at ',' ']' ';' or the end.
  Status host(uint16_t default_port, Host& out) {
    out.port = default_port;
    if (peek() == '[') {
      ++pos_;
      const size_t start = pos_;
      while (pos_ < s_.size() && s_[pos_] != ']') {
        const char c = s_[pos_];
        const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
                        c == ':' || c == '.' || c == '%' || (c >= 'g' && c <= 'z') ||
                        (c >= 'G' && c <= 'Z') || c == '_' || c == '-';
        if (!ok) return error("invalid character in IPv6 address");
        ++pos_;
      }
      if (pos_ == start) return error("empty IPv6 address");
      out.name.assign(s_.substr(start, pos_ - start));
      if (Status st = expect(']'); !st.ok()) return st;
    } else {
      if (Status st = token(":,];", out.name, "host name", true); !st.ok()) return st;
    }
    if (peek() == ':' && !at_end()) {
      ++pos_;
      if (Status st = port(out.port); !st.ok()) return st;
    }
    return Status();
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

void append_host(std::string& out, const Host& h, uint16_t default_port) {
  const bool v6 = h.name.find(':') != std::string::npos;
  if (v6) out += '[';
  out += h.name;
  if (v6) out += ']';
  if (h.port != default_port) {
    out += ':';
    out += std::to_string(h.port);
  }
}

}  // namespace

Result<Peers> parse_peers(std::string_view value) {
  Parser p(value);
  Peers out;
  if (Status st = p.number(UINT64_MAX, out.generation, "generation"); !st.ok()) return st;
  if (Status st = p.expect(','); !st.ok()) return st;
  if (p.peek() != ',') {
    if (Status st = p.port(out.default_port); !st.ok()) return st;
  }
  if (Status st = p.expect(','); !st.ok()) return st;
  if (Status st = p.expect('['); !st.ok()) return st;
  if (p.peek() != ']') {
    while (true) {
      Peer peer;
      if (Status st = p.expect('['); !st.ok()) return st;
      if (Status st = p.token(",", peer.node_name, "node name", true); !st.ok()) return st;
      if (Status st = p.expect(','); !st.ok()) return st;
      if (Status st = p.token(",", peer.tls_name, "TLS name", false); !st.ok()) return st;
      if (Status st = p.expect(','); !st.ok()) return st;
      if (Status st = p.expect('['); !st.ok()) return st;
      if (p.peek() != ']') {
        while (true) {
          Host h;
          if (Status st = p.host(out.default_port, h); !st.ok()) return st;
          peer.hosts.push_back(std::move(h));
          if (p.peek() != ',') break;
          if (Status st = p.expect(','); !st.ok()) return st;
        }
      }
      if (Status st = p.expect(']'); !st.ok()) return st;
      if (Status st = p.expect(']'); !st.ok()) return st;
      out.peers.push_back(std::move(peer));
      if (p.peek() != ',') break;
      if (Status st = p.expect(','); !st.ok()) return st;
    }
  }
  if (Status st = p.expect(']'); !st.ok()) return st;
  if (!p.at_end()) return p.error("trailing characters");
  return out;
}

Result<std::vector<Host>> parse_services(std::string_view value) {
  Parser p(value);
  std::vector<Host> out;
  if (p.at_end()) return out;
  while (true) {
    Host h;
    if (Status st = p.host(0, h); !st.ok()) return st;
    if (h.port == 0) return p.error("service address without a port");
    out.push_back(std::move(h));
    if (p.at_end()) break;
    if (p.peek() != ',' && p.peek() != ';') return p.error("',' expected");
    if (Status st = p.expect(p.peek()); !st.ok()) return st;
  }
  return out;
}

std::string format_peers(const Peers& peers) {
  std::string out = std::to_string(peers.generation) + "," + std::to_string(peers.default_port) + ",[";
  for (size_t i = 0; i < peers.peers.size(); ++i) {
    const Peer& peer = peers.peers[i];
    if (i != 0) out += ',';
    out += '[';
    out += peer.node_name;
    out += ',';
    out += peer.tls_name;
    out += ",[";
    for (size_t j = 0; j < peer.hosts.size(); ++j) {
      if (j != 0) out += ',';
      append_host(out, peer.hosts[j], peers.default_port);
    }
    out += "]]";
  }
  out += ']';
  return out;
}

}  // namespace aero::wire
