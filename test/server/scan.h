// Partition scans and secondary-index queries (type-3 requests with neither a digest nor the
// BATCH bit), answered as a stream: record messages, PARTITION_DONE messages for partitions this
// node cannot serve (result 11), then a LAST message.
//
// A ScanJob copies what it needs from the request at start(), then produce() appends a bounded
// amount of answer at a time, so a connection streams a large scan with flow control and never
// holds a partition lock between calls. A job belongs to one connection (one thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "test/server/exp/exp.h"
#include "test/server/jobs.h"
#include "test/server/message.h"
#include "test/server/query_filter.h"
#include "test/server/record_ops.h"
#include "test/server/response.h"
#include "test/server/store.h"
#include "test/server/udf/aggregate.h"

namespace aero::testserver {

class ScanJob {
 public:
  // Validates the request. When the answer is complete right away (an error, or a background
  // scan that ran to completion) it is appended to `w` and nullptr is returned; otherwise the
  // returned job produces the stream. `record` (optional, see jobs.h) receives the index name
  // and the record counts, and a request to abort ends the stream with LAST result 15.
  static std::unique_ptr<ScanJob> start(const RequestContext& ctx, const MessageView& m,
                                        ResponseWriter& w,
                                        std::shared_ptr<JobRecord> record = nullptr);

  // Appends whole frames holding roughly `budget` bytes. Returns true once the LAST message
  // has been written (the job is then finished).
  bool produce(const RequestContext& ctx, ResponseWriter& w, size_t budget);

  uint64_t task_id() const { return task_id_; }
  const std::shared_ptr<JobRecord>& record() const { return record_; }

 private:
  struct PartitionTask {
    uint32_t pid = 0;
    bool has_resume = false;
    Digest resume{};
    int64_t resume_bval = 0;
  };
  struct Candidate {  // a secondary-index match, in (bval, digest) order
    int64_t bval;
    Digest digest;
  };

  ScanJob() = default;
  // Emits records of the current partition until `w` holds `limit` bytes; true when the
  // partition is exhausted.
  bool scan_partition(const RequestContext& ctx, ResponseWriter& w, size_t limit);
  bool query_partition(const RequestContext& ctx, ResponseWriter& w, size_t limit);
  bool record_matches(const Digest& d, const Record& r, uint32_t now, int64_t* bval) const;
  bool filter_passes(const Digest& d, const Record& r, uint32_t now) const;
  void emit_record(ResponseWriter& w, const Digest& d, const Record& r, const int64_t* bval,
                   uint32_t now);

  Namespace* ns_ = nullptr;
  int ns_index_ = 0;
  std::string set_;
  std::vector<PartitionTask> partitions_;
  std::vector<std::string> bin_names_;
  bool no_bin_data_ = false;
  bool short_query_ = false;
  uint64_t max_records_ = 0;  // 0 = no limit
  uint64_t sent_records_ = 0;
  uint64_t task_id_ = 0;
  std::unique_ptr<exp::Expression> filter_;  // field 43; null = none
  std::shared_ptr<JobRecord> record_;  // query-show's view of this job; may be null
  std::unique_ptr<udf::Aggregation> aggregation_;  // UDF_OP 1; null = records are sent
  bool owned_only_ = false;   // no partitions requested: the node's own, no PARTITION_DONE
  uint8_t failed_ = 0;        // an aggregation's UDF failed: LAST carries this result

  // Secondary-index filter.
  bool is_query_ = false;
  std::unique_ptr<QueryFilter> query_;

  // Progress.
  size_t current_ = 0;        // index in partitions_
  bool partition_open_ = false;
  bool has_cursor_ = false;   // scan: last digest sent in the current partition
  Digest cursor_{};
  std::vector<Candidate> candidates_;  // query: matches of the current partition
  size_t next_candidate_ = 0;
};

// The bval the server reports for a string index key (sindex_bval, query_filter.h).
int64_t string_bval(const std::string& s);

}  // namespace aero::testserver
