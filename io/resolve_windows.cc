// resolve() on Windows: Winsock's getaddrinfo, which needs Winsock started in the process;
// it may run before any IocpLoop exists (a seed resolved at connect), so it starts Winsock
// itself for the call (WSAStartup/WSACleanup are reference-counted). The result is ordered as
// on POSIX (resolve_posix.cc): duplicates dropped, IPv4 first.
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
// clang-format off
#include <winsock2.h>
#include <ws2tcpip.h>
// clang-format on

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
  WSADATA data;
  if (::WSAStartup(MAKEWORD(2, 2), &data) != 0) {
    error = std::make_error_code(std::errc::network_down);
    return {};
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string name(host);
  std::vector<Endpoint> out;
  if (::getaddrinfo(name.c_str(), nullptr, &hints, &found) == 0) {
    for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
      auto e = from_sockaddr(a->ai_addr, static_cast<socklen_t>(a->ai_addrlen));
      if (!e) continue;
      e->port = port;
      if (std::find(out.begin(), out.end(), *e) == out.end()) out.push_back(*e);
    }
    ::freeaddrinfo(found);
  }
  ::WSACleanup();
  std::stable_partition(out.begin(), out.end(),
                        [](const Endpoint& e) { return e.family == Endpoint::Family::v4; });
  if (out.empty()) error = std::make_error_code(std::errc::host_unreachable);
  return out;
}

}  // namespace aero::io
