// The classic async tutorial, with callbacks: write 5,000 records keeping 100 commands in
// flight (each completion issues the next write), then read them all back with one async
// batch read.
//
//   bazel run //examples:async_tutorial               # embedded 3-node test cluster
//   bazel run //examples:async_tutorial -- --tbb      # completions on a oneTBB pool
//   bazel run //examples:async_tutorial -- --hosts 10.0.0.1:3000
#include <atomic>
#include <cstdio>
#include <future>
#include <memory>
#include <optional>

#include "client/aerospike.h"
#include "examples/tutorial_setup.h"
#if TUTORIAL_HAVE_TBB  // set by examples/BUILD.bazel: oneTBB exists (not for mingw-w64)
#include "executor/tbb_executor.h"
#endif

namespace {

// Keeps `in_flight` writes going until `total` were issued; each completion issues the next.
class Writer {
 public:
  Writer(aero::Client& client, int total) : client_(client), total_(total) {}

  void start(int in_flight) {
    for (int i = 0; i < in_flight; ++i) write_next();
  }
  // Blocks the main thread until every write completed.
  void wait() { done_.get_future().get(); }
  int failures() const { return failures_.load(); }

 private:
  void write_next() {
    int i = next_.fetch_add(1);
    if (i >= total_) return;
    client_.put(tutorial::key_of(i), {{"name", "user-" + std::to_string(i)}, {"count", i}},
                [this](aero::Result<void> r) {
                  if (!r.ok()) {
                    if (failures_.fetch_add(1) == 0) std::fprintf(stderr, "write failed: %s\n", r.status().to_string().c_str());
                  }
                  write_next();  // keep the pipeline full
                  if (completed_.fetch_add(1) + 1 == total_) done_.set_value();
                });
  }

  aero::Client& client_;
  const int total_;
  std::atomic<int> next_{0};
  std::atomic<int> completed_{0};
  std::atomic<int> failures_{0};
  std::promise<void> done_;
};

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

  Writer writer(*client, options.records);
  writer.start(options.in_flight);
  writer.wait();
  std::printf("Wrote %d records\n", options.records - writer.failures());

  std::vector<aero::Key> keys;
  for (int i = 0; i < options.records; ++i) keys.push_back(tutorial::key_of(i));
  std::promise<int> found;
  client->batch_get(std::move(keys), aero::BatchRead::all(), client->config().batch,
                    [&found](aero::Result<std::vector<aero::BatchRecord>> rows) {
                      int n = 0;
                      if (rows.ok()) {
                        for (const aero::BatchRecord& row : *rows) n += row.found() ? 1 : 0;
                      } else {
                        std::fprintf(stderr, "batch failed: %s\n", rows.status().to_string().c_str());
                      }
                      found.set_value(n);
                    });
  int n = found.get_future().get();
  std::printf("Found %d/%d records\n", n, options.records);
  client->close();
  return n == options.records && writer.failures() == 0 ? 0 : 1;
}
