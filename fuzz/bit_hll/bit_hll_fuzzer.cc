// Fuzzes the test server's bit and HLL operations (test/server/cdt/bit_ops.h, hll_ops.h): the
// msgpack arguments a client sends, against a bin's bytes. Input layout: one mode byte (bits
// 0-1: bit read, bit modify, HLL read, HLL modify; bit 2: the bin exists; bit 3: make the bin
// a well-formed HLL from the next two bytes), a big-endian 16-bit bin length, the bin bytes,
// then the op's argument bytes. Properties: no crash or sanitizer report; a failing op
// changes nothing; a successful modify yields a well-formed result (HLLs keep their layout,
// blobs stay within the namespace's record size).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "test/server/cdt/bit_ops.h"
#include "test/server/cdt/hll_ops.h"

using namespace aero::testserver;

namespace {

// An empty HLL with parameters taken from two input bytes (kept in range).
std::string make_hll(uint8_t a, uint8_t b) {
  const uint8_t index_bits = uint8_t(4 + a % 13);
  uint8_t minhash_bits = uint8_t(b % 52);
  if (minhash_bits != 0 && minhash_bits < 4) minhash_bits = 0;
  if (index_bits + minhash_bits > 64) minhash_bits = uint8_t(64 - index_bits);
  std::string h(hll::required_size(index_bits, minhash_bits), '\0');
  h[1] = char(index_bits);
  h[2] = char(minhash_bits);
  return h;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const uint8_t mode = data[0];
  const bool exists = (mode & 4) != 0;
  const size_t bin_size = (size_t(data[1]) << 8) | data[2];
  data += 3;
  size -= 3;
  std::string bin;
  if (mode & 8) {
    if (size < 2) return 0;
    bin = make_hll(data[0], data[1]);
    data += 2;
    size -= 2;
  } else {
    if (bin_size > size) return 0;
    bin.assign(reinterpret_cast<const char*>(data), bin_size);
    data += bin_size;
    size -= bin_size;
  }
  const uint8_t particle = (mode & 2) ? 18 : 4;
  switch (mode & 3) {
    case 0: {
      bits::Result r;
      if (bits::read(particle, bin, data, size, &r) == 0 && r.particle == 0) std::abort();
      break;
    }
    case 1: {
      std::string out;
      bool changed = true;
      const uint8_t rc = bits::modify(exists, particle, bin, data, size, &out, &changed);
      if (rc != 0 && changed) std::abort();
      if (changed && out.size() > 1024 * 1024) std::abort();
      break;
    }
    case 2: {
      if (!exists) break;  // reads run on existing bins only
      hll::Result r;
      if (hll::read(particle, bin, data, size, &r) == 0 && r.particle == 0) std::abort();
      break;
    }
    default: {
      std::string out;
      bool changed = true;
      hll::Result r;
      const uint8_t rc = hll::modify(exists, particle, bin, data, size, &out, &changed, &r);
      if (rc != 0 && changed) std::abort();
      if (changed && !hll::well_formed(out)) std::abort();
      if (changed) (void)hll::estimate_count(out);
      break;
    }
  }
  return 0;
}
