// aerobench's streaming workloads (-w SCAN, -w QUERY): records/s and MB/s of whole-set scans
// or index queries through the client, against a bare reader of the same stream measured in
// the same run (the limit, in the spirit of bench/limit).
//
// The bare reader (BareStreamReader) is one thread with one blocking socket per node and
// poll(): it asks each node for its partition map once (info `replicas`), then per pass sends
// each node the request the client sends (the client's codec: same fields, same partitions)
// and reads the answer frames, walking and validating each message as any reader must, but
// it builds no records, has no queue, no executor and no callbacks. Passes alternate between
// client and bare reader (the order rotates each round) until the duration or pass count is
// reached; the ratio is client records/s over bare records/s per round, median over rounds.
//
// Threads: run_stream() blocks the calling thread (not a client loop thread).
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "client/client.h"

namespace aero::bench {

struct StreamSpec {
  std::string ns;
  std::string set;
  bool query = false;  // an index range query over `bin` covering every integer value
  std::string bin;     // the query's bin (it gets a numeric index)
  double duration_s = 10;
  int max_rounds = 0;  // 0 = until duration_s
  const std::atomic<bool>* interrupted = nullptr;  // when set: no further round
};

struct StreamPass {
  std::uint64_t records = 0;
  std::uint64_t bytes = 0;  // answer bytes (frame headers included)
  double seconds = 0;
  double records_per_s() const { return seconds > 0 ? static_cast<double>(records) / seconds : 0; }
  double mb_per_s() const { return seconds > 0 ? static_cast<double>(bytes) / 1e6 / seconds : 0; }
};

struct StreamResult {
  std::vector<StreamPass> client;  // one per round
  std::vector<StreamPass> bare;    // one per round
  std::vector<double> ratios;      // client records/s over bare records/s, per round
  double median_ratio = 0;
};

// One pass of the client: a whole-set scan (or the query) counting records in the callback.
bool client_pass(Client& client, const StreamSpec& spec, StreamPass* out, std::string* error);

// The bare reader of the same stream (see the file comment).
class BareStreamReader {
 public:
  BareStreamReader() = default;
  BareStreamReader(const BareStreamReader&) = delete;
  BareStreamReader& operator=(const BareStreamReader&) = delete;
  ~BareStreamReader();

  // Connects to every node ("host:port") and reads its master partitions of spec.ns.
  bool open(const std::vector<std::string>& addresses, const StreamSpec& spec, std::string* error);
  bool pass(StreamPass* out, std::string* error);

 private:
  struct NodeConn {
    std::string address;
    int fd = -1;
    std::vector<std::uint16_t> partitions;
    std::vector<std::uint8_t> buf;
    std::size_t filled = 0;
    bool done = false;
  };
  bool read_frames(NodeConn& n, StreamPass* out, std::string* error);

  StreamSpec spec_;
  std::vector<NodeConn> nodes_;
};

// Creates the query's index when spec.query (waits until every node has it), then runs the
// rounds. Prints a line per round to `log` (may be null).
bool run_stream(Client& client, const StreamSpec& spec, std::FILE* log, StreamResult* out,
                std::string* error);

// The closing text: medians of records/s and MB/s for both readers and the ratio.
std::string stream_report(const StreamSpec& spec, const StreamResult& r);
// The same as a JSON object.
std::string stream_json(const StreamSpec& spec, const StreamResult& r);

}  // namespace aero::bench
