// Scan and query example: fills a set, streams a scan into a deliberately slow consumer
// (the client stops reading the sockets instead of buffering: memory stays flat), pages
// through half of the partitions with the cursor saved to a file and resumed by a fresh
// client, runs a secondary-index range query, and starts a background update and waits for
// it. Every step checks its own result; the last line says whether all of them held.
//
//   bazel run //examples:scan_query                                  # embedded 3-node test cluster
//   bazel run //examples:scan_query -- --records 100000             # the size
//   bazel run //examples:scan_query -- --hosts 10.0.0.1:3000         # a real cluster
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "client/aerospike.h"
#include "examples/tutorial_setup.h"

namespace {

constexpr const char* kNs = "test";
constexpr const char* kSet = "scan_example";
constexpr int kGroups = 100;  // bin "group" = id % kGroups: the indexed bin

bool check(bool ok, const char* what) {
  std::printf("  %s: %s\n", what, ok ? "ok" : "WRONG");
  return ok;
}

std::unique_ptr<aero::Client> connect(const tutorial::Target& target) {
  aero::ClientConfig config;
  config.seeds = target.seeds;
  auto connected = aero::Client::connect(config);
  if (!connected.ok()) {
    std::fprintf(stderr, "connect failed: %s\n", connected.status().to_string().c_str());
    std::exit(1);
  }
  return std::move(connected).value();
}

// Writes ids 0..n-1 with `in_flight` puts outstanding at a time.
bool fill(aero::Client& client, int n, int in_flight) {
  std::vector<aero::Future<void>> window;
  int failures = 0;
  for (int i = 0; i < n; ++i) {
    window.push_back(client.put(aero::Key(kNs, kSet, i), {{"id", i}, {"group", i % kGroups}}));
    if (static_cast<int>(window.size()) == in_flight || i == n - 1) {
      for (auto& f : window) failures += f.get().ok() ? 0 : 1;
      window.clear();
    }
  }
  return failures == 0;
}

// Reads a page of the stream (up to max_records) and returns its summary (with the cursor).
aero::ScanSummary page(aero::Client& client, aero::PartitionFilter filter, std::uint64_t max_records,
                       std::set<aero::wire::Digest>& seen) {
  aero::ScanPolicy policy;
  policy.max_records = max_records;
  auto done = client.scan(kNs, kSet, policy, std::move(filter), {"id"}, [&](aero::ScanRecord& r) {
    seen.insert(r.key.digest());
    return true;
  });
  return done.get().value();
}

}  // namespace

int main(int argc, char** argv) {
  tutorial::Options options = tutorial::parse(argc, argv);
  tutorial::Target target = tutorial::target(options);
  std::unique_ptr<aero::Client> client = connect(target);
  const int n = options.records;
  bool ok = true;

  (void)client->truncate(kNs, kSet).get();  // a fresh start for repeated runs on a real cluster
  std::printf("1. Fill %d records\n", n);
  ok &= check(fill(*client, n, options.in_flight), "every put succeeded");

  // 2. A full scan into a consumer that is slower than the network. At most
  // max_pending_records are decoded and waiting at any time: beyond that the loop stops
  // reading this stream's sockets (and keeps serving everything else).
  std::printf("2. Scan everything into a slow consumer\n");
  aero::ScanPolicy slow;
  slow.max_pending_records = 500;
  std::uint64_t consumed = 0;
  auto scanned = client->scan(kNs, kSet, slow, aero::PartitionFilter::all(), {}, [&](aero::ScanRecord&) {
    if (++consumed % 1000 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return true;  // false would stop the scan (it would end as aborted)
  }).get().value();
  // The bound is checked after each answer frame, so one frame per node can come on top.
  std::printf("  %llu records, at most %zu waiting for the consumer (bound %zu + one frame per node)\n",
              static_cast<unsigned long long>(scanned.records), scanned.peak_pending,
              slow.max_pending_records);
  ok &= check(scanned.end == aero::StreamEnd::complete && scanned.records == static_cast<std::uint64_t>(n),
              "the scan saw every record once");
  if (n >= 20000) {
    ok &= check(scanned.peak_pending < static_cast<std::size_t>(n) / 2, "most of the scan never waited in memory");
  } else {
    std::printf("  (too few records to show the bound: try --records 100000)\n");
  }

  // 3. Pages over partitions 0..2047 (half of the 4096). After each page the cursor goes to a
  // file; the rest is read by a fresh client (as another process would) from that file.
  std::printf("3. Page through half of the partitions, %d records a page, resuming from a file\n", n / 10);
  const std::string path = "scan_example.cursor";
  std::set<aero::wire::Digest> paged, whole;
  aero::ScanSummary first = page(*client, aero::PartitionFilter::range(0, 2048), n / 10, paged);
  {
    std::vector<std::uint8_t> bytes = first.cursor.serialize();
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                static_cast<std::streamsize>(bytes.size()));
  }
  int pages = 1;
  {
    std::unique_ptr<aero::Client> fresh = connect(target);
    for (bool more = first.more(); more && pages < 1000; ++pages) {
      std::ifstream in(path, std::ios::binary);
      std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      auto cursor = aero::Cursor::parse(bytes);
      if (!cursor.ok()) {
        ok &= check(false, "the saved cursor parses");
        break;
      }
      aero::ScanSummary next = page(*fresh, aero::PartitionFilter::resume(std::move(cursor).value()), n / 10, paged);
      bytes = next.cursor.serialize();
      std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                  static_cast<std::streamsize>(bytes.size()));
      more = next.more();
    }
    fresh->close();
  }
  std::remove(path.c_str());
  page(*client, aero::PartitionFilter::range(0, 2048), 0, whole);  // the same partitions at once
  std::printf("  %d pages, %zu records; one unpaged scan of the same partitions: %zu\n", pages,
              paged.size(), whole.size());
  ok &= check(paged == whole && !whole.empty(), "the pages together are exactly the unpaged scan");

  // 4. A secondary index on "group" and a range query on it.
  std::printf("4. Index 'group' and query 10 <= group <= 19\n");
  auto task = client->create_index(kNs, kSet, "scan_example_group", "group", aero::IndexKind::numeric).get();
  ok &= check(task.ok() && task->wait(aero::Millis{30000}).get().ok(), "the index is ready on every node");
  std::uint64_t matched = 0, outside = 0;
  auto queried = client->query(kNs, kSet, aero::Filter::range("group", 10, 19), aero::QueryPolicy{},
                               aero::PartitionFilter::all(), {"group"}, [&](aero::ScanRecord& r) {
                                 const aero::Value* g = r.record.find("group");
                                 const std::int64_t* v = g ? g->as_int() : nullptr;
                                 (v && *v >= 10 && *v <= 19 ? matched : outside)++;
                                 return true;
                               }).get();
  std::uint64_t expected = 0;
  for (int i = 0; i < n; ++i) expected += (i % kGroups >= 10 && i % kGroups <= 19) ? 1 : 0;
  std::printf("  %llu records matched (expected %llu)\n", static_cast<unsigned long long>(matched),
              static_cast<unsigned long long>(expected));
  ok &= check(queried.ok() && queried->end == aero::StreamEnd::complete && matched == expected && outside == 0,
              "the query returned exactly the matching records");

  // 5. A background update: the servers write "flag" = 1 into every record with group < 50,
  // on their own; the task polls every node until the job is done there.
  std::printf("5. Background update of group 0..49, then wait\n");
  auto job = client->background(kNs, kSet, aero::Filter::range("group", 0, 49),
                                {aero::Operation::write("flag", aero::Value(1))}, aero::WritePolicy{}).get();
  ok &= check(job.ok() && job->wait(aero::Millis{60000}).get().ok(), "the job finished on every node");
  std::uint64_t flagged = 0;
  (void)client->scan(kNs, kSet, aero::ScanPolicy{}, aero::PartitionFilter::all(), {"flag"}, [&](aero::ScanRecord& r) {
    flagged += r.record.find("flag") != nullptr ? 1 : 0;
    return true;
  }).get();
  std::uint64_t expected_flagged = 0;
  for (int i = 0; i < n; ++i) expected_flagged += i % kGroups < 50 ? 1 : 0;
  std::printf("  %llu records flagged (expected %llu)\n", static_cast<unsigned long long>(flagged),
              static_cast<unsigned long long>(expected_flagged));
  ok &= check(flagged == expected_flagged, "the update reached every match and nothing else");

  (void)client->drop_index(kNs, "scan_example_group").get();
  client->close();
  std::printf("All checks passed: %s\n", ok ? "yes" : "no");
  return ok ? 0 : 1;
}
