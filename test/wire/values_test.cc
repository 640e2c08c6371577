// Value model, particle views and the result-code table.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "client/wire/wire.h"

namespace aero::wire {
namespace {

TEST(Value, ConstructionAndTypes) {
  EXPECT_EQ(Value().type(), Value::Type::kNil);
  EXPECT_EQ(Value(nullptr).type(), Value::Type::kNil);
  EXPECT_EQ(Value(true).type(), Value::Type::kBool);
  EXPECT_EQ(Value(1).type(), Value::Type::kInt);
  EXPECT_EQ(Value(uint16_t{1}).type(), Value::Type::kInt);
  EXPECT_EQ(Value(1.0).type(), Value::Type::kDouble);
  EXPECT_EQ(Value("s").type(), Value::Type::kString);
  EXPECT_EQ(Value(std::string_view("s")).type(), Value::Type::kString);
  EXPECT_EQ(Value(Bytes({1})).type(), Value::Type::kBytes);
  EXPECT_EQ(Value(GeoJson{"{}"}).type(), Value::Type::kGeoJson);
  EXPECT_EQ(Value(List{}).type(), Value::Type::kList);
  EXPECT_EQ(Value(Map{}).type(), Value::Type::kMap);
  EXPECT_EQ(*Value(7).as_int(), 7);
  EXPECT_EQ(Value(7).as_string(), nullptr);
}

TEST(Value, EqualityIsExact) {
  EXPECT_EQ(Value(1), Value(int64_t{1}));
  EXPECT_NE(Value(1), Value(1.0));
  EXPECT_NE(Value("1"), Value(Bytes({'1'})));
  EXPECT_NE(Value(Bytes({1})), Value(Bytes({1}, particle::kJavaBlob)));
  EXPECT_EQ(Value(std::nan("")), Value(std::nan("")));
  EXPECT_NE(Value(0.0), Value(-0.0));
  EXPECT_NE(Value(List{{1}, 0}), Value(List{{1}, 1}));
  EXPECT_EQ(Value(List{{1, List{{2.5}}}}), Value(List{{1, List{{2.5}}}}));
  EXPECT_EQ(Value(List{{1, "a"}}).debug_string(), "[1, \"a\"]");
}

TEST(Record, FindAndTtl) {
  Record r;
  r.bins = {{"a", 1}, {"b", 2}};
  EXPECT_EQ(*r.find("b"), Value(2));
  EXPECT_EQ(r.find("c"), nullptr);
  EXPECT_EQ(void_time_to_ttl(0, 2000000000), kTtlNeverExpire);
  const int64_t now = kCitrusleafEpochUnixSeconds + 1000;
  EXPECT_EQ(void_time_to_ttl(1100, now), 100u);
  EXPECT_EQ(void_time_to_ttl(900, now), 1u);  // already expired: 1, as the C client reports
}

TEST(ValueView, IntegerWidthsAndErrors) {
  const uint8_t two[] = {0xff, 0xfe};
  EXPECT_EQ(*ValueView(particle::kInteger, two).to_int(), -2);  // sign-extended (legacy)
  const uint8_t nine[9] = {};
  EXPECT_FALSE(ValueView(particle::kInteger, nine).to_int().ok());
  EXPECT_EQ(*ValueView(particle::kInteger, {}).to_int(), 0);
  EXPECT_FALSE(ValueView(particle::kString, two).to_int().ok());
  EXPECT_FALSE(ValueView(particle::kBool, two).to_bool().ok());
  EXPECT_FALSE(ValueView(particle::kNull, two).validate().ok());
  const uint8_t geo_short[] = {0, 0};
  EXPECT_FALSE(ValueView(particle::kGeoJson, geo_short).to_value().ok());
  const uint8_t geo_cells[] = {0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8};  // 2 cells declared, 1 present
  EXPECT_FALSE(ValueView(particle::kGeoJson, geo_cells).to_value().ok());
  const uint8_t geo_one_cell[] = {0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, '{', '}'};
  EXPECT_EQ(*ValueView(particle::kGeoJson, geo_one_cell).to_string(), "{}");
  const uint8_t unknown[] = {1, 2};
  EXPECT_EQ(*ValueView(99, unknown).to_value(), Value(Bytes({1, 2}, 99)));  // kept opaque
}

TEST(Particle, EncodedSizesAndTypes) {
  EXPECT_EQ(particle_size(Value()), 0u);
  EXPECT_EQ(particle_size(Value(1)), 8u);
  EXPECT_EQ(particle_size(Value(true)), 1u);
  EXPECT_EQ(particle_size(Value("abc")), 3u);
  EXPECT_EQ(particle_size(Value(GeoJson{"abc"})), 6u);
  EXPECT_EQ(particle_type_of(Value(List{})), particle::kList);
  EXPECT_EQ(particle_type_of(Value(Map{})), particle::kMap);
  EXPECT_EQ(particle_type_of(Value(Bytes({}, particle::kHll))), particle::kHll);
}

TEST(ResultCodes, TableIsSortedUniqueAndComplete) {
  std::set<int32_t> codes;
  std::set<std::string_view> names;
  int32_t prev = INT32_MIN;
  for (const ResultCodeInfo& r : all_result_codes()) {
    EXPECT_GT(to_int(r.code), prev) << r.name;
    prev = to_int(r.code);
    EXPECT_TRUE(codes.insert(to_int(r.code)).second);
    EXPECT_TRUE(names.insert(r.name).second) << r.name;
    EXPECT_FALSE(r.message.empty());
    EXPECT_EQ(find_result_code(r.code), &r);
  }
  // Every server code of the protocol reference, section 6.1.
  for (int c : {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16, 17, 18,
                19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 32, 50, 51, 52, 53, 54, 55, 56,
                60, 61, 62, 63, 64, 65, 66, 70, 71, 72, 73, 74, 75, 80, 81, 82, 83, 90, 91,
                92, 93, 94, 100, 120, 121, 122, 123, 124, 125, 126, 127, 150, 151, 152, 160,
                200, 201, 202, 203, 204, 205, 206, 210, 211, 212, 213}) {
    EXPECT_TRUE(codes.count(c)) << c;
  }
  for (int c = -1; c >= -21; --c) EXPECT_TRUE(codes.count(c)) << c;
  EXPECT_EQ(result_code_name(ResultCode::kRecordNotFound), "ERR_RECORD_NOT_FOUND");
  EXPECT_EQ(result_code_name(static_cast<ResultCode>(31)), "UNKNOWN");
  EXPECT_EQ(result_code_message(static_cast<ResultCode>(-99)), "unknown result code");
  EXPECT_EQ(Status(ResultCode::kTimeout, "x").to_string(), "ERR_TIMEOUT(9): x");
  EXPECT_EQ(Status().to_string(), "OK(0)");
}

TEST(ResultType, HoldsValueOrError) {
  Result<int> ok(5);
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 5);
  EXPECT_TRUE(ok.status().ok());
  Result<int> bad(bad_response("nope"));
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ResultCode::kBadResponse);
  Result<int> misuse{Status()};  // an OK status is not an error: reported as a client error
  EXPECT_FALSE(misuse.ok());
  EXPECT_EQ(misuse.error().code(), ResultCode::kClientError);
}

}  // namespace
}  // namespace aero::wire
