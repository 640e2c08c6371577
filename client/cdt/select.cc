#include "client/cdt/select.h"

#include <span>
#include <utility>

#include "client/cdt/pack.h"

namespace aero::cdt {

namespace {
constexpr uint32_t kSelectOp = 0xfe;  // aerospike-server cdt.h AS_CDT_OP_SELECT

std::span<const uint8_t> bytes_of(const exp::Expression& e) {
  const std::string_view b = e.bytes();
  return {reinterpret_cast<const uint8_t*>(b.data()), b.size()};
}
}  // namespace

wire::Operation select_by_path(std::string bin, const Context& ctx, uint32_t flags) {
  Packer p;
  p.array(3);
  p.integer(kSelectOp);
  ctx.pack(p);
  p.integer(flags);
  return p.finish(wire::OpType::kCdtRead, std::move(bin));
}

wire::Operation modify_by_path(std::string bin, const Context& ctx, const exp::Expression& apply,
                               bool no_fail) {
  Packer p;
  p.array(4);
  p.integer(kSelectOp);
  ctx.pack(p);
  p.integer(select_flags::kApply | (no_fail ? select_flags::kNoFail : 0));
  p.raw(bytes_of(apply));
  return p.finish(wire::OpType::kCdtModify, std::move(bin));
}

}  // namespace aero::cdt
