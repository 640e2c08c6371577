// Batch UDF rows (BatchRowKind::kUdf) encoded byte for byte as the official client sent them
// to a real server (test/captures/operations/udf_record.json.gz: one UDF over two keys, sent
// as a full row and a REPEAT row; three rows with different functions, each in full).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client/wire/batch.h"
#include "client/wire/udf.h"
#include "test/wire/captures.h"

namespace aero::wire {
namespace {

using testing::ByteVec;
using testing::from_hex;

struct UdfRowSpec {
  const char* digest_hex;
  const char* function;
  std::vector<Value> args;
};

// Encodes `specs` as rows 0..n-1 of set test/query_bg with the capture's timeout (1000 ms).
ByteVec encode(const std::vector<UdfRowSpec>& specs) {
  std::vector<Key> keys;
  std::vector<BatchUdf> udfs(specs.size());
  for (size_t i = 0; i < specs.size(); ++i) {
    const ByteVec d = from_hex(specs[i].digest_hex);
    Digest digest{};
    std::copy(d.begin(), d.end(), digest.begin());
    keys.push_back(Key::from_digest("test", "query_bg", digest));
    udfs[i].module = "udf_record";
    udfs[i].function = specs[i].function;
    encode_udf_args(specs[i].args, udfs[i].args);
  }
  std::vector<BatchRow> rows(specs.size());
  for (size_t i = 0; i < specs.size(); ++i) {
    rows[i].key = &keys[i];
    rows[i].index = static_cast<uint32_t>(i);
    rows[i].kind = BatchRowKind::kUdf;
    rows[i].udf = &udfs[i];
  }
  BatchAttrs a;
  a.server_timeout_ms = 1000;
  Buffer out;
  EXPECT_TRUE(encode_batch(out, rows, a).ok());
  return ByteVec(out.span().begin(), out.span().end());
}

const testing::CaptureVector& capture(const std::string& name) {
  static const auto all = testing::load_captures("test/captures/operations/udf_record.json.gz");
  return testing::find_capture(all, name);
}

TEST(UdfBatchEncode, OneUdfOverTwoKeysUsesARepeatRow) {
  EXPECT_EQ(encode({{"6891da5468b918163177c059f601181f8047f974", "write_bin", {Value("B5"), Value("value5")}},
                    {"f75ec6f2da3f0574ff45f0135bc4dcc5e194046a", "write_bin", {Value("B5"), Value("value5")}}}),
            capture("udf_record #11").request);
  EXPECT_EQ(encode({{"9f07ff491b5c63982d9bd08d474e9a9e9090037e", "write_bin_validate", {Value("B5"), Value(int64_t{999})}},
                    {"230e96c9099fe24fbba9aa1d8be88f1fe18eb123", "write_bin_validate", {Value("B5"), Value(int64_t{999})}}}),
            capture("udf_record #14").request);
}

TEST(UdfBatchEncode, DifferentUdfsAreSentInFull) {
  EXPECT_EQ(encode({{"9793228b98a59d89b8a09953931e977b5e8f8ca0", "write_bin", {Value("B5"), Value("value1")}},
                    {"42bd8511a6f0d2fec72e72d84637e95b57f5a032", "write_bin_validate", {Value("B5"), Value(int64_t{5})}},
                    {"42bd8511a6f0d2fec72e72d84637e95b57f5a032", "write_bin_validate", {Value("B5"), Value(int64_t{999})}}}),
            capture("udf_record #15").request);
}

TEST(UdfBatchEncode, BadRowsAreRefused) {
  Key k("test", "s", 1);
  BatchUdf udf;
  udf.module = "m";
  udf.function = std::string(128, 'f');
  BatchRow row;
  row.key = &k;
  row.kind = BatchRowKind::kUdf;
  Buffer out;
  EXPECT_EQ(encode_batch(out, std::span(&row, 1), BatchAttrs()).code(), ResultCode::kParamError);  // no UDF
  row.udf = &udf;
  EXPECT_EQ(encode_batch(out, std::span(&row, 1), BatchAttrs()).code(), ResultCode::kParamError);
  udf.function = "f";
  udf.module.clear();
  EXPECT_EQ(encode_batch(out, std::span(&row, 1), BatchAttrs()).code(), ResultCode::kParamError);
  udf.module = "m";
  EXPECT_TRUE(encode_batch(out, std::span(&row, 1), BatchAttrs()).ok());
}

}  // namespace
}  // namespace aero::wire
