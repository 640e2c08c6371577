// Endpoint parsing and formatting, and the io error category.
#include <gtest/gtest.h>

#include "io/loop.h"

namespace aero::io {
namespace {

std::string round_trip(std::string_view text, std::uint16_t port = 3000) {
  auto e = Endpoint::parse(text, port);
  return e ? e->to_string() : "invalid";
}

TEST(Endpoint, ParsesAndFormatsIPv4) {
  EXPECT_EQ(round_trip("127.0.0.1"), "127.0.0.1:3000");
  EXPECT_EQ(round_trip("0.0.0.0", 0), "0.0.0.0:0");
  EXPECT_EQ(round_trip("255.255.255.255", 65535), "255.255.255.255:65535");
  EXPECT_EQ(Endpoint::parse("10.1.2.3", 1), Endpoint::v4(10, 1, 2, 3, 1));
  EXPECT_EQ(Endpoint::loopback_v4(7).to_string(), "127.0.0.1:7");
}

TEST(Endpoint, RejectsBadIPv4) {
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1..2.3", "1.2.3.",
                          "a.b.c.d", "1.2.3.4 ", "-1.2.3.4", "1.2.3.4%1", "localhost"}) {
    EXPECT_FALSE(Endpoint::parse(bad, 1)) << bad;
  }
}

TEST(Endpoint, ParsesAndFormatsIPv6) {
  EXPECT_EQ(round_trip("::1"), "[::1]:3000");
  EXPECT_EQ(round_trip("::"), "[::]:3000");
  EXPECT_EQ(round_trip("2001:DB8:0:0:0:0:0:1"), "[2001:db8::1]:3000");
  EXPECT_EQ(round_trip("2001:db8:0:1:0:0:0:1"), "[2001:db8:0:1::1]:3000");  // longest run
  EXPECT_EQ(round_trip("2001:db8:0:1:1:1:1:1"), "[2001:db8:0:1:1:1:1:1]:3000");  // no 1-run
  EXPECT_EQ(round_trip("1::"), "[1::]:3000");
  EXPECT_EQ(round_trip("fe80::1%2"), "[fe80::1%2]:3000");
  EXPECT_EQ(round_trip("::ffff:192.0.2.1"), "[::ffff:c000:201]:3000");
  auto e = Endpoint::parse("fe80::1%7", 9);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->family, Endpoint::Family::v6);
  EXPECT_EQ(e->scope_id, 7u);
  EXPECT_EQ(e->address[0], 0xfe);
  EXPECT_EQ(e->address[15], 1);
}

TEST(Endpoint, RejectsBadIPv6) {
  for (const char* bad : {":", ":::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::",
                          "g::1", "1:2:3:4:5:6:7:8::", "::1%", "::1%x", "1:", ":1",
                          "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4", "[::1]"}) {
    EXPECT_FALSE(Endpoint::parse(bad, 1)) << bad;
  }
}

TEST(IoErrors, CategoryAndPortableComparisons) {
  std::error_code eof = Errc::eof;
  EXPECT_EQ(eof.category(), io_category());
  EXPECT_EQ(std::string(io_category().name()), "aero.io");
  EXPECT_EQ(eof.message(), "connection closed by peer");
  EXPECT_NE(eof, make_error_code(Errc::busy));
  EXPECT_NE(make_error_code(Errc::bad_socket), std::errc::bad_file_descriptor);
  EXPECT_FALSE(io_category().message(99).empty());
}

}  // namespace
}  // namespace aero::io
