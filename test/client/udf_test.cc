// UDFs through the client against the embedded test cluster: module management, apply in
// the four API styles, every value type in and out, errors raised by Lua, a module updated
// while commands run, a runaway script, bad input.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <vector>

#include "client/co_task.h"
#include "client/sync_client.h"
#include "test/client/fixture.h"

namespace aero {
namespace {

using namespace std::chrono_literals;
using testing::ClusterClient;
using testing::key;

constexpr const char* kModule = R"lua(
function echo(rec, v) return v end
function kind(rec, v) return type(v) end
function count(rec, user)
  local m = rec['counts']
  if m == nil then m = map() end
  m[user] = (m[user] or 0) + 1
  rec['counts'] = m
  if aerospike:exists(rec) then aerospike:update(rec) else aerospike:create(rec) end
  return map.size(m)
end
function fail(rec, text)
  error(text)
end
function spin(rec)
  while true do end
end
function version(rec) return 1 end
)lua";

class Udf : public ::testing::Test {
 protected:
  void SetUp() override {
    testserver::ClusterOptions o;
    o.nodes = 3;
    o.replication_factor = 2;
    cc_ = ClusterClient::start(o);
    ASSERT_TRUE(cc_.client);
    auto r = cc_.client->register_udf("t.lua", kModule);
    ASSERT_TRUE(r.ok()) << r.status().to_string();
  }
  Client& client() { return *cc_.client; }
  ClusterClient cc_;
};

TEST_F(Udf, ModulesAreListedFetchedAndRemoved) {
  AERO_EMBEDDED_ONLY("counts every UDF module the cluster holds (a shared cluster holds others')");
  auto list = client().list_udfs();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name, "t.lua");
  EXPECT_EQ((*list)[0].type, "LUA");
  EXPECT_EQ((*list)[0].hash.size(), 40u);
  auto text = client().get_udf("t.lua");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, kModule);
  ASSERT_TRUE(client().register_udf("other.lua", "function f(r) return 7 end\n").ok());
  EXPECT_EQ(client().list_udfs()->size(), 2u);
  ASSERT_TRUE(client().remove_udf("other.lua").ok());
  EXPECT_EQ(client().list_udfs()->size(), 1u);
  auto gone = client().get_udf("other.lua");
  EXPECT_EQ(gone.code(), 2);
  auto r = client().apply(key(1), "other", "f", {}).get();
  EXPECT_EQ(r.code(), 100);
}

TEST_F(Udf, AModuleThatDoesNotCompileIsRefusedWithItsLine) {
  AERO_EMBEDDED_ONLY("counts every UDF module the cluster holds (a shared cluster holds others')");
  auto r = client().register_udf("bad.lua", "function ok(r) return 1 end\n\nfunction g(\n  x = = 1\nend\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), 100);
  EXPECT_NE(r.status().message().find("bad.lua:4:"), std::string::npos) << r.status().message();
  EXPECT_EQ(client().list_udfs()->size(), 1u);  // nothing registered
  EXPECT_EQ(client().get_udf("bad.lua").code(), 2);
  EXPECT_EQ(client().register_udf("noextension", "x").code(),
            static_cast<int>(ClientCode::invalid_argument));
}

TEST_F(Udf, ApplyInEveryApiStyle) {
  // Callback.
  std::promise<Result<Value>> p;
  client().apply(key(2), "t", "count", {Value("ann")},
                 [&](Result<Value> r) { p.set_value(std::move(r)); });
  Result<Value> r = p.get_future().get();
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(*r, Value(int64_t{1}));
  // Future.
  r = client().apply(key(2), "t", "count", {Value("bob")}).get();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, Value(int64_t{2}));
  // Coroutine.
  auto task = [](Client& c) -> CoTask<Value> {
    const std::vector<Value> args = {Value("cy")};
    Value v = co_await c.apply(key(2), "t", "count", args);
    co_return v;
  };
  EXPECT_EQ(sync_wait(task(client())), Value(int64_t{3}));
  // Blocking.
  SyncClient sync(client());
  auto s = sync.apply(key(2), "t", "count", {Value("ann")});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, Value(int64_t{3}));
  // The record the function wrote, and its generation (one per write, as for puts).
  auto rec = client().get(key(2)).get();
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->generation, 4u);
  const Value* counts = rec->find("counts");
  ASSERT_TRUE(counts && counts->as_map());
  EXPECT_EQ(counts->as_map()->entries.size(), 3u);
}

TEST_F(Udf, EveryValueTypeGoesInAndComesBack) {
  List nested;
  nested.items = {Value(int64_t{1}), Value("two"), Value(3.5), Value(true), Value()};
  Map m;
  // In the server's key order (integers before strings): maps come back sorted.
  m.entries = {{Value(int64_t{9}), Value(Bytes({1, 2, 3}))}, {Value("k"), Value(List{nested})}};
  const std::vector<Value> values = {
      Value(),
      Value(true),
      Value(false),
      Value(int64_t{-42}),
      Value(int64_t{1} << 60),
      Value(2.25),
      Value("text"),
      Value(""),
      Value(Bytes({0, 255, 7})),
      Value(GeoJson{R"({"type":"Point","coordinates":[1.5,2.5]})"}),
      Value(nested),
      Value(m),
  };
  for (const Value& v : values) {
    auto r = client().apply(key(3), "t", "echo", {v}).get();
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    EXPECT_EQ(*r, v);
  }
  auto t = client().apply(key(3), "t", "kind", {Value(List{nested})}).get();
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, Value("userdata"));
  EXPECT_FALSE(client().exists(key(3)).get().value());  // echo writes nothing
}

TEST_F(Udf, ErrorsRaisedByLuaComeBackAsUdfErrors) {
  auto r = client().apply(key(4), "t", "fail", {Value("1000:Invalid value")}).get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), 100);
  EXPECT_NE(r.status().message().find("t.lua:13: 1000:Invalid value"), std::string::npos)
      << r.status().message();
  r = client().apply(key(4), "t", "nosuchfunction", {}).get();
  EXPECT_EQ(r.code(), 100);
  EXPECT_NE(r.status().message().find("function not found"), std::string::npos);
  r = client().apply(key(4), "nosuchmodule", "echo", {}).get();
  EXPECT_EQ(r.code(), 100);
  // Bad input is refused before anything is sent.
  r = client().apply(key(4), "", "echo", {}).get();
  EXPECT_EQ(r.code(), static_cast<int>(ClientCode::invalid_argument));
  r = client().apply(key(4), "t", std::string(200, 'f'), {}).get();
  EXPECT_EQ(r.code(), static_cast<int>(ClientCode::invalid_argument));
  EXPECT_FALSE(client().exists(key(4)).get().value());  // nothing changed
}

TEST_F(Udf, ARunawayFunctionFailsAndTheClusterKeepsServing) {
  auto r = client().apply(key(5), "t", "spin", {}).get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), 100);
  EXPECT_NE(r.status().message().find("Timeout"), std::string::npos) << r.status().message();
  ASSERT_TRUE(client().put(key(5), {{"a", 1}}).get().ok());
  EXPECT_TRUE(client().get(key(5)).get().ok());
  auto echoed = client().apply(key(5), "t", "echo", {Value(int64_t{8})}).get();
  ASSERT_TRUE(echoed.ok());
  EXPECT_EQ(*echoed, Value(int64_t{8}));
}

// 100 commands in flight open up to 100 connections at once: under Wine, on a loaded machine,
// those connects have taken longer than the default 1 s total timeout. These tests are not
// about timeouts, so they give the commands room.
WritePolicy patient_policy() {
  WritePolicy p;
  p.total_timeout = std::chrono::seconds(20);
  return p;
}

TEST_F(Udf, AModuleUpdatedWhileCommandsRun) {
  const WritePolicy patient = patient_policy();
  std::vector<Future<Value>> first;
  for (int i = 0; i < 100; ++i) {
    first.push_back(client().apply(key(100 + i), "t", "version", {}, patient));
  }
  const std::string v2 = std::string(kModule) + "\nfunction version(rec) return 2 end\n";
  ASSERT_TRUE(client().register_udf("t.lua", v2).ok());
  std::vector<Future<Value>> second;
  for (int i = 0; i < 100; ++i) {
    second.push_back(client().apply(key(100 + i), "t", "version", {}, patient));
  }
  for (auto& f : first) {
    auto r = f.get();
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    EXPECT_TRUE(*r == Value(int64_t{1}) || *r == Value(int64_t{2}));
  }
  for (auto& f : second) {
    auto r = f.get();
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, Value(int64_t{2}));  // registration waited until every node had it
  }
}

TEST_F(Udf, ManyCallsInFlightOnOneRecord) {
  std::vector<Future<Value>> calls;
  for (int i = 0; i < 100; ++i) {
    calls.push_back(client().apply(key(6), "t", "count", {Value("user" + std::to_string(i % 10))},
                                   patient_policy()));
  }
  int ok = 0;
  std::string first_error;
  for (auto& f : calls) {
    auto r = f.get();
    ok += r.ok() ? 1 : 0;
    if (!r.ok() && first_error.empty()) first_error = r.status().to_string();
  }
  EXPECT_EQ(ok, 100) << "first error: " << first_error;
  auto rec = client().get(key(6)).get();
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->generation, 100u);
  const Map* counts = rec->find("counts")->as_map();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->entries.size(), 10u);
  for (const auto& [k, v] : counts->entries) EXPECT_EQ(v, Value(int64_t{10}));
}

}  // namespace
}  // namespace aero
