// Fuzzes the peers and services list parsers. Property: a parsed peers value re-rendered
// parses back to the same peers.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "client/wire/peers.h"

using namespace aero::wire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view value(reinterpret_cast<const char*>(data), size);
  (void)parse_services(value);
  Result<Peers> p = parse_peers(value);
  if (p.ok()) {
    Result<Peers> again = parse_peers(format_peers(*p));
    if (!again.ok() || again->peers != p->peers || again->generation != p->generation) std::abort();
  }
  return 0;
}
