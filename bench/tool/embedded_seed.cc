#include "bench/tool/embedded_seed.h"

#include "client/wire/key.h"
#include "client/wire/particle.h"

namespace aero::bench {

namespace {

// The writer interface wire::detail::write_particle expects, appending to a string.
struct StringWriter {
  std::string& out;
  void u8(std::uint8_t v) { out.push_back(static_cast<char>(v)); }
  void u16be(std::uint16_t v) {
    u8(static_cast<std::uint8_t>(v >> 8));
    u8(static_cast<std::uint8_t>(v));
  }
  void u32be(std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) u8(static_cast<std::uint8_t>(v >> s));
  }
  void u64be(std::uint64_t v) {
    for (int s = 56; s >= 0; s -= 8) u8(static_cast<std::uint8_t>(v >> s));
  }
  void str(std::string_view s) { out.append(s); }
  void bytes(const void* p, std::size_t n) { out.append(static_cast<const char*>(p), n); }
};

}  // namespace

bool seed_embedded(testserver::Cluster& cluster, const std::string& ns, const std::string& set,
                   std::int64_t start_key, std::int64_t keys, const std::vector<Bin>& bins,
                   std::string* error) {
  testserver::Record proto;
  proto.generation = 1;
  proto.set = set;
  for (const Bin& b : bins) {
    testserver::Bin sb;
    sb.name = b.name;
    sb.type = wire::particle_type_of(b.value);
    StringWriter w{sb.value};
    wire::detail::write_particle(w, b.value);
    proto.bins.push_back(std::move(sb));
  }
  for (std::int64_t k = start_key; k < start_key + keys; ++k) {
    const wire::Key key(ns, set, k);
    if (!cluster.put_record(ns, key.digest().data(), proto)) {
      *error = "the embedded cluster has no namespace '" + ns + "'";
      return false;
    }
  }
  return true;
}

}  // namespace aero::bench
