// Connection handling through real sockets: pipelining (answers in request order), many
// connections at once, several loop threads, protocol errors, admin and compressed frames.
#include <gtest/gtest.h>
#include <zlib.h>

#include <atomic>
#include <thread>

#include "test/server/tests/test_util.h"

namespace {

using namespace testclient;
using aero::testserver::ClusterOptions;

TEST(Connection, PipelinedRequestsAreAnsweredInOrder) {
  auto cluster = start_cluster(ClusterOptions{});
  RawConnection c = connect_to(*cluster);
  Bytes batch;
  for (int k = 0; k < 300; ++k) {
    Msg put = keyed("test", "demo", digest_for(uint64_t(k)));
    put.info2 = 0x01;
    put.ops = {write_int("k", k)};
    batch += message_frame(put);
    Msg read = keyed("test", "demo", digest_for(uint64_t(k)));
    read.info1 = 0x03;
    batch += message_frame(read);
    if (k % 50 == 0) batch += info_frame({"build"});
  }
  ASSERT_TRUE(c.send(batch));  // one write holding 606 requests
  for (int k = 0; k < 300; ++k) {
    Frame put, read;
    ASSERT_EQ(c.read_frame(&put), ReadStatus::kOk);
    ASSERT_EQ(first_message(put.body).generation, 1u);
    ASSERT_EQ(c.read_frame(&read), ReadStatus::kOk);
    ASSERT_EQ(int_bin(first_message(read.body), "k"), k);
    if (k % 50 == 0) {
      Frame info;
      ASSERT_EQ(c.read_frame(&info), ReadStatus::kOk);
      ASSERT_EQ(info.type, 1);
    }
  }
}

TEST(Connection, ManyConnectionsAtOnceOnSeveralLoops) {
  ClusterOptions o;
  o.nodes = 2;
  o.loops_per_node = 3;
  auto cluster = start_cluster(o);
  constexpr int kThreads = 4, kConnsPerThread = 16, kRounds = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<RawConnection> conns(kConnsPerThread);
      for (int i = 0; i < kConnsPerThread; ++i) {
        if (!conns[size_t(i)].connect(cluster->node(size_t(i % 2)).port())) ++failures;
      }
      for (int round = 0; round < kRounds; ++round) {
        for (int i = 0; i < kConnsPerThread; ++i) {
          const uint64_t key = uint64_t(t * 100000 + i * 1000 + round);
          Msg put = keyed("test", "demo", digest_for(key));
          put.info2 = 0x01;
          put.ops = {write_int("v", int64_t(key))};
          auto w = call_msg(conns[size_t(i)], put);
          Msg read = keyed("test", "demo", digest_for(key));
          read.info1 = 0x03;
          auto r = call_msg(conns[size_t(i)], read);
          if (!w || w->result != 0 || !r || int_bin(*r, "v") != int64_t(key)) ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(cluster->record_count("test"), size_t(kThreads * kConnsPerThread * kRounds));
  const auto s0 = cluster->node(0).stats(), s1 = cluster->node(1).stats();
  EXPECT_EQ(s0.connections_opened + s1.connections_opened, size_t(kThreads * kConnsPerThread));
  EXPECT_EQ(s0.record_requests + s1.record_requests, size_t(2 * kThreads * kConnsPerThread * kRounds));
}

TEST(Connection, BadHeadersCloseTheConnection) {
  auto cluster = start_cluster(ClusterOptions{});
  const Bytes bad[] = {
      from_hex("0303000000000016"),                    // version 3
      from_hex("0209000000000001") + "x",              // type 9
      from_hex("0203000008000001"),                    // 128 MiB + a bit
      from_hex("160301002e01000000"),                  // a TLS ClientHello
  };
  for (const Bytes& b : bad) {
    RawConnection c = connect_to(*cluster);
    ASSERT_TRUE(c.send(b));
    EXPECT_EQ(c.wait_readable(std::chrono::seconds(10)), ReadStatus::kClosed) << to_hex(b);
  }
  EXPECT_EQ(cluster->node(0).stats().protocol_errors, 4u);
  // Admin messages with version 0 are tolerated.
  RawConnection c = connect_to(*cluster);
  Bytes login = frame(2, Bytes(16, '\0'));
  login[0] = 0;
  login[8 + 2] = 20;  // LOGIN
  auto f = c.call(login);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, 2);
  ASSERT_EQ(f->body.size(), 16u);
  EXPECT_EQ(uint8_t(f->body[1]), 52);  // security not enabled: clients treat it as success
  EXPECT_EQ(uint8_t(f->body[2]), 20);
}

TEST(Connection, MalformedMessagesGetParameterErrorAndTheConnectionLives) {
  auto cluster = start_cluster(ClusterOptions{});
  RawConnection c = connect_to(*cluster);
  Msg m = keyed("test", "demo", digest_for(1));
  m.info1 = 0x03;
  Bytes body = encode_body(m);
  const Bytes cases[] = {
      body + "xx",                               // trailing bytes
      body.substr(0, body.size() - 4),           // a field runs past the end
      Bytes("\x16\x03", 2),                      // shorter than a header
      Bytes(1, '\x15') + body.substr(1),         // header size not 22
  };
  for (const Bytes& b : cases) {
    auto f = c.call(frame(3, b));
    ASSERT_TRUE(f) << to_hex(b);
    auto msgs = decode_messages(f->body);
    ASSERT_TRUE(msgs && msgs->size() == 1);
    EXPECT_EQ((*msgs)[0].result, 4);
  }
  EXPECT_EQ(get(c, digest_for(1)).result, 2);
}

TEST(Connection, LargeValuesRoundTrip) {
  auto cluster = start_cluster(ClusterOptions{});
  RawConnection c = connect_to(*cluster);
  Bytes big(3 * 1024 * 1024, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = char(i * 7);
  EXPECT_EQ(write(c, digest_for(1), {Op{2, 4, "blob", big}}).result, 0);
  DecodedMsg r = get(c, digest_for(1));
  ASSERT_EQ(r.ops.size(), 1u);
  EXPECT_EQ(r.ops[0].value, big);
}

Bytes compress_frame(const Bytes& inner) {
  uLongf bound = compressBound(uLong(inner.size()));
  Bytes z(bound, '\0');
  compress2(reinterpret_cast<Bytef*>(z.data()), &bound,
            reinterpret_cast<const Bytef*>(inner.data()), uLong(inner.size()), 1);
  z.resize(bound);
  return frame(4, be64(inner.size()) + z);
}

TEST(Connection, CompressedFrames) {
  Msg put = keyed("test", "demo", digest_for(9));
  put.info2 = 0x01;
  put.ops = {write_str("s", std::string(500, 'z'))};
  Msg read = keyed("test", "demo", digest_for(9));
  read.info1 = 0x03 | 0x80;  // COMPRESS_RESPONSE

  // Community: a compressed request is answered 25, compression is never used.
  auto ce = start_cluster(ClusterOptions{});
  RawConnection c = connect_to(*ce);
  auto f = c.call(compress_frame(message_frame(put)));
  ASSERT_TRUE(f);
  EXPECT_EQ(first_message(f->body).result, 25);
  write(c, digest_for(9), put.ops);
  f = c.call(message_frame(read));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, 3);

  // Enterprise: compressed requests are inflated, answers compressed on request.
  ClusterOptions o;
  o.enterprise = true;
  auto ee = start_cluster(o);
  RawConnection e = connect_to(*ee);
  f = e.call(compress_frame(message_frame(put)));
  ASSERT_TRUE(f);
  EXPECT_EQ(first_message(f->body).result, 0);
  f = e.call(message_frame(read));
  ASSERT_TRUE(f);
  ASSERT_EQ(f->type, 4);
  const uint64_t inner_size = uint64_t(as_int(f->body.substr(0, 8)));
  Bytes inner(inner_size, '\0');
  uLongf len = uLongf(inner_size);
  ASSERT_EQ(uncompress(reinterpret_cast<Bytef*>(inner.data()), &len,
                       reinterpret_cast<const Bytef*>(f->body.data() + 8), uLong(f->body.size() - 8)),
            Z_OK);
  auto msgs = decode_messages(std::string_view(inner).substr(8));
  ASSERT_TRUE(msgs);
  EXPECT_EQ((*msgs)[0].op("s")->value, std::string(500, 'z'));
  // A corrupt compressed request closes the connection.
  ASSERT_TRUE(e.send(frame(4, be64(100) + "not zlib")));
  EXPECT_EQ(e.wait_readable(std::chrono::seconds(10)), ReadStatus::kClosed);
}

}  // namespace
