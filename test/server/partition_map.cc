#include "test/server/partition_map.h"

#include <algorithm>

namespace aero::testserver {

namespace {

uint64_t mix64(uint64_t x) {  // splitmix64 finaliser
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace

int PartitionMap::column_of(size_t ns, uint32_t pid, int node) const {
  const Owners& o = owners[ns][pid];
  for (uint32_t c = 0; c < n_replicas; ++c) {
    if (o[c] == node) return int(c);
  }
  return -1;
}

uint32_t PartitionMap::count(size_t ns, uint32_t column, int node) const {
  uint32_t n = 0;
  for (uint32_t pid = 0; pid < wire::kPartitions; ++pid) {
    if (owners[ns][pid][column] == node) ++n;
  }
  return n;
}

std::shared_ptr<PartitionMap> balance_partitions(const std::vector<uint64_t>& node_ids,
                                                 const std::vector<bool>& live,
                                                 size_t n_namespaces, uint32_t rf) {
  auto map = std::make_shared<PartitionMap>();
  std::vector<int> candidates;
  for (size_t i = 0; i < node_ids.size(); ++i) {
    if (live[i]) candidates.push_back(int(i));
  }
  const uint32_t n_live = uint32_t(candidates.size());
  map->n_replicas = std::max<uint32_t>(1, std::min<uint32_t>(rf, n_live));
  std::vector<PartitionMap::Owners> one_ns(wire::kPartitions);
  std::vector<std::pair<uint64_t, int>> scored(candidates.size());
  for (uint32_t pid = 0; pid < wire::kPartitions; ++pid) {
    for (size_t k = 0; k < candidates.size(); ++k) {
      const int n = candidates[k];
      scored[k] = {mix64(node_ids[size_t(n)] ^ mix64(pid)), n};
    }
    std::sort(scored.begin(), scored.end(), std::greater<>());
    PartitionMap::Owners o;
    o.fill(-1);
    for (uint32_t c = 0; c < map->n_replicas && c < scored.size(); ++c) {
      o[c] = int8_t(scored[c].second);
    }
    one_ns[pid] = o;
  }
  map->owners.assign(n_namespaces, one_ns);
  return map;
}

std::string base64_encode(const uint8_t* data, size_t size) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((size + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    const uint32_t v = (uint32_t(data[i]) << 16) | (uint32_t(data[i + 1]) << 8) | data[i + 2];
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  if (size - i == 1) {
    const uint32_t v = uint32_t(data[i]) << 16;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out += "==";
  } else if (size - i == 2) {
    const uint32_t v = (uint32_t(data[i]) << 16) | (uint32_t(data[i + 1]) << 8);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

std::string replicas_bitmap(const PartitionMap& map, size_t ns, uint32_t column, int node) {
  std::array<uint8_t, wire::kPartitions / 8> bits{};
  for (uint32_t pid = 0; pid < wire::kPartitions; ++pid) {
    if (map.owners[ns][pid][column] == node) bits[pid >> 3] |= uint8_t(0x80u >> (pid & 7));
  }
  return base64_encode(bits.data(), bits.size());
}

}  // namespace aero::testserver
