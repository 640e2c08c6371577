// UDF example: registers a Lua module that keeps a per-user counter map in a record and
// returns the map's new size, applies it with 100 calls in flight, runs it over many keys
// in one batch, then as a background job over the whole set, and finally sums a bin with a
// stream aggregation (aero::aggregate, target //client:aggregate: the nodes run the map, the
// client runs the reduce in its own Lua state on the module's text it registered).
//
//   bazel run //examples:udf                                 # embedded 3-node test cluster
//   bazel run //examples:udf -- --hosts 10.0.0.1:3000        # a real cluster
#include <atomic>
#include <cstdio>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "client/aerospike.h"
#include "client/aggregate.h"
#include "examples/tutorial_setup.h"

namespace {

constexpr const char* kCounterModule = R"lua(
-- counters.bump(rec, user): adds one to rec.counts[user]; returns how many users it holds.
function bump(rec, user)
  local counts = rec['counts']
  if counts == nil then counts = map() end
  counts[user] = (counts[user] or 0) + 1
  rec['counts'] = counts
  if aerospike:exists(rec) then aerospike:update(rec) else aerospike:create(rec) end
  return map.size(counts)
end

-- counters.total(stream, bin): the sum of `bin` over the records of a query (an aggregation).
function total(stream, bin)
  return stream : map(function(rec) return rec[bin] or 0 end)
                : reduce(function(a, b) return a + b end)
end
)lua";

constexpr int kCalls = 1000;
constexpr int kUsers = 25;

}  // namespace

int main(int argc, char** argv) {
  tutorial::Options options = tutorial::parse(argc, argv);
  tutorial::Target target = tutorial::target(options);
  aero::ClientConfig config;
  config.seeds = target.seeds;
  auto connected = aero::Client::connect(config);
  if (!connected.ok()) {
    std::fprintf(stderr, "connect failed: %s\n", connected.status().to_string().c_str());
    return 1;
  }
  std::unique_ptr<aero::Client> client = std::move(connected).value();

  // 1. Register the module; returns once every node has it.
  if (auto r = client->register_udf("counters.lua", kCounterModule); !r.ok()) {
    std::fprintf(stderr, "register failed: %s\n", r.status().to_string().c_str());
    return 1;
  }
  std::printf("Registered counters.lua on %zu nodes\n", client->stats().nodes);

  // 2. Apply it kCalls times with options.in_flight calls in flight: each completion starts
  // the next call, so the window stays full until the last one.
  const aero::Key key("test", "udf_example", "counters");
  (void)client->remove(key).get();  // a fresh start for repeated runs against a real cluster
  std::atomic<int> started{0}, failures{0}, finished{0};
  std::atomic<int64_t> largest{0};
  std::promise<void> all_done;
  std::function<void()> start_one = [&] {
    const int i = started.fetch_add(1);
    if (i >= kCalls) return;
    client->apply(key, "counters", "bump", {aero::Value("user" + std::to_string(i % kUsers))},
                  [&](aero::Result<aero::Value> r) {
                    if (!r.ok()) {
                      if (failures.fetch_add(1) == 0) {
                        std::fprintf(stderr, "apply failed: %s\n", r.status().to_string().c_str());
                      }
                    } else if (const int64_t* n = r->as_int()) {
                      int64_t seen = largest.load();
                      while (*n > seen && !largest.compare_exchange_weak(seen, *n)) {
                      }
                    }
                    start_one();
                    if (finished.fetch_add(1) + 1 == kCalls) all_done.set_value();
                  });
  };
  for (int i = 0; i < options.in_flight && i < kCalls; ++i) start_one();
  all_done.get_future().wait();
  std::printf("Applied counters.bump %d times (%d in flight): %d failures, map size %lld\n",
              kCalls, options.in_flight, failures.load(), static_cast<long long>(largest.load()));

  // 3. Read the record back: every user counted kCalls / kUsers times.
  auto rec = client->get(key).get();
  bool ok = rec.ok() && failures.load() == 0;
  if (rec.ok()) {
    const aero::Value* counts = rec->find("counts");
    const aero::Map* m = counts ? counts->as_map() : nullptr;
    std::printf("Record generation %u, %zu users\n", rec->generation, m ? m->entries.size() : 0);
    ok = ok && m && m->entries.size() == static_cast<size_t>(kUsers);
    for (const auto& [user, n] : m ? m->entries : std::vector<std::pair<aero::Value, aero::Value>>{}) {
      ok = ok && n == aero::Value(kCalls / kUsers);
    }
  }
  std::printf("Each user counted %d times: %s\n", kCalls / kUsers, ok ? "yes" : "no");

  // 4. Batch apply: the same function on kBatch more records, one row per key.
  constexpr int kBatch = 20;
  std::vector<aero::Key> keys;
  for (int i = 0; i < kBatch; ++i) keys.emplace_back("test", "udf_example", i);
  for (const aero::Key& k : keys) (void)client->remove(k).get();
  auto rows = client->batch_apply(keys, "counters", "bump", {aero::Value("batch")}).get();
  int rows_ok = 0;
  for (const aero::BatchRecord& row : rows.ok() ? *rows : std::vector<aero::BatchRecord>{}) {
    auto v = aero::udf_result(row);
    rows_ok += v.ok() && *v == aero::Value(1) ? 1 : 0;
  }
  std::printf("Batch apply over %d keys: %d rows returned 1\n", kBatch, rows_ok);
  ok = ok && rows_ok == kBatch;

  // 5. Background job: every node runs bump(rec, "background") on each record of the set
  // it masters; wait() polls the job on every node until it is done.
  auto task = client->background_udf("test", "udf_example", std::nullopt, "counters", "bump",
                                     {aero::Value("background")}).get();
  bool job_ok = task.ok() && task->wait().get().ok();
  auto after = client->batch_get(keys).get();
  int reached = 0;
  for (const aero::BatchRecord& row : after.ok() ? *after : std::vector<aero::BatchRecord>{}) {
    const aero::Value* counts = row.record.find("counts");
    reached += counts && counts->as_map() && counts->as_map()->entries.size() == 2 ? 1 : 0;
  }
  std::printf("Background job over the set: %s, %d of %d batch records reached\n",
              job_ok ? "done" : "failed", reached, kBatch);
  ok = ok && job_ok && reached == kBatch;

  // 6. Aggregation: sum the bin "points" over a set. Each node maps its records to their
  // points; the client reduces the nodes' values with the module's own reduce function.
  constexpr int kPoints = 50;
  std::vector<aero::Future<void>> puts;
  for (int i = 1; i <= kPoints; ++i) {
    puts.push_back(client->put(aero::Key("test", "udf_points", i), {{"points", i}}));
  }
  bool puts_ok = true;
  for (auto& f : puts) puts_ok = f.get().ok() && puts_ok;
  auto sum = aero::aggregate(*client, "test", "udf_points", std::nullopt, "counters", "total",
                             {aero::Value("points")}).get();
  const int64_t expected = int64_t{kPoints} * (kPoints + 1) / 2;
  const bool sum_ok = puts_ok && sum.ok() && sum->size() == 1 && (*sum)[0] == aero::Value(expected);
  if (!sum.ok()) std::fprintf(stderr, "aggregate failed: %s\n", sum.status().to_string().c_str());
  std::printf("Aggregation: sum of points over %d records = %lld (expected %lld)\n", kPoints,
              sum.ok() && sum->size() == 1 && (*sum)[0].as_int()
                  ? static_cast<long long>(*(*sum)[0].as_int())
                  : -1LL,
              static_cast<long long>(expected));
  ok = ok && sum_ok;
  std::printf("All UDF steps: %s\n", ok ? "ok" : "FAILED");
  (void)client->remove_udf("counters.lua");
  client->close();
  return ok ? 0 : 1;
}
