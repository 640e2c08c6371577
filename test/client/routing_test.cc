// Routing over a hand-built snapshot: which node each replica policy picks, and how retries
// move along the replicas (no server needed: the snapshot is what the tender would build).
#include <gtest/gtest.h>

#include "client/command/routing.h"

namespace aero::command {
namespace {

struct Fixture {
  cluster::ClusterSnapshot snap;
  std::shared_ptr<cluster::NamespaceMap> map = std::make_shared<cluster::NamespaceMap>();
  cluster::NodePtr a, b, c;

  Fixture() {
    std::vector<int> one{1};
    a = std::make_shared<cluster::Node>("A", io::Endpoint::loopback_v4(1), one, one);
    b = std::make_shared<cluster::Node>("B", io::Endpoint::loopback_v4(2), one, one);
    c = std::make_shared<cluster::Node>("C", io::Endpoint::loopback_v4(3), one, one);
    snap.nodes = {a, b, c};
    map->name = "test";
    map->replicas = 3;
    // Partition 7: master A, then B, then C.
    map->owner[0][7] = a.get();
    map->owner[1][7] = b.get();
    map->owner[2][7] = c.get();
    map->racks = {{a.get(), 1}, {b.get(), 2}, {c.get(), 3}};
    snap.namespaces.push_back(map);
  }
  cluster::Node* go(Replica r, bool write, unsigned attempt, unsigned rotation = 0, int rack = -1) {
    return route(snap, "test", 7, r, write, attempt, rotation, rack);
  }
};

TEST(RoutingTest, MasterAlwaysTheMasterAndNothingWhenItIsGone) {
  Fixture f;
  EXPECT_EQ(f.go(Replica::master, false, 0), f.a.get());
  EXPECT_EQ(f.go(Replica::master, false, 2), f.a.get());
  f.a->deactivate();
  EXPECT_EQ(f.go(Replica::master, false, 0), nullptr);
}

TEST(RoutingTest, SequenceMovesAlongReplicasOnRetryAndSkipsInactiveNodes) {
  Fixture f;
  EXPECT_EQ(f.go(Replica::sequence, false, 0), f.a.get());
  EXPECT_EQ(f.go(Replica::sequence, false, 1), f.b.get());
  EXPECT_EQ(f.go(Replica::sequence, false, 2), f.c.get());
  EXPECT_EQ(f.go(Replica::sequence, false, 3), f.a.get());  // wraps
  f.b->deactivate();
  EXPECT_EQ(f.go(Replica::sequence, false, 1), f.c.get());
  f.c->deactivate();
  EXPECT_EQ(f.go(Replica::sequence, false, 1), f.a.get());  // skips two, wrapping
  EXPECT_EQ(f.go(Replica::sequence, false, 5), f.a.get());  // a retry past the last replica
  f.a->deactivate();
  EXPECT_EQ(f.go(Replica::sequence, false, 4), nullptr);
}

TEST(RoutingTest, ANamespaceWithoutReplicaColumnsHasNoNode) {
  Fixture f;
  f.map->replicas = 0;
  EXPECT_EQ(f.go(Replica::sequence, false, 0), nullptr);
  EXPECT_EQ(f.go(Replica::any, false, 0, 7), nullptr);
}

TEST(RoutingTest, AnyRotatesReadsButNotWrites) {
  Fixture f;
  EXPECT_EQ(f.go(Replica::any, false, 0, 1), f.b.get());
  EXPECT_EQ(f.go(Replica::any, false, 0, 2), f.c.get());
  EXPECT_EQ(f.go(Replica::any, true, 0, 2), f.a.get());
  EXPECT_EQ(f.go(Replica::random, true, 0, 2), f.c.get());
}

TEST(RoutingTest, PreferRackReadsGoToTheClientsRackFirst) {
  Fixture f;
  EXPECT_EQ(f.go(Replica::prefer_rack, false, 0, 0, 3), f.c.get());
  EXPECT_EQ(f.go(Replica::prefer_rack, false, 0, 0, 2), f.b.get());
  // Writes go to the master; a retry moves along the sequence; no node on the rack: sequence.
  EXPECT_EQ(f.go(Replica::prefer_rack, true, 0, 0, 3), f.a.get());
  EXPECT_EQ(f.go(Replica::prefer_rack, false, 1, 0, 3), f.b.get());
  EXPECT_EQ(f.go(Replica::prefer_rack, false, 0, 0, 9), f.a.get());
  f.c->deactivate();
  EXPECT_EQ(f.go(Replica::prefer_rack, false, 0, 0, 3), f.a.get());
}

TEST(RoutingTest, UnknownNamespaceOrPartitionHasNoNode) {
  Fixture f;
  EXPECT_EQ(route(f.snap, "nope", 7, Replica::sequence, false, 0, 0), nullptr);
  EXPECT_EQ(route(f.snap, "test", 8, Replica::sequence, false, 0, 0), nullptr);
  EXPECT_EQ(route(f.snap, "test", 4096, Replica::sequence, false, 0, 0), nullptr);
}

}  // namespace
}  // namespace aero::command
