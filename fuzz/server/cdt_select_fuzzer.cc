// Fuzzes the test server's 8.1 CDT path "select" op (test/server/exp/cdt_select.h): request
// parsing, expression-filtered context levels, reads and apply/remove modifies. Input layout as
// cdt_fuzzer.cc: one mode byte (bit 0: modify, else read; bit 1: the bin exists; bit 2: the bin
// is a map, else a list), a big-endian 16-bit bin length, the bin bytes, then the op's value
// bytes. Properties: no crash or sanitizer report; a failing op or a read leaves the bin as it
// was; a modify that succeeds leaves a bin that decodes to a list or map of its particle type.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "test/server/cdt/cdt_ops.h"
#include "test/server/cdt/msgpack_value.h"
#include "test/server/exp/cdt_select.h"
#include "test/server/store.h"

using namespace aero::testserver;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const uint8_t mode = data[0];
  const size_t bin_size = (size_t(data[1]) << 8) | data[2];
  data += 3;
  size -= 3;
  if (bin_size > size) return 0;
  cdt::BinData bin;
  bin.exists = (mode & 2) != 0;
  bin.particle = (mode & 4) ? 19 : 20;
  bin.value.assign(reinterpret_cast<const char*>(data), bin_size);
  data += bin_size;
  size -= bin_size;
  if (bin.exists && cdt::normalize_bin(bin.particle, &bin.value) != 0) return 0;
  const cdt::BinData before = bin;
  const uint8_t op_type = (mode & 1) ? 4 : 3;
  Record record;
  static constexpr uint8_t kDigest[20] = {};
  exp::Context ctx;
  ctx.record = &record;
  ctx.digest = kDigest;
  cdt::Answer answer;
  const uint8_t rc = exp::apply_select(op_type, data, size, ctx, &bin, &answer);
  const bool unchanged = bin.exists == before.exists && bin.particle == before.particle &&
                         bin.value == before.value;
  if ((rc != 0 || op_type == 3) && !unchanged) std::abort();
  if (rc == 0 && bin.exists) {
    mp::Value v;
    if (!mp::decode_all(bin.value, &v)) std::abort();
    if (bin.particle != (v.is_list() ? 20 : 19) || (!v.is_list() && !v.is_map())) std::abort();
  }
  if (answer.has && answer.particle == 0) std::abort();
  return 0;
}
