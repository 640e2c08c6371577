// The async tutorial again, written with C++20 coroutines: the same 5,000 writes with 100
// in flight and the same batch read, as straight-line code. Each `co_await` resumes on
// the completion executor (the loop thread by default, a oneTBB worker with --tbb).
//
//   bazel run //examples:async_tutorial_coro [-- --tbb] [-- --hosts HOST:PORT]
#include <atomic>
#include <cstdio>
#include <future>
#include <optional>

#include "client/aerospike.h"
#include "examples/tutorial_setup.h"
#if TUTORIAL_HAVE_TBB  // set by examples/BUILD.bazel: oneTBB exists (not for mingw-w64)
#include "executor/tbb_executor.h"
#endif

namespace {

// One of the `in_flight` writers: takes the next key until all are written.
aero::CoTask<void> writer(aero::Client& client, std::atomic<int>& next, int total,
                          std::atomic<int>& failures, std::atomic<int>& running,
                          std::promise<void>& all_done) {
  for (int i = next++; i < total; i = next++) {
    std::vector<aero::Bin> bins{{"name", "user-" + std::to_string(i)}, {"count", i}};
    aero::Result<void> r = co_await client.put(tutorial::key_of(i), bins);
    if (!r.ok()) ++failures;
  }
  if (--running == 0) all_done.set_value();
}

aero::CoTask<int> read_back(aero::Client& client, int total) {
  std::vector<aero::Key> keys;
  for (int i = 0; i < total; ++i) keys.push_back(tutorial::key_of(i));
  std::vector<aero::BatchRecord> rows = co_await client.batch_get(std::move(keys));  // throws on failure
  int found = 0;
  for (const aero::BatchRecord& row : rows) found += row.found() ? 1 : 0;
  co_return found;
}

}  // namespace

int main(int argc, char** argv) {
  tutorial::Options options = tutorial::parse(argc, argv);
  tutorial::Target target = tutorial::target(options);

  aero::ClientConfig config;
  config.seeds = target.seeds;
#if TUTORIAL_HAVE_TBB
  std::optional<aero::TbbExecutor> pool;
  if (options.tbb) config.completion_executor = &pool.emplace();
#else
  if (options.tbb) {
    std::fprintf(stderr, "--tbb: this build has no oneTBB\n");
    return 2;
  }
#endif
  auto connected = aero::Client::connect(config);
  if (!connected.ok()) {
    std::fprintf(stderr, "connect failed: %s\n", connected.status().to_string().c_str());
    return 1;
  }
  std::unique_ptr<aero::Client> client = std::move(connected).value();

  std::atomic<int> next{0}, failures{0}, running{options.in_flight};
  std::promise<void> all_done;
  for (int w = 0; w < options.in_flight; ++w) {
    aero::spawn(writer(*client, next, options.records, failures, running, all_done));
  }
  all_done.get_future().get();
  std::printf("Wrote %d records\n", options.records - failures.load());

  int found = 0;
  try {
    found = aero::sync_wait(read_back(*client, options.records));
  } catch (const aero::Error& e) {
    std::fprintf(stderr, "batch failed: %s\n", e.what());
  }
  std::printf("Found %d/%d records\n", found, options.records);
  client->close();
  return found == options.records && failures == 0 ? 0 : 1;
}
