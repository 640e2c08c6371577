// resolve(): host name (or numeric address) to endpoints, for seed hosts and peers.
//
// Numeric IPv4/IPv6 addresses are parsed without any lookup; names go through the
// system resolver (getaddrinfo), which may block: call it from the tender thread or a
// setup thread, never from a loop thread.
//
// Threads: any thread (not a loop thread, since it may block).
#pragma once

#include <cstdint>
#include <string_view>
#include <system_error>
#include <vector>

#include "io/loop.h"

namespace aero::io {

// The TCP endpoints for `host`:`port`, IPv4 first; empty with `error` set when the name
// does not resolve.
std::vector<Endpoint> resolve(std::string_view host, std::uint16_t port, std::error_code& error);

}  // namespace aero::io
