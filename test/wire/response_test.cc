// Response decoding: round trips through the server-side encoders for every value type and
// stream shape, and robustness: every truncation and many corruptions of real captured
// responses give a clear error (never a crash or an out-of-bounds read; ASan checks that).
#include <gtest/gtest.h>

#include <random>

#include "client/wire/wire.h"
#include "test/wire/captures.h"

namespace aero::wire {
namespace {

using testing::CaptureVector;
using testing::from_hex;
using testing::load_captures;

TEST(ResponseRoundTrip, RecordWithEveryValueType) {
  Map m;
  m.entries.emplace_back(1, "one");
  m.entries.emplace_back("two", List{{2.0, nullptr}});
  const std::vector<Bin> bins = {
      {"n", nullptr},   {"i", INT64_MIN},     {"d", -0.5},         {"s", ""},
      {"b", Bytes()}, {"t", true},          {"l", List{{}, 1}},  {"m", m},
      {"g", GeoJson{"{}"}}, {"j", Bytes({7}, particle::kJavaBlob)},
  };
  Buffer out;
  ASSERT_TRUE(encode_record_response(out, ResultCode::kOk, 12, 345, bins).ok());
  Buffer scratch;
  auto body = frame_message_body(out.span(), scratch);
  ASSERT_TRUE(body.ok());
  auto msg = parse_record_response(*body);
  ASSERT_TRUE(msg.ok()) << msg.error().to_string();
  EXPECT_EQ(msg->result(), ResultCode::kOk);
  auto rec = msg->to_record();
  ASSERT_TRUE(rec.ok()) << rec.error().to_string();
  EXPECT_EQ(rec->generation, 12u);
  EXPECT_EQ(rec->void_time, 345u);
  EXPECT_EQ(rec->bins, bins);
  // Views: scalars read without allocating, pointing into the frame body.
  for (OpView op : msg->ops()) {
    EXPECT_GE(op.name.data(), reinterpret_cast<const char*>(body->data()));
    EXPECT_LT(op.name.data(), reinterpret_cast<const char*>(body->data() + body->size()));
    if (op.name == "i") {
      EXPECT_EQ(*op.value.to_int(), INT64_MIN);
    }
    if (op.name == "d") {
      EXPECT_EQ(*op.value.to_double(), -0.5);
    }
    if (op.name == "t") {
      EXPECT_TRUE(*op.value.to_bool());
    }
    if (op.name == "g") {
      EXPECT_EQ(*op.value.to_string(), "{}");
    }
    if (op.name == "s") {
      EXPECT_EQ(*op.value.to_string(), "");
      EXPECT_FALSE(op.value.to_int().ok());
    }
  }
}

TEST(ResponseRoundTrip, ErrorResponsesAndOperateEcho) {
  Buffer out;
  ASSERT_TRUE(encode_record_response(out, ResultCode::kGenerationError, 4, 0, {}).ok());
  Buffer scratch;
  auto msg = parse_record_response(*frame_message_body(out.span(), scratch));
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ(msg->result(), ResultCode::kGenerationError);
  EXPECT_EQ(msg->n_ops, 0);
  const Bin echo[] = {{"w", nullptr}, {"w", 7}};
  ASSERT_TRUE(encode_record_response(out, ResultCode::kOk, 5, 0, echo, OpType::kWrite).ok());
  msg = parse_record_response(*frame_message_body(out.span(), scratch));
  ASSERT_TRUE(msg.ok());
  for (OpView op : msg->ops()) EXPECT_EQ(op.op_type, static_cast<uint8_t>(OpType::kWrite));
}

TEST(ResponseRoundTrip, BatchAndScanStreams) {
  Buffer out;
  FrameWriter w(out);
  const Bin bins[] = {{"a", 1}};
  add_batch_row(w, 7, ResultCode::kOk, 2, 100, bins);
  add_batch_row(w, 3, ResultCode::kRecordNotFound, 0, 0, {});
  const Key key("test", "demo", "k");
  ScanRecordRef rec;
  rec.ns = "test";
  rec.set = "demo";
  rec.digest = key.digest();
  rec.user_key = key.user_key();
  rec.generation = 9;
  rec.bins = bins;
  add_scan_record(w, rec);
  Value int_key(5);
  rec.user_key = &int_key;
  rec.no_bin_data = true;
  add_scan_record(w, rec);
  w.add_partition_done(1234, ResultCode::kPartitionUnavailable);
  w.add_last(ResultCode::kOk);
  ASSERT_TRUE(w.finish().ok());

  Buffer scratch;
  auto body = frame_message_body(out.span(), scratch);
  ASSERT_TRUE(body.ok());
  MessageIterator it(*body);
  std::vector<MessageView> msgs;
  while (true) {
    auto m = it.next();
    ASSERT_TRUE(m.ok()) << m.error().to_string();
    if (!m->has_value()) break;
    msgs.push_back(**m);
  }
  ASSERT_EQ(msgs.size(), 6u);
  EXPECT_EQ(msgs[0].batch_index(), 7u);
  EXPECT_EQ(msgs[0].void_time(), 100u);
  EXPECT_EQ(msgs[1].batch_index(), 3u);
  EXPECT_EQ(msgs[1].result(), ResultCode::kRecordNotFound);
  EXPECT_EQ(msgs[2].digest(), std::optional<Digest>(key.digest()));
  EXPECT_EQ(*msgs[2].user_key()->to_value(), Value("k"));
  EXPECT_EQ(msgs[2].n_ops, 1);
  EXPECT_EQ(*msgs[3].user_key()->to_value(), Value(5));
  EXPECT_EQ(msgs[3].header.info1, info1::kNoBinData);
  EXPECT_EQ(msgs[3].n_ops, 0);
  EXPECT_TRUE(msgs[4].is_partition_done());
  EXPECT_EQ(msgs[4].partition_id(), 1234u);
  EXPECT_EQ(msgs[4].result(), ResultCode::kPartitionUnavailable);
  EXPECT_TRUE(msgs[5].is_last());
  EXPECT_TRUE(it.at_end());
}

TEST(ResponseErrors, ClearMessages) {
  auto err = [](const std::string& hex) {
    auto bytes = from_hex(hex);
    auto m = parse_single_message(bytes);
    EXPECT_FALSE(m.ok()) << hex;
    EXPECT_EQ(m.error().code(), ResultCode::kBadResponse);
    return m.error().message();
  };
  EXPECT_NE(err("1600").find("needs 22 bytes"), std::string::npos);
  EXPECT_NE(err("15000000000000000000000000000000000000000000").find("size byte is 21"), std::string::npos);
  // one field declared, none present
  EXPECT_NE(err("16000000000000000000000000000000000000010000").find("field 0"), std::string::npos);
  // field of size 0
  EXPECT_NE(err("1600000000000000000000000000000000000001000000000000").find("size 0"), std::string::npos);
  // field overruns
  EXPECT_NE(err("160000000000000000000000000000000000000100000000000900").find("declares 9 bytes"),
            std::string::npos);
  // op with size 3
  EXPECT_NE(err("1600000000000000000000000000000000000000000100000003010000").find("below the 4-byte"),
            std::string::npos);
  // op name longer than the op
  EXPECT_NE(err("160000000000000000000000000000000000000000010000000401000005").find("bin name"),
            std::string::npos);
  // integer of 9 bytes
  EXPECT_NE(err("160000000000000000000000000000000000000000010000000e0101000161000000000000000001")
                .find("INTEGER"),
            std::string::npos);
  // double of 4 bytes
  EXPECT_NE(err("16000000000000000000000000000000000000000001000000090102000161000000003f")
                .find("DOUBLE"),
            std::string::npos);
  // list particle that is a msgpack map
  EXPECT_NE(err("1600000000000000000000000000000000000000000100000006011400016180").find("LIST"),
            std::string::npos);
  // trailing bytes after a single message
  EXPECT_NE(err("16000000000000000000000000000000000000000000ff").find("1 more"), std::string::npos);
}

// Every strict prefix of every captured response body fails to parse as a full stream, with
// an error, never a crash; every single-byte corruption either parses or errors cleanly.
TEST(ResponseErrors, EveryTruncationAndCorruptionOfCapturesIsHandled) {
  std::mt19937 rng(12345);
  size_t truncations = 0, corruptions = 0;
  for (const char* file : {"test/wire/testdata/single-node.json", "test/wire/testdata/three-nodes.json"}) {
    for (const CaptureVector& v : load_captures(file)) {
      for (const auto& frame : v.responses) {
        if (frame[1] != 3) continue;  // message frames only (info has its own tests)
        const std::span<const uint8_t> body(frame.data() + 8, frame.size() - 8);
        auto walk = [](std::span<const uint8_t> b) {
          MessageIterator it(b);
          for (int i = 0; i < 10000; ++i) {
            auto m = it.next();
            if (!m.ok()) return false;
            if (!m->has_value()) return true;
            (void)(*m)->to_record();
          }
          return false;
        };
        ASSERT_TRUE(walk(body)) << v.name;
        for (size_t n = 1; n < body.size(); ++n) {
          // A truncated stream can end on a message boundary; then it parses (fewer messages).
          MessageIterator it(body.first(n));
          bool failed = false;
          while (true) {
            auto m = it.next();
            if (!m.ok()) {
              failed = true;
              EXPECT_EQ(m.error().code(), ResultCode::kBadResponse);
              break;
            }
            if (!m->has_value()) break;
          }
          if (!failed) {
            EXPECT_TRUE(it.at_end());
          }
          ++truncations;
        }
        for (int k = 0; k < 64; ++k) {
          std::vector<uint8_t> bad(body.begin(), body.end());
          bad[rng() % bad.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
          (void)walk(bad);
          ++corruptions;
        }
      }
    }
  }
  EXPECT_GT(truncations, 1000u);
  EXPECT_GT(corruptions, 1000u);
}

}  // namespace
}  // namespace aero::wire
