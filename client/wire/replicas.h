// Partition maps from the info protocol:
//
//   replicas:        ns ":" regime "," n-replicas 1*("," bitmap) *(";" ...)
//   replicas-all:    ns ":" n-replicas 1*("," bitmap)            (older, no regime)
//   replicas-master: ns ":" bitmap                                (older, master column only)
//
// Each bitmap is standard base64 of 512 bytes (4096 bits, exactly 684 characters);
// partition p is owned when bitmap[p >> 3] & (0x80 >> (p & 7)). Bitmap i is replica column
// i (0 = master). Validation is strict: namespace 1..31 bytes, n-replicas 1..255 with exactly
// that many bitmaps, every bitmap exactly 684 valid base64 characters.
//
// Threads: pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "client/wire/protocol.h"
#include "client/wire/status.h"

namespace aero::wire {

inline constexpr size_t kPartitionBitmapSize = kPartitionCount / 8;  // 512
inline constexpr size_t kPartitionBitmapBase64Size = 684;

using PartitionBitmap = std::array<uint8_t, kPartitionBitmapSize>;

constexpr bool bitmap_has(const PartitionBitmap& b, uint32_t partition_id) {
  return partition_id < kPartitionCount &&
         (b[partition_id >> 3] & (0x80 >> (partition_id & 7))) != 0;
}
constexpr void bitmap_set(PartitionBitmap& b, uint32_t partition_id) {
  b[partition_id >> 3] = static_cast<uint8_t>(b[partition_id >> 3] | (0x80 >> (partition_id & 7)));
}

struct NamespaceReplicas {
  std::string ns;
  uint32_t regime = 0;                   // > 0: strong-consistency namespace
  std::vector<PartitionBitmap> replicas;  // column 0 = master, 1 = first prole, ...
};

enum class ReplicasFormat : uint8_t { kReplicas, kReplicasAll, kReplicasMaster };

Result<std::vector<NamespaceReplicas>> parse_replicas(
    std::string_view value, ReplicasFormat format = ReplicasFormat::kReplicas);

// One bitmap from its 684 base64 characters.
Result<PartitionBitmap> decode_partition_bitmap(std::string_view base64);
std::string encode_partition_bitmap(const PartitionBitmap& bitmap);

// Renders a `replicas` value (what a server answers).
std::string format_replicas(const std::vector<NamespaceReplicas>& namespaces);

}  // namespace aero::wire
