// Partition scan requests (foreground, partition-based protocol of server >= 4.9): the
// namespace and optional set, the whole partitions to scan (PID_ARRAY, ids as 2-byte
// little-endian) and the partitions to resume after a digest (DIGEST_ARRAY), optional bin
// selection, record limit, rate and socket timeout, and the task id.
//
// Fields are written in the order namespace, set, PID_ARRAY, DIGEST_ARRAY, MAX_RECORDS,
// RECORDS_PER_SECOND, SOCKET_TIMEOUT (only when non-zero), TASK_ID: the Java client's order,
// and byte-identical to the scans captured from a real server.
//
// The response is a stream (message.h, MessageIterator): record messages (namespace, digest,
// set and stored key fields; bins as ops), PARTITION_DONE messages for partitions the node
// could not serve (partition id in generation, reason in the result code), and a final LAST.
//
// Threads: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "client/wire/buffer.h"
#include "client/wire/digest.h"
#include "client/wire/request.h"
#include "client/wire/status.h"

namespace aero::wire {

struct ScanRequest {
  std::string_view ns;
  std::string_view set;                        // empty: the whole namespace
  std::span<const uint16_t> partitions;        // whole partitions (ids < 4096)
  std::span<const Digest> resume_after;        // partitions resumed after these digests
  std::span<const std::string_view> bin_names; // empty: all bins
  bool include_bin_data = true;                // false: metadata only (info1 NOBINDATA)
  uint64_t max_records = 0;                    // 0: no limit
  uint32_t records_per_second = 0;             // 0: no throttle
  uint32_t socket_timeout_ms = 0;              // 0: field omitted (server default)
  uint32_t server_timeout_ms = 0;              // transaction_ttl (scans default to 0)
  uint64_t task_id = 0;                        // must be non-zero and unique per scan
  ReadAttrs read;                              // AP/SC read mode bits
  // Clients always set PARTITION_DONE ("report only failed partitions"); servers refuse
  // scans without it (result 16). False exists only to reproduce that answer.
  bool partition_done = true;
};

Status encode_scan(Buffer& out, const ScanRequest& scan);

}  // namespace aero::wire
