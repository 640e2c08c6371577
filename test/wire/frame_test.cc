// The 8-byte proto header and compressed (type 4) frames.
#include <gtest/gtest.h>
#include <zlib.h>

#include "client/wire/wire.h"
#include "test/wire/captures.h"

namespace aero::wire {
namespace {

using testing::from_hex;

TEST(ProtoHeader, ParsesAndValidates) {
  auto h = parse_proto_header(from_hex("0203000000000065"), ExpectedFrame::kMessage);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->type, ProtoType::kMessage);
  EXPECT_EQ(h->body_size, 101u);

  EXPECT_EQ(parse_proto_header(from_hex("02030000000000"), ExpectedFrame::kAny).error().code(),
            ResultCode::kBadResponse);  // 7 bytes
  EXPECT_NE(parse_proto_header(from_hex("0303000000000000")).error().message().find("version 3"),
            std::string::npos);
  EXPECT_NE(parse_proto_header(from_hex("0205000000000000")).error().message().find("type 5"),
            std::string::npos);
  EXPECT_FALSE(parse_proto_header(from_hex("0200000000000000")).ok());
  EXPECT_FALSE(parse_proto_header(from_hex("0201000000000000"), ExpectedFrame::kMessage).ok());
  EXPECT_TRUE(parse_proto_header(from_hex("0204000000000010"), ExpectedFrame::kMessage).ok());
  EXPECT_FALSE(parse_proto_header(from_hex("0203000000000010"), ExpectedFrame::kInfo).ok());
  // 128 MiB is the limit; one more byte is an error; so is a huge 48-bit size.
  EXPECT_TRUE(parse_proto_header(from_hex("0203000008000000")).ok());
  auto big = parse_proto_header(from_hex("0203000008000001"));
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.error().message().find("exceeds"), std::string::npos);
  EXPECT_FALSE(parse_proto_header(from_hex("0203ffffffffffff")).ok());
  // A caller limit (e.g. 512 KiB for tend info calls).
  EXPECT_FALSE(parse_proto_header(from_hex("0201000000080001"), ExpectedFrame::kInfo, 512 * 1024).ok());
}

TEST(ProtoHeader, WriteThenParse) {
  uint8_t b[8];
  write_proto_header(b, ProtoType::kInfo, 0x123456);
  auto h = parse_proto_header(b);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->type, ProtoType::kInfo);
  EXPECT_EQ(h->body_size, 0x123456u);
}

Buffer sample_frame() {
  Buffer out;
  std::vector<Bin> bins;
  for (int i = 0; i < 20; ++i) bins.emplace_back("b" + std::to_string(i), std::string(50, 'a' + i % 26));
  EXPECT_TRUE(encode_record_response(out, ResultCode::kOk, 3, 77, bins).ok());
  return out;
}

TEST(Compression, RoundTrip) {
  const Buffer frame = sample_frame();
  Buffer compressed;
  ASSERT_TRUE(compress_frame(frame.span(), compressed).ok());
  EXPECT_LT(compressed.size(), frame.size());
  auto h = parse_proto_header(compressed.span(), ExpectedFrame::kMessage);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->type, ProtoType::kCompressedMessage);
  Buffer scratch;
  auto body = frame_message_body(compressed.span(), scratch);
  ASSERT_TRUE(body.ok()) << body.error().to_string();
  EXPECT_TRUE(std::equal(body->begin(), body->end(), frame.data() + 8, frame.data() + frame.size()));
  auto m = parse_record_response(*body);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->n_ops, 20);
}

// Builds a type-4 frame around arbitrary inflated bytes with an arbitrary declared size.
Buffer type4(std::span<const uint8_t> inner, uint64_t declared) {
  uLongf n = compressBound(inner.size());
  std::vector<uint8_t> z(n);
  EXPECT_EQ(compress2(z.data(), &n, inner.data(), inner.size(), 1), Z_OK);
  Buffer out;
  out.resize(16 + n);
  write_proto_header(out.data(), ProtoType::kCompressedMessage, 8 + n);
  detail::store_u64be(out.data() + 8, declared);
  std::memcpy(out.data() + 16, z.data(), n);
  return out;
}

TEST(Compression, RejectsEveryInconsistency) {
  const Buffer frame = sample_frame();
  Buffer scratch;
  auto expect_error = [&](const Buffer& f, const char* fragment) {
    auto r = frame_message_body(f.span(), scratch);
    ASSERT_FALSE(r.ok()) << fragment;
    EXPECT_EQ(r.error().code(), ResultCode::kBadResponse);
    EXPECT_NE(r.error().message().find(fragment), std::string::npos) << r.error().message();
  };
  expect_error(type4(frame.span(), frame.size() + 1), "not the declared");
  expect_error(type4(frame.span(), frame.size() - 1), "more than the declared");
  expect_error(type4(frame.span(), 8ull << 40), "uncompressed size");
  expect_error(type4(frame.span(), 10), "uncompressed size");

  // Inner frame of the wrong type.
  Buffer info;
  const std::string_view cmds[] = {"node"};
  ASSERT_TRUE(encode_info_request(info, cmds).ok());
  std::vector<uint8_t> padded(info.data(), info.data() + info.size());
  padded.resize(40, '\n');
  write_proto_header(padded.data(), ProtoType::kInfo, 32);
  expect_error(type4(padded, padded.size()), "type 1");

  // Inner header size disagreeing with the inflated size.
  std::vector<uint8_t> lie(frame.data(), frame.data() + frame.size());
  write_proto_header(lie.data(), ProtoType::kMessage, frame.size() - 8 - 1);
  expect_error(type4(lie, lie.size()), "inner header");

  // Truncated zlib stream, garbage, trailing bytes.
  Buffer good = type4(frame.span(), frame.size());
  Buffer cut;
  cut.resize(good.size() - 5);
  std::memcpy(cut.data(), good.data(), cut.size());
  write_proto_header(cut.data(), ProtoType::kCompressedMessage, cut.size() - 8);
  expect_error(cut, "truncated");
  Buffer garbage = good;
  for (size_t i = 16; i < garbage.size(); ++i) garbage.data()[i] ^= 0x5a;
  expect_error(garbage, "zlib");
  Buffer trailing;
  trailing.resize(good.size() + 3);
  std::memcpy(trailing.data(), good.data(), good.size());
  trailing.data()[good.size()] = 1;
  write_proto_header(trailing.data(), ProtoType::kCompressedMessage, trailing.size() - 8);
  expect_error(trailing, "after the zlib stream");
  // Body too short for the size prefix.
  Buffer tiny;
  tiny.resize(12);
  write_proto_header(tiny.data(), ProtoType::kCompressedMessage, 4);
  expect_error(tiny, "8-byte uncompressed size");
}

TEST(Compression, DeclaredSizeAloneDoesNotAllocate) {
  // 100 MiB declared, a few bytes of stream: the scratch buffer must stay small.
  const uint8_t small[] = {1, 2, 3};
  Buffer f = type4(small, 100ull << 20);
  Buffer scratch;
  EXPECT_FALSE(frame_message_body(f.span(), scratch).ok());
  EXPECT_LT(scratch.capacity(), 1u << 20);
}

TEST(Buffer, GrowsKeepsBytesAndReusesCapacity) {
  Buffer b;
  b.resize(3);
  b.data()[0] = 1;
  b.data()[2] = 3;
  b.resize(1000);
  EXPECT_EQ(b.data()[0], 1);
  EXPECT_EQ(b.data()[2], 3);
  const uint8_t* before = b.data();
  b.clear();
  b.resize(900);
  EXPECT_EQ(b.data(), before);  // no reallocation within capacity
  Buffer copy = b;
  EXPECT_EQ(copy.size(), 900u);
  Buffer moved = std::move(copy);
  EXPECT_EQ(moved.size(), 900u);
  EXPECT_EQ(copy.size(), 0u);  // NOLINT: moved-from is empty by contract
}

}  // namespace
}  // namespace aero::wire
