// Replays the index, info and query captures (test/captures/operations/index_basics,
// info_basics and query_foreach .json.gz, recorded from a real 8.1.2.0 node) in order against a
// fresh one-node test server and reports the match rate per file.
//
// Compared exactly, except where the captures' README allows a difference:
// - void times (clock) are masked in record answers;
// - query and scan answers are compared as streams: the records as a multiset (order and
//   framing may differ), then LAST;
// - `namespace/test` on structure (same keys; counts are this server's own);
// - sindex-stat's entries_per_bval / entries_per_rec (sampled by a background task on a real
//   node) and load_time.
// Aggregation queries (UDF_OP 1) are compared as streams of SUCCESS values. Skipped, counted:
// UDF module commands and background UDF queries (fields 30-33), which udf_test covers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "test/server/tests/capture_file.h"
#include "test/server/tests/test_util.h"

namespace {

using namespace testclient;
using aero::testserver::ClusterOptions;

std::string capture_path(const std::string& file) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  const std::string base =
      srcdir ? std::string(srcdir) + "/" + (workspace ? workspace : "") : std::string(".");
  return base + "/test/captures/operations/" + file;
}

// A message re-encoded with its void time zeroed (for order-free comparison).
std::string msg_key(const DecodedMsg& m) {
  Msg e;
  e.info1 = m.info1;
  e.info2 = m.info2;
  e.info3 = m.info3;
  e.info4 = m.info4;
  e.generation = m.generation;
  e.record_ttl = 0;
  e.transaction_ttl = m.transaction_ttl;
  for (const auto& f : m.fields) e.fields.push_back({f.type, f.data});
  for (const auto& o : m.ops) e.ops.push_back({o.type, o.particle, o.name, o.value});
  Bytes b = encode_body(e);
  b[5] = char(m.result);
  return to_hex(b);
}

struct Stream {
  std::vector<std::string> records;
  std::string last;
  bool ok = true;
};

Stream to_stream(const std::vector<Bytes>& frames) {
  Stream s;
  for (const Bytes& f : frames) {
    auto msgs = decode_messages(std::string_view(f).substr(8));
    if (!msgs) {
      s.ok = false;
      return s;
    }
    for (const DecodedMsg& m : *msgs) {
      if (m.info3 & 0x01) {
        s.last = msg_key(m);
      } else {
        s.records.push_back(msg_key(m));
      }
    }
  }
  std::sort(s.records.begin(), s.records.end());
  return s;
}

std::string masked_sindex_stat(std::string v) {
  for (const char* key : {"entries_per_bval=", "entries_per_rec=", "load_time="}) {
    const size_t at = v.find(key);
    if (at == std::string::npos) continue;
    const size_t end = v.find_first_of(";\n", at);
    v.replace(at, end - at, std::string(key) + "*");
  }
  return v;
}

std::string keys_only(const std::string& v) {
  std::string out;
  bool in_value = false;
  for (char c : v) {
    if (c == '=') in_value = true;
    if (c == ';' || c == '\n') in_value = false;
    if (!in_value) out += c;
  }
  return out;
}

bool has_field(const std::string& request, uint8_t type) {
  auto msgs = decode_messages(std::string_view(request).substr(8));
  return msgs && !msgs->empty() && (*msgs)[0].field(type) != nullptr;
}

// A query with UDF_OP 1: a stream aggregation, answered with one SUCCESS bin per value.
bool is_aggregation(const std::string& request) {
  auto msgs = decode_messages(std::string_view(request).substr(8));
  if (!msgs || msgs->empty()) return false;
  const auto* f = (*msgs)[0].field(33);
  return f != nullptr && f->data == std::string(1, '\x01');
}

// Vectors known to differ, with the reason (file, vector index).
struct KnownGap {
  const char* file;
  size_t vector;
  const char* why;
};
constexpr KnownGap kKnownGaps[] = {
    // The filters compare last_update_time with a constant the capturing client took from its
    // clock (2026-12-04 12:03:43.758): the real server's records were written on both sides of
    // it, the replay's all after it (the replay writes them now, with today's clock).
    {"query_foreach.json.gz", 246, "last_update_time > capture-time constant: replayed writes are newer"},
    {"query_foreach.json.gz", 247, "last_update_time <= capture-time constant: replayed writes are newer"},
};

const char* known_gap(const std::string& file, size_t vector) {
  for (const KnownGap& g : kKnownGaps) {
    if (file == g.file && vector == g.vector) return g.why;
  }
  return nullptr;
}

void replay(const std::string& file) {
  std::string error;
  auto capture = load_capture(capture_path(file), &error);
  ASSERT_TRUE(capture) << error;
  ClusterOptions o;
  o.nodes = 1;
  o.replication_factor = 1;
  o.node_id_base = 0xA0;
  auto cluster = start_cluster(o);
  RawConnection conn = connect_to(*cluster);
  int matched = 0, udf_skipped = 0;
  for (size_t vi = 0; vi < capture->vectors.size(); ++vi) {
    const CaptureVector& v = capture->vectors[vi];
    SCOPED_TRACE(file + " vector " + std::to_string(vi));
    const uint8_t type = uint8_t(v.request[1]);
    const std::string req_body = v.request.substr(8);
    if ((type == 1 && req_body.rfind("udf-", 0) == 0) ||
        (type == 3 && (has_field(v.request, 30) || has_field(v.request, 33)) &&
         !is_aggregation(v.request))) {
      ++udf_skipped;  // UDF modules and background UDFs: the UDF emulation's captures
      if (type == 3) {
        ASSERT_TRUE(conn.send(v.request));
        Frame f;  // answered (16 until UDFs are emulated); read it to keep the stream aligned
        ASSERT_EQ(conn.read_frame(&f), ReadStatus::kOk);
        auto msgs = decode_messages(f.body);
        bool last = msgs && std::any_of(msgs->begin(), msgs->end(),
                                        [](const DecodedMsg& m) { return m.info3 & 1; });
        for (int i = 0; i < 100000 && !last && msgs && !msgs->empty() &&
                        (*msgs)[0].result == 0;
             ++i) {
          ASSERT_EQ(conn.read_frame(&f), ReadStatus::kOk);
          msgs = decode_messages(f.body);
          last = msgs && std::any_of(msgs->begin(), msgs->end(),
                                     [](const DecodedMsg& m) { return m.info3 & 1; });
        }
      } else {
        ASSERT_TRUE(conn.call(v.request));
      }
      continue;
    }
    if (type == 1) {
      auto f = conn.call(v.request);
      ASSERT_TRUE(f);
      const std::string want = v.response_frames[0].substr(8);
      const std::string have = f->body;
      bool same;
      if (req_body.rfind("namespace/", 0) == 0) {
        same = keys_only(have) == keys_only(want);
      } else if (req_body.rfind("sindex-stat", 0) == 0) {
        same = masked_sindex_stat(have) == masked_sindex_stat(want);
      } else {
        same = have == want;
      }
      EXPECT_TRUE(same) << "captured: " << want.substr(0, 300) << "\nhere: " << have.substr(0, 300);
      matched += same ? 1 : 0;
      continue;
    }
    // Type 3: one answer, or a stream up to LAST.
    const bool stream = has_field(v.request, 7);
    ASSERT_TRUE(conn.send(v.request));
    std::vector<Bytes> got;
    for (int i = 0; i < 100000; ++i) {
      Frame f;
      ASSERT_EQ(conn.read_frame(&f), ReadStatus::kOk);
      got.push_back(f.raw());
      if (!stream) break;
      auto msgs = decode_messages(f.body);
      ASSERT_TRUE(msgs);
      bool last = false;
      for (const auto& m : *msgs) last = last || (m.info3 & 0x01) || (m.result != 0 && !(m.info3 & 0x04));
      if (last) break;
    }
    const Stream want = to_stream(v.response_frames), have = to_stream(got);
    ASSERT_TRUE(want.ok && have.ok);
    bool same;
    if (stream && want.last.empty()) {
      // The recorder stopped before the end (the client stopped reading): what was captured
      // must be part of the answer.
      same = std::includes(have.records.begin(), have.records.end(), want.records.begin(),
                           want.records.end());
    } else {
      same = have.records == want.records && have.last == want.last;
    }
    if (const char* why = known_gap(file, vi); why != nullptr && !same) {
      std::printf("  %s vector %zu differs (known): %s\n", file.c_str(), vi, why);
      continue;
    }
    EXPECT_TRUE(same) << "records captured " << want.records.size() << ", here "
                      << have.records.size() << (want.records.empty() ? "" : "\nfirst captured: " + want.records[0].substr(0, 200))
                      << (have.records.empty() ? "" : "\nfirst here:     " + have.records[0].substr(0, 200));
    matched += same ? 1 : 0;
  }
  const size_t compared = capture->vectors.size() - size_t(udf_skipped);
  std::printf("%s: %d of %zu vectors match (%.1f%%), %d skipped (UDF modules/background UDFs)\n",
              file.c_str(), matched, compared, compared ? 100.0 * matched / double(compared) : 0.0,
              udf_skipped);
}

TEST(QueryReplay, IndexBasics) { replay("index_basics.json.gz"); }
TEST(QueryReplay, InfoBasics) { replay("info_basics.json.gz"); }
TEST(QueryReplay, QueryForeach) { replay("query_foreach.json.gz"); }

}  // namespace
