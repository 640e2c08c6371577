// Info and admin calls against the 3-node test cluster: info to all/one/any node, the
// cluster's nodes/namespaces/sets, index create (task waits) and drop, truncate, a background
// write reaching every match, the blocking iterator, and the unknown-namespace error on every
// kind of command.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "client/sync_client.h"
#include "test/client/fixture.h"

namespace aero::testing {
namespace {

class InfoAdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cc_ = ClusterClient::start({.nodes = 3, .replication_factor = 2});
    ASSERT_TRUE(cc_.client);
    WritePolicy wp;
    wp.total_timeout = Millis{20000};
    wp.max_retries = 3;
    std::vector<Future<void>> fs;
    for (int i = 0; i < kN; ++i) fs.push_back(client().put(key(i), {{"a", i % 10}, {"b", i}}, wp));
    for (auto& f : fs) {
      auto r = f.get();
      ASSERT_TRUE(r.ok()) << r.status().to_string();
    }
  }
  Client& client() { return *cc_.client; }
  static constexpr int kN = 300;
  const std::string set_ = test_set("demo");  // key()'s set
  ClusterClient cc_;
};

TEST_F(InfoAdminTest, InfoToAllOneAndAnyNode) {
  auto all = client().info_all({"namespaces", "node"}).get();
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  ASSERT_EQ(all->size(), 3u);
  std::set<std::string> names;
  for (const InfoAnswer& a : *all) {
    ASSERT_TRUE(a.status.ok()) << a.status.to_string();
    ASSERT_NE(a.find("namespaces"), nullptr);
    EXPECT_EQ(*a.find("namespaces"), "test");
    ASSERT_NE(a.find("node"), nullptr);
    EXPECT_EQ(*a.find("node"), a.node);
    names.insert(a.node);
  }
  EXPECT_EQ(names.size(), 3u);
  auto nodes = client().nodes();
  ASSERT_EQ(nodes.size(), 3u);
  auto one = client().info_node(nodes[1].name, {"node"}).get();
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one->find("node"), nodes[1].name);
  auto any = client().info_any({"build"}).get();
  ASSERT_TRUE(any.ok());
  EXPECT_NE(any->find("build"), nullptr);
  auto missing = client().info_node("NOSUCHNODE", {"node"}).get();
  EXPECT_TRUE(missing.status().is(ClientCode::invalid_node));
  EXPECT_EQ(client().namespaces(), std::vector<std::string>{"test"});
  auto bad = client().info_all({"a\nb"}).get();
  EXPECT_TRUE(bad.status().is(ClientCode::invalid_argument));
}

TEST_F(InfoAdminTest, SetsCountsRecords) {
  auto sets = client().sets("test").get();
  ASSERT_TRUE(sets.ok()) << sets.status().to_string();
  bool found = false;
  for (const SetInfo& s : *sets) {
    if (s.set != set_) continue;
    found = true;
    EXPECT_GE(s.objects, static_cast<std::uint64_t>(kN));  // replicas are counted on each node
  }
  EXPECT_TRUE(found);
}

TEST_F(InfoAdminTest, CreateIndexThenQueryThenDrop) {
  auto task = client().create_index("test", set_, "idx_a", "a", IndexKind::numeric).get();
  ASSERT_TRUE(task.ok()) << task.status().to_string();
  Result<void> waited = task->wait(Millis{5000}).get();
  // sindex-stat (load_pct) is how a real server reports the build; a test server without it
  // answers "unrecognized" (4).
  EXPECT_TRUE(waited.ok() || waited.code() == 4) << waited.status().to_string();
  std::set<std::int64_t> got;
  auto s = client().query("test", set_, Filter::equal("a", 3), QueryPolicy{}, PartitionFilter::all(), {},
                          [&](ScanRecord& r) {
                            got.insert(*r.record.find("b")->as_int());
                            return true;
                          }).get();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->end, StreamEnd::complete) << s->status.to_string();
  EXPECT_EQ(got.size(), static_cast<std::size_t>(kN / 10));
  for (std::int64_t b : got) EXPECT_EQ(b % 10, 3);

  auto drop = client().drop_index("test", "idx_a").get();
  ASSERT_TRUE(drop.ok()) << drop.status().to_string();
  s = client().query("test", set_, Filter::equal("a", 3), QueryPolicy{}, PartitionFilter::all(), {},
                     nullptr).get();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->status.code(), 201) << s->status.to_string();
}

TEST_F(InfoAdminTest, BackgroundWriteReachesEveryMatch) {
  auto task = client().background("test", set_, std::nullopt, {Operation::write("c", Value(7))}, WritePolicy{}).get();
  ASSERT_TRUE(task.ok()) << task.status().to_string();
  EXPECT_NE(task->task_id(), 0u);
  auto waited = task->wait(Millis{5000}).get();
  ASSERT_TRUE(waited.ok()) << waited.status().to_string();
  // Every record now has c = 7 (the job ran before its LAST, or query-show said done).
  int with_c = 0;
  for (int attempt = 0; attempt < 50 && with_c < kN; ++attempt) {
    with_c = 0;
    auto got = client().batch_get([&] {
      std::vector<Key> keys;
      for (int i = 0; i < kN; ++i) keys.push_back(key(i));
      return keys;
    }()).get();
    ASSERT_TRUE(got.ok());
    for (const BatchRecord& r : *got) {
      const Value* c = r.record.find("c");
      if (c != nullptr && c->as_int() != nullptr && *c->as_int() == 7) ++with_c;
    }
  }
  EXPECT_EQ(with_c, kN);
  auto none = client().background("test", set_, std::nullopt, {}, WritePolicy{}).get();
  EXPECT_TRUE(none.status().is(ClientCode::invalid_argument));
}

// Re-enabled after 20 runs in a row passed (--runs_per_test=20); it was disabled after one
// CI run on a loaded machine where the truncate's info connection never completed ("total
// timeout expired connecting to node ... (attempt 1)"), a client connect flake tracked apart.
TEST_F(InfoAdminTest, TruncateRemovesTheSet) {
  auto r = client().truncate("test", set_).get();
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  SyncClient sync(client());
  auto it = sync.scan("test", set_);
  int n = 0;
  while (auto rec = it.next()) {
    ASSERT_TRUE(rec->ok()) << rec->status().to_string();
    if (!rec->value()) break;
    ++n;
  }
  EXPECT_EQ(n, 0);
  ASSERT_TRUE(it.summary().has_value());
  EXPECT_EQ(it.summary()->end, StreamEnd::complete);
}

// truncate(before): the records last updated before the time go, later ones stay. The test
// server's clock moves 10 s ahead between the two writes, so the threshold lies between them.
TEST_F(InfoAdminTest, TruncateBeforeATimeKeepsLaterRecords) {
  AERO_EMBEDDED_ONLY("advances the server's clock between two writes");
#if AERO_EMBEDDED_CLUSTER
  cc_.cluster->clock().advance(std::chrono::seconds(10));
  for (int i = kN; i < kN + 10; ++i) ASSERT_TRUE(client().put(key(i), {{"a", i}}).get().ok());
  const auto before = std::chrono::system_clock::now() + std::chrono::seconds(5);
  auto r = client().truncate("test", set_, before).get();
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  std::set<std::int64_t> left;
  auto s = client().scan("test", set_, ScanPolicy{}, PartitionFilter::all(), {"a"}, [&](ScanRecord& rec) {
    left.insert(*rec.record.find("a")->as_int());
    return true;
  }).get();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->end, StreamEnd::complete) << s->status.to_string();
  std::set<std::int64_t> later;
  for (int i = kN; i < kN + 10; ++i) later.insert(i);
  EXPECT_EQ(left, later);
  // A time ahead of the server's clock is refused, and says so.
  auto future = client().truncate("test", set_, std::chrono::system_clock::now() + std::chrono::hours(1)).get();
  EXPECT_FALSE(future.ok());
  EXPECT_NE(future.status().message().find("future"), std::string::npos) << future.status().to_string();
#endif
}

// A real server runs a background job after answering the request, at most 10,000 records
// per second per node: the task's wait polls query-show on every node until each is done.
TEST_F(InfoAdminTest, BackgroundTaskWaitPollsUntilEveryNodeIsDone) {
  AERO_EMBEDDED_ONLY("seeds 60,000 records directly in the server's store");
#if AERO_EMBEDDED_CLUSTER
  constexpr int kBulk = 60000;  // 20,000 per node master: at least 2 s of work at 10,000/s
  testserver::Record rec;
  rec.generation = 1;
  rec.set = "bulk";
  rec.bins.push_back({"p", 3, "x"});
  for (int i = 0; i < kBulk; ++i) {
    const wire::Digest d = key(i, "bulk").digest();
    ASSERT_TRUE(cc_.cluster->put_record("test", d.data(), rec));
  }
  auto task = client().background("test", "bulk", std::nullopt, {Operation::write("c", Value(7))}, WritePolicy{}).get();
  ASSERT_TRUE(task.ok()) << task.status().to_string();
  auto shown = client().info_all({task->poll_command()}).get();
  ASSERT_TRUE(shown.ok());
  int active = 0;
  for (const InfoAnswer& a : *shown) {
    const std::string* v = a.find(task->poll_command());
    active += v != nullptr && v->find("status=active(ok)") != std::string::npos ? 1 : 0;
  }
  EXPECT_GE(active, 1) << "the job should still run on some node right after the request";
  auto waited = task->wait(Millis{60000}).get();
  ASSERT_TRUE(waited.ok()) << waited.status().to_string();
  // Every record was written by the time wait() said done.
  int with_c = 0;
  auto s = client().scan("test", "bulk", ScanPolicy{}, PartitionFilter::all(), {"c"}, [&](ScanRecord& r) {
    const Value* c = r.record.find("c");
    with_c += c != nullptr && c->as_int() != nullptr && *c->as_int() == 7 ? 1 : 0;
    return true;
  }).get();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(with_c, kBulk);
#endif
}

TEST_F(InfoAdminTest, AnUnknownNamespaceFailsAtOnceNamingTheKnownOnes) {
  auto check = [](const Status& st) {
    EXPECT_EQ(st.code(), 20) << st.to_string();
    EXPECT_NE(st.message().find("'nope'"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("test"), std::string::npos) << st.message();
  };
  check(client().get(Key("nope", set_, 1)).get().status());
  check(client().put(Key("nope", set_, 1), {{"a", 1}}).get().status());
  auto batch = client().batch_get({Key("nope", set_, 1), key(1)}).get();
  ASSERT_TRUE(batch.ok());
  check(Status((*batch)[0].code, (*batch)[0].message));
  EXPECT_EQ((*batch)[1].code, 0);
  check(client().truncate("nope", "").get().status());
  check(client().create_index("nope", "", "i", "a", IndexKind::numeric).get().status());
  auto bg = client().background("nope", set_, std::nullopt, {Operation::write("c", Value(1))}, WritePolicy{}).get();
  check(bg.status());
}

}  // namespace
}  // namespace aero::testing
