#include "test/server/udf/apply.h"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "test/server/udf/runtime.h"
#include "test/server/wire.h"

namespace aero::testserver::udf {

namespace {

namespace rc = wire::result;

uint8_t header_only(ResponseWriter& w, uint8_t result, uint32_t slot, uint32_t generation = 0,
                    uint32_t void_time = 0) {
  MsgHeader h;
  h.result = result;
  h.generation = generation;
  h.void_time = void_time;
  h.transaction_ttl = slot;
  w.begin_message(h);
  w.end_message();
  return result;
}

bool valid_ttl(uint32_t ttl) {
  return ttl <= wire::kTtlMax || ttl == wire::kTtlNeverExpire || ttl == wire::kTtlDontUpdate;
}

uint32_t void_time_for(uint32_t ttl, uint32_t previous, uint32_t now, uint32_t default_ttl) {
  switch (ttl) {
    case wire::kTtlNamespaceDefault: return default_ttl == 0 ? 0 : now + default_ttl;
    case wire::kTtlNeverExpire: return 0;
    case wire::kTtlDontUpdate: return previous;
    default: return now + ttl;
  }
}

}  // namespace

uint8_t execute_record_udf(const RequestContext& ctx, const MessageView& m, Namespace& ns,
                           const uint8_t* digest, uint32_t slot, const exp::Expression* filter,
                           ResponseWriter& w, bool internal) {
  const FieldView& package = m.field(wire::field::kUdfPackage);
  const FieldView& function = m.field(wire::field::kUdfFunction);
  const FieldView& args = m.field(wire::field::kUdfArgs);
  if (!package.present || !function.present || package.size == 0 || function.size == 0) {
    return header_only(w, rc::kParameter, slot);
  }
  if (m.has(wire::field::kUdfOp)) {
    const FieldView& op = m.field(wire::field::kUdfOp);
    const uint8_t want = internal ? 2 : 0;  // aggregation/background need a scan
    if (op.size != 1 || op.data[0] != want) return header_only(w, rc::kParameter, slot);
  }
  if (!valid_ttl(m.record_ttl)) return header_only(w, rc::kParameter, slot);

  Partition& part = ns.partition(wire::partition_of(digest));
  const Digest d = digest_from(digest);
  const uint32_t now = ctx.cluster.clock().now();
  std::lock_guard<std::mutex> lock(part.mutex);
  Record* existing = find_live(part.records, d, now);
  if (internal && existing == nullptr) return header_only(w, rc::kNotFound, slot);
  const FieldView& set = m.field(wire::field::kSet);
  const FieldView& key = m.field(wire::field::kKey);
  if (existing != nullptr) {
    if (set.present && set.size > 0 && existing->set != set.str()) {
      return header_only(w, rc::kParameter, slot);
    }
    if (!exp::filter_passes(filter, *existing, digest, now)) {
      MsgHeader h;
      h.result = rc::kFilteredOut;
      h.transaction_ttl = slot;
      w.begin_message(h);
      w.add_op(wire::op::kRead, wire::particle::kNull, "FAILURE", nullptr, 0);
      w.end_message();
      return rc::kFilteredOut;
    }
    if (key.present && !existing->key.empty() && existing->key != key.str()) {
      return header_only(w, rc::kKeyMismatch, slot);
    }
    const bool gen_ok = (m.info2 & wire::info2::kGeneration)     ? m.generation == existing->generation
                        : (m.info2 & wire::info2::kGenerationGt) ? m.generation > existing->generation
                                                                 : true;
    if (!gen_ok) {
      return header_only(w, rc::kGeneration, slot, existing->generation, existing->void_time);
    }
  }

  UdfRecordState st;
  st.digest = digest;
  st.now = now;
  st.exists = existing != nullptr;
  if (existing != nullptr) {
    st.work = *existing;
  } else {
    if (set.present) st.work.set.assign(set.str());
  }
  if (key.present && st.work.key.empty() && key.size > 0 &&
      !(key.data[0] == wire::particle::kInteger && key.size != 9)) {
    st.work.key.assign(key.str());
  }

  const UdfOutcome out = run_record_udf(ctx.cluster.udfs(), package.str(), function.str(),
                                        args.present ? args.str() : std::string_view(), st);
  if (out.result == rc::kParameter) return header_only(w, rc::kParameter, slot);

  uint32_t generation = existing ? existing->generation : 0;
  uint32_t void_time = existing ? existing->void_time : 0;
  if (out.result == 0 && st.dirty) {
    if (st.exists && !st.work.bins.empty()) {
      uint32_t ttl = st.ttl_set ? st.ttl : m.record_ttl;
      if (!valid_ttl(ttl)) ttl = wire::kTtlNamespaceDefault;
      if (ttl == wire::kTtlDontUpdate && existing == nullptr) ttl = wire::kTtlNamespaceDefault;
      uint16_t g = uint16_t((existing ? existing->generation : 0) + 1);
      if (g == 0) g = 1;
      st.work.generation = g;
      st.work.void_time = void_time_for(ttl, void_time, now, ns.default_ttl());
      st.work.last_update_ms = uint64_t(now) * 1000;  // as a client write
      if (st.drop_key) st.work.key.clear();
      generation = st.work.generation;
      void_time = st.work.void_time;
      if (existing != nullptr) {
        *existing = std::move(st.work);
      } else {
        part.records.emplace(d, std::move(st.work));
      }
    } else {
      // Removed, or left without bins: the record is gone.
      if (existing != nullptr) part.records.erase(d);
      generation = 0;
      void_time = 0;
    }
  }
  MsgHeader h;
  h.result = out.result;
  h.transaction_ttl = slot;
  h.generation = generation;  // on failure: the stored record's, untouched
  h.void_time = void_time;
  w.begin_message(h);
  w.add_op(wire::op::kRead, out.particle, out.result == 0 ? "SUCCESS" : "FAILURE",
           out.value.data(), out.value.size());
  w.end_message();
  return out.result;
}

uint8_t run_background_udf(const RequestContext& ctx, const MessageView& m, Namespace& ns,
                           const uint8_t* digest) {
  std::unique_ptr<exp::Expression> filter;
  if (const uint8_t st = exp::build_filter(m, &filter); st != rc::kOk) return st;
  std::vector<uint8_t> scratch;
  ResponseWriter sink(scratch);  // the answer goes nowhere
  return execute_record_udf(ctx, m, ns, digest, 0, filter.get(), sink, true);
}

}  // namespace aero::testserver::udf
