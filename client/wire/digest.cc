// RIPEMD-160 comes from OpenSSL's libcrypto. OpenSSL 3 marks the one-shot RIPEMD160_*
// functions deprecated in favour of EVP, but still ships them in the default build; they
// need no provider lookup and no heap allocation (EVP_MD_CTX_new allocates), which matters
// on the per-command path. The deprecation attribute is suppressed for this file only.
// (test/wire/digest_test.cc cross-checks the result against EVP_MD_fetch("RIPEMD160").)
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "client/wire/digest.h"

#include <openssl/ripemd.h>

#include "client/wire/bytes.h"

namespace aero::wire {

Digest compute_digest(std::string_view set, uint8_t key_type, std::span<const uint8_t> key_bytes) {
  RIPEMD160_CTX ctx;
  RIPEMD160_Init(&ctx);
  if (!set.empty()) RIPEMD160_Update(&ctx, set.data(), set.size());
  RIPEMD160_Update(&ctx, &key_type, 1);
  if (!key_bytes.empty()) RIPEMD160_Update(&ctx, key_bytes.data(), key_bytes.size());
  Digest d;
  RIPEMD160_Final(d.data(), &ctx);
  return d;
}

Digest compute_digest(std::string_view set, int64_t key) {
  uint8_t be[8];
  detail::store_u64be(be, static_cast<uint64_t>(key));
  return compute_digest(set, particle::kInteger, be);
}

Digest compute_digest(std::string_view set, std::string_view key) {
  return compute_digest(
      set, particle::kString,
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(key.data()), key.size()));
}

Digest compute_digest_blob(std::string_view set, std::span<const uint8_t> key, uint8_t blob_type) {
  return compute_digest(set, blob_type, key);
}

std::string digest_to_hex(const Digest& d) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * d.size());
  for (uint8_t b : d) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace aero::wire
