// aerobench's TLS flags, named as asbench names them (--tls-enable, --tls-cafile, ...): they
// fill ClientConfig::tls. Seeds carry their tls-name in --hosts as host:tls-name:port.
//
// Threads: pure functions.
#pragma once

#include <string>

#include "client/policy.h"

namespace CLI {
class App;
}

namespace aero::bench {

// Declares the TLS flags on `app` (CLI11), under the --help heading `group`; parsing fills
// `tls` (which must outlive the parse). A bad value fails the parse with a message naming the
// flag.
void add_tls_flags(CLI::App& app, const std::string& group, TlsConfig* tls);

}  // namespace aero::bench
