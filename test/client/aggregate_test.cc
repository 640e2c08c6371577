// Stream aggregations (client/aggregate.h, //client:aggregate) end to end: the client sends
// the query over real sockets to the embedded cluster (1 and 3 nodes), each node runs the
// server phase in its Lua runtime, the client runs the reduce in its own Lua state. Every
// expected value is computed here from the records written, never taken from the server.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <future>
#include <map>
#include <string>
#include <vector>

#include "client/aggregate.h"
#include "test/client/fixture.h"
#include "test/client/ledger.h"

namespace aero {
namespace {

using testing::ClusterClient;

constexpr const char* kModule = R"lua(
local function add(a, b) return a + b end

function sum(s, bin)
  return s : map(function(rec) return rec[bin] end) : reduce(add)
end

function stats(s, bin)
  local function one(rec)
    local v = rec[bin]
    local m = map()
    m['sum'] = v
    m['count'] = 1
    m['min'] = v
    m['max'] = v
    return m
  end
  local function merge(a, b)
    local m = map()
    m['sum'] = a['sum'] + b['sum']
    m['count'] = a['count'] + b['count']
    m['min'] = math.min(a['min'], b['min'])
    m['max'] = math.max(a['max'], b['max'])
    return m
  end
  return s : map(one) : reduce(merge)
end

-- map/filter/reduce with arguments: twice the values of `bin` in [lo, hi], summed
function range_sum(s, bin, lo, hi)
  return s : filter(function(rec) local v = rec[bin] return v >= lo and v <= hi end)
           : map(function(rec) return rec[bin] * 2 end)
           : reduce(add)
end

-- group-by: per group g, the sum of n (aggregate into a map, reduce merges the maps)
function by_group(s)
  local function into(m, rec)
    local g = rec['g']
    m[g] = (m[g] or 0) + rec['n']
    return m
  end
  return s : aggregate(map(), into) : reduce(function(a, b) return map.merge(a, b, add) end)
end

-- the stream library's groupby: lists of n per n % 3
function mod3(s)
  return s : map(function(rec) return rec['n'] end) : groupby(function(v) return v % 3 end)
end

-- no reduce: every value reaches the client
function values(s)
  return s : map(function(rec) return rec['n'] end)
end

function map_fails(s)
  return s : map(function(rec) error('boom in map') end)
end

function reduce_fails(s)
  return s : map(function(rec) return rec['n'] end) : reduce(function(a, b) error('boom in reduce') end)
end

function reduce_spins(s)
  return s : map(function(rec) return rec['n'] end)
           : reduce(function(a, b) while true do end end)
end
)lua";

constexpr int kRecords = 120;
const char* kGroups[] = {"red", "green", "blue"};

std::int64_t n_of(int i) { return (i * 37) % 101 - 20; }  // negatives too, duplicates
std::string g_of(int i) { return kGroups[i % 3]; }

class Aggregate : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    AERO_EMBEDDED_ONLY("runs on its own 1- and 3-node clusters and sums every record of its set");
    testserver::ClusterOptions o;
    o.nodes = GetParam();
    o.replication_factor = GetParam() > 1 ? 2 : 1;
    cc_ = ClusterClient::start(o, testing::patient({}));  // sanitizer builds start slowly
    ASSERT_TRUE(cc_.client);
    auto r = client().register_udf("agg.lua", kModule);
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    std::vector<Future<void>> puts;
    for (int i = 0; i < kRecords; ++i) {
      puts.push_back(client().put(Key("test", "agg", i), {{"n", n_of(i)}, {"g", g_of(i)}}));
    }
    for (auto& f : puts) {
      Result<void> r = f.get();
      ASSERT_TRUE(r.ok()) << r.status().to_string();
    }
    // Another set: never part of the stream.
    ASSERT_TRUE(client().put(Key("test", "other", 1), {{"n", 100000}, {"g", "red"}}).get().ok());
  }
  Client& client() { return *cc_.client; }

  Result<std::vector<Value>> run(std::string_view function, std::vector<Value> args,
                                 std::optional<Filter> where = std::nullopt,
                                 AggregatePolicy policy = {}, std::string_view package = "agg") {
    return aggregate(client(), "test", "agg", std::move(where), package, function, args, policy).get();
  }

  ClusterClient cc_;
};

std::int64_t int_of(const Value& v) { return v.as_int() ? *v.as_int() : -999999; }

const Value* map_get(const Value& m, const Value& k) {
  if (!m.as_map()) return nullptr;
  for (const auto& [key, value] : m.as_map()->entries) {
    if (key == k) return &value;
  }
  return nullptr;
}

TEST_P(Aggregate, SumOfABinEqualsTheSumOfTheRecordsWritten) {
  std::int64_t expected = 0;
  for (int i = 0; i < kRecords; ++i) expected += n_of(i);
  auto r = run("sum", {Value("n")});
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(int_of((*r)[0]), expected);
}

TEST_P(Aggregate, CountMinMaxWithAnIndexFilterAndAFilterExpression) {
  auto index = client().create_index("test", "agg", "agg_n", "n", IndexKind::numeric).get();
  ASSERT_TRUE(index.ok()) << index.status().to_string();
  ASSERT_TRUE(index->wait(Millis{10000}).get().ok());
  AggregatePolicy p;
  p.filter_exp = exp::filter(exp::eq(exp::str_bin("g"), exp::str_val("green")));
  std::int64_t sum = 0, count = 0, lo = 1 << 30, hi = -(1 << 30);
  for (int i = 0; i < kRecords; ++i) {
    const std::int64_t n = n_of(i);
    if (n < 0 || n > 60 || g_of(i) != "green") continue;
    sum += n;
    ++count;
    lo = std::min(lo, n);
    hi = std::max(hi, n);
  }
  ASSERT_GT(count, 3);
  auto r = run("stats", {Value("n")}, Filter::range("n", 0, 60), p);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  ASSERT_EQ(r->size(), 1u);
  const Value& m = (*r)[0];
  ASSERT_TRUE(map_get(m, Value("sum")));
  EXPECT_EQ(int_of(*map_get(m, Value("sum"))), sum);
  EXPECT_EQ(int_of(*map_get(m, Value("count"))), count);
  EXPECT_EQ(int_of(*map_get(m, Value("min"))), lo);
  EXPECT_EQ(int_of(*map_get(m, Value("max"))), hi);
}

TEST_P(Aggregate, MapFilterReduceWithArguments) {
  for (auto [lo, hi] : {std::pair{-5, 30}, std::pair{50, 80}}) {
    std::int64_t expected = 0;
    for (int i = 0; i < kRecords; ++i) {
      if (n_of(i) >= lo && n_of(i) <= hi) expected += 2 * n_of(i);
    }
    auto r = run("range_sum", {Value("n"), Value(std::int64_t{lo}), Value(std::int64_t{hi})});
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    ASSERT_EQ(r->size(), 1u);
    EXPECT_EQ(int_of((*r)[0]), expected) << lo << ".." << hi;
  }
}

TEST_P(Aggregate, GroupByIntoAMap) {
  std::map<std::string, std::int64_t> expected;
  for (int i = 0; i < kRecords; ++i) expected[g_of(i)] += n_of(i);
  auto r = run("by_group", {});
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  ASSERT_EQ(r->size(), 1u);
  ASSERT_TRUE((*r)[0].as_map());
  EXPECT_EQ((*r)[0].as_map()->entries.size(), expected.size());
  for (const auto& [g, sum] : expected) {
    const Value* v = map_get((*r)[0], Value(g));
    ASSERT_TRUE(v) << g;
    EXPECT_EQ(int_of(*v), sum) << g;
  }
}

TEST_P(Aggregate, StreamLibraryGroupByCollectsListsPerKey) {
  std::map<std::int64_t, std::vector<std::int64_t>> expected;
  for (int i = 0; i < kRecords; ++i) expected[((n_of(i) % 3) + 3) % 3].push_back(n_of(i));  // Lua's % floors
  auto r = run("mod3", {});
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  ASSERT_EQ(r->size(), 1u);
  ASSERT_TRUE((*r)[0].as_map());
  EXPECT_EQ((*r)[0].as_map()->entries.size(), expected.size());
  for (auto& [k, want] : expected) {
    const Value* v = map_get((*r)[0], Value(k));
    ASSERT_TRUE(v && v->as_list()) << k;
    std::vector<std::int64_t> got;
    for (const Value& x : v->as_list()->items) got.push_back(int_of(x));
    std::sort(got.begin(), got.end());
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want) << k;
  }
}

TEST_P(Aggregate, WithoutReduceEveryValueComesBackOnce) {
  auto r = run("values", {});
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  std::vector<std::int64_t> got, want;
  for (const Value& v : *r) got.push_back(int_of(v));
  for (int i = 0; i < kRecords; ++i) want.push_back(n_of(i));
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
}

TEST_P(Aggregate, NoMatchingRecordGivesNoValue) {
  auto r = run("sum", {Value("n")});
  ASSERT_TRUE(r.ok());
  auto none = aggregate(client(), "test", "empty_set", std::nullopt, "agg", "sum", {Value("n")}).get();
  ASSERT_TRUE(none.ok()) << none.status().to_string();
  EXPECT_TRUE(none->empty());
}

TEST_P(Aggregate, ErrorsAreClear) {
  // Unknown module on the nodes (the client has a source for it).
  AggregatePolicy with_source;
  with_source.lua_source = kModule;
  auto unknown = run("sum", {Value("n")}, std::nullopt, with_source, "not_registered");
  EXPECT_EQ(unknown.code(), 100) << unknown.status().to_string();
  // Unknown function.
  auto no_fn = run("no_such_function", {});
  EXPECT_EQ(no_fn.code(), 100) << no_fn.status().to_string();
  // A Lua error in the node phase.
  auto in_map = run("map_fails", {});
  EXPECT_EQ(in_map.code(), 100) << in_map.status().to_string();
  EXPECT_NE(in_map.status().message().find("aggregation on node"), std::string::npos)
      << in_map.status().to_string();
  // A Lua error in the client's reduce phase names it and carries the Lua text.
  auto in_reduce = run("reduce_fails", {});
  EXPECT_EQ(in_reduce.code(), 100);
  EXPECT_NE(in_reduce.status().message().find("client reduce"), std::string::npos)
      << in_reduce.status().to_string();
  EXPECT_NE(in_reduce.status().message().find("boom in reduce"), std::string::npos)
      << in_reduce.status().to_string();
  // A reduce that never ends is stopped by the instruction budget.
  AggregatePolicy small;
  small.max_instructions = 1'000'000;
  auto spins = run("reduce_spins", {}, std::nullopt, small);
  EXPECT_EQ(spins.code(), 100);
  EXPECT_NE(spins.status().message().find("UDF Execution Timeout"), std::string::npos)
      << spins.status().to_string();
  // No client-side source: registered on the cluster by someone else, not by this client.
  ClientConfig config;
  config.seeds = {{"127.0.0.1", cc_.cluster->seed_port()}};
  auto second = Client::connect(config);
  ASSERT_TRUE(second.ok());
  auto missing = aggregate(**second, "test", "agg", std::nullopt, "agg", "sum", {Value("n")}).get();
  EXPECT_TRUE(missing.status().is(ClientCode::invalid_argument)) << missing.status().to_string();
  EXPECT_NE(missing.status().message().find("no client-side source for module 'agg'"),
            std::string::npos)
      << missing.status().to_string();
  // ... which works once the client is told where the module lives (lua_path).
  const std::string dir = ::testing::TempDir();
  {
    std::ofstream out(dir + "/agg.lua", std::ios::binary);
    out << kModule;
  }
  AggregatePolicy from_path;
  from_path.lua_path = dir;
  auto found = aggregate(**second, "test", "agg", std::nullopt, "agg", "sum", {Value("n")}, from_path).get();
  ASSERT_TRUE(found.ok()) << found.status().to_string();
  std::int64_t expected = 0;
  for (int i = 0; i < kRecords; ++i) expected += n_of(i);
  EXPECT_EQ(int_of(found->at(0)), expected);
  // A module the client cannot compile.
  AggregatePolicy broken;
  broken.lua_source = "function sum(s, bin) return s : map(\n";
  auto bad = run("sum", {Value("n")}, std::nullopt, broken);
  EXPECT_EQ(bad.code(), 100);
  EXPECT_NE(bad.status().message().find("agg.lua:"), std::string::npos) << bad.status().to_string();
  // Bad names never reach the cluster.
  auto empty_fn = run("", {});
  EXPECT_TRUE(empty_fn.status().is(ClientCode::invalid_argument)) << empty_fn.status().to_string();
  (*second)->close();
}

TEST_P(Aggregate, CallbacksCompleteExactlyOnce) {
  constexpr int kCalls = 12;
  std::atomic<int> done{0}, ok{0};
  std::vector<std::promise<void>> finished(kCalls);
  std::int64_t expected = 0;
  for (int i = 0; i < kRecords; ++i) expected += n_of(i);
  std::atomic<int> wrong{0};
  const char* functions[] = {"sum", "reduce_fails", "map_fails", ""};
  for (int c = 0; c < kCalls; ++c) {
    const char* fn = functions[c % 4];
    aggregate(client(), "test", "agg", std::nullopt, "agg", fn, {Value("n")}, AggregatePolicy{},
              [&, c, fn](Result<std::vector<Value>> r) {
                done.fetch_add(1);
                if (std::string(fn) == "sum") {
                  if (r.ok() && r->size() == 1 && int_of((*r)[0]) == expected) ok.fetch_add(1);
                } else if (!r.ok()) {
                  ok.fetch_add(1);
                } else {
                  wrong.fetch_add(1);
                }
                finished[static_cast<std::size_t>(c)].set_value();
              });
  }
  for (auto& f : finished) f.get_future().wait();
  client().close();  // waits for everything in flight: a second completion would show now
  EXPECT_EQ(done.load(), kCalls);
  EXPECT_EQ(ok.load(), kCalls);
  EXPECT_EQ(wrong.load(), 0);
}

TEST_P(Aggregate, AMalformedNodeAnswerFailsTheAggregationOnce) {
  // One node answers garbage: the whole aggregation fails (a node's values cannot be
  // retried without counting some twice), once, with a clear error.
  cc_.cluster->node(0).set_fault(
      testserver::Fault::garbage().only(testserver::FaultScope::kDataRequests).times(1));
  std::atomic<int> calls{0};
  std::promise<Status> first;
  aggregate(client(), "test", "agg", std::nullopt, "agg", "sum", {Value("n")}, AggregatePolicy{},
            [&](Result<std::vector<Value>> r) {
              if (calls.fetch_add(1) == 0) first.set_value(r.status());
            });
  Status st = first.get_future().get();
  EXPECT_TRUE(st.is(ClientCode::bad_response)) << st.to_string();
  client().close();
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(cc_.cluster->node(0).stats().faults_applied, 1u);
}

INSTANTIATE_TEST_SUITE_P(Nodes, Aggregate, ::testing::Values(1, 3),
                         [](const ::testing::TestParamInfo<int>& i) {
                           return std::to_string(i.param) + "_nodes";
                         });

}  // namespace
}  // namespace aero
