// Endpoint <-> sockaddr conversion for the POSIX backends (epoll, kqueue).
//
// Threads: pure functions, any thread.
#pragma once

#include <sys/socket.h>

#include <optional>

#include "io/loop.h"

namespace aero::io {

// Fills `out` and returns the length to pass to connect()/bind().
socklen_t to_sockaddr(const Endpoint& endpoint, sockaddr_storage& out);

// The Endpoint for an AF_INET or AF_INET6 address; nullopt for any other family.
std::optional<Endpoint> from_sockaddr(const sockaddr* address, socklen_t length);

}  // namespace aero::io
