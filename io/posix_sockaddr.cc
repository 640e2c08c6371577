// Endpoint <-> sockaddr conversion for the POSIX backends.
#include "io/posix_sockaddr.h"

#ifndef _WIN32
#include <arpa/inet.h>
#include <netinet/in.h>
#endif

#include <cstring>

namespace aero::io {

socklen_t to_sockaddr(const Endpoint& endpoint, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  if (endpoint.family == Endpoint::Family::v4) {
    auto* in = reinterpret_cast<sockaddr_in*>(&out);
    in->sin_family = AF_INET;
    in->sin_port = htons(endpoint.port);
    std::memcpy(&in->sin_addr, endpoint.address.data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&out);
  in6->sin6_family = AF_INET6;
  in6->sin6_port = htons(endpoint.port);
  std::memcpy(&in6->sin6_addr, endpoint.address.data(), 16);
  in6->sin6_scope_id = endpoint.scope_id;
  return sizeof(sockaddr_in6);
}

std::optional<Endpoint> from_sockaddr(const sockaddr* address, socklen_t length) {
  Endpoint e;
  if (address->sa_family == AF_INET && length >= socklen_t{sizeof(sockaddr_in)}) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(address);
    e.family = Endpoint::Family::v4;
    std::memcpy(e.address.data(), &in->sin_addr, 4);
    e.port = ntohs(in->sin_port);
    return e;
  }
  if (address->sa_family == AF_INET6 && length >= socklen_t{sizeof(sockaddr_in6)}) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(address);
    e.family = Endpoint::Family::v6;
    std::memcpy(e.address.data(), &in6->sin6_addr, 16);
    e.port = ntohs(in6->sin6_port);
    e.scope_id = in6->sin6_scope_id;
    return e;
  }
  return std::nullopt;
}

}  // namespace aero::io
