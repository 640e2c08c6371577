// io::resolve(): numeric addresses parse without a lookup; "localhost" goes through the
// system resolver (getaddrinfo; Winsock's on Windows, where resolve() must start Winsock
// itself because no loop exists yet) and yields loopback addresses, IPv4 first; a name that
// cannot resolve is an error with no endpoints. Runs on Linux and, under Wine, on Windows.
#include "io/resolve.h"

#include <gtest/gtest.h>

namespace aero::io {
namespace {

TEST(Resolve, NumericAddressesNeedNoLookup) {
  std::error_code ec = std::make_error_code(std::errc::io_error);
  auto v4 = resolve("10.1.2.3", 3000, ec);
  EXPECT_FALSE(ec);
  ASSERT_EQ(v4.size(), 1u);
  EXPECT_EQ(v4[0], Endpoint::v4(10, 1, 2, 3, 3000));
  auto v6 = resolve("::1", 3100, ec);
  EXPECT_FALSE(ec);
  ASSERT_EQ(v6.size(), 1u);
  EXPECT_EQ(v6[0].to_string(), "[::1]:3100");
}

TEST(Resolve, LocalhostIsLoopbackIpv4First) {
  std::error_code ec;
  auto found = resolve("localhost", 3000, ec);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_FALSE(found.empty());
  bool seen_v6 = false;
  for (const Endpoint& e : found) {
    SCOPED_TRACE(e.to_string());
    EXPECT_EQ(e.port, 3000);
    if (e.family == Endpoint::Family::v4) {
      EXPECT_FALSE(seen_v6) << "IPv4 addresses come first";
      EXPECT_EQ(e.address[0], 127);
    } else {
      seen_v6 = true;
      EXPECT_EQ(e, *Endpoint::parse("::1", 3000));
    }
  }
}

// Winsock's getaddrinfo("") answers the local host's addresses; resolve() rejects it everywhere.
TEST(Resolve, EmptyNameIsAnError) {
  std::error_code ec;
  auto found = resolve("", 3000, ec);
  EXPECT_EQ(ec, std::errc::invalid_argument);
  EXPECT_TRUE(found.empty());
}

}  // namespace
}  // namespace aero::io
