// The test server's expressions without the client: the builder's checks (the server's
// answers 4 and 16), evaluation details, and filters on scans (skipped records), batch
// rows (27) and malformed filters (4), through the independent wire client.
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "test/server/exp/exp.h"
#include "test/server/tests/test_util.h"

namespace {

using namespace testclient;
using aero::testserver::ClusterOptions;
namespace sx = aero::testserver::exp;

// Hex with optional spaces between bytes.
Bytes packed(std::string hex) {
  std::erase(hex, ' ');
  return from_hex(hex);
}

uint8_t build_result(const std::string& hex) {
  const Bytes b = packed(hex);
  uint8_t result = 0;
  auto e = sx::Expression::build(reinterpret_cast<const uint8_t*>(b.data()), b.size(), &result);
  return e ? 0 : result;
}

TEST(ExpBuild, RefusesWhatTheServerRefuses) {
  EXPECT_EQ(build_result("9314935102a14104"), 0);           // add(bin A, 4)
  EXPECT_EQ(build_result("930101"), 4);                     // eq with one argument
  EXPECT_EQ(build_result("9301010203"), 4);                 // trailing bytes
  EXPECT_EQ(build_result("930101cb3ff0000000000000"), 4);   // int == float
  EXPECT_EQ(build_result("9314 01 cb3ff0000000000000"), 4); // add(int, float)
  EXPECT_EQ(build_result("9210 c3"), 4);                    // and with one argument
  EXPECT_EQ(build_result("9312 01"), 4);                    // not(int)
  EXPECT_EQ(build_result("90"), 4);                         // empty list
  EXPECT_EQ(build_result("9160"), 4);                       // op 96 does not exist
  EXPECT_EQ(build_result("935163a141"), 4);                 // bin of type 99
  EXPECT_EQ(build_result("935102a0"), 4);                   // empty bin name
  EXPECT_EQ(build_result("92 40 00"), 4);                   // digest modulo 0
  EXPECT_EQ(build_result("937b c3 01"), 4);                 // cond without default
  EXPECT_EQ(build_result("967b c3 01 c2 a203 78 02"), 4);   // cond branches int vs str
  EXPECT_EQ(build_result("947dc3a178 01"), 4);              // let: name not a string? (bool)
  EXPECT_EQ(build_result("947da131 01 01"), 4);             // let: name starts with a digit
  EXPECT_EQ(build_result("927c a178"), 4);                  // var never defined
  EXPECT_EQ(build_result("947da178 01 927ca178"), 0);       // let x = 1 in x
  EXPECT_EQ(build_result("9407 01 a128 935103a173"), 4);    // regex "(" does not compile
  EXPECT_EQ(build_result("a109"), 4);                       // str with an unknown type byte
  EXPECT_EQ(build_result("957f 02 00 9100 c0"), 4);         // call: list op on a nil
  EXPECT_EQ(build_result("957f 02 00 9110 935104a178"), 0);  // list size of list bin "x"
  EXPECT_EQ(build_result("957f 02 00 9110 935105a178"), 0);  // ... of map bin "x"
  EXPECT_EQ(build_result("957f 02 00 9110 935102a178"), 4);  // ... of an int bin
  EXPECT_EQ(build_result("957f 02 03 9110 935104a178"), 4);  // system 3 does not exist
  EXPECT_EQ(build_result("957f 02 00 93ccff9210009110 935104a178"), 0);  // with a context
  EXPECT_EQ(build_result("957f 02 00 92ccff90 935104a178"), 4);   // context without its op
  EXPECT_EQ(build_result("957f 02 01 93ccff9210009133 935106a178"), 4);  // bits: no context
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "9212";
  EXPECT_EQ(build_result(deep + "c3"), 4);  // nested deeper than 128
  EXPECT_EQ(build_result(deep.substr(0, 200) + "c3"), 0);
}

TEST(ExpEval, UnknownsAndWrapping) {
  aero::testserver::Record r;
  r.bins.push_back({"i", 1, std::string("\x7f\xff\xff\xff\xff\xff\xff\xff", 8)});
  const uint8_t digest[20] = {};
  auto eval = [&](const std::string& hex) {
    const Bytes b = packed(hex);
    uint8_t result = 0;
    auto e = sx::Expression::build(reinterpret_cast<const uint8_t*>(b.data()), b.size(), &result);
    EXPECT_TRUE(e) << hex;
    return e ? e->evaluate(sx::Context{&r, digest, 100}) : sx::Value{};
  };
  EXPECT_EQ(eval("9314935102a16901").i, std::numeric_limits<int64_t>::min());  // INT64_MAX + 1
  EXPECT_TRUE(eval("9317935102a16900").unknown());  // division by zero
  EXPECT_EQ(eval("9317d38000000000000000ff").i, std::numeric_limits<int64_t>::min());  // MIN / -1
  EXPECT_TRUE(eval("9314935102a17801").unknown());  // missing bin
  EXPECT_TRUE(eval("9314935107a169cb3ff0000000000000").unknown());  // float read of an int bin
}

Bytes filter_field(const std::string& hex) { return from_hex(hex); }

TEST(ExpScan, FilterSkipsRecordsAndBadFiltersAnswer4) {
  ClusterOptions o;
  o.nodes = 1;
  auto cluster = start_cluster(o);
  RawConnection c = connect_to(*cluster);
  for (int k = 0; k < 100; ++k) {
    write(c, digest_for(uint64_t(k)), {write_int("n", k)});
  }
  auto request = [&](const std::string& filter_hex) {
    Msg m;
    m.info1 = 0x01;
    m.info3 = 0x04;
    m.fields.push_back({0, "test"});
    Bytes pids;
    for (uint32_t p = 0; p < 4096; ++p) pids += le16(uint16_t(p));
    m.fields.push_back({11, pids});
    static uint64_t task = 5000;
    m.fields.push_back({7, be64(++task)});
    m.fields.push_back({43, filter_field(filter_hex)});
    return m;
  };
  auto scan = [&](const std::string& filter_hex) {
    auto msgs = c.call_stream(message_frame(request(filter_hex)));
    EXPECT_TRUE(msgs);
    std::vector<DecodedMsg> records;
    uint8_t last = 255;
    for (const DecodedMsg& x : msgs.value_or(std::vector<DecodedMsg>{})) {
      if (x.info3 & 0x01) {
        last = x.result;
      } else if (!(x.info3 & 0x04)) {
        records.push_back(x);
      }
    }
    return std::make_pair(records, last);
  };
  // n % 10 == 3
  auto [tens, ok] = scan("9301931a935102a16e0a03");
  EXPECT_EQ(ok, 0);
  ASSERT_EQ(tens.size(), 10u);
  for (const DecodedMsg& m : tens) EXPECT_EQ(as_int(m.ops.at(0).value) % 10, 3);
  // A bin no record has: unknown, nothing matches.
  EXPECT_TRUE(scan("9301935102a1780a").first.empty());
  // Not boolean, malformed: one error message (not LAST, as the real server answers).
  EXPECT_EQ(call_msg(c, request("01"))->result, 4);
  EXPECT_EQ(call_msg(c, request("9301"))->result, 4);
  EXPECT_EQ(tens.size(), scan("9301931a935102a16e0a03").first.size());  // still usable
}

}  // namespace
