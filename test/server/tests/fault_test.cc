// Faults through real sockets: hang, delay, trickle, close mid-response, garbage, truncated frame,
// absurd length, scopes and counts, refused connections, stop/restart on the same port, and a
// migration that moves a partition while serving.
//
// No test asserts a duration: "not answered yet" is checked with a short wait only where the
// fault holds the answer back for far longer (or forever), so a slow machine cannot fail it.
#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>

#include "test/server/tests/test_util.h"

namespace {

using namespace testclient;
using aero::testserver::ClusterOptions;
using aero::testserver::Fault;
using aero::testserver::FaultScope;
using aero::testserver::NotOwnerPolicy;
using std::chrono::milliseconds;

Bytes get_frame(uint64_t key) {
  Msg m = keyed("test", "demo", digest_for(key));
  m.info1 = 0x03;
  return message_frame(m);
}

class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_ = start_cluster(ClusterOptions{});
    RawConnection c = connect_to(*cluster_);
    write(c, digest_for(1), {write_int("v", 1)});
    expected_ = *c.call(get_frame(1));
  }
  aero::testserver::Node& node() { return cluster_->node(0); }
  std::unique_ptr<aero::testserver::Cluster> cluster_;
  Frame expected_;  // the normal answer to get_frame(1)
};

TEST_F(FaultTest, HangReadsButNeverAnswers) {
  node().set_fault(Fault::hang());
  RawConnection hung = connect_to(*cluster_);
  ASSERT_TRUE(hung.send(get_frame(1)));
  EXPECT_EQ(hung.wait_readable(milliseconds(300)), ReadStatus::kTimeout);
  node().clear_fault();
  // The hung connection stays silent (answers are in order); a new one works.
  ASSERT_TRUE(hung.send(get_frame(1)));
  EXPECT_EQ(hung.wait_readable(milliseconds(200)), ReadStatus::kTimeout);
  RawConnection fresh = connect_to(*cluster_);
  auto f = fresh.call(get_frame(1));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->raw(), expected_.raw());
  EXPECT_GE(node().stats().faults_applied, 1u);
}

TEST_F(FaultTest, DelayHoldsAnswersButKeepsTheirOrder) {
  node().set_fault(Fault::delay_by(milliseconds(1500)));
  RawConnection c = connect_to(*cluster_);
  ASSERT_TRUE(c.send(get_frame(1) + get_frame(2) + info_frame({"build"})));
  EXPECT_EQ(c.wait_readable(milliseconds(100)), ReadStatus::kTimeout);
  node().clear_fault();  // already-delayed answers still come, in order
  Frame a, b, i;
  ASSERT_EQ(c.read_frame(&a), ReadStatus::kOk);
  ASSERT_EQ(c.read_frame(&b), ReadStatus::kOk);
  ASSERT_EQ(c.read_frame(&i), ReadStatus::kOk);
  EXPECT_EQ(a.raw(), expected_.raw());
  EXPECT_EQ(first_message(b.body).result, 2);
  EXPECT_EQ(i.body, "build\t8.1.2.0\n");
}

TEST_F(FaultTest, CloseMidResponse) {
  node().set_fault(Fault::close_mid_response());
  RawConnection c = connect_to(*cluster_);
  ASSERT_TRUE(c.send(get_frame(1)));
  Bytes part;
  EXPECT_EQ(c.read_exact(expected_.raw().size(), &part), ReadStatus::kClosed);
  Bytes got;
  RawConnection c2 = connect_to(*cluster_);
  ASSERT_TRUE(c2.send(get_frame(1)));
  ASSERT_EQ(c2.read_exact(expected_.raw().size() / 2, &got), ReadStatus::kOk);
  EXPECT_EQ(got, expected_.raw().substr(0, got.size()));  // a true prefix
  EXPECT_EQ(c2.wait_readable(milliseconds(5000)), ReadStatus::kClosed);
}

TEST_F(FaultTest, GarbageThenNormalAnswers) {
  node().set_fault(Fault::garbage().times(1));
  RawConnection c = connect_to(*cluster_);
  ASSERT_TRUE(c.send(get_frame(1) + get_frame(1)));
  Bytes junk;
  ASSERT_EQ(c.read_exact(expected_.raw().size(), &junk), ReadStatus::kOk);
  EXPECT_NE(uint8_t(junk[0]), 2);  // not a valid proto version
  Frame next;
  ASSERT_EQ(c.read_frame(&next), ReadStatus::kOk);
  EXPECT_EQ(next.raw(), expected_.raw());
  EXPECT_EQ(node().fault().kind, aero::testserver::FaultKind::kNone);  // count used up
}

TEST_F(FaultTest, TruncatedFrameThenSilence) {
  node().set_fault(Fault::truncated_frame());
  RawConnection c = connect_to(*cluster_);
  ASSERT_TRUE(c.send(get_frame(1)));
  Bytes header;
  ASSERT_EQ(c.read_exact(8, &header), ReadStatus::kOk);
  EXPECT_EQ(header, expected_.raw().substr(0, 8));  // declares the full size...
  Bytes rest;
  EXPECT_EQ(c.read_exact(expected_.body.size(), &rest, milliseconds(300)),
            ReadStatus::kTimeout);  // ...but never delivers it
}

TEST_F(FaultTest, AbsurdLength) {
  node().set_fault(Fault::absurd_length().times(1));
  RawConnection c = connect_to(*cluster_);
  ASSERT_TRUE(c.send(get_frame(1)));
  Bytes header;
  ASSERT_EQ(c.read_exact(8, &header), ReadStatus::kOk);
  EXPECT_EQ(to_hex(header), "0203ffffffffffff");
}

TEST_F(FaultTest, TrickleSendsOneByteThenTheHeaderThenTheRest) {
  node().set_fault(Fault::trickle(milliseconds(400)).times(1));
  RawConnection c = connect_to(*cluster_);
  ASSERT_TRUE(c.send(get_frame(1)));
  Bytes first, header_rest, body;
  ASSERT_EQ(c.read_exact(1, &first), ReadStatus::kOk);
  EXPECT_EQ(c.wait_readable(milliseconds(50)), ReadStatus::kTimeout);  // the next is 400 ms away
  ASSERT_EQ(c.read_exact(7, &header_rest), ReadStatus::kOk);
  ASSERT_EQ(c.read_exact(expected_.raw().size() - 8, &body), ReadStatus::kOk);
  EXPECT_EQ(first + header_rest + body, expected_.raw());
}

TEST_F(FaultTest, ScopesAndCounts) {
  // Data requests only: tending (info) still works.
  node().set_fault(Fault::hang().only(FaultScope::kDataRequests));
  RawConnection info = connect_to(*cluster_);
  EXPECT_TRUE(call_info(info, {"node"}));
  RawConnection data = connect_to(*cluster_);
  ASSERT_TRUE(data.send(get_frame(1)));
  EXPECT_EQ(data.wait_readable(milliseconds(200)), ReadStatus::kTimeout);
  // Info requests only: commands still work.
  node().set_fault(Fault::hang().only(FaultScope::kInfoRequests));
  RawConnection cmd = connect_to(*cluster_);
  EXPECT_TRUE(cmd.call(get_frame(1)));
  // A count of two affects exactly two answers.
  node().set_fault(Fault::garbage().times(2));
  RawConnection c = connect_to(*cluster_);
  for (int i = 0; i < 3; ++i) {
    Bytes raw;
    ASSERT_TRUE(c.send(get_frame(1)));
    ASSERT_EQ(c.read_exact(expected_.raw().size(), &raw), ReadStatus::kOk);
    EXPECT_EQ(raw == expected_.raw(), i == 2) << i;
  }
}

TEST_F(FaultTest, FaultsOnStreams) {
  aero::testserver::Record r;
  r.generation = 1;
  r.bins.push_back({"p", 3, std::string(100, 'x')});
  for (uint64_t k = 100; k < 2100; ++k) {
    const Bytes d = digest_for(k);
    cluster_->put_record("test", reinterpret_cast<const uint8_t*>(d.data()), r);
  }
  Msg scan;
  scan.info1 = 0x01;
  scan.info3 = 0x04;
  Bytes pids;
  for (uint32_t p = 0; p < 4096; ++p) pids += le16(uint16_t(p));
  scan.fields = {{0, "test"}, {11, pids}, {7, be64(5)}};
  // Delayed streams still complete.
  node().set_fault(Fault::delay_by(milliseconds(20)));
  RawConnection c = connect_to(*cluster_);
  auto all = c.call_stream(message_frame(scan));
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 2001u + 1);  // 2001 records and LAST
  // Closing mid-stream.
  node().set_fault(Fault::close_mid_response());
  scan.fields[2].data = be64(6);
  RawConnection c2 = connect_to(*cluster_);
  EXPECT_FALSE(c2.call_stream(message_frame(scan)));
}

TEST(NodeFaults, RefuseConnections) {
  auto cluster = start_cluster(ClusterOptions{});
  RawConnection existing = connect_to(*cluster);
  ASSERT_TRUE(cluster->node(0).refuse_connections(true));
  RawConnection refused;
  EXPECT_FALSE(refused.connect(cluster->node(0).port()));
  EXPECT_EQ(refused.last_errno(), ECONNREFUSED);
  EXPECT_TRUE(call_info(existing, {"node"}));  // established connections keep working
  ASSERT_TRUE(cluster->node(0).refuse_connections(false));
  RawConnection again = connect_to(*cluster);
  EXPECT_TRUE(call_info(again, {"node"}));
}

TEST(NodeFaults, StopAndRestartOnTheSamePort) {
  ClusterOptions o;
  o.nodes = 2;
  auto cluster = start_cluster(o);
  RawConnection c = connect_to(*cluster, 1);
  write(c, digest_for(1), {write_int("v", 7)});
  const uint16_t port = cluster->node(1).port();
  cluster->node(1).stop();
  EXPECT_FALSE(cluster->node(1).running());
  EXPECT_EQ(c.wait_readable(milliseconds(5000)), ReadStatus::kClosed);
  RawConnection refused;
  EXPECT_FALSE(refused.connect(port));
  ASSERT_TRUE(cluster->node(1).restart());
  EXPECT_EQ(cluster->node(1).port(), port);
  RawConnection back = connect_to(*cluster, 1);
  EXPECT_EQ(int_bin(get(back, digest_for(1)), "v"), 7);  // the cluster kept the data
  // Restarting several times in a row is fine.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(cluster->node(1).restart());
  RawConnection again = connect_to(*cluster, 1);
  EXPECT_TRUE(call_info(again, {"node"}));
}

TEST(NodeFaults, WholeClusterStopAndStartAgain) {
  ClusterOptions o;
  o.nodes = 2;
  auto cluster = start_cluster(o);
  const uint16_t p0 = cluster->node(0).port(), p1 = cluster->node(1).port();
  cluster->stop();
  EXPECT_FALSE(cluster->node(0).running());
  EXPECT_FALSE(cluster->node(1).running());
  std::string error;
  ASSERT_TRUE(cluster->start(&error)) << error;
  EXPECT_EQ(cluster->node(0).port(), p0);
  EXPECT_EQ(cluster->node(1).port(), p1);
  RawConnection c = connect_to(*cluster, 1);
  EXPECT_TRUE(call_info(c, {"node"}));
}

TEST(Migration, MovesAPartitionWhileServing) {
  ClusterOptions o;
  o.nodes = 4;
  o.replication_factor = 2;
  auto cluster = start_cluster(o);
  const uint32_t pid = 1207;
  const auto before = cluster->replicas("test", pid);
  const size_t old_master = size_t(before[0]), old_replica = size_t(before[1]);
  size_t target = 0;
  while (target == old_master || target == old_replica) ++target;
  const size_t untouched = 6 - old_master - old_replica - target;
  std::vector<RawConnection> conns;
  for (size_t i = 0; i < 4; ++i) conns.push_back(connect_to(*cluster, i));
  const Bytes d = digest_in_partition(pid, 3);
  write(conns[old_master], d, {write_int("v", 1)});
  std::vector<int64_t> gens;
  for (size_t i = 0; i < 4; ++i) gens.push_back(cluster->node(i).partition_generation());

  ASSERT_TRUE(cluster->migrate_partition("test", pid, target));
  const auto after = cluster->replicas("test", pid);
  EXPECT_EQ(after[0], int(target));
  EXPECT_EQ(after[1], int(old_master));  // the old master stays as the replica
  // Nodes whose share changed bumped their generation; the untouched one did not.
  for (size_t i = 0; i < 4; ++i) {
    const int64_t g = cluster->node(i).partition_generation();
    EXPECT_EQ(g, gens[i] + (i == untouched ? 0 : 1)) << i;
    auto body = call_info(conns[i], {"partition-generation"});
    EXPECT_EQ(info_value(*body, "partition-generation"), std::to_string(g));
  }
  // The new master's replicas map lists the partition in column 0.
  auto body = call_info(conns[target], {"replicas"});
  const std::string value = *info_value(*body, "replicas");
  const auto bits = base64_decode(value.substr(std::string("test:0,2,").size(), 684));
  ASSERT_TRUE(bits);
  EXPECT_TRUE(uint8_t((*bits)[pid >> 3]) & (0x80u >> (pid & 7)));

  // Commands that reach the old owner: proxied by default, 11 under the unavailable policy.
  EXPECT_EQ(write(conns[old_master], d, {write_int("v", 2)}).result, 0);
  cluster->set_not_owner_policy(NotOwnerPolicy::kUnavailable);
  EXPECT_EQ(write(conns[old_master], d, {write_int("v", 3)}).result, 11);
  EXPECT_EQ(write(conns[target], d, {write_int("v", 3)}).result, 0);
  EXPECT_EQ(int_bin(get(conns[old_master], d), "v"), 3);  // still a replica: reads are fine
  // Scans at the old master report the partition as unavailable.
  Msg scan;
  scan.info1 = 0x01;
  scan.info3 = 0x04;
  scan.fields = {{0, "test"}, {11, le16(uint16_t(pid))}, {7, be64(9)}};
  auto msgs = conns[old_master].call_stream(message_frame(scan));
  ASSERT_TRUE(msgs);
  ASSERT_EQ(msgs->size(), 2u);
  EXPECT_EQ((*msgs)[0].info3, 0x04);
  EXPECT_EQ((*msgs)[0].result, 11);
  EXPECT_EQ((*msgs)[0].generation, pid);
}

}  // namespace
