// Golden test: replays test/captures/operations/exp_operate.json.gz (an official client's
// expression read/write operations against a real 8.1.2 node) against the test server and
// compares every answer byte for byte.
//
// Hidden state: the capture tool removed exact duplicate requests, and the client's test
// suite starts every test by deleting both keys and writing them again, so only the first
// of those resets is in the file. The replay re-sends that reset (the first four message
// vectors) whenever the captured generation shows the real server had just done it: the
// answer carries generation 1 (2 after a successful write) while our record has moved on.
//
// Info vectors (user agent, release, namespace config) belong to the info replay and are
// skipped here. A vector the test server answers with 16 (not emulated) while the real server
// did not is counted as pending; there are none (HLL calls use test/server/cdt/hll_ops).
#include <gtest/gtest.h>

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

std::string capture_path(const std::string& file) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  const std::string base =
      srcdir ? std::string(srcdir) + "/" + (workspace ? workspace : "") : std::string(".");
  return base + "/test/captures/operations/" + file;
}

constexpr size_t kHeader = 8;  // proto header
uint8_t result_of(const std::string& frame) { return uint8_t(frame[kHeader + 5]); }
uint32_t generation_of(const std::string& frame) {
  const auto* p = reinterpret_cast<const uint8_t*>(frame.data() + kHeader + 6);
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}
bool is_write(const std::string& request) { return (uint8_t(request[kHeader + 2]) & 0x01) != 0; }
bool is_delete(const std::string& request) { return (uint8_t(request[kHeader + 2]) & 0x02) != 0; }
// The digest field of a single-record request (namespace, set, digest in that order).
std::string digest_of(const std::string& request) {
  size_t p = kHeader + 22;
  for (int f = 0; f < 3; ++f) {
    const auto* q = reinterpret_cast<const uint8_t*>(request.data() + p);
    const uint32_t size = (uint32_t(q[0]) << 24) | (uint32_t(q[1]) << 16) | (uint32_t(q[2]) << 8) | q[3];
    if (q[4] == 4) return request.substr(p + 5, size - 1);
    p += 4 + size;
  }
  return {};
}

TEST(ExpCapture, OperateVectorsAnswerAsTheRealServer) {
  std::string error;
  auto capture = load_capture(capture_path("exp_operate.json.gz"), &error);
  ASSERT_TRUE(capture) << error;
  ClusterOptions o;
  o.nodes = 1;
  o.replication_factor = 1;
  o.node_id_base = 0xA0;
  Cluster cluster(o);
  ASSERT_TRUE(cluster.start(&error)) << error;
  cluster.clock().freeze();
  RawConnection conn;
  ASSERT_TRUE(conn.connect(cluster.node(0).port()));

  std::vector<std::string> reset;  // the first four message vectors: delete, delete, put, put
  std::map<std::string, uint32_t> generation;  // per digest, as our server last answered
  int compared = 0, pending = 0, resets = 0;
  for (size_t vi = 0; vi < capture->vectors.size(); ++vi) {
    const CaptureVector& v = capture->vectors[vi];
    SCOPED_TRACE("vector " + std::to_string(vi) + ": " + v.name);
    if (uint8_t(v.request[1]) != 3) continue;  // info: not ours
    ASSERT_EQ(v.response_frames.size(), 1u);
    const std::string& want = v.response_frames[0];
    const std::string digest = digest_of(v.request);
    if (reset.size() < 4) {
      reset.push_back(v.request);
    } else if (!is_delete(v.request)) {
      const bool ok = result_of(want) == 0;
      const uint32_t fresh = (is_write(v.request) && ok) ? 2 : 1;
      const uint32_t next = generation[digest] + ((is_write(v.request) && ok) ? 1 : 0);
      if (generation_of(want) == fresh && next != fresh) {
        for (const std::string& r : reset) {
          auto f = conn.call(r);
          ASSERT_TRUE(f);
          generation[digest_of(r)] = generation_of(f->raw());
        }
        ++resets;
      }
    }
    auto got = conn.call(v.request);
    ASSERT_TRUE(got) << "no answer";
    const std::string raw = got->raw();
    if (raw.size() > kHeader + 5 && result_of(raw) == 16 && result_of(want) != 16) {
      ++pending;
      continue;
    }
    generation[digest] = generation_of(raw);
    EXPECT_EQ(to_hex(raw), to_hex(want));
    ++compared;
  }
  std::printf("exp_operate: %d answers identical, %d pending, %d resets\n", compared,
              pending, resets);
  EXPECT_EQ(pending, 0);
  EXPECT_EQ(compared, 41);
}

}  // namespace
