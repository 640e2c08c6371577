// aerobench's TLS flags, named as asbench names them (--tls-enable, --tls-cafile, ...): they
// fill ClientConfig::tls. Seeds carry their tls-name in --hosts as host:tls-name:port.
//
// Threads: pure functions.
#pragma once

#include <string>

#include "client/policy.h"

namespace aero::bench {

// Handles `arg` when it is a TLS flag (it starts with "--tls-"): takes its value from
// `inline_value` (--flag=value) or the next argument (advancing `i`). False with `error` set
// for an unknown TLS flag or a bad or missing value.
bool parse_tls_flag(const std::string& arg, const std::string* inline_value, int argc,
                    const char* const* argv, int& i, TlsConfig* tls, std::string* error);

// The --help lines of the TLS flags.
const char* tls_help_text();

}  // namespace aero::bench
