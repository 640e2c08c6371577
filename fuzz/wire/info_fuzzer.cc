// Fuzzes the info response parsers: the input is an info response body; every line's value
// goes through every value parser the client uses during tending.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "client/wire/wire.h"

using namespace aero::wire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  Result<std::vector<InfoLine>> lines = parse_info_response(body);
  if (!lines.ok()) return 0;
  for (const InfoLine& l : *lines) {
    (void)find_info(*lines, l.name);
    (void)parse_info_error(l.name);
    (void)parse_info_error(l.value);
    (void)parse_info_int(l.value);
    (void)parse_info_uint(l.value);
    (void)parse_node_name(l.value);
    (void)parse_features(l.value).has("pscans");
    (void)parse_build(l.value);
    (void)parse_services(l.value);
    (void)parse_peers(l.value);
    (void)parse_replicas(l.value, ReplicasFormat::kReplicas);
  }
  return 0;
}
