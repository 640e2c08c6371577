// Query request encoding: byte-identical to the official C client's queries captured from a
// real 8.1.2 server (test/captures/operations/query_foreach.json.gz), and the bad-input
// errors of encode_query.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "client/wire/message.h"
#include "client/wire/query.h"
#include "test/wire/captures.h"

namespace aero::wire {
namespace {

using testing::load_captures;
using testing::to_hex;

// Rebuilds a QueryRequest from a captured request (the task id is random, so it is taken
// from the capture), encodes it and compares the bytes.
struct Decoded {
  QueryRequest q;
  std::vector<uint16_t> pids;
  std::vector<std::string> bins;
  std::vector<std::string_view> bin_views;
  std::string filter_bin, filter_str;
  std::shared_ptr<const std::string> filter_exp;
  int with_exp = 0;
  bool has_udf = false;  // set q.udf = &udf after the copy (spans point into the frame)
  QueryUdf udf;
  bool supported = true;  // only fields this encoder writes
};

Decoded decode(const std::vector<uint8_t>& frame) {
  Decoded d;
  auto msg = parse_single_message({frame.data() + 8, frame.size() - 8});
  EXPECT_TRUE(msg.ok());
  const MessageView& m = *msg;
  d.q.server_timeout_ms = m.header.transaction_ttl;
  d.q.include_bin_data = (m.header.info1 & info1::kNoBinData) == 0;
  bool has_range = false;
  for (const FieldView& f : m.fields()) {
    auto str = [&] { return std::string_view(reinterpret_cast<const char*>(f.data.data()), f.data.size()); };
    auto be = [&] {
      uint64_t v = 0;
      for (uint8_t b : f.data) v = (v << 8) | b;
      return v;
    };
    switch (f.field_type()) {
      case FieldType::kNamespace: d.q.ns = str(); break;
      case FieldType::kSet: d.q.set = str(); break;
      case FieldType::kSocketTimeout: d.q.socket_timeout_ms = static_cast<uint32_t>(be()); break;
      case FieldType::kRecordsPerSecond: d.q.records_per_second = static_cast<uint32_t>(be()); break;
      case FieldType::kTaskId: d.q.task_id = be(); break;
      case FieldType::kMaxRecords: d.q.max_records = be(); break;
      case FieldType::kPidArray:
        for (size_t i = 0; i + 1 < f.data.size(); i += 2) {
          d.pids.push_back(static_cast<uint16_t>(f.data[i] | (f.data[i + 1] << 8)));
        }
        break;
      case FieldType::kIndexRange: {
        has_range = true;
        const uint8_t* p = f.data.data();
        size_t bl = p[1];
        d.filter_bin.assign(reinterpret_cast<const char*>(p + 2), bl);
        uint8_t type = p[2 + bl];
        const uint8_t* v = p + 3 + bl;
        uint32_t len = (uint32_t{v[0]} << 24) | (uint32_t{v[1]} << 16) | (uint32_t{v[2]} << 8) | v[3];
        if (type == 1) {
          auto rd = [](const uint8_t* x) {
            uint64_t r = 0;
            for (int i = 0; i < 8; ++i) r = (r << 8) | x[i];
            return static_cast<int64_t>(r);
          };
          d.q.filter.kind = IndexFilter::Kind::kIntegerRange;
          d.q.filter.begin = rd(v + 4);
          d.q.filter.end = rd(v + 4 + 8 + 4);
        } else if (type == 3) {
          d.q.filter.kind = IndexFilter::Kind::kStringEqual;
          d.filter_str.assign(reinterpret_cast<const char*>(v + 4), len);
        } else {
          d.supported = false;
        }
        break;
      }
      case FieldType::kFilterExpression:
        d.filter_exp = std::make_shared<const std::string>(str());
        d.q.read.filter_exp = d.filter_exp;
        ++d.with_exp;
        break;
      case FieldType::kUdfOp:
        d.has_udf = true;
        d.udf.op = f.data.empty() ? 0 : f.data[0];
        break;
      case FieldType::kUdfPackageName: d.udf.module = str(); break;
      case FieldType::kUdfFunction: d.udf.function = str(); break;
      case FieldType::kUdfArgList: d.udf.args = f.data; break;
      default: d.supported = false; break;  // contexts, index types
    }
  }
  if (!has_range || d.filter_bin.empty()) d.supported = false;
  for (const OpView& op : m.ops()) d.bins.emplace_back(op.name);
  for (const std::string& b : d.bins) d.bin_views.push_back(b);
  d.q.filter.bin = d.filter_bin;
  d.q.filter.value = d.filter_str;
  d.q.partitions = d.pids;
  d.q.bin_names = d.bin_views;
  return d;
}

TEST(QueryEncodeTest, ByteIdenticalToCapturedQueries) {
  auto all = load_captures("test/captures/operations/query_foreach.json.gz");
  int compared = 0, integer = 0, string = 0, with_bins = 0, no_set = 0, with_exp = 0,
      aggregations = 0;
  for (const auto& v : all) {
    if (v.request.size() < 8 + 22 || v.request[1] != 3) continue;
    auto msg = parse_single_message({v.request.data() + 8, v.request.size() - 8});
    if (!msg.ok() || !msg->find_field(FieldType::kIndexRange)) continue;
    Decoded d = decode(v.request);
    if (!d.supported) continue;
    if (d.has_udf) {
      if (d.udf.op != 1) continue;  // background UDF queries: udf_batch_test
      d.q.udf = &d.udf;
      ++aggregations;
    }
    Buffer out;
    ASSERT_TRUE(encode_query(out, d.q).ok()) << v.name;
    EXPECT_EQ(to_hex(out.data(), out.size()), to_hex(v.request)) << v.name;
    ++compared;
    if (d.q.filter.kind == IndexFilter::Kind::kIntegerRange) ++integer;
    if (d.q.filter.kind == IndexFilter::Kind::kStringEqual) ++string;
    if (!d.bins.empty()) ++with_bins;
    if (d.q.set.empty()) ++no_set;
    with_exp += d.with_exp;
  }
  // The sample covers integer and string filters, with and without bin selection, and a
  // query over the whole namespace.
  EXPECT_GE(compared, 4);
  EXPECT_GT(integer, 0);
  EXPECT_GT(string, 0);
  EXPECT_GT(with_bins, 0);
  EXPECT_GT(no_set, 0);
  EXPECT_EQ(aggregations, 5);  // vectors 234-236, 262-263: UDF_OP 1, no PID_ARRAY
  EXPECT_GT(with_exp, 0);  // filter expressions (field 43) sit between INDEX_RANGE and PID_ARRAY
}

TEST(QueryEncodeTest, ResumeWritesDigestsBvalsAndMaxRecords) {
  Digest d{};
  d[0] = 0xAB;
  std::vector<Digest> digests{d};
  std::vector<int64_t> bvals{0x0102030405060708};
  std::vector<uint16_t> pids{7};
  QueryRequest q;
  q.ns = "test";
  q.task_id = 9;
  q.filter = {IndexFilter::Kind::kIntegerRange, "age", 1, 2, {}};
  q.partitions = pids;
  q.resume_after = digests;
  q.resume_bvals = bvals;
  q.max_records = 10;
  Buffer out;
  ASSERT_TRUE(encode_query(out, q).ok());
  auto msg = parse_single_message({out.data() + 8, out.size() - 8});
  ASSERT_TRUE(msg.ok());
  std::vector<int> order;
  for (const FieldView& f : msg->fields()) order.push_back(f.type);
  EXPECT_EQ(order, (std::vector<int>{0, 9, 7, 22, 11, 12, 15, 13}));
  auto bv = msg->find_field(FieldType::kBvalArray);
  ASSERT_TRUE(bv.has_value());
  EXPECT_EQ(to_hex(bv->data.data(), bv->data.size()), "0807060504030201");
}

TEST(QueryEncodeTest, BadInputIsRefused) {
  std::vector<uint16_t> pids{1};
  QueryRequest q;
  q.ns = "test";
  q.task_id = 1;
  q.partitions = pids;
  Buffer out;
  q.filter = {IndexFilter::Kind::kIntegerRange, "age", 5, 4, {}};
  EXPECT_FALSE(encode_query(out, q).ok());
  q.filter = {IndexFilter::Kind::kIntegerRange, "", 1, 4, {}};
  EXPECT_FALSE(encode_query(out, q).ok());
  q.filter = {IndexFilter::Kind::kStringEqual, "a_very_long_binname", 0, 0, "x"};
  EXPECT_FALSE(encode_query(out, q).ok());
  q.filter = {};
  q.task_id = 0;
  EXPECT_FALSE(encode_query(out, q).ok());
  q.task_id = 1;
  q.partitions = {};
  EXPECT_FALSE(encode_query(out, q).ok());
  q.background = true;  // background: every partition, but it needs write ops
  EXPECT_FALSE(encode_query(out, q).ok());
}

}  // namespace
}  // namespace aero::wire
