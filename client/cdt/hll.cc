// Byte layouts follow aerospike-client-c as_hll_operations.c and the server's
// particle_hll.c; test/cdt checks them against test/captures/operations/hll.
#include "client/cdt/hll.h"

#include <utility>

#include "client/cdt/pack.h"

namespace aero::cdt::hll {
namespace {

using wire::OpType;
namespace oc = opcode;

void pack_hlls(Packer& p, const Hlls& hlls) {
  p.array(static_cast<uint32_t>(hlls.size()));
  for (const wire::Bytes& h : hlls) p.blob(h.data);
}

Operation op0(OpType t, std::string bin, uint32_t code, const Context& ctx) {
  Packer p;
  p.begin(ctx, code, 0);
  return p.finish(t, std::move(bin));
}

Operation with_hlls(OpType t, std::string bin, uint32_t code, const Hlls& hlls,
                    const Context& ctx) {
  Packer p;
  p.begin(ctx, code, 1);
  pack_hlls(p, hlls);
  return p.finish(t, std::move(bin));
}

}  // namespace

Operation init(std::string bin, int64_t index_bits, int64_t minhash_bits, const HllPolicy& policy,
               const Context& ctx) {
  Packer p;
  p.begin(ctx, oc::kHllInit, 3);
  p.integer(index_bits);
  p.integer(minhash_bits);
  p.integer(policy.flags);
  return p.finish(OpType::kHllModify, std::move(bin));
}

Operation add(std::string bin, List values, int64_t index_bits, int64_t minhash_bits,
              const HllPolicy& policy, const Context& ctx) {
  Packer p;
  p.begin(ctx, oc::kHllAdd, 4);
  p.value(wire::Value(std::move(values)));
  p.integer(index_bits);
  p.integer(minhash_bits);
  p.integer(policy.flags);
  return p.finish(OpType::kHllModify, std::move(bin));
}

Operation set_union(std::string bin, const Hlls& hlls, const HllPolicy& policy,
                    const Context& ctx) {
  Packer p;
  p.begin(ctx, oc::kHllSetUnion, 2);
  pack_hlls(p, hlls);
  p.integer(policy.flags);
  return p.finish(OpType::kHllModify, std::move(bin));
}

Operation refresh_count(std::string bin, const Context& ctx) {
  return op0(OpType::kHllModify, std::move(bin), oc::kHllRefreshCount, ctx);
}

Operation fold(std::string bin, int64_t index_bits, const Context& ctx) {
  Packer p;
  p.begin(ctx, oc::kHllFold, 1);
  p.integer(index_bits);
  return p.finish(OpType::kHllModify, std::move(bin));
}

Operation get_count(std::string bin, const Context& ctx) {
  return op0(OpType::kHllRead, std::move(bin), oc::kHllCount, ctx);
}
Operation get_union(std::string bin, const Hlls& hlls, const Context& ctx) {
  return with_hlls(OpType::kHllRead, std::move(bin), oc::kHllUnion, hlls, ctx);
}
Operation get_union_count(std::string bin, const Hlls& hlls, const Context& ctx) {
  return with_hlls(OpType::kHllRead, std::move(bin), oc::kHllUnionCount, hlls, ctx);
}
Operation get_intersect_count(std::string bin, const Hlls& hlls, const Context& ctx) {
  return with_hlls(OpType::kHllRead, std::move(bin), oc::kHllIntersectCount, hlls, ctx);
}
Operation get_similarity(std::string bin, const Hlls& hlls, const Context& ctx) {
  return with_hlls(OpType::kHllRead, std::move(bin), oc::kHllSimilarity, hlls, ctx);
}
Operation describe(std::string bin, const Context& ctx) {
  return op0(OpType::kHllRead, std::move(bin), oc::kHllDescribe, ctx);
}
Operation may_contain(std::string bin, List values, const Context& ctx) {
  Packer p;
  p.begin(ctx, oc::kHllMayContain, 1);
  p.value(wire::Value(std::move(values)));
  return p.finish(OpType::kHllRead, std::move(bin));
}

}  // namespace aero::cdt::hll
