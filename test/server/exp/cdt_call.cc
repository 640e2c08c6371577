#include "test/server/exp/cdt_call.h"

#include "test/server/cdt/cdt_ops.h"
#include "test/server/cdt/msgpack_value.h"

namespace aero::testserver::exp {

bool cdt_call(bool modify, uint8_t particle, std::string_view bin, std::string_view op,
              uint8_t* out_particle, std::string* out) {
  const auto* data = reinterpret_cast<const uint8_t*>(op.data());
  *out_particle = 0;
  out->clear();
  if (modify) {
    cdt::BinData b;
    b.exists = true;
    b.particle = particle;
    b.value.assign(bin);
    cdt::Answer ignored;
    if (cdt::apply_op(4, data, op.size(), &b, &ignored) != 0) return false;
    *out_particle = b.particle;
    *out = std::move(b.value);
    return true;
  }
  mp::Value container;
  mp::Op parsed;
  if (!mp::decode_all(bin, &container) || !mp::parse_op(data, op.size(), &parsed)) return false;
  mp::Value result;
  bool has = false;
  if (cdt::read_value(container, parsed, &result, &has) != 0) return false;
  if (has && !cdt::to_particle(result, out_particle, out)) *out_particle = 0;
  return true;
}

}  // namespace aero::testserver::exp
