// Differential fuzzer: the project's RIPEMD-160 (client/wire/ripemd160.h) against OpenSSL's
// on Linux. The first two input bytes choose two cut points; the rest is the message, hashed
// by OpenSSL in one call and by ours one-shot, as three pieces (the key digest's form) and
// incrementally in those pieces. Any difference aborts.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <openssl/ripemd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "client/wire/ripemd160.h"

using namespace aero::wire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::span<const uint8_t> message(data + 2, size - 2);
  size_t cut1 = data[0] % (message.size() + 1);
  size_t cut2 = data[1] % (message.size() + 1);
  if (cut1 > cut2) std::swap(cut1, cut2);
  const auto a = message.first(cut1);
  const auto b = message.subspan(cut1, cut2 - cut1);
  const auto c = message.subspan(cut2);

  Ripemd160Hash expected;
  RIPEMD160(message.data(), message.size(), expected.data());

  if (ripemd160(message) != expected) std::abort();
  if (ripemd160(a, b, c) != expected) std::abort();
  Ripemd160 incremental;
  incremental.update(a);
  incremental.update(b);
  incremental.update(c);
  if (incremental.finish() != expected) std::abort();
  return 0;
}
