// Record digests and partition ids.
//
// The digest is RIPEMD-160 over: set name bytes (none when there is no set) || one key-type
// byte || the key bytes (integer: 8-byte big-endian two's complement, type 1; string: UTF-8,
// type 3; blob: raw bytes, type 4 or the blob's own particle type). The namespace is not part
// of it. The partition id is the first two digest bytes read little-endian, masked to 12
// bits (4096 partitions). Computed with the project's own RIPEMD-160 (ripemd160.h);
// allocation-free.
//
// Threads: pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "client/wire/protocol.h"

namespace aero::wire {

// A record digest: the 20-byte RIPEMD-160 that identifies a record within its namespace.
using Digest = std::array<uint8_t, kDigestSize>;

// Low-level form: the caller supplies the key-type byte and the key bytes.
Digest compute_digest(std::string_view set, uint8_t key_type, std::span<const uint8_t> key_bytes);

// Digest of an integer user key (key type INTEGER 1, 8 bytes big-endian).
Digest compute_digest(std::string_view set, int64_t key);
Digest compute_digest(std::string_view set, std::string_view key);  // string key
// Digest of a blob user key: key type `blob_type` (BLOB 4 by default) and the raw bytes.
Digest compute_digest_blob(std::string_view set, std::span<const uint8_t> key,
                           uint8_t blob_type = particle::kBlob);

// The record's partition, 0..4095: the first two digest bytes little-endian, low 12 bits.
constexpr uint32_t partition_id(const Digest& d) {
  return (uint32_t{d[0]} | (uint32_t{d[1]} << 8)) & (kPartitionCount - 1);
}

// Lower-case hex, 40 characters.
std::string digest_to_hex(const Digest& d);

}  // namespace aero::wire
