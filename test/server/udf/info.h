// The UDF module info commands: udf-put, udf-get, udf-list, udf-remove, udf-clear-cache,
// with the answers of aerospike-server as/src/base/udf_cask.c (errors as "error=<what>",
// a module that does not compile as "error=compile_error;file=..;line=..;message=<base64>").
//
// Threads: any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace aero::testserver {
class ClusterState;
}

namespace aero::testserver::udf {

// The answer to info command `name` with `args` (the text after ':'), or nullopt when `name`
// is not a UDF command.
std::optional<std::string> udf_info_value(ClusterState& cluster, std::string_view name,
                                          std::string_view args);

}  // namespace aero::testserver::udf
