// Endpoint <-> sockaddr conversion used by the POSIX backends.
#include "io/posix_sockaddr.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

namespace aero::io {
namespace {

TEST(PosixSockaddr, RoundTripsIPv4) {
  const Endpoint e = Endpoint::v4(192, 0, 2, 7, 3000);
  sockaddr_storage storage;
  const socklen_t length = to_sockaddr(e, storage);
  ASSERT_EQ(length, sizeof(sockaddr_in));
  const auto* in = reinterpret_cast<const sockaddr_in*>(&storage);
  EXPECT_EQ(in->sin_family, AF_INET);
  EXPECT_EQ(ntohs(in->sin_port), 3000);
  EXPECT_EQ(ntohl(in->sin_addr.s_addr), 0xc0000207u);
  EXPECT_EQ(from_sockaddr(reinterpret_cast<const sockaddr*>(&storage), length), e);
}

TEST(PosixSockaddr, RoundTripsIPv6WithScope) {
  const auto e = Endpoint::parse("fe80::1:2%3", 4333);
  ASSERT_TRUE(e);
  sockaddr_storage storage;
  const socklen_t length = to_sockaddr(*e, storage);
  ASSERT_EQ(length, sizeof(sockaddr_in6));
  const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&storage);
  EXPECT_EQ(in6->sin6_family, AF_INET6);
  EXPECT_EQ(ntohs(in6->sin6_port), 4333);
  EXPECT_EQ(in6->sin6_scope_id, 3u);
  EXPECT_EQ(in6->sin6_addr.s6_addr[0], 0xfe);
  EXPECT_EQ(in6->sin6_addr.s6_addr[13], 1);
  EXPECT_EQ(in6->sin6_addr.s6_addr[15], 2);
  EXPECT_EQ(from_sockaddr(reinterpret_cast<const sockaddr*>(&storage), length), *e);
}

TEST(PosixSockaddr, RejectsOtherFamiliesAndShortLengths) {
  sockaddr_storage storage{};
  storage.ss_family = AF_UNIX;
  EXPECT_FALSE(from_sockaddr(reinterpret_cast<const sockaddr*>(&storage), sizeof storage));
  storage.ss_family = AF_INET;
  EXPECT_FALSE(from_sockaddr(reinterpret_cast<const sockaddr*>(&storage), 4));
}

}  // namespace
}  // namespace aero::io
