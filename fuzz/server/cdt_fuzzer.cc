// Fuzzes the test server's list and map operations (test/server/cdt/cdt_ops.h): the msgpack a
// client sends as a CDT op (with contexts) against a bin's bytes. Input layout: one mode byte
// (bit 0: modify, else read; bit 1: the bin exists; bit 2: the bin is a map, else a list), a
// big-endian 16-bit bin length, the bin bytes, then the op's value bytes. Properties: no crash
// or sanitizer report; a failing op leaves the bin as it was; a read never changes it; a
// modify that succeeds leaves a bin that decodes, is already in the server's form
// (normalize_bin changes nothing) and has the particle type of its value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "test/server/cdt/cdt_ops.h"
#include "test/server/cdt/msgpack_value.h"

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
  // Bins always hold the server's form: start from it when the bytes are a valid list/map.
  if (bin.exists && cdt::normalize_bin(bin.particle, &bin.value) != 0) return 0;
  const cdt::BinData before = bin;
  const uint8_t op_type = (mode & 1) ? 4 : 3;
  (void)cdt::precheck_op(data, size);
  cdt::Answer answer;
  const uint8_t rc = cdt::apply_op(op_type, data, size, &bin, &answer);
  const bool unchanged = bin.exists == before.exists && bin.particle == before.particle &&
                         bin.value == before.value;
  if ((rc != 0 || op_type == 3) && !unchanged) std::abort();
  if (rc == 0 && bin.exists) {
    mp::Value v;
    if (!mp::decode_all(bin.value, &v)) std::abort();
    if (bin.particle != (v.is_list() ? 20 : 19) || (!v.is_list() && !v.is_map())) std::abort();
    std::string again = bin.value;
    if (cdt::normalize_bin(bin.particle, &again) != 0 || again != bin.value) std::abort();
  }
  if (answer.has && answer.particle == 0) std::abort();
  return 0;
}
