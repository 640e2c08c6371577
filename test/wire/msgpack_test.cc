// msgpack as Aerospike stores lists and maps: exact bytes for every form, round trips of
// every value type, and bounds/limit errors.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "client/wire/msgpack.h"
#include "test/wire/captures.h"

namespace aero::wire {
namespace {

using testing::from_hex;
using testing::to_hex;

std::string enc(const Value& v) {
  Buffer b;
  msgpack_encode(v, b);
  EXPECT_EQ(b.size(), msgpack_size(v));
  return to_hex(b.data(), b.size());
}

Value dec(const std::string& hex) {
  const auto bytes = from_hex(hex);
  Result<Value> r = msgpack_decode(bytes);
  EXPECT_TRUE(r.ok()) << hex << ": " << r.error().to_string();
  return r.ok() ? *r : Value();
}

Status dec_error(const std::string& hex) {
  const auto bytes = from_hex(hex);
  Result<Value> r = msgpack_decode(bytes);
  EXPECT_FALSE(r.ok()) << hex;
  // validate() must agree with decode().
  EXPECT_FALSE(msgpack_validate(bytes).ok()) << hex;
  return r.status();
}

void rejects(const std::string& hex) { (void)dec_error(hex); }

TEST(Msgpack, IntegersUseTheSmallestForm) {
  EXPECT_EQ(enc(0), "00");
  EXPECT_EQ(enc(127), "7f");
  EXPECT_EQ(enc(128), "cc80");
  EXPECT_EQ(enc(255), "ccff");
  EXPECT_EQ(enc(256), "cd0100");
  EXPECT_EQ(enc(65535), "cdffff");
  EXPECT_EQ(enc(65536), "ce00010000");
  EXPECT_EQ(enc(int64_t{4294967295}), "ceffffffff");
  EXPECT_EQ(enc(int64_t{4294967296}), "cf0000000100000000");
  EXPECT_EQ(enc(-1), "ff");
  EXPECT_EQ(enc(-32), "e0");
  EXPECT_EQ(enc(-33), "d0df");
  EXPECT_EQ(enc(-128), "d080");
  EXPECT_EQ(enc(-129), "d1ff7f");
  EXPECT_EQ(enc(-32768), "d18000");
  EXPECT_EQ(enc(-32769), "d2ffff7fff");
  EXPECT_EQ(enc(int64_t{-2147483648}), "d280000000");
  EXPECT_EQ(enc(int64_t{-2147483649}), "d3ffffffff7fffffff");
  EXPECT_EQ(enc(INT64_MIN), "d38000000000000000");
  EXPECT_EQ(enc(INT64_MAX), "cf7fffffffffffffff");
}

TEST(Msgpack, ScalarsAndTypedBlobs) {
  EXPECT_EQ(enc(nullptr), "c0");
  EXPECT_EQ(enc(true), "c3");
  EXPECT_EQ(enc(false), "c2");
  EXPECT_EQ(enc(1.5), "cb3ff8000000000000");
  EXPECT_EQ(enc("ab"), "a3036162");  // the protocol doc's example
  EXPECT_EQ(enc(""), "a103");
  EXPECT_EQ(enc(Bytes({1, 2})), "a3040102");
  EXPECT_EQ(enc(Bytes({1}, particle::kJavaBlob)), "a20701");
  EXPECT_EQ(enc(GeoJson{"{}"}), "a3177b7d");
  EXPECT_EQ(enc(std::string(31, 'x')).substr(0, 4), "d920");  // 32 with the type byte
  EXPECT_EQ(enc(std::string(30, 'x')).substr(0, 4), "bf03");
  EXPECT_EQ(enc(std::string(255, 'x')).substr(0, 6), "da0100");
  EXPECT_EQ(enc(std::string(65535, 'x')).substr(0, 10), "db00010000");
}

TEST(Msgpack, ListsAndMaps) {
  EXPECT_EQ(enc(List{{1, "a"}}), "9201a20361");
  EXPECT_EQ(enc(List{}), "90");
  Map m;
  m.entries.emplace_back("k", 1);
  EXPECT_EQ(enc(m), "81a2036b01");
  m.order_flags = 1;  // key-ordered: ext metadata key + nil value, counted in the header
  EXPECT_EQ(enc(m), "82c70001c0a2036b01");
  List ordered{{1, 2}, 1};
  EXPECT_EQ(enc(ordered), "93c700010102");
  List big;
  for (int i = 0; i < 16; ++i) big.items.push_back(i);
  EXPECT_EQ(enc(big).substr(0, 6), "dc0010");
}

TEST(Msgpack, DecodesOtherValidForms) {
  EXPECT_EQ(dec("ca3fc00000"), Value(1.5));  // float32
  EXPECT_EQ(dec("c4020401"), Value(Bytes({1})));  // bin family
  EXPECT_EQ(dec("a0"), Value(""));               // empty str: no type byte
  EXPECT_EQ(dec("c400"), Value(Bytes()));
  EXPECT_EQ(dec("cd0005"), Value(5));            // non-minimal forms are accepted
  EXPECT_EQ(dec("d000"), Value(0));
  EXPECT_EQ(dec("cfffffffffffffffff"), Value(-1));  // uint64 above INT64_MAX wraps (C client)
  EXPECT_EQ(dec("a21203"), Value(Bytes({3}, particle::kHll)));
  // Leading ext metadata in lists and maps, any ext form.
  EXPECT_EQ(dec("92d40101" "05").as_list()->order_flags, 1);
  EXPECT_EQ(dec("82d50300aa" "c0" "0102"), Value(Map{{{1, 2}}, 3}));
}

TEST(Msgpack, RoundTripsEveryValueType) {
  Map inner;
  inner.entries.emplace_back("x", List{{1.25, -7, nullptr, true}});
  inner.entries.emplace_back(42, Bytes({0, 255}, particle::kPythonBlob));
  inner.order_flags = 3;
  const Value values[] = {
      Value(),
      Value(true),
      Value(false),
      Value(0),
      Value(INT64_MIN),
      Value(INT64_MAX),
      Value(-0.0),
      Value(std::numeric_limits<double>::infinity()),
      Value(std::nan("")),
      Value("hello"),
      Value(std::string(70000, 'z')),
      Value(Bytes(std::vector<uint8_t>(300, 7))),
      Value(GeoJson{"{\"type\":\"Point\",\"coordinates\":[1,2]}"}),
      Value(List{{1, "two", 3.0, List{{List{}}}}}),
      Value(inner),
      Value(Infinity{}),
      Value(Wildcard{}),
  };
  for (const Value& v : values) {
    SCOPED_TRACE(v.debug_string().substr(0, 80));
    Buffer b;
    msgpack_encode(v, b);
    Result<Value> back = msgpack_decode(b.span());
    ASSERT_TRUE(back.ok()) << back.error().to_string();
    EXPECT_EQ(*back, v);
    EXPECT_TRUE(msgpack_validate(b.span()).ok());
  }
}

TEST(Msgpack, RejectsMalformedInput) {
  EXPECT_NE(dec_error("").message().find("input ended"), std::string::npos);
  rejects("c1");                 // never-used tag
  rejects("cd00");               // uint16 truncated
  rejects("a5036162");           // str longer than the input
  rejects("db7fffffff");         // str32 with a huge length
  rejects("dd7fffffff");         // array32 count larger than the bytes could hold
  rejects("df7fffffff00");       // map32 likewise
  rejects("9301");               // list short of elements
  rejects("0000");               // trailing byte
  rejects("c7");                 // lone ext8 tag
}

TEST(Msgpack, ExtOnlyAsLeadingMetadata) {
  EXPECT_EQ(dec("91d40101"), Value(List{{}, 1}));  // metadata only: empty ordered list
  const Status s = dec_error("9201d40101");           // ext as the second element
  EXPECT_NE(s.message().find("ext"), std::string::npos) << s.message();
  rejects("d40101");  // top-level ext
}

// Infinity and Wildcard: the C client's comparison markers (as_msgpack.c: fixext1, ext type
// 0xff, data 1 / 0); the map capture's get-by-value-list request carries [2, d4 ff 00].
TEST(Msgpack, InfinityAndWildcardAreFixext1Markers) {
  EXPECT_EQ(enc(Value(Infinity{})), "d4ff01");
  EXPECT_EQ(enc(Value(Wildcard{})), "d4ff00");
  EXPECT_EQ(msgpack_size(Value(Infinity{})), 3u);
  EXPECT_EQ(dec("d4ff01"), Value(Infinity{}));
  EXPECT_EQ(dec("d4ff00"), Value(Wildcard{}));
  EXPECT_TRUE(dec("d4ff01").is_infinity());
  EXPECT_TRUE(dec("d4ff00").is_wildcard());
  EXPECT_NE(Value(Infinity{}), Value(Wildcard{}));
  EXPECT_NE(Value(Wildcard{}), Value());
  EXPECT_EQ(Value(Infinity{}).debug_string(), "INF");
  EXPECT_EQ(Value(Wildcard{}).debug_string(), "*");
  // Inside lists and maps, in any position, including the first (never order metadata).
  const Value range(List{{Value(3), Value(Infinity{})}});
  EXPECT_EQ(enc(range), "9203d4ff01");
  EXPECT_EQ(dec("9203d4ff01"), range);
  const Value first(List{{Value(Wildcard{}), Value("a")}});
  EXPECT_EQ(enc(first), "92d4ff00a20361");
  EXPECT_EQ(dec("92d4ff00a20361"), first);
  EXPECT_EQ(dec("91d4ff01"), Value(List{{Value(Infinity{})}}));
  Map m;
  m.entries.emplace_back(Value(Wildcard{}), Value(Infinity{}));
  EXPECT_EQ(enc(Value(m)), "81d4ff00d4ff01");
  EXPECT_EQ(dec("81d4ff00d4ff01"), Value(m));
  // An ordered list whose first element is a marker keeps both.
  EXPECT_EQ(dec("92c70001d4ff00"), Value(List{{Value(Wildcard{})}, 1}));
  // Other 0xff data bytes and other fixext types stay errors outside the leading position.
  rejects("d4ff02");
  rejects("9201d4ff02");
  rejects("d4fe01");
  rejects("d4ff");    // truncated marker
  rejects("9201d4");  // truncated marker inside a list
  EXPECT_TRUE(msgpack_validate(from_hex("9203d4ff01")).ok());
}

TEST(Msgpack, NestingDepthIsLimitedTo64) {
  std::string ok_hex;
  for (int i = 0; i < 64; ++i) ok_hex += "91";
  ok_hex += "00";
  EXPECT_TRUE(msgpack_decode(from_hex(ok_hex)).ok());
  const Status s = dec_error("91" + ok_hex);
  EXPECT_NE(s.message().find("deeper than 64"), std::string::npos) << s.message();
  // Deep input far beyond the limit fails fast (no stack overflow).
  std::string deep(200000, '9');
  for (size_t i = 1; i < deep.size(); i += 2) deep[i] = '1';
  rejects(deep);
}

TEST(Msgpack, EveryTruncationOfAValidEncodingFails) {
  Map m;
  m.entries.emplace_back("key", List{{1, 300, -70000, 2.5, "str", Bytes({9, 9})}});
  m.entries.emplace_back(INT64_MIN, true);
  m.order_flags = 1;
  Buffer b;
  msgpack_encode(m, b);
  for (size_t n = 0; n < b.size(); ++n) {
    EXPECT_FALSE(msgpack_decode(std::span<const uint8_t>(b.data(), n)).ok()) << n;
    EXPECT_FALSE(msgpack_validate(std::span<const uint8_t>(b.data(), n)).ok()) << n;
  }
  size_t used = 0;
  auto prefix = msgpack_decode_prefix(b.span(), &used);
  ASSERT_TRUE(prefix.ok());
  EXPECT_EQ(used, b.size());
}

}  // namespace
}  // namespace aero::wire
