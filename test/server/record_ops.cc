#include "test/server/record_ops.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>

#include "test/server/bit_hll_ops.h"
#include "test/server/cdt/cdt_ops.h"
#include "test/server/exp/cdt_select.h"
#include "test/server/exp/exp_command.h"
#include "test/server/udf/apply.h"
#include "test/server/wire.h"

namespace aero::testserver {

namespace {

namespace rc = wire::result;

// One message with only a header.
uint8_t answer(ResponseWriter& w, uint8_t result, uint32_t ttl_slot, uint32_t generation = 0,
               uint32_t void_time = 0) {
  MsgHeader h;
  h.result = result;
  h.generation = generation;
  h.void_time = void_time;
  h.transaction_ttl = ttl_slot;
  w.begin_message(h);
  w.end_message();
  return result;
}

bool set_name_matches(const MessageView& m, const Record& r) {
  const FieldView& f = m.field(wire::field::kSet);
  if (!f.present || f.size == 0) return true;  // no set in the message: allowed
  return r.set == f.str();
}

bool key_conflicts(const MessageView& m, const Record& r) {
  const FieldView& f = m.field(wire::field::kKey);
  return f.present && !r.key.empty() && r.key != f.str();
}

bool generation_ok(const MessageView& m, uint32_t stored) {
  if (m.info2 & wire::info2::kGeneration) return m.generation == stored;
  if (m.info2 & wire::info2::kGenerationGt) return m.generation > stored;
  return true;
}

bool valid_ttl(uint32_t ttl) {
  return ttl <= wire::kTtlMax || ttl == wire::kTtlNeverExpire || ttl == wire::kTtlDontUpdate;
}

uint16_t next_generation(uint16_t g) {
  const uint16_t n = uint16_t(g + 1);
  return n == 0 ? 1 : n;
}

uint32_t void_time_for(uint32_t record_ttl, uint32_t previous, uint32_t now,
                       uint32_t default_ttl) {
  switch (record_ttl) {
    case wire::kTtlNamespaceDefault:
      return default_ttl == 0 ? 0 : now + default_ttl;
    case wire::kTtlNeverExpire:
      return 0;
    case wire::kTtlDontUpdate:
      return previous;
    default:
      return now + record_ttl;
  }
}

// Op types answered 16 (not emulated): none left since CDT, bit, HLL and expression ops.
bool is_unsupported_op(uint8_t /*type*/) { return false; }

bool is_known_write_op(uint8_t type) {
  switch (type) {
    case wire::op::kCdtRead:
    case wire::op::kCdtModify:
    case wire::op::kRead:
    case wire::op::kWrite:
    case wire::op::kIncr:
    case wire::op::kAppend:
    case wire::op::kPrepend:
    case wire::op::kTouch:
    case wire::op::kDeleteAll:
      return true;
    case wire::op::kExpRead:
    case wire::op::kExpModify:
      return true;
    default:
      return is_unsupported_op(type) || is_bit_hll_op(type);
  }
}

// Checks a value sent with a write op.
bool value_well_formed(uint8_t particle, uint32_t size) {
  if (!wire::is_storable_particle(particle)) return false;
  switch (particle) {
    case wire::particle::kInteger:
    case wire::particle::kFloat:
      return size == 8;
    case wire::particle::kBool:
      return size == 1;
    default:
      return true;
  }
}

void put_bin(Record& r, std::string_view name, uint8_t type, const uint8_t* v, uint32_t n) {
  Bin* b = r.find_bin(name);
  if (b == nullptr) {
    r.bins.emplace_back();
    b = &r.bins.back();
    b->name.assign(name);
  }
  b->type = type;
  b->value.assign(reinterpret_cast<const char*>(v), n);
}

// A CDT (list/map) op on `r` (test/server/cdt); adds its answer to `w`. Returns a result code.
uint8_t apply_cdt(Record& r, const OpView& op, bool respond_all, ResponseWriter& w) {
  cdt::BinData bin;
  const Bin* b = r.find_bin(op.name);
  if (b != nullptr) bin = {true, b->type, b->value};
  cdt::Answer a;
  uint8_t st = 0;
  if (exp::is_select_op(op.value, op.value_size)) {
    // The 8.1 path "select" (exp/cdt_select.h): its expressions see this record.
    static constexpr uint8_t kNoDigest[20] = {};
    exp::Context ctx;
    ctx.record = &r;
    ctx.digest = kNoDigest;
    st = exp::apply_select(op.type, op.value, op.value_size, ctx, &bin, &a);
  } else {
    st = cdt::apply_op(op.type, op.value, op.value_size, &bin, &a);
  }
  if (st != rc::kOk) return st;
  if (bin.exists && op.type == wire::op::kCdtModify) {
    put_bin(r, op.name, bin.particle, reinterpret_cast<const uint8_t*>(bin.value.data()),
            uint32_t(bin.value.size()));
  }
  if (a.has) {
    w.add_op(op.type, a.particle, op.name, a.bytes.data(), a.bytes.size());
  } else if (respond_all) {
    w.add_op(op.type, wire::particle::kNull, op.name, nullptr, 0);
  }
  return rc::kOk;
}

void add_bin_op(ResponseWriter& w, const Bin& b) {
  w.add_op(wire::op::kRead, b.type, b.name, b.value.data(), b.value.size());
}

// Applies an increment; returns a result code.
uint8_t apply_incr(Record& r, const OpView& op) {
  if ((op.particle != wire::particle::kInteger && op.particle != wire::particle::kFloat) ||
      op.value_size != 8) {
    return rc::kIncompatibleType;
  }
  Bin* b = r.find_bin(op.name);
  if (b == nullptr) {
    put_bin(r, op.name, op.particle, op.value, op.value_size);
    return rc::kOk;
  }
  if (b->type != op.particle || b->value.size() != 8) return rc::kIncompatibleType;
  const uint8_t* cur = reinterpret_cast<const uint8_t*>(b->value.data());
  uint8_t out[8];
  if (op.particle == wire::particle::kInteger) {
    const uint64_t sum = wire::load_be64(cur) + wire::load_be64(op.value);  // wraps like C
    wire::store_be64(out, sum);
  } else {
    double a, d;
    const uint64_t ua = wire::load_be64(cur), ud = wire::load_be64(op.value);
    std::memcpy(&a, &ua, 8);
    std::memcpy(&d, &ud, 8);
    const double s = a + d;
    uint64_t us;
    std::memcpy(&us, &s, 8);
    wire::store_be64(out, us);
  }
  b->value.assign(reinterpret_cast<const char*>(out), 8);
  return rc::kOk;
}

uint8_t apply_concat(Record& r, const OpView& op, bool append) {
  if (op.particle != wire::particle::kString && op.particle != wire::particle::kBlob) {
    return rc::kIncompatibleType;
  }
  Bin* b = r.find_bin(op.name);
  if (b == nullptr) {
    put_bin(r, op.name, op.particle, op.value, op.value_size);
    return rc::kOk;
  }
  if (b->type != op.particle) return rc::kIncompatibleType;
  const char* v = reinterpret_cast<const char*>(op.value);
  if (append) {
    b->value.append(v, op.value_size);
  } else {
    b->value.insert(0, v, op.value_size);
  }
  return rc::kOk;
}

uint8_t do_read(const MessageView& m, Partition& part, const Digest& d, uint32_t now,
                uint32_t slot, const exp::Expression* filter, ResponseWriter& w) {
  std::lock_guard<std::mutex> lock(part.mutex);
  Record* r = find_live(part.records, d, now);
  if (r == nullptr) return answer(w, rc::kNotFound, slot);
  if (!set_name_matches(m, *r)) return answer(w, rc::kParameter, slot);
  if (key_conflicts(m, *r)) return answer(w, rc::kKeyMismatch, slot);
  if (!exp::filter_passes(filter, *r, d.data(), now)) {
    // The captured read answers (bit/hll.json.gz) carry the record's generation and void time.
    return answer(w, rc::kFilteredOut, slot, r->generation, r->void_time);
  }
  if (m.info1 & wire::info1::kNoBinData) {
    return answer(w, rc::kOk, slot, r->generation, r->void_time);
  }
  const bool get_all = (m.info1 & wire::info1::kGetAll) != 0;
  if (!get_all) {
    if (m.n_ops == 0) return answer(w, rc::kParameter, slot);
    OpIterator it = m.ops();
    OpView op;
    while (it.next(op)) {
      if (is_unsupported_op(op.type)) return answer(w, rc::kUnsupportedFeature, slot);
      if (op.type != wire::op::kRead && op.type != wire::op::kExpRead &&
          !is_bit_hll_read(op.type) && op.type != wire::op::kCdtRead) {
        return answer(w, rc::kParameter, slot);
      }
    }
  }
  const size_t msg_at = w.size();
  MsgHeader h;
  h.generation = r->generation;
  h.void_time = r->void_time;
  h.transaction_ttl = slot;
  w.begin_message(h);
  if (get_all) {
    for (const Bin& b : r->bins) add_bin_op(w, b);
  } else {
    const bool respond_all = (m.info2 & wire::info2::kRespondAllOps) != 0;
    OpIterator it = m.ops();
    OpView op;
    while (it.next(op)) {
      if (op.type == wire::op::kCdtRead) {
        if (const uint8_t st = apply_cdt(*r, op, respond_all, w); st != rc::kOk) {  // read only
          w.truncate(msg_at);
          return answer(w, st, slot, r->generation, r->void_time);
        }
        continue;
      }
      if (op.type == wire::op::kExpRead) {
        if (const uint8_t st = exp::read_op(op, *r, d.data(), now, w); st != rc::kOk) {
          w.truncate(msg_at);
          return answer(w, st, slot, r->generation, r->void_time);
        }
        continue;
      }
      if (is_bit_hll_read(op.type)) {
        if (const uint8_t st = read_bit_hll_op(*r, op, respond_all, w); st != rc::kOk) {
          w.truncate(msg_at);
          return answer(w, st, slot, r->generation, r->void_time);
        }
        continue;
      }
      const Bin* b = r->find_bin(op.name);
      if (b != nullptr) {
        add_bin_op(w, *b);
      } else if (respond_all) {
        w.add_op(wire::op::kRead, wire::particle::kNull, op.name, nullptr, 0);
      }
    }
  }
  w.end_message();
  return rc::kOk;
}

uint8_t do_delete(const RequestContext& ctx, const MessageView& m, Partition& part,
                  const Digest& d, uint32_t now, uint32_t slot, const exp::Expression* filter,
                  ResponseWriter& w) {
  if ((m.info2 & wire::info2::kDurableDelete) && !ctx.cluster.options().enterprise) {
    return answer(w, rc::kEnterpriseOnly, slot);
  }
  std::lock_guard<std::mutex> lock(part.mutex);
  Record* r = find_live(part.records, d, now);
  if (r == nullptr) return answer(w, rc::kNotFound, slot);
  if (!set_name_matches(m, *r)) return answer(w, rc::kParameter, slot);
  if (!generation_ok(m, r->generation)) return answer(w, rc::kGeneration, slot);
  if (key_conflicts(m, *r)) return answer(w, rc::kKeyMismatch, slot);
  if (!exp::filter_passes(filter, *r, d.data(), now)) return answer(w, rc::kFilteredOut, slot);
  part.records.erase(d);
  return answer(w, rc::kOk, slot);  // deletes answer generation 0, void time 0
}

// Flags gathered from the ops before touching the record (the server's write_master_policies).
struct WritePlan {
  bool must_not_create = false;
  bool replace = false;
  bool respond_all = false;
  bool has_read_all = false;
  bool unsupported = false;
};

uint8_t plan_write(const MessageView& m, WritePlan& plan) {
  if (m.n_ops == 0) return rc::kParameter;
  plan.must_not_create = (m.info3 & (wire::info3::kUpdateOnly | wire::info3::kReplaceOnly)) != 0;
  plan.replace = (m.info3 & (wire::info3::kCreateOrReplace | wire::info3::kReplaceOnly)) != 0;
  plan.respond_all = (m.info2 & wire::info2::kRespondAllOps) != 0;
  bool generates_response_bin = false;
  OpIterator it = m.ops();
  OpView op;
  while (it.next(op)) {
    if (!is_known_write_op(op.type)) return rc::kParameter;
    if (op.type == wire::op::kTouch) {
      if (plan.replace) return rc::kParameter;
      plan.must_not_create = true;
      continue;
    }
    if (op.name.size() >= 16) return rc::kBinName;
    if (op.type == wire::op::kCdtRead || op.type == wire::op::kCdtModify) {
      if (const uint8_t st = cdt::precheck_op(op.value, op.value_size); st != rc::kOk) return st;
    }
    switch (op.type) {
      case wire::op::kWrite:
        if (op.particle == wire::particle::kNull && plan.replace) return rc::kParameter;
        break;
      case wire::op::kIncr:
      case wire::op::kAppend:
      case wire::op::kPrepend:
      case wire::op::kDeleteAll:
      case wire::op::kCdtModify:
      case wire::op::kBitModify:
      case wire::op::kHllModify:
        if (plan.replace) return rc::kParameter;
        break;
      case wire::op::kRead:
        if (op.name.empty()) {
          if (plan.respond_all || plan.has_read_all) return rc::kParameter;
          plan.has_read_all = true;
        } else {
          generates_response_bin = true;
        }
        break;
      default:
        generates_response_bin = true;  // CDT/bit/HLL/expression reads
        break;
    }
    if (is_unsupported_op(op.type)) plan.unsupported = true;
  }
  if (plan.has_read_all && generates_response_bin) return rc::kParameter;
  if ((m.info1 & wire::info1::kGetAll) && !plan.has_read_all) return rc::kParameter;
  return rc::kOk;
}

uint8_t do_write(const RequestContext& ctx, const MessageView& m, Namespace& ns,
                 Partition& part, const Digest& d, uint32_t now, uint32_t slot,
                 const exp::Expression* filter, ResponseWriter& w) {
  if (!valid_ttl(m.record_ttl)) return answer(w, rc::kParameter, slot);
  WritePlan plan;
  if (const uint8_t st = plan_write(m, plan); st != rc::kOk) return answer(w, st, slot);
  if (plan.unsupported) return answer(w, rc::kUnsupportedFeature, slot);

  std::lock_guard<std::mutex> lock(part.mutex);
  Record* existing = find_live(part.records, d, now);
  const uint32_t old_gen = existing ? existing->generation : 0;
  const uint32_t old_void = existing ? existing->void_time : 0;
  if (existing == nullptr && plan.must_not_create) return answer(w, rc::kNotFound, slot);
  if (existing != nullptr && (m.info2 & wire::info2::kCreateOnly)) {
    return answer(w, rc::kRecordExists, slot, old_gen, old_void);
  }
  if (!generation_ok(m, old_gen)) return answer(w, rc::kGeneration, slot, old_gen, old_void);
  if (existing != nullptr && !exp::filter_passes(filter, *existing, d.data(), now)) {
    return answer(w, rc::kFilteredOut, slot);
  }
  if (existing != nullptr && !set_name_matches(m, *existing)) {
    return answer(w, rc::kParameter, slot, old_gen, old_void);
  }
  const FieldView& key = m.field(wire::field::kKey);
  if (existing != nullptr && key_conflicts(m, *existing)) {
    return answer(w, rc::kKeyMismatch, slot, old_gen, old_void);
  }
  if (key.present && (existing == nullptr || existing->key.empty())) {
    // A key is stored only if it is well formed (the server answers 16 otherwise).
    if (key.size == 0 || (key.data[0] == wire::particle::kInteger && key.size != 9)) {
      return answer(w, rc::kUnsupportedFeature, slot, old_gen, old_void);
    }
  }

  Record work;
  if (existing != nullptr) {
    work.set = existing->set;
    work.key = existing->key;
    if (!plan.replace) work.bins = existing->bins;
  } else {
    const FieldView& set = m.field(wire::field::kSet);
    if (set.present) work.set.assign(set.str());
  }
  if (key.present && work.key.empty()) work.key.assign(key.str());

  uint32_t record_ttl = m.record_ttl;
  if (record_ttl == wire::kTtlDontUpdate && existing == nullptr) {
    record_ttl = wire::kTtlNamespaceDefault;
  }
  work.generation = next_generation(uint16_t(old_gen));
  work.void_time = void_time_for(record_ttl, old_void, now, ns.default_ttl());
  work.last_update_ms = std::max(uint64_t(now) * 1000, ctx.cluster.clock().now_ms());

  const size_t msg_at = w.size();
  MsgHeader h;
  h.generation = work.generation;
  h.void_time = work.void_time;
  h.transaction_ttl = slot;
  w.begin_message(h);
  auto fail = [&](uint8_t code) {
    w.truncate(msg_at);
    return answer(w, code, slot, old_gen, old_void);
  };
  OpIterator it = m.ops();
  OpView op;
  while (it.next(op)) {
    uint8_t st = rc::kOk;
    switch (op.type) {
      case wire::op::kWrite:
        if (op.particle == wire::particle::kNull) {
          work.remove_bin(op.name);
        } else if (!value_well_formed(op.particle, op.value_size)) {
          st = rc::kParameter;
        } else if (op.particle == wire::particle::kList || op.particle == wire::particle::kMap) {
          std::string v(reinterpret_cast<const char*>(op.value), op.value_size);
          st = cdt::normalize_bin(op.particle, &v);  // the server's form of a list/map
          if (st == rc::kOk) {
            put_bin(work, op.name, op.particle, reinterpret_cast<const uint8_t*>(v.data()),
                    uint32_t(v.size()));
          }
        } else {
          put_bin(work, op.name, op.particle, op.value, op.value_size);
        }
        break;
      case wire::op::kIncr:
        st = apply_incr(work, op);
        break;
      case wire::op::kAppend:
      case wire::op::kPrepend:
        st = apply_concat(work, op, op.type == wire::op::kAppend);
        break;
      case wire::op::kDeleteAll:
        work.bins.clear();
        break;
      case wire::op::kTouch:
        break;
      case wire::op::kExpModify:
        st = exp::write_op(op, work, d.data(), now);
        break;
      case wire::op::kExpRead:
        if (const uint8_t est = exp::read_op(op, work, d.data(), now, w); est != rc::kOk) {
          return fail(est);
        }
        continue;
      case wire::op::kBitRead:
      case wire::op::kBitModify:
      case wire::op::kHllRead:
      case wire::op::kHllModify:
        if (const uint8_t bst = apply_bit_hll_op(work, op, plan.respond_all, w); bst != rc::kOk) {
          return fail(bst);
        }
        continue;  // the op wrote its own answer
      case wire::op::kCdtRead:
      case wire::op::kCdtModify:
        if (const uint8_t cst = apply_cdt(work, op, plan.respond_all, w); cst != rc::kOk) {
          return fail(cst);
        }
        continue;  // apply_cdt answered
      case wire::op::kRead:
        if (op.name.empty()) {
          for (const Bin& b : work.bins) add_bin_op(w, b);  // read-all: the bins as of now
        } else {
          if (const Bin* b = work.find_bin(op.name)) {
            add_bin_op(w, *b);
          } else if (plan.respond_all) {
            w.add_op(wire::op::kRead, wire::particle::kNull, op.name, nullptr, 0);
          }
        }
        continue;
      default:
        st = rc::kParameter;
        break;
    }
    if (st != rc::kOk) return fail(st);
    if (plan.respond_all && op.type != wire::op::kTouch) {
      w.add_op(op.type, wire::particle::kNull, op.name, nullptr, 0);
    }
  }
  w.end_message();

  if (work.bins.empty()) {
    if (existing == nullptr) return fail(rc::kNotFound);  // nothing to create
    if ((m.info2 & wire::info2::kDurableDelete) && !ctx.cluster.options().enterprise) {
      return fail(rc::kEnterpriseOnly);
    }
    part.records.erase(d);
    w.patch_message(msg_at, rc::kOk, 0, 0);  // the record is gone: generation and TTL 0
    return rc::kOk;
  }
  if (existing != nullptr) {
    *existing = std::move(work);
  } else {
    part.records.emplace(d, std::move(work));
  }
  return rc::kOk;
}

}  // namespace

uint8_t execute_record_command(const RequestContext& ctx, const MessageView& m,
                               const uint8_t* digest, uint32_t slot, ResponseWriter& w) {
  const FieldView& nsf = m.field(wire::field::kNamespace);
  if (!nsf.present) return answer(w, rc::kNamespace, slot);
  Namespace* ns = ctx.cluster.store().find(nsf.str());
  if (ns == nullptr) return answer(w, rc::kNamespace, slot);
  const bool is_write = (m.info2 & wire::info2::kWrite) != 0;
  const bool is_read = (m.info1 & wire::info1::kRead) != 0;
  if (!is_write && !is_read) return answer(w, rc::kParameter, slot);
  std::unique_ptr<exp::Expression> filter;
  if (const uint8_t st = exp::build_filter(m, &filter); st != rc::kOk) return answer(w, st, slot);
  const uint32_t pid = wire::partition_of(digest);
  if (ctx.cluster.not_owner_policy() == NotOwnerPolicy::kUnavailable) {
    const int nsi = ctx.cluster.namespace_index(ns->name());
    const int column = ctx.map->column_of(size_t(nsi), pid, ctx.node);
    if (is_write ? column != 0 : column < 0) return answer(w, rc::kUnavailable, slot);
  }
  if (udf::is_udf_request(m)) return udf::execute_record_udf(ctx, m, *ns, digest, slot, filter.get(), w);
  Partition& part = ns->partition(pid);
  const Digest d = digest_from(digest);
  const uint32_t now = ctx.cluster.clock().now();
  if (is_write && (m.info2 & wire::info2::kDelete)) {
    return do_delete(ctx, m, part, d, now, slot, filter.get(), w);
  }
  if (is_write) return do_write(ctx, m, *ns, part, d, now, slot, filter.get(), w);
  return do_read(m, part, d, now, slot, filter.get(), w);
}

}  // namespace aero::testserver
