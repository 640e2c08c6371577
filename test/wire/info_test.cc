// The info protocol: response lines, error answers, and the value parsers (replicas,
// peers, services, features, build, node, generations), on captured answers and on
// hand-made edge cases.
#include <gtest/gtest.h>

#include "client/wire/wire.h"
#include "test/wire/captures.h"

namespace aero::wire {
namespace {

using testing::CaptureVector;
using testing::find_capture;
using testing::load_captures;

std::string_view body_of(const CaptureVector& c) {
  const auto& f = c.responses.at(0);
  return std::string_view(reinterpret_cast<const char*>(f.data() + 8), f.size() - 8);
}

std::string_view value_of(const std::vector<CaptureVector>& all, const std::string& vector,
                          std::string_view name) {
  static std::vector<std::vector<InfoLine>> keep;  // views into the loaded captures
  auto lines = parse_info_response(body_of(find_capture(all, vector)));
  EXPECT_TRUE(lines.ok());
  keep.push_back(*lines);
  auto v = find_info(keep.back(), name);
  EXPECT_TRUE(v.has_value()) << vector << " / " << name;
  return v.value_or("");
}

class InfoCaptures : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    single_ = new std::vector<CaptureVector>(load_captures("test/wire/testdata/single-node.json"));
    three_ = new std::vector<CaptureVector>(load_captures("test/wire/testdata/three-nodes.json"));
  }
  static void TearDownTestSuite() {
    delete single_;
    delete three_;
  }
  static std::vector<CaptureVector>* single_;
  static std::vector<CaptureVector>* three_;
};
std::vector<CaptureVector>* InfoCaptures::single_ = nullptr;
std::vector<CaptureVector>* InfoCaptures::three_ = nullptr;

TEST_F(InfoCaptures, ValidationAnswers) {
  EXPECT_EQ(*parse_node_name(value_of(*single_, "info node", "node")), "A0");
  EXPECT_EQ(*parse_info_int(value_of(*single_, "info partition-generation", "partition-generation")), 0);
  EXPECT_EQ(*parse_info_uint(value_of(*three_, "info peers-generation", "peers-generation")), 4u);
  auto build = parse_build(value_of(*single_, "info build", "build"));
  ASSERT_TRUE(build.ok());
  EXPECT_EQ(*build, (BuildVersion{8, 1, 2, 0}));
  EXPECT_GE(*build, (BuildVersion{6, 0, 0, 0}));
  Features f = parse_features(value_of(*single_, "info features", "features"));
  EXPECT_TRUE(f.has("pscans"));
  EXPECT_TRUE(f.has("pquery"));
  EXPECT_TRUE(f.has("batch-any"));
  EXPECT_FALSE(f.has("pscan"));
  EXPECT_EQ(f.names.size(), 22u);
  auto lines = parse_info_response(body_of(find_capture(*single_, "info node features build cluster-name")));
  ASSERT_TRUE(lines.ok());
  ASSERT_EQ(lines->size(), 4u);
  EXPECT_EQ((*lines)[3].name, "cluster-name");
  EXPECT_EQ((*lines)[3].value, "peers-single");
  auto err = parse_info_error(value_of(*single_, "info no-such-command", "no-such-command"));
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, 4);
  EXPECT_EQ(err->message, "unrecognized command");
  // The legacy summary (empty request) parses into many lines.
  auto summary = parse_info_response(body_of(find_capture(*single_, "info empty body")));
  ASSERT_TRUE(summary.ok());
  EXPECT_GT(summary->size(), 10u);
}

TEST_F(InfoCaptures, PeersAndServices) {
  auto none = parse_peers(value_of(*single_, "info peers-clear-std", "peers-clear-std"));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->peers.empty());
  auto p = parse_peers(value_of(*three_, "info peers-clear-std", "peers-clear-std"));
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  EXPECT_EQ(p->generation, 4u);
  ASSERT_EQ(p->peers.size(), 2u);
  EXPECT_EQ(p->peers[0].node_name, "A2");
  EXPECT_EQ(p->peers[0].tls_name, "");
  EXPECT_EQ(p->peers[0].hosts, (std::vector<Host>{{"127.0.0.1", 3010}}));
  EXPECT_EQ(p->peers[1].hosts, (std::vector<Host>{{"127.0.0.1", 3020}}));
  EXPECT_EQ(format_peers(*p), "4,3000,[[A2,,[127.0.0.1:3010]],[A3,,[127.0.0.1:3020]]]");
  auto svc = parse_services(value_of(*single_, "info service-clear-std", "service-clear-std"));
  ASSERT_TRUE(svc.ok());
  EXPECT_EQ(*svc, (std::vector<Host>{{"127.0.0.1", 3000}}));
}

TEST_F(InfoCaptures, Replicas) {
  auto one = parse_replicas(value_of(*single_, "info partition-generation replicas", "replicas"));
  ASSERT_TRUE(one.ok()) << one.error().to_string();
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].ns, "test");
  EXPECT_EQ((*one)[0].regime, 0u);
  ASSERT_EQ((*one)[0].replicas.size(), 1u);
  for (uint32_t p = 0; p < kPartitionCount; ++p) ASSERT_TRUE(bitmap_has((*one)[0].replicas[0], p));
  EXPECT_EQ(format_replicas(*one), value_of(*single_, "info partition-generation replicas", "replicas"));

  auto master = parse_replicas(value_of(*single_, "info replicas-master", "replicas-master"),
                               ReplicasFormat::kReplicasMaster);
  ASSERT_TRUE(master.ok()) << master.error().to_string();
  EXPECT_EQ((*master)[0].replicas[0], (*one)[0].replicas[0]);
  auto all = parse_replicas(value_of(*single_, "info replicas-all", "replicas-all"),
                            ReplicasFormat::kReplicasAll);
  ASSERT_TRUE(all.ok()) << all.error().to_string();

  // Three nodes, RF 2: node A1 is master for some partitions and prole for others, never both.
  auto three = parse_replicas(value_of(*three_, "info partition-generation replicas", "replicas"));
  ASSERT_TRUE(three.ok()) << three.error().to_string();
  ASSERT_EQ((*three)[0].replicas.size(), 2u);
  int masters = 0, proles = 0;
  for (uint32_t p = 0; p < kPartitionCount; ++p) {
    const bool m = bitmap_has((*three)[0].replicas[0], p);
    const bool r = bitmap_has((*three)[0].replicas[1], p);
    EXPECT_FALSE(m && r) << p;
    masters += m;
    proles += r;
  }
  EXPECT_GT(masters, 1000);
  EXPECT_LT(masters, 2000);
  EXPECT_GT(proles, 1000);
  auto three_all = parse_replicas(value_of(*three_, "info replicas-all", "replicas-all"),
                                  ReplicasFormat::kReplicasAll);
  ASSERT_TRUE(three_all.ok());
  EXPECT_EQ((*three_all)[0].replicas, (*three)[0].replicas);
}

TEST(InfoParsers, LinesAndErrors) {
  auto lines = parse_info_response("a\t1\nb\n\nc\tx\ty\nlast\tno-newline");
  ASSERT_TRUE(lines.ok());
  ASSERT_EQ(lines->size(), 4u);
  EXPECT_EQ((*lines)[1].name, "b");
  EXPECT_EQ((*lines)[1].value, "");
  EXPECT_EQ((*lines)[2].value, "x\ty");
  EXPECT_EQ((*lines)[3].value, "no-newline");
  EXPECT_FALSE(parse_info_response(std::string_view("a\t\0", 3)).ok());
  auto auth = parse_info_response("ERROR:80:not authenticated\n");
  ASSERT_TRUE(auth.ok());
  auto e = parse_info_error((*auth)[0].name);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, 80);
  EXPECT_EQ(e->message, "not authenticated");
  EXPECT_EQ(parse_info_error("ERROR::bad thing")->code, 1);
  EXPECT_EQ(parse_info_error("FAIL:22:busy")->code, 22);
  EXPECT_EQ(parse_info_error("ERROR:oops")->message, "oops");
  EXPECT_FALSE(parse_info_error("ok").has_value());
}

TEST(InfoParsers, Numbers) {
  EXPECT_EQ(*parse_info_int("-1"), -1);
  EXPECT_FALSE(parse_info_int("").ok());
  EXPECT_FALSE(parse_info_int("1x").ok());
  EXPECT_FALSE(parse_info_int("+1").ok());
  EXPECT_FALSE(parse_info_int("99999999999999999999").ok());
  EXPECT_FALSE(parse_info_uint("-1").ok());
  EXPECT_FALSE(parse_node_name("").ok());
  EXPECT_FALSE(parse_node_name("A B").ok());
  EXPECT_FALSE(parse_node_name(std::string(20, 'A')).ok());
  EXPECT_TRUE(parse_node_name("BB9020011AC4202").ok());
  EXPECT_EQ(*parse_build("5.7.0.17-ee"), (BuildVersion{5, 7, 0, 17}));
  EXPECT_EQ(*parse_build("8.1.2"), (BuildVersion{8, 1, 2, 0}));
  EXPECT_FALSE(parse_build("8.1").ok());
  EXPECT_FALSE(parse_build("8.x.1").ok());
  EXPECT_FALSE(parse_build("1.2.3.4.5").ok());
  EXPECT_TRUE(parse_features("").names.empty());
  EXPECT_EQ(parse_features("a;;b;").names.size(), 2u);
}

TEST(PeersParser, Ipv6TlsPortsAndDefaults) {
  auto p = parse_peers(
      "6,3100,[[BB9030011AC4202,clusterA,[172.17.0.3,[2001:db8::5],[2001:db8::6]:4333,"
      "host.example.com:3000]],[N2,,[]]]");
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  EXPECT_EQ(p->default_port, 3100);
  ASSERT_EQ(p->peers.size(), 2u);
  EXPECT_EQ(p->peers[0].tls_name, "clusterA");
  EXPECT_EQ(p->peers[0].hosts,
            (std::vector<Host>{{"172.17.0.3", 3100}, {"2001:db8::5", 3100}, {"2001:db8::6", 4333},
                               {"host.example.com", 3000}}));
  EXPECT_TRUE(p->peers[1].hosts.empty());
  // Round trip through the formatter.
  auto again = parse_peers(format_peers(*p));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->peers, p->peers);
  // Empty default port (tolerated by the C client) means 3000.
  auto d = parse_peers("1,,[[A,,[10.0.0.1]]]");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->peers[0].hosts[0].port, 3000);
  EXPECT_TRUE(parse_peers("0,3000,[]").ok());
}

TEST(PeersParser, RejectsMalformed) {
  for (const char* bad : {"", "x,3000,[]", "1,3000[]", "1,3000,", "1,3000,[", "1,3000,[]x",
                          "1,70000,[]", "1,3000,[[A,,[h:0]]]", "1,3000,[[A,,[h:65536]]]",
                          "1,3000,[[A,,[[::1]]]", "1,3000,[[A,,[[]]]]", "1,3000,[[A,[h]]]",
                          "1,3000,[[,,[h]]]", "1,3000,[[A,,[h]],]", "1,3000,[[A,,[h,]]]",
                          "1,3000,[[A,,[h x]]]", "1,3000,[[A,,[h]]"}) {
    auto r = parse_peers(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.error().message().find("offset"), std::string::npos) << bad;
    }
  }
}

TEST(ServicesParser, Lists) {
  auto s = parse_services("10.0.0.1:3000,[::1]:3001;example.org:4000");
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_EQ(*s, (std::vector<Host>{{"10.0.0.1", 3000}, {"::1", 3001}, {"example.org", 4000}}));
  EXPECT_TRUE(parse_services("")->empty());
  EXPECT_FALSE(parse_services("10.0.0.1").ok());  // no port
  EXPECT_FALSE(parse_services("10.0.0.1:3000,").ok());
}

TEST(ReplicasParser, RejectsMalformed) {
  PartitionBitmap b{};
  bitmap_set(b, 0);
  bitmap_set(b, 4095);
  const std::string bm = encode_partition_bitmap(b);
  ASSERT_EQ(bm.size(), 684u);
  auto back = decode_partition_bitmap(bm);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, b);
  EXPECT_TRUE(bitmap_has(*back, 4095));
  EXPECT_FALSE(bitmap_has(*back, 1));
  EXPECT_TRUE(parse_replicas("").ok());
  EXPECT_TRUE(parse_replicas("a:0,1," + bm + ";b:5,2," + bm + "," + bm).ok());
  const std::string bad_char = std::string("*") + bm.substr(1);
  for (const std::string& bad : std::vector<std::string>{
           "test", "test:0,1", "test:0,1,", "test:0,0," + bm, "test:0,256," + bm,
        "test:x,1," + bm, "test:0,2," + bm, "test:0,1," + bm + "," + bm, "test:0,1," + bm + ";",
        ":0,1," + bm, std::string(32, 'n') + ":0,1," + bm, "test:0,1," + bm.substr(1),
        "test:0,1," + bad_char, "test:0,1," + bm.substr(0, 683) + "A"}) {
    EXPECT_FALSE(parse_replicas(bad).ok()) << bad.substr(0, 40);
  }
  EXPECT_FALSE(parse_replicas(bm, ReplicasFormat::kReplicasMaster).ok());  // no namespace
}

}  // namespace
}  // namespace aero::wire
