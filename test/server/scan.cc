#include "test/server/scan.h"

#include <algorithm>
#include <cstring>
#include <mutex>

#include "test/server/background.h"
#include "test/server/exp/exp_command.h"
#include "test/server/query_filter.h"
#include "test/server/udf/aggregate.h"
#include "test/server/wire.h"

namespace aero::testserver {

namespace {

namespace rc = wire::result;

void error_frame(ResponseWriter& w, uint8_t result) {
  MsgHeader h;
  h.result = result;
  w.header_only_frame(h);
}

void add_last(ResponseWriter& w, uint8_t result) {
  MsgHeader h;
  h.info3 = wire::info3::kLast;
  h.result = result;
  w.begin_message(h);
  w.end_message();
}

void add_partition_done(ResponseWriter& w, uint32_t pid, uint8_t result) {
  MsgHeader h;
  h.info3 = wire::info3::kPartitionDone;
  h.result = result;
  h.generation = pid;
  w.begin_message(h);
  w.end_message();
}

bool candidate_less(int64_t bval_a, const Digest& a, int64_t bval_b, const Digest& b) {
  if (bval_a != bval_b) return bval_a < bval_b;
  return std::memcmp(a.data(), b.data(), a.size()) < 0;
}

}  // namespace

int64_t string_bval(const std::string& s) { return sindex_bval(s); }

std::unique_ptr<ScanJob> ScanJob::start(const RequestContext& ctx, const MessageView& m,
                                        ResponseWriter& w, std::shared_ptr<JobRecord> record) {
  const FieldView& nsf = m.field(wire::field::kNamespace);
  Namespace* ns = nsf.present ? ctx.cluster.store().find(nsf.str()) : nullptr;
  if (ns == nullptr) {
    error_frame(w, rc::kNamespace);
    return nullptr;
  }
  // UDF scans/queries: background UDFs run (udf/apply.h), aggregations stream (udf/aggregate.h).
  const FieldView& udf_op = m.field(wire::field::kUdfOp);
  const bool background_udf = udf_op.present && udf_op.size == 1 && udf_op.data[0] == 2 &&
                              (m.info2 & wire::info2::kWrite) != 0 && m.n_ops == 0 &&
                              m.has(wire::field::kUdfPackage) && m.has(wire::field::kUdfFunction);
  std::unique_ptr<ScanJob> job(new ScanJob());
  if (udf::Aggregation::requested(m)) {
    uint8_t st = rc::kOk;
    job->aggregation_ = udf::Aggregation::parse(m, ctx.cluster.udfs(), &st);
    if (!job->aggregation_) {
      error_frame(w, st);
      return nullptr;
    }
  } else if (!background_udf && (udf_op.present || m.has(wire::field::kUdfPackage))) {
    error_frame(w, rc::kUnsupportedFeature);
    return nullptr;
  }
  job->ns_ = ns;
  job->ns_index_ = ctx.cluster.namespace_index(ns->name());
  const FieldView& set = m.field(wire::field::kSet);
  if (set.present) {
    if (set.size >= 64) {
      error_frame(w, rc::kParameter);
      return nullptr;
    }
    job->set_.assign(set.str());
  }
  const bool background = (m.info2 & wire::info2::kWrite) != 0;
  if (!background && !(m.info3 & wire::info3::kPartitionDone)) {
    error_frame(w, rc::kUnsupportedFeature);  // current servers require the partition protocol
    return nullptr;
  }

  // Partitions requested: whole ones, then ones resuming after a digest.
  const bool has_where = m.has(wire::field::kIndexRange);
  std::vector<bool> requested(wire::kPartitions, false);
  const FieldView& pid_field = m.field(wire::field::kPidArray);
  const FieldView& digest_field = m.field(wire::field::kDigestArray);
  const FieldView& bval_field = m.field(wire::field::kBvalArray);
  if (pid_field.present) {
    const uint32_t n = pid_field.size / 2;
    if (n == 0 || n > wire::kPartitions || pid_field.size % 2 != 0) {
      error_frame(w, rc::kParameter);
      return nullptr;
    }
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t pid = wire::load_le16(pid_field.data + 2 * i);
      if (pid >= wire::kPartitions || requested[pid]) {
        error_frame(w, rc::kParameter);
        return nullptr;
      }
      requested[pid] = true;
      job->partitions_.push_back(PartitionTask{pid, false, {}, 0});
    }
  }
  if (digest_field.present) {
    const uint32_t n = digest_field.size / wire::kDigestSize;
    if (n == 0 || n > wire::kPartitions || digest_field.size % wire::kDigestSize != 0) {
      error_frame(w, rc::kParameter);
      return nullptr;
    }
    if (has_where && (!bval_field.present || bval_field.size != n * 8)) {
      error_frame(w, rc::kParameter);
      return nullptr;
    }
    for (uint32_t i = 0; i < n; ++i) {
      const uint8_t* d = digest_field.data + i * wire::kDigestSize;
      const uint32_t pid = wire::partition_of(d);
      if (requested[pid]) {
        error_frame(w, rc::kParameter);
        return nullptr;
      }
      requested[pid] = true;
      PartitionTask t{pid, true, digest_from(d), 0};
      if (has_where) {
        uint64_t v = 0;
        for (int b = 7; b >= 0; --b) v = (v << 8) | bval_field.data[i * 8 + size_t(b)];
        t.resume_bval = int64_t(v);
      }
      job->partitions_.push_back(t);
    }
  } else if (bval_field.present) {
    error_frame(w, rc::kParameter);
    return nullptr;
  }

  // Secondary-index filter (query_filter.h).
  if (has_where) {
    const uint8_t st = QueryFilter::parse(m, *ns, job->set_, &job->query_);
    if (st != rc::kOk) {
      error_frame(w, st);
      return nullptr;
    }
    job->is_query_ = true;
    if (record) record->sindex_name = job->query_->index().name;
  }
  if (background) {
    if (m.n_ops == 0 && !background_udf) {
      error_frame(w, rc::kParameter);
      return nullptr;
    }
    std::vector<uint32_t> pids;
    if (job->partitions_.empty()) {
      for (uint32_t p = 0; p < wire::kPartitions; ++p) pids.push_back(p);
    } else {
      for (const PartitionTask& t : job->partitions_) pids.push_back(t.pid);
    }
    // Runs asynchronously, as on a real server (background.h); the answer is LAST at once.
    const FieldView& rps = m.field(wire::field::kRecordsPerSecond);
    const uint32_t want_rps = rps.present && rps.size == 4 ? wire::load_be32(rps.data) : 0;
    if (want_rps > kBackgroundQueryMaxRps) {
      error_frame(w, rc::kParameter);
      return nullptr;
    }
    ctx.cluster.background().submit(std::make_unique<BackgroundJob>(
        ctx, m, *ns, job->ns_index_, std::move(pids), job->set_, std::move(job->query_), record,
        want_rps));
    MsgHeader h;
    h.info3 = wire::info3::kLast;
    w.header_only_frame(h);
    return nullptr;
  }

  job->short_query_ = (m.info1 & wire::info1::kShortQuery) != 0;
  if (const FieldView& f = m.field(wire::field::kRecordsPerSecond); f.present) {
    if (f.size != 4 || job->short_query_) {
      error_frame(w, rc::kParameter);
      return nullptr;
    }
  }
  if (job->partitions_.empty() && job->aggregation_) {
    // Aggregations come without partitions (the official clients send none): every partition
    // this node masters, without PARTITION_DONE markers.
    for (uint32_t p = 0; p < wire::kPartitions; ++p) {
      job->partitions_.push_back(PartitionTask{p, false, {}, 0});
    }
    job->owned_only_ = true;
  }
  if (job->partitions_.empty()) {
    error_frame(w, rc::kUnsupportedFeature);  // neither PID_ARRAY nor DIGEST_ARRAY
    return nullptr;
  }
  if (const FieldView& f = m.field(wire::field::kSocketTimeout); f.present && f.size != 4) {
    error_frame(w, rc::kParameter);
    return nullptr;
  }
  if (const FieldView& f = m.field(wire::field::kMaxRecords); f.present) {
    if (f.size != 8) {
      error_frame(w, rc::kParameter);
      return nullptr;
    }
    job->max_records_ = wire::load_be64(f.data);
  }
  if (const uint8_t st = exp::build_filter(m, &job->filter_); st != rc::kOk) {
    error_frame(w, st);
    return nullptr;
  }
  if (const FieldView& f = m.field(wire::field::kTaskId); f.present && f.size == 8) {
    job->task_id_ = wire::load_be64(f.data);
  }
  OpIterator it = m.ops();
  OpView op;
  while (it.next(op)) {
    if (op.type == wire::op::kRead && !op.name.empty() && op.name.size() < 16) {
      job->bin_names_.emplace_back(op.name);
    }
  }
  job->no_bin_data_ = (m.info1 & wire::info1::kNoBinData) != 0;
  std::sort(job->partitions_.begin(), job->partitions_.end(),
            [](const PartitionTask& a, const PartitionTask& b) { return a.pid < b.pid; });
  job->record_ = std::move(record);
  return job;
}

bool ScanJob::record_matches(const Digest& d, const Record& r, uint32_t now,
                             int64_t* bval) const {
  if (!set_.empty() && r.set != set_) return false;
  if (!is_query_) return true;
  return query_->matches(r, d.data(), now, bval);
}

bool ScanJob::filter_passes(const Digest& d, const Record& r, uint32_t now) const {
  const bool pass = exp::filter_passes(filter_.get(), r, d.data(), now);
  if (!pass && record_) {  // query-show counts what a filter expression dropped
    (is_query_ ? record_->recs_filtered_bins : record_->recs_filtered_meta)
        .fetch_add(1, std::memory_order_relaxed);
  }
  return pass;
}

void ScanJob::emit_record(ResponseWriter& w, const Digest& d, const Record& r,
                          const int64_t* bval, uint32_t now) {
  if (aggregation_) {
    if (!aggregation_->emit(w, d.data(), r, now)) failed_ = aggregation_->result();
    if (record_) record_->recs_succeeded.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  MsgHeader h;
  h.info1 = no_bin_data_ ? wire::info1::kNoBinData : 0;
  h.generation = r.generation;
  h.void_time = r.void_time;
  w.begin_message(h);
  w.add_field(wire::field::kNamespace, ns_->name());
  w.add_field(wire::field::kDigest, d.data(), d.size());
  if (!r.set.empty()) w.add_field(wire::field::kSet, r.set);
  if (!r.key.empty()) w.add_field(wire::field::kKey, r.key);
  if (bval != nullptr) {
    uint8_t le[8];
    wire::store_le64(le, uint64_t(*bval));
    w.add_field(wire::field::kBvalArray, le, sizeof le);
  }
  if (!no_bin_data_) {
    if (bin_names_.empty()) {
      for (const Bin& b : r.bins) {
        w.add_op(wire::op::kRead, b.type, b.name, b.value.data(), b.value.size());
      }
    } else {
      for (const std::string& name : bin_names_) {
        if (const Bin* b = r.find_bin(name)) {
          w.add_op(wire::op::kRead, b->type, b->name, b->value.data(), b->value.size());
        }
      }
    }
  }
  w.end_message();
  ++sent_records_;
  if (record_) record_->recs_succeeded.fetch_add(1, std::memory_order_relaxed);
}

bool ScanJob::scan_partition(const RequestContext& ctx, ResponseWriter& w, size_t limit) {
  Partition& p = ns_->partition(partitions_[current_].pid);
  const uint32_t now = ctx.cluster.clock().now();
  std::lock_guard<std::mutex> lock(p.mutex);
  auto it = has_cursor_ ? p.records.upper_bound(cursor_) : p.records.begin();
  for (; it != p.records.end(); ++it) {
    if (max_records_ != 0 && sent_records_ >= max_records_) return true;
    if (w.frame_bytes() >= limit) return false;
    if (is_expired(it->second, now) || !record_matches(it->first, it->second, now, nullptr) ||
        !filter_passes(it->first, it->second, now)) {
      continue;
    }
    emit_record(w, it->first, it->second, nullptr, now);
    if (failed_ != rc::kOk) return true;
    cursor_ = it->first;
    has_cursor_ = true;
  }
  return true;
}

bool ScanJob::query_partition(const RequestContext& ctx, ResponseWriter& w, size_t limit) {
  Partition& p = ns_->partition(partitions_[current_].pid);
  const uint32_t now = ctx.cluster.clock().now();
  std::lock_guard<std::mutex> lock(p.mutex);
  while (next_candidate_ < candidates_.size()) {
    if (max_records_ != 0 && sent_records_ >= max_records_) return true;
    if (w.frame_bytes() >= limit) return false;
    const Candidate& c = candidates_[next_candidate_++];
    const Record* r = find_live(p.records, c.digest, now);
    int64_t bval = 0;
    if (r == nullptr || !record_matches(c.digest, *r, now, &bval) || bval != c.bval) continue;  // changed
    if (!filter_passes(c.digest, *r, now)) continue;
    emit_record(w, c.digest, *r, &bval, now);
    if (failed_ != rc::kOk) return true;
  }
  return true;
}

bool ScanJob::produce(const RequestContext& ctx, ResponseWriter& w, size_t budget) {
  if (record_ && record_->aborted()) {  // query-abort: the stream ends with LAST 15
    MsgHeader h;
    h.info3 = wire::info3::kLast;
    h.result = rc::kQueryAborted;
    w.header_only_frame(h);
    return true;
  }
  const size_t written_before = w.size();
  w.begin_frame(wire::kTypeMessage);
  while (current_ < partitions_.size() && w.frame_bytes() < budget && failed_ == rc::kOk) {
    const PartitionTask& task = partitions_[current_];
    if (!partition_open_) {
      if (ctx.map->master(size_t(ns_index_), task.pid) != ctx.node) {
        if (!owned_only_) add_partition_done(w, task.pid, rc::kUnavailable);
        ++current_;
        continue;
      }
      partition_open_ = true;
      has_cursor_ = task.has_resume;
      cursor_ = task.resume;
      candidates_.clear();
      next_candidate_ = 0;
      if (is_query_) {
        Partition& p = ns_->partition(task.pid);
        const uint32_t now = ctx.cluster.clock().now();
        std::lock_guard<std::mutex> lock(p.mutex);
        for (const auto& [d, r] : p.records) {
          int64_t bval = 0;
          if (is_expired(r, now) || !record_matches(d, r, now, &bval)) continue;
          if (task.has_resume && !candidate_less(task.resume_bval, task.resume, bval, d)) {
            continue;  // at or before the resume point
          }
          candidates_.push_back(Candidate{bval, d});
        }
        std::sort(candidates_.begin(), candidates_.end(),
                  [](const Candidate& a, const Candidate& b) {
                    return candidate_less(a.bval, a.digest, b.bval, b.digest);
                  });
      }
    }
    const bool done = is_query_ ? query_partition(ctx, w, budget) : scan_partition(ctx, w, budget);
    if (done) {
      partition_open_ = false;
      ++current_;
    }
  }
  const bool finished = current_ >= partitions_.size() || failed_ != rc::kOk;
  if (finished && short_query_) {
    add_last(w, rc::kOk);  // short queries append the end marker to the last data
    w.end_frame();
    if (record_) record_->net_io_bytes.fetch_add(w.size() - written_before);
    return true;
  }
  if (w.frame_bytes() > wire::kProtoHeaderSize) {
    w.end_frame();
  } else {
    w.abandon_frame();
  }
  if (finished) {
    MsgHeader h;
    h.info3 = wire::info3::kLast;
    h.result = failed_;
    w.header_only_frame(h);
  }
  if (record_) record_->net_io_bytes.fetch_add(w.size() - written_before);
  return finished;
}

}  // namespace aero::testserver
