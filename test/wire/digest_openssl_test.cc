// The key digest (the project's RIPEMD-160, client/wire/ripemd160.h) against OpenSSL 3's
// EVP RIPEMD160 (default provider) on Linux, where libcrypto exists: the standard "abc"
// vector, integer/string/blob keys of every length up to two blocks, and long keys.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>

#include "client/wire/bytes.h"
#include "client/wire/digest.h"

namespace aero::wire {
namespace {

class DigestOpenSsl : public ::testing::Test {
 protected:
  void SetUp() override {
    md_ = EVP_MD_fetch(nullptr, "RIPEMD160", nullptr);
    ASSERT_NE(md_, nullptr) << "OpenSSL has no RIPEMD160 in the default provider";
  }
  void TearDown() override { EVP_MD_free(md_); }

  Digest evp(const std::string& data) {
    Digest d{};
    unsigned int len = 0;
    EXPECT_EQ(EVP_Digest(data.data(), data.size(), d.data(), &len, md_, nullptr), 1);
    EXPECT_EQ(len, 20u);
    return d;
  }

  EVP_MD* md_ = nullptr;
};

TEST_F(DigestOpenSsl, StandardVector) {
  EXPECT_EQ(digest_to_hex(evp("abc")), "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
}

// set || type || key
TEST_F(DigestOpenSsl, IntegerKeys) {
  for (int64_t k : {int64_t{0}, int64_t{1}, int64_t{-5}, INT64_MIN, INT64_MAX}) {
    std::string data = "demo";
    data += '\x01';
    uint8_t be[8];
    detail::store_u64be(be, static_cast<uint64_t>(k));
    data.append(reinterpret_cast<const char*>(be), 8);
    EXPECT_EQ(evp(data), compute_digest("demo", k)) << k;
  }
}

TEST_F(DigestOpenSsl, StringAndBlobKeysOfEveryLength) {
  for (size_t set_len : {size_t{0}, size_t{4}, size_t{63}}) {
    const std::string set(set_len, 's');
    for (size_t len = 0; len <= 140; ++len) {
      std::string key(len, '\0');
      for (size_t i = 0; i < len; ++i) key[i] = static_cast<char>(i * 131 + set_len);
      EXPECT_EQ(evp(set + '\x03' + key), compute_digest(set, std::string_view(key)))
          << set_len << " " << len;
      const std::span<const uint8_t> blob(reinterpret_cast<const uint8_t*>(key.data()), key.size());
      EXPECT_EQ(evp(set + '\x04' + key), compute_digest_blob(set, blob)) << set_len << " " << len;
    }
  }
  const std::string long_key(100000, '+');
  EXPECT_EQ(evp("set\x03" + long_key), compute_digest("set", std::string_view(long_key)));
}

}  // namespace
}  // namespace aero::wire
