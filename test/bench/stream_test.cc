// aerobench's streaming workloads against the embedded 3-node test cluster: the client pass
// and the bare reader of the same stream read the same records (every one once), for a scan
// and for an index query; the bare reader reports a server error instead of hanging. Only
// counts are asserted, never rates.
#include "bench/tool/stream.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "client/client.h"
#include "test/server/cluster.h"

namespace aero::bench {
namespace {

constexpr int kRecords = 3000;

class StreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_ = std::make_unique<testserver::Cluster>(testserver::ClusterOptions{.nodes = 3, .replication_factor = 2});
    std::string error;
    ASSERT_TRUE(cluster_->start(&error)) << error;
    ClientConfig config;
    config.seeds.push_back({"127.0.0.1", cluster_->seed_port()});
    auto c = Client::connect(config);
    ASSERT_TRUE(c.ok()) << c.status().to_string();
    client_ = std::move(c).value();
    // Written straight into the store (as aerobench's prefill does): the test is about the
    // reads.
    testserver::Record r;
    r.generation = 1;
    for (int i = 0; i < kRecords + 200; ++i) {
      const bool mine = i < kRecords;
      r.set = mine ? "s" : "other";
      r.bins = {{"v", 1, std::string("\0\0\0\0\0\0\0", 7) + char(mine ? i % 7 : 1)}};
      const wire::Digest d = Key("test", r.set, mine ? i : i - kRecords).digest();
      ASSERT_TRUE(cluster_->put_record("test", d.data(), r));
    }
  }
  void TearDown() override {
    if (client_) client_->close();
  }
  StreamSpec spec(bool query) {
    StreamSpec s;
    s.ns = "test";
    s.set = "s";
    s.query = query;
    s.bin = "v";
    s.max_rounds = 2;
    return s;
  }
  std::unique_ptr<testserver::Cluster> cluster_;
  std::unique_ptr<Client> client_;
};

TEST_F(StreamTest, ScanRoundsReadEveryRecordOnceThroughBothReaders) {
  StreamResult r;
  std::string error;
  ASSERT_TRUE(run_stream(*client_, spec(false), nullptr, &r, &error)) << error;
  ASSERT_EQ(r.client.size(), 2u);
  ASSERT_EQ(r.bare.size(), 2u);
  ASSERT_EQ(r.ratios.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(r.client[i].records, static_cast<std::uint64_t>(kRecords));
    EXPECT_EQ(r.bare[i].records, static_cast<std::uint64_t>(kRecords));
    // The same request: the same answer bytes (records and partition markers) both ways.
    EXPECT_EQ(r.client[i].bytes, r.bare[i].bytes);
    EXPECT_GT(r.bare[i].bytes, static_cast<std::uint64_t>(kRecords) * 30);
  }
  const std::string report = stream_report(spec(false), r);
  EXPECT_NE(report.find("client / bare reader"), std::string::npos) << report;
  EXPECT_NE(stream_json(spec(false), r).find("\"ratio_records_per_s\""), std::string::npos);
}

TEST_F(StreamTest, QueryRoundsCreateTheIndexAndMatchEveryRecord) {
  StreamResult r;
  std::string error;
  ASSERT_TRUE(run_stream(*client_, spec(true), nullptr, &r, &error)) << error;
  ASSERT_EQ(r.client.size(), 2u);
  for (std::size_t i = 0; i < r.client.size(); ++i) {
    EXPECT_EQ(r.client[i].records, static_cast<std::uint64_t>(kRecords));
    EXPECT_EQ(r.bare[i].records, static_cast<std::uint64_t>(kRecords));
  }
  // A second run finds the index already there.
  StreamResult again;
  ASSERT_TRUE(run_stream(*client_, spec(true), nullptr, &again, &error)) << error;
}

TEST_F(StreamTest, TheBareReaderReportsAServerError) {
  // A query on a bin without an index: the nodes answer 201 and both readers say so.
  StreamSpec s = spec(true);
  s.bin = "none";
  std::vector<std::string> addresses;
  for (const NodeInfo& n : client_->nodes()) addresses.push_back(n.address);
  BareStreamReader bare;
  std::string error;
  ASSERT_TRUE(bare.open(addresses, s, &error)) << error;
  StreamPass p;
  EXPECT_FALSE(bare.pass(&p, &error));
  EXPECT_NE(error.find("201"), std::string::npos) << error;
  error.clear();
  EXPECT_FALSE(client_pass(*client_, s, &p, &error));
  EXPECT_NE(error.find("201"), std::string::npos) << error;
}

TEST_F(StreamTest, AnUnknownNamespaceFailsToOpen) {
  StreamSpec s = spec(false);
  s.ns = "nope";
  std::vector<std::string> addresses;
  for (const NodeInfo& n : client_->nodes()) addresses.push_back(n.address);
  BareStreamReader bare;
  std::string error;
  EXPECT_FALSE(bare.open(addresses, s, &error));
  EXPECT_NE(error.find("nope"), std::string::npos) << error;
}

}  // namespace
}  // namespace aero::bench
