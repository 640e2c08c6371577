// Fuzzes how the client decodes the answers of list, map, bit and HLL operations.
// Input: one selector byte, then bytes.
//  - selector even: the bytes are an operate answer (message body after the proto header);
//    it must parse or fail cleanly, and a parsed record's per-bin answers (cdt::results)
//    must account for every op;
//  - selector odd: the bytes are one result particle of type (selector >> 1) (list 20,
//    map 19, HLL 18, blob 4, integer 1, ...): validate() agrees with to_value(), and a
//    decoded list/map re-encodes and decodes to an equal value (order flags, Infinity and
//    Wildcard included).
// Seeds: the answers and particles of test/captures/operations/{list,map,bit,hll}
// (make_seed_corpus.py).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "client/cdt/results.h"
#include "client/wire/message.h"
#include "client/wire/msgpack.h"
#include "client/wire/particle.h"
#include "client/wire/response.h"

using namespace aero;
using namespace aero::wire;

namespace {

void answer(std::span<const uint8_t> body) {
  Result<MessageView> m = parse_record_response(body);
  if (!m.ok()) return;
  Result<Record> rec = m->to_record();
  if (!rec.ok()) return;
  size_t total = 0;
  for (const Bin& b : rec->bins) {
    const auto all = cdt::results(*rec, b.name);
    if (all.empty() || cdt::result(*rec, b.name, all.size() - 1) != all.back()) std::abort();
    for (const Bin& other : rec->bins) total += other.name == b.name ? 1 : 0;
  }
  (void)total;
}

void particle_value(uint8_t type, std::span<const uint8_t> bytes) {
  const ValueView view(type, bytes);
  const bool valid = view.validate().ok();
  Result<Value> v = view.to_value();
  if (valid != v.ok()) std::abort();
  if (!v.ok() || (type != particle::kList && type != particle::kMap)) return;
  Buffer b;
  msgpack_encode(*v, b);
  if (b.size() != msgpack_size(*v)) std::abort();
  Result<Value> again = msgpack_decode(b.span());
  if (!again.ok() || !(*again == *v)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  const std::span<const uint8_t> rest(data + 1, size - 1);
  if ((selector & 1) == 0) {
    answer(rest);
  } else {
    particle_value(static_cast<uint8_t>(selector >> 1), rest);
  }
  return 0;
}
