// UDFs over many records through the client against the embedded 3-node test cluster:
// batch apply (one UDF over many keys, one row per key, in the four API styles), filter
// expressions on UDF requests (a record that does not match answers 27 and is left alone),
// the last-update time a UDF write leaves, and background UDF jobs over a scan or a query.
#include <gtest/gtest.h>

#include <future>
#include <string>
#include <vector>

#include "client/aerospike.h"
#include "test/client/fixture.h"

namespace aero {
namespace {

using namespace std::chrono_literals;
using testing::ClusterClient;
using testing::external_cluster;
using testing::key;
using testing::test_set;

constexpr const char* kModule = R"lua(
function add(rec, d)
  rec['n'] = (rec['n'] or 0) + d
  if aerospike:exists(rec) then aerospike:update(rec) else aerospike:create(rec) end
  return rec['n']
end
function odd_fails(rec)
  if rec['n'] % 2 == 1 then error('odd ' .. rec['n']) end
  return rec['n']
end
function read_n(rec) return rec['n'] end
function mark(rec, v)
  rec['m'] = v
  aerospike:update(rec)
end
)lua";

class UdfJobs : public ::testing::Test {
 protected:
  void SetUp() override {
    testserver::ClusterOptions o;
    o.nodes = 3;
    o.replication_factor = 2;
    cc_ = ClusterClient::start(o);
    ASSERT_TRUE(cc_.client);
    auto r = cc_.client->register_udf("jobs.lua", kModule);
    ASSERT_TRUE(r.ok()) << r.status().to_string();
  }
  Client& client() { return *cc_.client; }
  std::vector<Key> fill(int n, const std::string& set = "demo") {
    std::vector<Key> keys;
    for (int i = 0; i < n; ++i) {
      keys.push_back(key(i, set));
      EXPECT_TRUE(client().put(keys.back(), {{"n", i}}).get().ok());
    }
    return keys;
  }
  ClusterClient cc_;
};

std::int64_t int_of(const Result<Value>& v) {
  const std::int64_t* i = v.ok() ? v->as_int() : nullptr;
  return i != nullptr ? *i : -999999;
}

TEST_F(UdfJobs, BatchApplyReturnsOneRowPerKeyInEveryApiStyle) {
  std::vector<Key> keys = fill(30);
  keys.push_back(key(1000));  // missing: add creates it
  // Callback.
  std::promise<Result<std::vector<BatchRecord>>> p;
  client().batch_apply(keys, "jobs", "add", {Value(int64_t{10})}, client().config().batch_write,
                       [&](Result<std::vector<BatchRecord>> r) { p.set_value(std::move(r)); });
  auto rows = p.get_future().get();
  ASSERT_TRUE(rows.ok()) << rows.status().to_string();
  ASSERT_EQ(rows->size(), keys.size());
  for (int i = 0; i < 30; ++i) {
    EXPECT_EQ((*rows)[i].code, 0) << (*rows)[i].message;
    EXPECT_EQ(int_of(udf_result((*rows)[i])), i + 10) << "row " << i;
  }
  EXPECT_EQ(int_of(udf_result(rows->back())), 10);
  for (int i = 0; i < 30; ++i) {
    auto rec = client().get(keys[i]).get();
    ASSERT_TRUE(rec.ok());
    EXPECT_EQ(rec->generation, 2u);  // the put, then the UDF's write
    EXPECT_EQ(*rec->find("n"), Value(int64_t{i + 10}));
  }
  EXPECT_TRUE(client().exists(key(1000)).get().value());

  // Future: the rows of a function that fails on some records.
  keys.pop_back();
  auto mixed = client().batch_apply(keys, "jobs", "odd_fails", {}).get();
  ASSERT_TRUE(mixed.ok());
  for (int i = 0; i < 30; ++i) {
    const BatchRecord& row = (*mixed)[i];
    if ((i + 10) % 2 == 0) {
      EXPECT_EQ(row.code, 0);
      EXPECT_EQ(int_of(udf_result(row)), i + 10);
    } else {
      EXPECT_EQ(row.code, 100);
      EXPECT_NE(row.message.find("jobs.lua:8: odd " + std::to_string(i + 10)), std::string::npos)
          << row.message;
      EXPECT_EQ(udf_result(row).code(), 100);
    }
  }

  // Coroutine.
  auto task = [](Client& c, std::vector<Key> ks) -> CoTask<std::vector<BatchRecord>> {
    const std::vector<Value> args = {Value(int64_t{1})};
    std::vector<BatchRecord> r = co_await c.batch_apply(std::move(ks), "jobs", "add", args);
    co_return r;
  };
  auto co_rows = sync_wait(task(client(), keys));
  ASSERT_EQ(co_rows.size(), 30u);
  for (int i = 0; i < 30; ++i) EXPECT_EQ(int_of(udf_result(co_rows[i])), i + 11);

  // Blocking.
  SyncClient sync(client());
  auto s = sync.batch_apply(keys, "jobs", "read_n", {});
  ASSERT_TRUE(s.ok());
  for (int i = 0; i < 30; ++i) EXPECT_EQ(int_of(udf_result((*s)[i])), i + 11);
}

TEST_F(UdfJobs, BatchApplyBadInputFailsEveryRowAndChangesNothing) {
  std::vector<Key> keys = fill(5);
  auto unknown = client().batch_apply(keys, "jobs", "nosuchfunction", {}).get();
  ASSERT_TRUE(unknown.ok());
  for (const BatchRecord& row : *unknown) {
    EXPECT_EQ(row.code, 100);
    EXPECT_NE(row.message.find("function not found"), std::string::npos) << row.message;
  }
  auto bad_name = client().batch_apply(keys, "", "add", {Value(int64_t{1})}).get();
  ASSERT_TRUE(bad_name.ok());
  for (const BatchRecord& row : *bad_name) {
    EXPECT_EQ(row.code, static_cast<int>(ClientCode::invalid_argument));
  }
  auto none = client().batch_apply({}, "jobs", "add", {Value(int64_t{1})}).get();
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  for (int i = 0; i < 5; ++i) {
    auto rec = client().get(keys[i]).get();
    ASSERT_TRUE(rec.ok());
    EXPECT_EQ(rec->generation, 1u);  // nothing changed
  }
}

TEST_F(UdfJobs, FilterExpressionsApplyToUdfRequests) {
  std::vector<Key> keys = fill(10);
  WritePolicy wp = client().config().write;
  wp.filter_exp = exp::filter(exp::lt(exp::int_bin("n"), exp::int_val(5)));
  for (int i = 0; i < 10; ++i) {
    auto r = client().apply(keys[i], "jobs", "add", {Value(int64_t{100})}, wp).get();
    if (i < 5) {
      EXPECT_EQ(int_of(r), i + 100);
    } else {
      EXPECT_EQ(r.code(), 27) << r.status().to_string();
    }
  }
  // A missing record is not filtered: the function runs (and may create it).
  EXPECT_EQ(int_of(client().apply(key(50), "jobs", "add", {Value(int64_t{1})}, wp).get()), 1);

  BatchWritePolicy bp = client().config().batch_write;
  bp.filter_exp = exp::filter(exp::eq(exp::int_bin("n"), exp::int_val(7)));
  auto rows = client().batch_apply(keys, "jobs", "add", {Value(int64_t{1})}, bp).get();
  ASSERT_TRUE(rows.ok());
  for (int i = 0; i < 10; ++i) EXPECT_EQ((*rows)[i].code, i == 7 ? 0 : 27) << "row " << i;
  for (int i = 0; i < 10; ++i) {
    auto rec = client().get(keys[i]).get();
    ASSERT_TRUE(rec.ok());
    const std::int64_t want = i < 5 ? i + 100 : i == 7 ? 8 : i;
    EXPECT_EQ(*rec->find("n"), Value(want)) << "key " << i;
    EXPECT_EQ(rec->generation, want == i ? 1u : 2u);
  }
}

TEST_F(UdfJobs, AUdfWriteUpdatesTheLastUpdateTime) {
  AERO_EMBEDDED_ONLY("freezes and advances the server's clock");
#if AERO_EMBEDDED_CLUSTER
  testserver::Clock& clock = cc_.cluster->clock();
  clock.freeze();
  std::vector<Key> keys = fill(4);
  clock.advance(100s);
  ASSERT_EQ(int_of(client().apply(keys[1], "jobs", "add", {Value(int64_t{1})}).get()), 2);
  ASSERT_EQ(int_of(client().apply(keys[2], "jobs", "read_n", {}).get()), 2);  // reads only
  // Updated in the last 50 s: only the record the UDF wrote.
  WritePolicy recent = client().config().write;
  recent.filter_exp = exp::filter(exp::lt(exp::since_update(), exp::int_val(50'000)));
  for (int i = 0; i < 4; ++i) {
    auto r = client().apply(keys[i], "jobs", "read_n", {}, recent).get();
    EXPECT_EQ(r.code(), i == 1 ? 0 : 27) << "key " << i << ": " << r.status().to_string();
  }
  clock.unfreeze();
#endif
}

// Every record of the set, exactly once: add(1) leaves n + 1 and one more generation.
TEST_F(UdfJobs, BackgroundUdfOverAScanReachesEveryRecordOnce) {
  constexpr int kN = 200;
  std::vector<Key> keys = fill(kN, "bg");
  std::vector<Key> others = fill(10, "other");
  auto task = client().background_udf("test", test_set("bg"), std::nullopt, "jobs", "add", {Value(int64_t{1})}).get();
  ASSERT_TRUE(task.ok()) << task.status().to_string();
  EXPECT_NE(task->task_id(), 0u);
  auto waited = task->wait(Millis{10000}).get();
  ASSERT_TRUE(waited.ok()) << waited.status().to_string();
  auto rows = client().batch_get(keys).get();
  ASSERT_TRUE(rows.ok());
  for (int i = 0; i < kN; ++i) {
    const BatchRecord& r = (*rows)[i];
    ASSERT_EQ(r.code, 0);
    EXPECT_EQ(*r.record.find("n"), Value(int64_t{i + 1})) << "key " << i;
    EXPECT_EQ(r.record.generation, 2u) << "key " << i;
  }
  auto other_rows = client().batch_get(others).get();
  ASSERT_TRUE(other_rows.ok());
  for (int i = 0; i < 10; ++i) EXPECT_EQ(*(*other_rows)[i].record.find("n"), Value(int64_t{i}));
}

TEST_F(UdfJobs, BackgroundUdfOverAQueryAndAFilterTouchesOnlyTheMatches) {
  constexpr int kN = 60;
  std::vector<Key> keys = fill(kN, "bgq");
  auto index = client().create_index("test", test_set("bgq"), "bgq_n", "n", IndexKind::numeric).get();
  // 200: the index exists, from an earlier run against the same external cluster.
  ASSERT_TRUE(index.ok() || (external_cluster() && index.code() == 200)) << index.status().to_string();
  if (index.ok()) {
    ASSERT_TRUE(index->wait(Millis{10000}).get().ok());
  }
  // n in [10, 39] by the index, and even by the filter expression.
  WritePolicy wp = client().config().write;
  wp.filter_exp = exp::filter(
      exp::eq(exp::mod(exp::int_bin("n"), exp::int_val(2)), exp::int_val(0)));
  auto task = client().background_udf("test", test_set("bgq"), Filter::range("n", 10, 39), "jobs", "mark",
                                      {Value("seen")}, wp).get();
  ASSERT_TRUE(task.ok()) << task.status().to_string();
  ASSERT_TRUE(task->wait(Millis{10000}).get().ok());
  auto rows = client().batch_get(keys).get();
  ASSERT_TRUE(rows.ok());
  for (int i = 0; i < kN; ++i) {
    const BatchRecord& r = (*rows)[i];
    ASSERT_EQ(r.code, 0);
    const bool match = i >= 10 && i <= 39 && i % 2 == 0;
    const Value* m = r.record.find("m");
    EXPECT_EQ(m != nullptr && *m == Value("seen"), match) << "key " << i;
    EXPECT_EQ(r.record.generation, match ? 2u : 1u) << "key " << i;
  }
}

TEST_F(UdfJobs, BackgroundUdfBadInput) {
  auto bad = client().background_udf("test", "bg", std::nullopt, "", "add", {}).get();
  EXPECT_TRUE(bad.status().is(ClientCode::invalid_argument)) << bad.status().to_string();
  bad = client().background_udf("test", "bg", std::nullopt, "jobs", std::string(128, 'f'), {}).get();
  EXPECT_TRUE(bad.status().is(ClientCode::invalid_argument)) << bad.status().to_string();
  auto ns = client().background_udf("nope", "bg", std::nullopt, "jobs", "add", {}).get();
  EXPECT_EQ(ns.code(), 20) << ns.status().to_string();
}

}  // namespace
}  // namespace aero
