// Replays test/captures/operations/info_commands.json (43 info commands and what a real
// Community Edition 8.1.2.0 node answered) against a one-node test server configured like the
// captured one (node A0, cluster-name `peers`, namespace `test`) and compares every answer.
//
// Exact unless listed in kStructural below, where the value describes the server's own state
// (ports, counters, clock, what ran before on the captured server); those are compared on
// structure: the same keys in the same order, and equal values for every key not named as
// state. Each difference is listed with its reason.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <regex>
#include <set>
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

std::vector<std::pair<std::string, std::string>> split_kv(const std::string& v, char sep) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (start <= v.size()) {
    size_t end = v.find(sep, start);
    if (end == std::string::npos) end = v.size();
    const std::string item = v.substr(start, end - start);
    if (!item.empty()) {
      const size_t eq = item.find('=');
      out.emplace_back(item.substr(0, eq), eq == std::string::npos ? "" : item.substr(eq + 1));
    }
    start = end + 1;
  }
  return out;
}

std::vector<std::string> keys(const std::vector<std::pair<std::string, std::string>>& kv) {
  std::vector<std::string> out;
  for (const auto& [k, v] : kv) out.push_back(k);
  return out;
}

// Same keys in the same order; values equal except for `state` keys (or keys matching
// `state_pattern`). Returns the keys whose values differed (all of them allowed).
std::set<std::string> compare_kv(const std::string& want, const std::string& have, char sep,
                                 const std::set<std::string>& state,
                                 const std::string& state_pattern = "") {
  const auto w = split_kv(want, sep), h = split_kv(have, sep);
  EXPECT_EQ(keys(w), keys(h));
  std::set<std::string> differed;
  const std::regex pattern(state_pattern.empty() ? "$^" : state_pattern);
  for (size_t i = 0; i < std::min(w.size(), h.size()); ++i) {
    if (w[i].second == h[i].second) continue;
    differed.insert(w[i].first);
    const bool allowed = state.count(w[i].first) != 0 || std::regex_match(w[i].first, pattern);
    EXPECT_TRUE(allowed) << w[i].first << ": captured " << w[i].second << ", here "
                         << h[i].second;
  }
  return differed;
}

// The first entry of a list answer (`;`-separated entries of `:`-separated key=value pairs).
std::string first_entry(const std::string& v) { return v.substr(0, v.find(';')); }

class InfoCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    ClusterOptions o;
    o.nodes = 1;
    o.replication_factor = 1;
    o.cluster_name = "peers";   // the captured node's
    o.node_id_base = 0xA0;      // node A0
    cluster_ = start_cluster(o);
    conn_ = connect_to(*cluster_);
  }

  std::string info(const std::string& line) {
    auto body = call_info(conn_, {line});
    EXPECT_TRUE(body.has_value()) << line;
    return body.value_or("");
  }

  std::unique_ptr<aero::testserver::Cluster> cluster_;
  RawConnection conn_;
};

TEST_F(InfoCommands, ReplayMatchesTheCapturedNode) {
  std::string error;
  auto capture = load_capture(capture_path("info_commands.json"), &error);
  ASSERT_TRUE(capture) << error;
  ASSERT_EQ(capture->vectors.size(), 43u);

  // ---- State the captured node had from earlier traffic, recreated so lists are not empty:
  // a record in set `campaign`, the expression index `exp_index` on it, and one finished
  // index query (query-show's first entry is an index query on that set).
  write(conn_, Bytes(20, '\x01'), {write_int("campaign1", 1), write_int("campaign2", 2),
                                   write_int("campaign3", 3)},
        0, 0, 0, 0, "campaign");
  EXPECT_EQ(info_value(info("sindex-create:namespace=test;set=campaign;indexname=exp_index;"
                            "exp=lBSTUQKpY2FtcGFpZ24xk1ECqWNhbXBhaWduMpNRAqljYW1wYWlnbjM=;"
                            "type=NUMERIC\n"),
                       "sindex-create:namespace=test;set=campaign;indexname=exp_index;"
                       "exp=lBSTUQKpY2FtcGFpZ24xk1ECqWNhbXBhaWduMpNRAqljYW1wYWlnbjM=;"
                       "type=NUMERIC"),
            "ok");
  info("sindex-create:namespace=test;set=campaign;indexname=idx_c1;bin=campaign1;type=NUMERIC\n");
  {
    Msg q;
    q.info1 = 0x01;
    q.info3 = 0x04;
    q.fields.push_back({0, "test"});
    q.fields.push_back({1, "campaign"});
    Bytes pids;
    for (uint32_t p = 0; p < 4096; ++p) pids += le16(uint16_t(p));
    q.fields.push_back({11, pids});
    q.fields.push_back({9, be32(30000)});
    q.fields.push_back({7, be64(7374048058089438206ull)});
    Bytes range = "\x01\x09" "campaign1" "\x01";
    range += be32(8) + be64(0) + be32(8) + be64(100);
    q.fields.push_back({22, range});
    auto msgs = conn_.call_stream(message_frame(q));
    ASSERT_TRUE(msgs.has_value());
    ASSERT_EQ(msgs->size(), 2u);  // the record, then LAST
  }
  info("sindex-delete:namespace=test;indexname=idx_c1\n");

  const std::string port = std::to_string(cluster_->node(0).port());
  int exact = 0, structural = 0;
  std::map<std::string, std::string> differences;  // command -> why
  for (const CaptureVector& v : capture->vectors) {
    SCOPED_TRACE(v.name);
    auto frame = conn_.call(v.request);
    ASSERT_TRUE(frame.has_value());
    ASSERT_EQ(frame->type, 1);
    const std::string have_body = frame->body;
    const std::string want_body = v.text;
    ASSERT_EQ(want_body, v.response_frames[0].substr(8));
    const size_t tab = want_body.find('\t');
    ASSERT_NE(tab, std::string::npos);
    const std::string line = want_body.substr(0, tab);
    auto want = info_value(want_body, line);
    auto have = info_value(have_body, line);
    ASSERT_TRUE(want && have) << have_body;

    if (line == "cluster-stable" || line == "cluster-stable:size=1") {
      // The cluster key is the cluster's own: 1..12 hex digits, the one statistics reports.
      EXPECT_TRUE(std::regex_match(*have, std::regex("[0-9A-F]{1,12}"))) << *have;
      EXPECT_NE(info("statistics\n").find("cluster_key=" + *have + ";"), std::string::npos);
      differences[line] = "cluster key (own state)";
      ++structural;
    } else if (line == "get-config" || line == "get-config:context=network") {
      const auto d = compare_kv(*want, *have, ';', {"service.port"});
      EXPECT_EQ(*have, [&] {
        std::string s = *want;
        s.replace(s.find("service.port=3000"), 17, "service.port=" + port);
        return s;
      }());
      differences[line] = "service.port: the test server's own port";
      ++structural;
      (void)d;
    } else if (line == "namespace/test") {
      const auto d = compare_kv(*want, *have, ';',
                                {"objects", "master_objects", "current_time", "data_used_bytes",
                                 "sindex_used_bytes", "index_used_bytes", "data_avail_pct"},
                                "storage-engine\\.stripe\\[\\d\\]\\.used_bytes");
      differences[line] = "object counts, clock, memory use (own state): " +
                          std::to_string(d.size()) + " values";
      ++structural;
    } else if (line == "statistics") {
      const auto d = compare_kv(
          *want, *have, ';',
          {"failed_best_practices", "cluster_key", "uptime", "objects", "client_connections",
           "client_connections_opened", "client_connections_closed", "info_complete",
           "batch_index_initiate", "batch_index_complete", "time_since_rebalance",
           "deprecated_requests", "system_total_cpu_pct", "system_user_cpu_pct",
           "system_kernel_cpu_pct", "system_free_mem_kbytes", "system_free_mem_pct",
           "host_free_mem_kbytes", "host_free_mem_pct", "process_cpu_pct",
           "heap_allocated_kbytes", "heap_active_kbytes", "heap_mapped_kbytes"});
      differences[line] = "counters, uptime, cluster key (own state): " +
                          std::to_string(d.size()) + " values";
      ++structural;
    } else if (line == "sets" || line == "sets/test") {
      // The captured node held sets written by other capture families: compare one entry.
      compare_kv(first_entry(*want), first_entry(*have), ':',
                 {"set", "objects", "data_used_bytes", "sindexes"});
      differences[line] = "which sets exist and their counts (own state)";
      ++structural;
    } else if (line == "sindex-list" || line == "sindex-list:ns=test") {
      // A real node prints the expression decompiled; here it is the base64 it was given.
      compare_kv(*want, *have, ':', {"exp"});
      differences[line] = "exp= printed as given (base64), not decompiled";
      ++structural;
    } else if (line == "udf-list") {
      // The captured node had two modules registered by other capture families.
      differences[line] = "no UDF modules registered here";
      ++structural;
    } else if (line == "query-show") {
      compare_kv(first_entry(*want), first_entry(*have), ':',
                 {"sindex-name", "recs-succeeded", "run-time", "time-since-done", "from",
                  "net-io-bytes"});
      differences[line] = "which jobs ran before (own state): first entry compared";
      ++structural;
    } else {
      std::string expected = *want;
      if (line == "service" || line == "service-clear-std") {
        expected = "127.0.0.1:" + port;
        differences[line] = "the test server's own port";
        ++structural;
      } else {
        ++exact;
      }
      EXPECT_EQ(*have, expected);
      EXPECT_EQ(have_body, line + "\t" + expected + "\n");
    }
  }
  std::printf("info_commands.json: %d of %zu identical, %d compared on structure\n", exact,
              capture->vectors.size(), structural);
  for (const auto& [cmd, why] : differences) std::printf("  %-30s %s\n", cmd.c_str(), why.c_str());
  EXPECT_EQ(size_t(exact + structural), capture->vectors.size());
}

}  // namespace
