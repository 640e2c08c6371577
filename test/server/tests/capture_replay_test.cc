// Golden tests: replays every request recorded from a real Aerospike 8.1.2.0 server, in order,
// against the test server configured like the recorded cluster, and compares the answers byte
// for byte. Where the captures' README allows a difference (void times; row/record order and
// framing of batch and scan answers; node addresses and ports; replicas bitmaps; the legacy
// summary), the answers are compared on structure instead, and the reason is named here.
//
// Hidden state: the captures were taken on a server that had run the capture script before
// (the single-node `objects=111`, generations 5 and 6 on records the script writes once per
// run) and that held records written outside the recorded vectors (keys demo/2..4 with bin
// i = key). The replay recreates exactly that state with extra requests before the vectors
// that depend on it; each such step is marked "hidden state" below.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "test/server/cluster.h"
#include "test/server/tests/capture_file.h"
#include "test/server/tests/wire_client.h"

namespace {

using namespace testclient;
using aero::testserver::Cluster;
using aero::testserver::ClusterOptions;

std::string testdata(const std::string& file) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  const std::string base =
      srcdir ? std::string(srcdir) + "/" + (workspace ? workspace : "") : std::string(".");
  return base + "/test/server/testdata/" + file;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

// A replicas value with every 684-character bitmap replaced by "<bitmap>": what is left (names,
// regime, replica count, number of bitmaps) must match.
std::string bitmaps_masked(const std::string& value) {
  std::string out, token;
  auto flush = [&] {
    out += token.size() == 684 ? std::string("<bitmap>") : token;
    token.clear();
  };
  for (char c : value) {
    if (c == ',' || c == ':' || c == ';') {
      flush();
      out.push_back(c);
    } else {
      token.push_back(c);
    }
  }
  flush();
  return out;
}

// A decoded message encoded back to hex (result byte included), for order-free comparison.
std::string msg_key(const DecodedMsg& m) {
  Msg e;
  e.info1 = m.info1;
  e.info2 = m.info2;
  e.info3 = m.info3;
  e.info4 = m.info4;
  e.generation = m.generation;
  e.record_ttl = m.void_time;
  e.transaction_ttl = m.transaction_ttl;
  for (const auto& f : m.fields) e.fields.push_back({f.type, f.data});
  for (const auto& o : m.ops) e.ops.push_back({o.type, o.particle, o.name, o.value});
  Bytes b = encode_body(e);
  b[5] = char(m.result);
  return to_hex(b);
}

// The messages of a stream: LAST apart, the others sorted (order and framing do not matter).
struct Stream {
  std::vector<std::string> messages;
  std::string last;
};

std::optional<Stream> to_stream(const std::vector<Bytes>& frames) {
  Stream s;
  for (const Bytes& f : frames) {
    auto msgs = decode_messages(std::string_view(f).substr(8));
    if (!msgs) return std::nullopt;
    for (const DecodedMsg& m : *msgs) {
      if (m.info3 & 0x01) {
        s.last = msg_key(m);
      } else {
        s.messages.push_back(msg_key(m));
      }
    }
  }
  std::sort(s.messages.begin(), s.messages.end());
  return s;
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

class CaptureReplay : public ::testing::Test {
 protected:
  void Run(const std::string& file, const ClusterOptions& o) {
    std::string error;
    auto capture = load_capture(testdata(file), &error);
    ASSERT_TRUE(capture) << error;
    ASSERT_EQ(capture->server, "Aerospike Community Edition 8.1.2.0");
    Cluster cluster(o);
    ASSERT_TRUE(cluster.start(&error)) << error;
    cluster.clock().freeze();  // void times become predictable
    const bool three = o.nodes == 3;

    std::vector<RawConnection> conns(size_t(o.nodes));
    for (int i = 0; i < o.nodes; ++i) {
      ASSERT_TRUE(conns[size_t(i)].connect(cluster.node(size_t(i)).port()));
    }
    // Captured addresses -> ours (ports are the server's choice).
    std::map<std::string, std::string> addr;
    const char* captured_ports[] = {"3000", "3010", "3020"};
    for (int i = 0; i < o.nodes; ++i) {
      addr["127.0.0.1:" + std::string(captured_ports[i])] = cluster.node(size_t(i)).address();
    }

    uint32_t ttl100_void = 0;
    int exact = 0, structural = 0;
    for (size_t vi = 0; vi < capture->vectors.size(); ++vi) {
      const CaptureVector& v = capture->vectors[vi];
      SCOPED_TRACE(file + " vector " + std::to_string(vi) + ": " + v.name);
      const uint8_t req_type = uint8_t(v.request[1]);

      // ---- Hidden state, recreated right before the vectors that observe it. ----
      if (v.name == "put with send-key (string key)" && !three) {
        // Earlier capture runs left this record at generation 5.
        for (int k = 0; k < 5; ++k) ASSERT_TRUE(conns[0].call(v.request));
      }
      if (starts_with(v.name, "batch read all bins")) {
        // Records demo/2..4 (bin i = key), written by the capture script outside the vectors:
        // once per run, and the single node had seen six runs.
        const int writes = three ? 1 : 6;
        const char* digests[] = {"ae6a515f37de4adacc4496e2da1fea848c3a9270",
                                 "b1a56067f6d4a8a44439d3af62bff868610194cd",
                                 "151d15fa0061b38fb55ff23e65ae3aee53169325"};
        for (int k = 0; k < 3; ++k) {
          Msg put = keyed("test", "demo", from_hex(digests[k]));
          put.info2 = 0x01;
          put.ops.push_back(write_int("i", k + 2));
          for (int w = 0; w < writes; ++w) {
            auto r = call_msg(conns[0], put);
            ASSERT_TRUE(r && r->result == 0);
          }
        }
      }
      if (three && starts_with(v.name, "scan partitions [1457")) {
        // The recorded scans went to a node mastering all three partitions: make node 0 that.
        for (uint32_t pid : {1457u, 2734u, 3349u}) {
          ASSERT_TRUE(cluster.migrate_partition("test", pid, 0));
        }
      }
      if (v.name == "scan of partitions this node does not own [2, 3]") {
        for (uint32_t pid : {2u, 3u}) ASSERT_TRUE(cluster.migrate_partition("test", pid, 1));
      }

      // ---- Route like the capture did. ----
      size_t target = 0;
      if (three && req_type == 3) {
        auto msgs = decode_messages(std::string_view(v.request).substr(8));
        ASSERT_TRUE(msgs && msgs->size() == 1);
        if (const DecodedField* d = (*msgs)[0].field(4); d && d->data.size() == 20) {
          const auto owners = cluster.replicas("test", partition_of(d->data));
          ASSERT_FALSE(owners.empty());
          target = size_t(owners[0]);
          if (v.name.find("not the master") != std::string::npos) target = (target + 1) % 3;
        }
        if (v.name.find("on node A3") != std::string::npos) target = 2;
      }
      RawConnection& c = conns[target];
      ASSERT_TRUE(c.send(v.request));

      // ---- Read the answer: one frame, or a stream up to LAST. ----
      const bool stream = v.response_frames.size() > 1 || starts_with(v.name, "scan");
      std::vector<Bytes> got;
      for (;;) {
        Frame f;
        ASSERT_EQ(c.read_frame(&f), ReadStatus::kOk);
        got.push_back(f.raw());
        if (!stream) break;
        auto msgs = decode_messages(f.body);
        ASSERT_TRUE(msgs);
        const bool error_only =
            msgs->size() == 1 && (*msgs)[0].result != 0 && !((*msgs)[0].info3 & 0x04);
        bool last = false;
        for (const auto& m : *msgs) last = last || (m.info3 & 0x01);
        if (last || error_only) break;
      }

      // ---- Compare. ----
      if (v.name == "put ttl 100" || v.name == "put ttl -2 keeps ttl") {
        // Void times depend on the clock: every other byte must match, and the void time must be
        // exactly now + 100 (and left alone by TTL -2).
        ASSERT_EQ(got.size(), 1u);
        Bytes want = v.response_frames[0];
        const Bytes& have = got[0];
        ASSERT_EQ(want.size(), have.size());
        const uint32_t void_time = uint32_t(as_int(have.substr(18, 4)));
        if (v.name == "put ttl 100") {
          ttl100_void = void_time;
          EXPECT_EQ(void_time, cluster.clock().now() + 100);
        } else {
          EXPECT_EQ(void_time, ttl100_void);
        }
        want.replace(18, 4, have.substr(18, 4));
        EXPECT_EQ(to_hex(have), to_hex(want));
        ++structural;
        continue;
      }
      if (req_type == 1) {
        std::string want_body = v.response_frames[0].substr(8);
        for (const auto& [from, to] : addr) replace_all(want_body, from, to);
        ASSERT_EQ(got.size(), 1u);
        const std::string body = got[0].substr(8);
        if (v.name == "info empty body") {
          // The legacy summary varies by build: check a few of its lines.
          for (const char* name : {"node", "build", "features", "partition-generation"}) {
            EXPECT_EQ(info_value(body, name), info_value(want_body, name)) << name;
          }
          ++structural;
          continue;
        }
        if (three && v.name.find("replicas") != std::string::npos) {
          // Which partitions a node owns is the server's choice: same shape, own bitmaps
          // (their coverage is checked in info_test).
          for (const char* cmd : {"replicas", "replicas-all", "replicas-master"}) {
            auto w = info_value(want_body, cmd);
            auto h = info_value(body, cmd);
            ASSERT_EQ(w.has_value(), h.has_value()) << cmd;
            if (w) {
              EXPECT_EQ(bitmaps_masked(*w), bitmaps_masked(*h)) << cmd;
            }
          }
          EXPECT_EQ(info_value(body, "partition-generation"),
                    info_value(want_body, "partition-generation"));
          ++structural;
          continue;
        }
        // Exact, once the captured addresses are replaced by ours.
        EXPECT_EQ(body, want_body);
        EXPECT_EQ(got[0], frame(1, want_body));
        if (want_body == v.response_frames[0].substr(8)) {
          ++exact;
        } else {
          ++structural;
        }
        continue;
      }
      if (!stream) {
        ASSERT_EQ(got.size(), 1u);
        EXPECT_EQ(to_hex(got[0]), to_hex(v.response_frames[0]));
        ++exact;
        continue;
      }
      auto want = to_stream(v.response_frames);
      auto have = to_stream(got);
      ASSERT_TRUE(want && have);
      if (v.name == "scan of partitions this node does not own [2, 3]") {
        // The capture holds only the first message (its recorder stopped at the first non-zero
        // result); the server reports every unserved partition, then sends LAST.
        for (const std::string& m : want->messages) {
          EXPECT_NE(std::find(have->messages.begin(), have->messages.end(), m),
                    have->messages.end())
              << m;
        }
        EXPECT_EQ(have->messages.size(), 2u);  // partitions 2 and 3, result 11
        EXPECT_FALSE(have->last.empty());
        ++structural;
        continue;
      }
      EXPECT_EQ(have->messages, want->messages);
      EXPECT_EQ(have->last, want->last);
      ++structural;
    }
    EXPECT_EQ(size_t(exact + structural), capture->vectors.size());
    std::printf("%s: %d answers identical byte for byte, %d compared on structure\n",
                file.c_str(), exact, structural);
  }
};

TEST_F(CaptureReplay, SingleNode) {
  ClusterOptions o;
  o.nodes = 1;
  o.replication_factor = 1;
  o.cluster_name = "peers-single";
  o.node_id_base = 0xA0;  // the capture's node id
  Run("single-node.json", o);
}

TEST_F(CaptureReplay, ThreeNodes) {
  ClusterOptions o;
  o.nodes = 3;
  o.replication_factor = 2;
  o.cluster_name = "peers-cluster";
  o.node_id_base = 0xA1;  // A1, A2, A3 as captured
  Run("three-nodes.json", o);
}

}  // namespace
