// Which cluster the client's end-to-end tests and the examples talk to: the one named in
// AEROSPIKE_TEST_HOSTS=host:port[,host:port...], or (when it is unset or empty) the embedded
// test cluster they start themselves. Parsing only: no GoogleTest and no test server here, so
// the examples and builds without the embedded server (mingw) can use it too.
//
// Threads: any; the environment is read once per process.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "client/policy.h"

namespace aero::testing {

inline constexpr const char* kTestHostsVariable = "AEROSPIKE_TEST_HOSTS";

// Parses "host:port[,host:port...]" (host: a name, an IPv4 address, or an IPv6 address in
// brackets, "[::1]:3000"; port 1..65535, required unless `default_port` is not 0). Returns
// false with a reason in `*error` on an empty list, an empty entry, a missing or bad port.
bool parse_hosts(std::string_view text, std::vector<Host>* hosts, std::string* error,
                 std::uint16_t default_port = 0);

// The hosts named in AEROSPIKE_TEST_HOSTS; empty when the variable is unset or empty. A
// malformed value prints the reason to stderr and exits the process with status 2: a test run
// that was meant for an external cluster never falls back to the embedded one.
const std::vector<Host>& external_hosts();

// True when AEROSPIKE_TEST_HOSTS names a cluster.
inline bool external_cluster() { return !external_hosts().empty(); }

// "host:port,host:port", for messages.
std::string to_string(const std::vector<Host>& hosts);

}  // namespace aero::testing
