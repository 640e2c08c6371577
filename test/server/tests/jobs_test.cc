// Job tracking through real sockets: query-show lists scans and queries with their status
// (active(ok) while streaming, done(ok), done(user-aborted) after query-abort), one job by
// id= or trid=, background jobs with their record counts, and the error answers.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <thread>

#include "test/server/tests/test_util.h"

namespace {

using namespace testclient;
using aero::testserver::ClusterOptions;

Msg scan(uint64_t trid, std::string_view set = "") {
  Msg m;
  m.info1 = 0x01;
  m.info3 = 0x04;
  m.fields.push_back({0, "test"});
  if (!set.empty()) m.fields.push_back({1, Bytes(set)});
  Bytes pids;
  for (uint32_t p = 0; p < 4096; ++p) pids += le16(uint16_t(p));
  m.fields.push_back({11, pids});
  m.fields.push_back({9, be32(5000)});
  m.fields.push_back({7, be64(trid)});
  return m;
}

// key -> value of one query-show entry.
std::map<std::string, std::string> fields_of(const std::string& entry) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start < entry.size()) {
    size_t end = entry.find(':', start);
    if (end == std::string::npos) end = entry.size();
    const std::string kv = entry.substr(start, end - start);
    const size_t eq = kv.find('=');
    out[kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
    start = end + 1;
  }
  return out;
}

class Jobs : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_ = start_cluster(ClusterOptions{});
    conn_ = connect_to(*cluster_);
  }
  std::string show(const std::string& line) {
    auto body = call_info(conn_, {line});
    EXPECT_TRUE(body);
    return info_value(body.value_or(""), line).value_or("<absent>");
  }
  // The same answer with the clock-driven `time-since-done` value blanked: two answers taken
  // a few milliseconds apart (more under the sanitizers) differ only there.
  std::string show_timeless(const std::string& line) {
    std::string s = show(line);
    const std::string key = "time-since-done=";
    for (size_t at = s.find(key); at != std::string::npos; at = s.find(key, at + 1)) {
      const size_t from = at + key.size();
      s.erase(from, s.find(':', from) == std::string::npos ? std::string::npos
                                                          : s.find(':', from) - from);
    }
    return s;
  }
  void fill(size_t n, size_t bytes) {
    aero::testserver::Record r;
    r.generation = 1;
    r.set = "big";
    r.bins.push_back({"p", 3, std::string(bytes, 'p')});
    for (uint64_t k = 0; k < n; ++k) {
      const Bytes d = digest_for(k);
      cluster_->put_record("test", reinterpret_cast<const uint8_t*>(d.data()), r);
    }
  }
  std::unique_ptr<aero::testserver::Cluster> cluster_;
  RawConnection conn_;
};

TEST_F(Jobs, FinishedScanIsListedWithItsCounts) {
  fill(40, 10);
  auto msgs = conn_.call_stream(message_frame(scan(4242, "big")));
  ASSERT_TRUE(msgs);
  auto job = fields_of(show("query-show:id=4242"));
  EXPECT_EQ(job["trid"], "4242");
  EXPECT_EQ(job["ns"], "test");
  EXPECT_EQ(job["set"], "big");
  EXPECT_EQ(job.count("sindex-name"), 0u);  // a scan
  EXPECT_EQ(job["n-pids-requested"], "4096");
  EXPECT_EQ(job["status"], "done(ok)");
  EXPECT_EQ(job["recs-succeeded"], "40");
  EXPECT_EQ(job["job-type"], "basic");
  EXPECT_EQ(job["socket-timeout"], "5000");
  EXPECT_EQ(job["job-progress"], "100.00");
  EXPECT_EQ(job["from"].rfind("127.0.0.1+", 0), 0u) << job["from"];
  EXPECT_GT(std::stoull(job["net-io-bytes"]), 40u * 10u);
  // The older spelling, and the whole list.
  EXPECT_EQ(show_timeless("query-show:trid=4242"), show_timeless("query-show:id=4242"));
  EXPECT_EQ(show_timeless("query-show"), show_timeless("query-show:id=4242"));
}

TEST_F(Jobs, ActiveJobCanBeAborted) {
  fill(6000, 2000);  // ~12 MB: the stream stays active while the client does not read
  RawConnection streaming = connect_to(*cluster_);
  ASSERT_TRUE(streaming.send(message_frame(scan(777, "big"))));
  Frame first;
  ASSERT_EQ(streaming.read_frame(&first), ReadStatus::kOk);  // the scan has started
  auto job = fields_of(show("query-show:id=777"));
  EXPECT_EQ(job["status"], "active(ok)");
  EXPECT_EQ(job["time-since-done"], "0");
  EXPECT_EQ(show("query-abort:id=777"), "OK");
  // The stream ends early with LAST result 15 (aborted).
  uint8_t last_result = 255;
  size_t records = 0;
  for (int frames = 0; frames < 100000 && last_result == 255; ++frames) {
    Frame f;
    ASSERT_EQ(streaming.read_frame(&f), ReadStatus::kOk);
    auto msgs = decode_messages(f.body);
    ASSERT_TRUE(msgs);
    for (const auto& m : *msgs) {
      if (m.info3 & 0x01) {
        last_result = m.result;
      } else {
        ++records;
      }
    }
  }
  EXPECT_EQ(last_result, 15);
  EXPECT_LT(records, 6000u);
  job = fields_of(show("query-show:id=777"));
  EXPECT_EQ(job["status"], "done(user-aborted)");
  // A finished job cannot be aborted; the connection serves the next request.
  EXPECT_EQ(show("query-abort:id=777"), "ERROR:2:job not active");
  EXPECT_EQ(get(streaming, digest_for(1), "big").result, 0);
}

TEST_F(Jobs, ClientGoneMidStreamIsAbandoned) {
  fill(6000, 2000);
  {
    RawConnection streaming = connect_to(*cluster_);
    ASSERT_TRUE(streaming.send(message_frame(scan(888, "big"))));
    Frame first;
    ASSERT_EQ(streaming.read_frame(&first), ReadStatus::kOk);
  }  // closed with most of the stream unsent
  std::string status;
  for (int i = 0; i < 200 && status != "done(abandoned-response-error)"; ++i) {
    status = fields_of(show("query-show:id=888"))["status"];
    if (status == "active(ok)") std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(status, "done(abandoned-response-error)");
}

// A background job (info2 WRITE): `ops` applied to every record of `set`; rps 0 = the
// namespace's background-query-max-rps.
Msg background(uint64_t trid, std::string_view set, uint32_t rps = 0) {
  Msg m;
  m.info2 = 0x01;
  m.fields = {{0, "test"}, {1, Bytes(set)}, {7, be64(trid)}};
  if (rps != 0) m.fields.push_back({10, be32(rps)});
  m.ops = {Op{2, 1, "n", int_value(5)}};
  return m;
}

TEST_F(Jobs, BackgroundJobIsDoneWithItsCounts) {
  for (int k = 0; k < 25; ++k) write(conn_, digest_for(uint64_t(k)), {write_int("n", k)});
  auto r = call_msg(conn_, background(99, "demo"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result, 0);
  EXPECT_EQ(r->info3 & 0x01, 0x01);  // answered at once with LAST; the job runs on
  std::map<std::string, std::string> job;
  for (int i = 0; i < 500 && job["status"] != "done(ok)"; ++i) {
    job = fields_of(show("query-show:id=99"));
    if (job["status"] == "active(ok)") std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(job["status"], "done(ok)");
  EXPECT_EQ(job["job-type"], "background-ops");
  EXPECT_EQ(job["rps"], "10000");  // background-query-max-rps when the request asks for none
  EXPECT_EQ(job["job-progress"], "100.00");
  EXPECT_EQ(job["recs-succeeded"], "25");
  EXPECT_EQ(job["recs-failed"], "0");
}

// A real server runs background jobs asynchronously at their rps: the job is active (with
// its progress) after the request was answered, and query-abort stops it part way.
TEST_F(Jobs, BackgroundJobIsActiveWhileItRunsAndCanBeAborted) {
  fill(3000, 2000);  // set "big"
  auto r = call_msg(conn_, background(4242, "big", 200));  // 3000 records at 200/s: 15 s
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result, 0);
  auto job = fields_of(show("query-show:id=4242"));
  EXPECT_EQ(job["status"], "active(ok)");
  EXPECT_EQ(job["rps"], "200");
  EXPECT_EQ(job["active-threads"], "1");
  EXPECT_NE(job["job-progress"], "100.00");
  // It shows in the whole list too.
  EXPECT_NE(show("query-show").find("trid=4242:"), std::string::npos);
  EXPECT_EQ(show("query-abort:id=4242"), "OK");
  for (int i = 0; i < 500 && job["status"] == "active(ok)"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    job = fields_of(show("query-show:id=4242"));
  }
  EXPECT_EQ(job["status"], "done(user-aborted)");
  EXPECT_LT(std::stoul(job["recs-succeeded"]), 3000u);
}

TEST_F(Jobs, BackgroundJobOverTheMaxRpsIsRefused) {
  auto r = call_msg(conn_, background(4343, "demo", 10001));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result, 4);
  EXPECT_EQ(show("query-show:id=4343"), "ERROR:2:job not found");
}

TEST_F(Jobs, IndexQueryNamesItsIndex) {
  for (int k = 0; k < 10; ++k) write(conn_, digest_for(uint64_t(k)), {write_int("age", k)});
  ASSERT_EQ(show("sindex-create:namespace=test;set=demo;indexname=by_age;bin=age;type=NUMERIC"),
            "ok");
  Msg q = scan(31337, "demo");
  Bytes range = Bytes("\x01\x03") + "age" + "\x01" + be32(8) + be64(2) + be32(8) + be64(5);
  q.fields.push_back({22, range});
  auto msgs = conn_.call_stream(message_frame(q));
  ASSERT_TRUE(msgs);
  EXPECT_EQ(msgs->size(), 5u);  // 2..5 and LAST
  auto job = fields_of(show("query-show:id=31337"));
  EXPECT_EQ(job["sindex-name"], "by_age");
  EXPECT_EQ(job["recs-succeeded"], "4");
}

TEST_F(Jobs, ShortQueriesAreNotTracked) {
  Msg m = scan(555);
  m.info1 |= 0x04;  // SHORT_QUERY
  ASSERT_TRUE(conn_.call_stream(message_frame(m)));
  EXPECT_EQ(show("query-show:id=555"), "ERROR:2:job not found");
}

TEST_F(Jobs, BadRequestsGetErrors) {
  EXPECT_EQ(show("query-show:id=12345"), "ERROR:2:job not found");
  EXPECT_EQ(show("query-show:id=abc"), "ERROR:4:bad id");
  EXPECT_EQ(show("query-abort:id=12345"), "ERROR:2:job not active");
  EXPECT_EQ(show("query-abort:"), "ERROR:4:bad id");
  EXPECT_EQ(show("query-show"), "");
  EXPECT_EQ(show("scan-show"), "ERROR:4:unrecognized command");
  EXPECT_EQ(show("query-abort-all:"), "OK - number of queries killed: 0");
}

}  // namespace
