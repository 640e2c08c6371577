// Golden test of the test server's list and map operations: replays, in order, every request an
// official client sent to a real Aerospike 8.1.2 node (test/captures/operations/list_basics and
// map_basics) against a fresh one-node test cluster and compares each answer byte for byte.
//
// What is not compared: the info vectors at the start of each file (user agent, release and
// configuration answers are the concern of info_test) and void times (clock dependent; these
// records never expire, so they match anyway). The 8.1 path "select" CDT op (0xfe,
// test/server/exp/cdt_select.h) is compared like every CDT op. Vectors of other families
// (expressions: op types 7 and 8; UDF calls) are replayed (their writes may matter to later
// vectors) but only counted, not required to match.
//
// Hidden state: the capture tool drops exact duplicate requests, and the client's test suite
// starts many cases with the same "delete the record, write an empty bin" pair, so only the
// first of those pairs is in the file. A captured write whose answer has a lower generation
// than the record has here shows where one was dropped: the replay sends the file's first
// delete of that record again, then its first write (generation - 1 times), before the vector.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
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

// True if the request is another family's: an expression op or filter or a UDF call.
bool other_family(const std::string& request) {
  auto msgs = decode_messages(std::string_view(request).substr(8));
  if (!msgs || msgs->empty()) return false;
  const DecodedMsg& m = (*msgs)[0];
  if (m.field(43) != nullptr || m.field(30) != nullptr || m.field(31) != nullptr) return true;
  for (const auto& o : m.ops) {
    if (o.type == 7 || o.type == 8) return true;
  }
  return false;
}

// True if the request carries a filter expression (field 43): these use list and map read
// (and modify-local) expressions and must answer as the real server did.
bool has_filter(const std::string& request) {
  auto msgs = decode_messages(std::string_view(request).substr(8));
  return msgs && !msgs->empty() && (*msgs)[0].field(43) != nullptr;
}

struct Tally {
  int compared = 0;
  int exact = 0;
  int other_vectors = 0;
  int other_exact = 0;
  int filter_vectors = 0;  // other-family vectors with a filter expression (field 43)
  std::vector<std::string> mismatches;
  std::vector<size_t> filter_mismatches;
};

std::string digest_of(const std::string& request, uint8_t* info2, uint8_t* info1) {
  auto msgs = decode_messages(std::string_view(request).substr(8));
  if (!msgs || msgs->size() != 1) return std::string();
  *info1 = (*msgs)[0].info1;
  *info2 = (*msgs)[0].info2;
  const DecodedField* d = (*msgs)[0].field(4);
  return d != nullptr ? std::string(d->data) : std::string();
}

uint32_t generation_of(const std::string& frame, uint8_t* result) {
  auto msgs = decode_messages(std::string_view(frame).substr(8));
  if (!msgs || msgs->empty()) {
    *result = 255;
    return 0;
  }
  *result = (*msgs)[0].result;
  return (*msgs)[0].generation;
}

Tally replay(const std::string& file) {
  Tally t;
  std::string error;
  auto capture = load_capture(capture_path(file), &error);
  EXPECT_TRUE(capture) << error;
  if (!capture) return t;
  ClusterOptions o;
  o.nodes = 1;
  o.replication_factor = 1;
  Cluster cluster(o);
  EXPECT_TRUE(cluster.start(&error)) << error;
  cluster.clock().freeze();
  RawConnection c;
  EXPECT_TRUE(c.connect(cluster.node(0).port()));
  std::map<std::string, uint32_t> generation;  // per record, as this server answered
  std::map<std::string, const std::string*> last_delete, setup_write;
  std::string after_delete;
  auto call = [&](const std::string& request) -> std::optional<std::string> {
    if (!c.send(request)) return std::nullopt;
    Frame f;
    if (c.read_frame(&f) != ReadStatus::kOk) return std::nullopt;
    uint8_t info1 = 0, info2 = 0, result = 0;
    const std::string d = digest_of(request, &info2, &info1);
    const uint32_t gen = generation_of(f.raw(), &result);
    if (!d.empty() && result == 0) generation[d] = (info2 & 0x02) ? 0 : gen;
    return f.raw();
  };
  for (size_t vi = 0; vi < capture->vectors.size(); ++vi) {
    const CaptureVector& v = capture->vectors[vi];
    if (uint8_t(v.request[1]) != 3) continue;  // info vectors: see the file comment
    {
      // Hidden state (see the file comment): a dropped delete and setup write.
      uint8_t info1 = 0, info2 = 0, result = 0;
      const std::string d = digest_of(v.request, &info2, &info1);
      const uint32_t want_gen =
          v.response_frames.empty() ? 0 : generation_of(v.response_frames[0], &result);
      if (!d.empty() && (info2 & 0x01) && !(info2 & 0x02) && result == 0 && want_gen != 0 &&
          generation[d] + 1 != want_gen && last_delete.count(d) != 0) {
        if (generation[d] + 1 > want_gen) {
          EXPECT_TRUE(call(*last_delete[d]));
        }
        for (int k = 0; generation[d] + 1 < want_gen && setup_write.count(d) != 0 && k < 8;
             ++k) {
          EXPECT_TRUE(call(*setup_write[d]));
        }
      }
      // Remember the latest delete, and the write right after it (a test case's setup).
      if (!d.empty() && (info2 & 0x02)) {
        last_delete[d] = &v.request;
        after_delete = d;
      } else if (!d.empty() && (info2 & 0x01) && after_delete == d) {
        setup_write[d] = &v.request;
        after_delete.clear();
      } else if (!d.empty()) {
        after_delete.clear();
      }
    }
    auto answer = call(v.request);
    if (!answer) {
      ADD_FAILURE() << file << " vector " << vi << ": no answer";
      return t;
    }
    std::string got = *answer;
    std::string want = v.response_frames.empty() ? std::string() : v.response_frames[0];
    if (got.size() >= 22 && want.size() >= 22) {
      got.replace(18, 4, want.substr(18, 4));  // void time
    }
    const bool same = got == want;
    if (other_family(v.request)) {
      if (!same && std::getenv("CDT_REPLAY_DUMP") != nullptr) {
        std::printf("OTHER %zu\n  request %s\n  want    %s\n  got     %s\n", vi,
                    to_hex(v.request).c_str(), to_hex(want).c_str(), to_hex(got).c_str());
      }
      ++t.other_vectors;
      t.other_exact += same ? 1 : 0;
      if (has_filter(v.request)) {
        ++t.filter_vectors;
        if (!same) t.filter_mismatches.push_back(vi);
      }
      continue;
    }
    ++t.compared;
    if (same) {
      ++t.exact;
    } else {
      t.mismatches.push_back(std::to_string(vi) + "\n  request " + to_hex(v.request) +
                             "\n  want    " + to_hex(want) + "\n  got     " + to_hex(got));
    }
  }
  std::printf("%s: %d/%d CDT answers identical byte for byte; %d vectors of other "
              "families (%d identical)\n",
              file.c_str(), t.exact, t.compared, t.other_vectors, t.other_exact);
  return t;
}

void check(const std::string& file, const std::set<size_t>& known, int filters) {
  Tally t = replay(file);
  // Every filter-expression vector (list/map read and modify-local expressions) matches.
  EXPECT_EQ(t.filter_vectors, filters) << file;
  for (size_t vi : t.filter_mismatches) ADD_FAILURE() << file << " filter vector " << vi;
  int unexplained = 0;
  for (const std::string& m : t.mismatches) {
    const size_t vi = std::stoul(m.substr(0, m.find('\n')));
    if (std::getenv("CDT_REPLAY_DUMP") != nullptr) std::printf("MISMATCH %s\n", m.c_str());
    if (known.count(vi) != 0) continue;
    ++unexplained;
    if (unexplained <= 20) ADD_FAILURE() << file << " vector " << m;
  }
  EXPECT_EQ(unexplained, 0) << file;
}

// The 8 (list) and 6 (map) filter-expression vectors read lists and maps with expressions
// (reads on other reads' and on modify-local results) and must all match.
// The "select" vectors (6935..6959: reads by path with expression-filtered levels, modifies
// that apply an expression or remove) and the reads after them must match too. Every remaining
// difference is a read of state written by another family's vector: 6923 and 6931 read lists a
// UDF call (6922, 6930) appended to.
TEST(CdtReplay, ListBasics) { check("list_basics.json.gz", {6923, 6931}, 8); }

// Including the "select" modifies 461 and 466 and the reads after them (462, 467).
TEST(CdtReplay, MapBasics) { check("map_basics.json.gz", {}, 6); }

}  // namespace
