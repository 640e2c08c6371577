// Endpoint <-> sockaddr conversion for the socket backends (epoll, kqueue; IOCP too: Winsock
// has the same structures).
//
// Threads: pure functions, any thread.
#pragma once

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <sys/socket.h>
#endif

#include <optional>

#include "io/loop.h"

namespace aero::io {

// Fills `out` and returns the length to pass to connect()/bind().
socklen_t to_sockaddr(const Endpoint& endpoint, sockaddr_storage& out);

// The Endpoint for an AF_INET or AF_INET6 address; nullopt for any other family.
std::optional<Endpoint> from_sockaddr(const sockaddr* address, socklen_t length);

}  // namespace aero::io
