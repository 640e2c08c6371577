// Parsers for the host lists of the info protocol:
//
//  peers-clear-std / -alt, peers-tls-std / -alt:
//    generation "," [default-port] "," "[" [ peer *("," peer) ] "]"
//    peer = "[" node-name "," [tls-name] "," "[" [ host *("," host) ] "]" "]"
//    host = name-or-ipv4 [":" port] | "[" ipv6 "]" [":" port]
//  Hosts without a port get the default port (3000 when the default port is empty, as the C
//  client does). The server strips ":3000" from its own output.
//
//  service-clear-std etc.: host *("," host), each with a port (";" is accepted as separator
//  too, as older servers used it).
//
// Strict: anything off the grammar (missing bracket, port outside 1..65535, trailing bytes)
// is an error naming the offset.
//
// Threads: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "client/wire/status.h"

namespace aero::wire {

struct Host {
  std::string name;  // IPv6 addresses without the brackets
  uint16_t port = 3000;
  friend bool operator==(const Host&, const Host&) = default;
};

struct Peer {
  std::string node_name;
  std::string tls_name;  // empty for the clear variants
  std::vector<Host> hosts;
  friend bool operator==(const Peer&, const Peer&) = default;
};

struct Peers {
  uint64_t generation = 0;
  uint16_t default_port = 3000;
  std::vector<Peer> peers;
};

Result<Peers> parse_peers(std::string_view value);

Result<std::vector<Host>> parse_services(std::string_view value);

// Renders a peers value (what a server answers): hosts on `default_port` are written
// without a port, IPv6 names in brackets.
std::string format_peers(const Peers& peers);

}  // namespace aero::wire
