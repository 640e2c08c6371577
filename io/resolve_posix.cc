#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <string>

#include "io/posix_sockaddr.h"
#include "io/resolve.h"

namespace aero::io {

std::vector<Endpoint> resolve(std::string_view host, std::uint16_t port, std::error_code& error) {
  error.clear();
  if (host.empty()) {  // getaddrinfo("") means the local host on Windows, an error on POSIX
    error = std::make_error_code(std::errc::invalid_argument);
    return {};
  }
  if (auto numeric = Endpoint::parse(host, port)) return {*numeric};
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string name(host);
  int rc = ::getaddrinfo(name.c_str(), nullptr, &hints, &found);
  if (rc != 0) {
    error = std::make_error_code(std::errc::host_unreachable);
    return {};
  }
  std::vector<Endpoint> out;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    auto e = from_sockaddr(a->ai_addr, a->ai_addrlen);
    if (!e) continue;
    e->port = port;
    if (std::find(out.begin(), out.end(), *e) == out.end()) out.push_back(*e);
  }
  ::freeaddrinfo(found);
  std::stable_partition(out.begin(), out.end(),
                        [](const Endpoint& e) { return e.family == Endpoint::Family::v4; });
  if (out.empty()) error = std::make_error_code(std::errc::host_unreachable);
  return out;
}

}  // namespace aero::io
