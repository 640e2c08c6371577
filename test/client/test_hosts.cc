#include "test/client/test_hosts.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace aero::testing {

namespace {

bool parse_one(std::string_view entry, Host* host, std::string* error, std::uint16_t default_port) {
  std::string_view name;
  std::string_view port;
  const size_t colons = static_cast<size_t>(std::count(entry.begin(), entry.end(), ':'));
  if (default_port != 0 && entry.find('[') == std::string_view::npos && colons == 0) {
    if (entry.empty()) {
      *error = "missing host";
      return false;
    }
    host->name = std::string(entry);
    host->port = default_port;
    return true;
  }
  if (!entry.empty() && entry.front() == '[') {  // [IPv6]:port
    const size_t close = entry.find(']');
    if (close == std::string_view::npos || close + 1 >= entry.size() || entry[close + 1] != ':') {
      *error = "expected [address]:port in '" + std::string(entry) + "'";
      return false;
    }
    name = entry.substr(1, close - 1);
    port = entry.substr(close + 2);
  } else {
    const size_t colon = entry.rfind(':');
    if (colon == std::string_view::npos) {
      *error = "missing ':port' in '" + std::string(entry) + "'";
      return false;
    }
    if (entry.find(':') != colon) {
      *error = "an IPv6 address needs brackets, [address]:port, in '" + std::string(entry) + "'";
      return false;
    }
    name = entry.substr(0, colon);
    port = entry.substr(colon + 1);
  }
  if (name.empty()) {
    *error = "missing host in '" + std::string(entry) + "'";
    return false;
  }
  long value = 0;
  for (char c : port) {
    if (c < '0' || c > '9' || value > 65535) {
      value = -1;
      break;
    }
    value = value * 10 + (c - '0');
  }
  if (port.empty() || value < 1 || value > 65535) {
    *error = "bad port '" + std::string(port) + "' in '" + std::string(entry) + "' (1..65535)";
    return false;
  }
  host->name = std::string(name);
  host->port = static_cast<std::uint16_t>(value);
  return true;
}

}  // namespace

bool parse_hosts(std::string_view text, std::vector<Host>* hosts, std::string* error,
                 std::uint16_t default_port) {
  hosts->clear();
  if (text.empty()) {
    *error = "no hosts";
    return false;
  }
  while (true) {
    const size_t comma = text.find(',');
    const std::string_view entry = text.substr(0, comma);
    if (entry.empty()) {
      *error = "empty entry in the host list";
      hosts->clear();
      return false;
    }
    Host host;
    if (!parse_one(entry, &host, error, default_port)) {
      hosts->clear();
      return false;
    }
    hosts->push_back(std::move(host));
    if (comma == std::string_view::npos) return true;
    text = text.substr(comma + 1);
  }
}

const std::vector<Host>& external_hosts() {
  static const std::vector<Host> hosts = [] {
    std::vector<Host> parsed;
    const char* value = std::getenv(kTestHostsVariable);
    if (value == nullptr || *value == '\0') return parsed;
    std::string error;
    if (!parse_hosts(value, &parsed, &error)) {
      std::fprintf(stderr, "%s='%s': %s (expected host:port[,host:port...])\n", kTestHostsVariable,
                   value, error.c_str());
      std::exit(2);
    }
    return parsed;
  }();
  return hosts;
}

std::string to_string(const std::vector<Host>& hosts) {
  std::string out;
  for (const Host& h : hosts) {
    if (!out.empty()) out += ',';
    const bool v6 = h.name.find(':') != std::string::npos;
    out += v6 ? "[" + h.name + "]" : h.name;
    out += ':' + std::to_string(h.port);
  }
  return out;
}

}  // namespace aero::testing
