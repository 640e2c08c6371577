#include "client/exp/call.h"

#include "client/cdt/pack.h"
#include "client/wire/msgpack.h"

namespace aero::exp::detail {

std::string pack_call(Type result, int system, const cdt::Context& ctx, uint32_t op,
                      const std::vector<const std::string*>& args, const std::string& bin) {
  cdt::Packer p;
  p.array(5);
  p.integer(127);
  p.integer(static_cast<int64_t>(result));
  p.integer(system);
  p.begin(ctx, op, static_cast<uint32_t>(args.size()));
  for (const std::string* a : args) p.str(*a);
  p.str(bin);
  const std::vector<uint8_t>& d = p.data();
  return std::string(d.begin(), d.end());
}

std::string pack_return_type(cdt::ReturnType rt) { return pack_int(static_cast<int64_t>(rt)); }

}  // namespace aero::exp::detail
