// Digest vectors: the Go client's key_test.go (aerospike-client-go, namespace "namespace",
// set "set") and the protocol doc's B1..B4 (recomputed independently). Runs on every
// platform (under Wine for the mingw build); the cross-check against OpenSSL is
// digest_openssl_test.cc (Linux).
#include <gtest/gtest.h>

#include <string>

#include "client/wire/digest.h"
#include "client/wire/key.h"

namespace aero::wire {
namespace {

struct IntVector {
  int64_t key;
  const char* hex;
  uint32_t partition;  // 0 = not given
};

TEST(Digest, GoClientIntegerVectors) {
  const IntVector v[] = {
      {0, "93d943aae37b017ad7e011b0c1d2e2143c2fb37d", 2451},
      {-1, "22116d253745e29fc63fdf760b6e26f7e197e01d", 290},
      {127, "a58f7d98bf60e10fe369c82030b1c9dee053def9", 4005},
      {-128, "93191e549f8f3548d7e2cfc958ddc8c65bcbe4c6", 2451},
      {2147483647, "fa8c47b8b898af1bbcb20af0d729ca68359a2645", 3322},
      {INT64_MIN, "7185c2a47fb02c996daed26b4e01b83240aee9d4", 1393},
      {INT64_MAX, "1698328974afa62c8e069860c1516f780d63dbb8", 2070},
      {-2147483648LL, "d635a867b755f8f54cdc6275e6fb437df82a728c", 0},
      {-32768, "7f41e9dd1f3fe3694be0430e04c8bfc7d51ec2af", 0},
      {32767, "309fc9c2619c4f65ff7f4cd82085c3ee7a31fc7c", 0},
  };
  for (const IntVector& t : v) {
    SCOPED_TRACE(t.key);
    const Key k("namespace", "set", t.key);
    EXPECT_EQ(digest_to_hex(k.digest()), t.hex);
    if (t.partition != 0) {
      EXPECT_EQ(k.partition_id(), t.partition);
    }
  }
}

TEST(Digest, GoClientStringVectors) {
  const std::pair<std::string, const char*> v[] = {
      {"", "2819b1ff6e346a43b4f5f6b77a88bc3eaac22a83"},
      {"s", "607cddba7cd111745ef0a3d783d57f0e83c8f311"},
      {std::string(10, 'a'), "5979fb32a80da070ff356f7695455592272e36c2"},
      {std::string(100, 'm'), "f00ad7dbcb4bd8122d9681bca49b8c2ffd4beeed"},
      {std::string(1000, 't'), "07ac412d4c33b8628ab147b8db244ce44ae527f8"},
      {std::string(10000, '-'), "b42e64afbfccb05912a609179228d9249ea1c1a0"},
      {std::string(100000, '+'), "0a3e888c20bb8958537ddd4ba835e4070bd51740"},
  };
  for (const auto& [key, hex] : v) {
    SCOPED_TRACE(key.size());
    EXPECT_EQ(digest_to_hex(Key("namespace", "set", std::string_view(key)).digest()), hex);
  }
  EXPECT_EQ(Key("namespace", "set", "").partition_id(), 2344u);
  EXPECT_EQ(Key("namespace", "set", "s").partition_id(), 3168u);
  EXPECT_EQ(Key("namespace", "set", "aaaaaaaaaa").partition_id(), 2393u);
}

TEST(Digest, GoClientBlobVectors) {
  auto blob = [](size_t n, char c) { return Bytes(std::vector<uint8_t>(n, static_cast<uint8_t>(c))); };
  const std::pair<Bytes, const char*> v[] = {
      {blob(0, 0), "327e2877b8815c7aeede0d5a8620d4ef8df4a4b4"},
      {blob(1, 's'), "ca2d96dc9a184d15a7fa2927565e844e9254e001"},
      {blob(10, 'a'), "d10982327b2b04c7360579f252e164a75f83cd99"},
      {blob(100, 'm'), "475786aa4ee664532a7d1ea69cb02e4695fcdeed"},
      {blob(1000, 't'), "5a32b507518a49bf47fdaa3deca53803f5b2e8c3"},
      {blob(10000, '-'), "ed65c63f7a1f8c6697eb3894b6409a95461fd982"},
      {blob(100000, '+'), "fe19770c371774ba1a1532438d4851b8a773a9e6"},
  };
  for (const auto& [key, hex] : v) {
    SCOPED_TRACE(key.data.size());
    EXPECT_EQ(digest_to_hex(Key("namespace", "set", key).digest()), hex);
  }
  EXPECT_EQ(Key("namespace", "set", blob(0, 0)).partition_id(), 3634u);
  EXPECT_EQ(Key("namespace", "set", blob(1, 's')).partition_id(), 3530u);
}

TEST(Digest, ProtocolDocVectors) {
  EXPECT_EQ(digest_to_hex(Key("test", "demo", 1).digest()), "b7f4b83889e2da67de683e1df6919a1eacc446c8");
  EXPECT_EQ(Key("test", "demo", 1).partition_id(), 1207u);
  EXPECT_EQ(digest_to_hex(Key("test", "demo", 2).digest()), "ae6a515f37de4adacc4496e2da1fea848c3a9270");
  EXPECT_EQ(Key("test", "demo", 2).partition_id(), 2734u);
  EXPECT_EQ(digest_to_hex(Key("test", "demo", "key1").digest()), "ec91192d4b7f8ce35d5d78d34bca65cbaaaac960");
  EXPECT_EQ(Key("test", "demo", "key1").partition_id(), 492u);
  EXPECT_EQ(digest_to_hex(Key("test", "", 1).digest()), "a443f05d05d962202b59abb402afae1737dbf66a");
  EXPECT_EQ(Key("test", "", 1).partition_id(), 932u);
}

TEST(Digest, NamespaceIsNotPartOfTheDigest) {
  EXPECT_EQ(Key("a", "s", 7).digest(), Key("b", "s", 7).digest());
  EXPECT_NE(Key("a", "s", 7).digest(), Key("a", "t", 7).digest());
  EXPECT_NE(Key("a", "s", 7).digest(), Key("a", "s", "7").digest());
}

TEST(Digest, BlobTypeIsPartOfTheDigest) {
  const Bytes plain({1, 2, 3});
  const Bytes java({1, 2, 3}, particle::kJavaBlob);
  EXPECT_NE(Key("n", "s", plain).digest(), Key("n", "s", java).digest());
}

TEST(Digest, PartitionIdIsLittleEndianTwelveBits) {
  Digest d{};
  d[0] = 0xb7;
  d[1] = 0xf4;
  EXPECT_EQ(partition_id(d), 0x4b7u);
  d[0] = 0xff;
  d[1] = 0xff;
  EXPECT_EQ(partition_id(d), 4095u);
}

}  // namespace
}  // namespace aero::wire
