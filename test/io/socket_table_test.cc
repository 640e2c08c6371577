// SocketTable: ids are never reused, stale ids find nothing, freed slots are reused last in
// first out with a new generation, and for_each_open tolerates frees during the walk.
#include "io/socket_table.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace aero::io {
namespace {

struct FakeSocket {
  std::uint64_t id = 0;
  std::uint64_t generation = 1;
  int made = 0;  // how many times on_new_slot ran for this object
};

using Table = SocketTable<FakeSocket>;

TEST(SocketTable, StaleIdsFindNothingAndIdsAreNeverReused) {
  Table table;
  std::set<std::uint64_t> seen;
  std::vector<FakeSocket*> open;
  for (int i = 0; i < 10; ++i) {
    FakeSocket* s = table.allocate([](FakeSocket& fresh) { ++fresh.made; });
    ASSERT_NE(s, nullptr);
    EXPECT_TRUE(seen.insert(s->id).second);
    EXPECT_EQ(table.find(s->id), s);
    open.push_back(s);
  }
  const std::uint64_t old_id = open[3]->id;
  table.free(*open[3]);
  EXPECT_EQ(table.find(old_id), nullptr);
  EXPECT_EQ(open[3]->id, 0u);
  // The freed slot comes back (last in, first out) under a new id; on_new_slot does not run.
  FakeSocket* again = table.allocate([](FakeSocket& fresh) { ++fresh.made; });
  EXPECT_EQ(again, open[3]);
  EXPECT_EQ(again->made, 1);
  EXPECT_NE(again->id, old_id);
  EXPECT_EQ(again->id & Table::kSlotMask, old_id & Table::kSlotMask);
  EXPECT_TRUE(seen.insert(again->id).second);
  EXPECT_EQ(table.find(old_id), nullptr);  // the stale id does not find the new socket
  EXPECT_EQ(table.find(again->id), again);
  EXPECT_EQ(table.find(0), nullptr);
  EXPECT_EQ(table.find(std::uint64_t{1} << Table::kSlotBits | 999), nullptr);  // never issued
}

TEST(SocketTable, ForEachOpenVisitsOpenSocketsAndToleratesFrees) {
  Table table;
  std::vector<FakeSocket*> all;
  for (int i = 0; i < 6; ++i) all.push_back(table.allocate());
  table.free(*all[1]);
  int visited = 0;
  table.for_each_open([&](FakeSocket& s) {
    ++visited;
    EXPECT_NE(s.id, 0u);
    table.free(s);  // what a loop's destructor does
  });
  EXPECT_EQ(visited, 5);
  int left = 0;
  table.for_each_open([&](FakeSocket&) { ++left; });
  EXPECT_EQ(left, 0);
}

}  // namespace
}  // namespace aero::io
