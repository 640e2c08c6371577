// The user agent the client reports to each node, as the official clients do from server 8.1
// on: after validating a new tend connection, one info request
// `user-agent-set:value=<base64 of "1,<client>-<version>,<app id>">` (payload version 1).
// The server keeps it to tell which clients are connected; the answer is not used.
// Sources: aerospike-client-java NodeValidator.getB64userAgent (app id: the configured user,
// else "not-set"), docs/aerospike-protocol.md ("user-agent-set"). Pure functions, any thread.
#pragma once

#include <string>
#include <string_view>

namespace aero {

// "cpp-async-<version>": the client's name in the user agent (the official ones: "c-7.5.0",
// "java-9.0.0", "rust-2.0.0").
std::string user_agent_client_id();

// The info request (with its trailing newline) for this user: the app id is the user name when
// one is configured, else "not-set".
std::string user_agent_request(std::string_view user);

// Whether a node of this `build` (e.g. "8.1.2.0") takes user-agent-set: 8.1 and later.
bool server_takes_user_agent(std::string_view build);

}  // namespace aero
