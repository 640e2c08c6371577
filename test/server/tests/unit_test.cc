// Unit tests of the server's own pieces (no sockets): request header checks, message parsing
// limits, the response writer, base64, partition balance, fault counting and the clock.
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "test/server/clock.h"
#include "test/server/faults.h"
#include "test/server/message.h"
#include "test/server/partition_map.h"
#include "test/server/response.h"
#include "test/server/wire.h"

namespace {

namespace ts = aero::testserver;
namespace wire = aero::testserver::wire;

std::vector<uint8_t> bytes(std::initializer_list<int> v) {
  std::vector<uint8_t> out;
  for (int x : v) out.push_back(uint8_t(x));
  return out;
}

TEST(Wire, RequestHeaderVerdicts) {
  EXPECT_EQ(wire::check_request_header(bytes({2, 3, 0, 0, 0, 0, 0, 22}).data()),
            wire::HeaderVerdict::kOk);
  EXPECT_EQ(wire::check_request_header(bytes({1, 3, 0, 0, 0, 0, 0, 22}).data()),
            wire::HeaderVerdict::kBadVersion);
  EXPECT_EQ(wire::check_request_header(bytes({0, 2, 0, 0, 0, 0, 0, 16}).data()),
            wire::HeaderVerdict::kOk);  // version 0 tolerated on admin messages
  EXPECT_EQ(wire::check_request_header(bytes({2, 5, 0, 0, 0, 0, 0, 1}).data()),
            wire::HeaderVerdict::kBadType);
  EXPECT_EQ(wire::check_request_header(bytes({2, 3, 0, 0, 8, 0, 0, 0}).data()),
            wire::HeaderVerdict::kOk);  // exactly 128 MiB
  EXPECT_EQ(wire::check_request_header(bytes({2, 3, 0, 0, 8, 0, 0, 1}).data()),
            wire::HeaderVerdict::kTooLarge);
  EXPECT_EQ(wire::check_request_header(bytes({22, 3, 1, 0, 0x2e, 1, 0, 0}).data()),
            wire::HeaderVerdict::kTlsClientHello);
  const auto h = wire::decode_proto_header(bytes({2, 1, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc}).data());
  EXPECT_EQ(h.size, 0x123456789abcull);
}

std::vector<uint8_t> message(std::vector<uint8_t> fields_and_ops, uint16_t nf, uint16_t no) {
  std::vector<uint8_t> m(22, 0);
  m[0] = 22;
  m[1] = 0x03;
  m[18] = uint8_t(nf >> 8);
  m[19] = uint8_t(nf);
  m[20] = uint8_t(no >> 8);
  m[21] = uint8_t(no);
  for (uint8_t b : fields_and_ops) m.push_back(b);  // (insert() trips a g++ 12 false warning)
  return m;
}

TEST(Message, ParsesFieldsAnyOrderAndOps) {
  // field set "d", field ns "t", unknown field 200, op read "ab".
  auto m = message(bytes({0, 0, 0, 2, 1, 'd', 0, 0, 0, 2, 0, 't', 0, 0, 0, 1, 200,
                          0, 0, 0, 6, 1, 0, 0, 2, 'a', 'b'}),
                   3, 1);
  ts::MessageView v;
  ASSERT_EQ(ts::parse_message(m.data(), m.size(), v), ts::ParseStatus::kOk);
  EXPECT_EQ(v.info1, 0x03);
  EXPECT_EQ(v.field(wire::field::kNamespace).str(), "t");
  EXPECT_EQ(v.field(wire::field::kSet).str(), "d");
  EXPECT_FALSE(v.has(wire::field::kDigest));
  ts::OpIterator it = v.ops();
  ts::OpView op;
  ASSERT_TRUE(it.next(op));
  EXPECT_EQ(op.type, 1);
  EXPECT_EQ(op.name, "ab");
  EXPECT_EQ(op.value_size, 0u);
  EXPECT_FALSE(it.next(op));
}

TEST(Message, RejectsInconsistentLengths) {
  ts::MessageView v;
  auto short_msg = bytes({22, 0, 0});
  EXPECT_EQ(ts::parse_message(short_msg.data(), short_msg.size(), v), ts::ParseStatus::kTooShort);
  auto bad_header = message({}, 0, 0);
  bad_header[0] = 21;
  EXPECT_EQ(ts::parse_message(bad_header.data(), bad_header.size(), v),
            ts::ParseStatus::kBadHeaderSize);
  auto field_overrun = message(bytes({0, 0, 0, 9, 0, 't'}), 1, 0);
  EXPECT_EQ(ts::parse_message(field_overrun.data(), field_overrun.size(), v),
            ts::ParseStatus::kTruncatedField);
  auto zero_field = message(bytes({0, 0, 0, 0, 0}), 1, 0);
  EXPECT_EQ(ts::parse_message(zero_field.data(), zero_field.size(), v),
            ts::ParseStatus::kTruncatedField);
  auto op_name_overrun = message(bytes({0, 0, 0, 4, 1, 0, 0, 9}), 0, 1);
  EXPECT_EQ(ts::parse_message(op_name_overrun.data(), op_name_overrun.size(), v),
            ts::ParseStatus::kTruncatedOp);
  auto huge_counts = message({}, 0xFFFF, 0xFFFF);
  EXPECT_EQ(ts::parse_message(huge_counts.data(), huge_counts.size(), v),
            ts::ParseStatus::kTruncatedField);
  auto trailing = message(bytes({7}), 0, 0);
  EXPECT_EQ(ts::parse_message(trailing.data(), trailing.size(), v),
            ts::ParseStatus::kTrailingBytes);
}

TEST(Response, WritesFramesMessagesFieldsOps) {
  std::vector<uint8_t> out;
  ts::ResponseWriter w(out);
  w.begin_frame(wire::kTypeMessage);
  ts::MsgHeader h;
  h.generation = 1;
  w.begin_message(h);
  w.add_op(wire::op::kRead, wire::particle::kString, "name", "alice", 5);
  const uint8_t age[8] = {0, 0, 0, 0, 0, 0, 0, 30};
  w.add_op(wire::op::kRead, wire::particle::kInteger, "age", age, 8);
  w.end_message();
  w.end_frame();
  // The get answer of the protocol reference (section 11.4).
  const auto want = bytes({0x02, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3a, 0x16, 0x00, 0x00,
                           0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
                           0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
                           0x0d, 0x01, 0x03, 0x00, 0x04, 'n',  'a',  'm',  'e',  'a',  'l',
                           'i',  'c',  'e',  0x00, 0x00, 0x00, 0x0f, 0x01, 0x01, 0x00, 0x03,
                           'a',  'g',  'e',  0,    0,    0,    0,    0,    0,    0,    30});
  EXPECT_EQ(out, want);
  // An abandoned frame leaves nothing behind.
  const size_t before = out.size();
  w.begin_frame(wire::kTypeMessage);
  w.abandon_frame();
  EXPECT_EQ(out.size(), before);
}

TEST(PartitionMap, Base64AndBitmaps) {
  const uint8_t abc[] = {'a', 'b', 'c', 'd'};
  EXPECT_EQ(ts::base64_encode(abc, 3), "YWJj");
  EXPECT_EQ(ts::base64_encode(abc, 4), "YWJjZA==");
  EXPECT_EQ(ts::base64_encode(abc, 2), "YWI=");
  auto single = ts::balance_partitions({1}, {true}, 1, 1);
  const std::string all = ts::replicas_bitmap(*single, 0, 0, 0);
  EXPECT_EQ(all, std::string(680, '/') + "//8=");  // as the single-node capture shows
}

TEST(PartitionMap, BalanceIsDeterministicSpreadAndStable) {
  std::vector<uint64_t> ids = {11, 22, 33, 44, 55};
  auto a = ts::balance_partitions(ids, {true, true, true, true, true}, 1, 3);
  auto b = ts::balance_partitions(ids, {true, true, true, true, true}, 1, 3);
  EXPECT_EQ(a->owners, b->owners);
  EXPECT_EQ(a->n_replicas, 3u);
  for (int n = 0; n < 5; ++n) {
    EXPECT_GT(a->count(0, 0, n), 4096u / 5 / 2);
    EXPECT_LT(a->count(0, 0, n), 4096u / 5 * 2);
  }
  // Node 4 leaves: only partitions it held change hands.
  auto c = ts::balance_partitions(ids, {true, true, true, true, false}, 1, 3);
  for (uint32_t pid = 0; pid < 4096; ++pid) {
    if (a->column_of(0, pid, 4) < 0) {
      EXPECT_EQ(a->owners[0][pid], c->owners[0][pid]) << pid;
    }
    EXPECT_LT(c->column_of(0, pid, 4), 0);
  }
}

TEST(Faults, CountsScopesAndClears) {
  ts::FaultState s;
  std::chrono::milliseconds d{0};
  EXPECT_EQ(s.take(false, &d), ts::FaultKind::kNone);
  s.set(ts::Fault::delay_by(std::chrono::milliseconds(7)).only(ts::FaultScope::kInfoRequests).times(2));
  EXPECT_EQ(s.take(false, &d), ts::FaultKind::kNone);
  EXPECT_EQ(s.take(true, &d), ts::FaultKind::kDelay);
  EXPECT_EQ(d.count(), 7);
  EXPECT_EQ(s.take(true, &d), ts::FaultKind::kDelay);
  EXPECT_EQ(s.take(true, &d), ts::FaultKind::kNone);
  s.set(ts::Fault::hang());
  for (int i = 0; i < 5; ++i) EXPECT_EQ(s.take(i % 2 == 0, &d), ts::FaultKind::kHang);
  s.clear();
  EXPECT_EQ(s.take(true, &d), ts::FaultKind::kNone);
}

TEST(Clock, FreezeAndAdvance) {
  ts::Clock c;
  const uint32_t real = c.now();
  EXPECT_GT(real, 500000000u);  // after 2025 in seconds since 2010
  c.freeze();
  const uint32_t t = c.now();
  c.advance(std::chrono::seconds(100));
  EXPECT_EQ(c.now(), t + 100);
  c.advance(std::chrono::seconds(-40));
  EXPECT_EQ(c.now(), t + 60);
  c.unfreeze();
  EXPECT_GE(c.now(), t + 60);
}

}  // namespace
