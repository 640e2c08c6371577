// Fuzzes the msgpack decoder (list and map bin values, CDT payloads). Properties:
// validate() agrees with decode(); a decoded value re-encodes and decodes to an equal value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "client/wire/msgpack.h"
#include "client/wire/particle.h"

using namespace aero::wire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> in(data, size);
  Result<Value> v = msgpack_decode(in);
  if (v.ok() != msgpack_validate(in).ok()) std::abort();
  (void)ValueView(particle::kList, in).to_value();
  (void)ValueView(particle::kMap, in).to_value();
  size_t used = 0;
  (void)msgpack_decode_prefix(in, &used);
  if (v.ok()) {
    Buffer b;
    msgpack_encode(*v, b);
    if (b.size() != msgpack_size(*v)) std::abort();
    Result<Value> again = msgpack_decode(b.span());
    if (!again.ok() || !(*again == *v)) std::abort();
  }
  return 0;
}
