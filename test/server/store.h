// The in-memory record store shared by every node of a test cluster.
//
// One Store per Cluster: a real cluster's replicas are always consistent from a client's point
// of view, so one copy of the data serves every node (a request through a node that is not the
// partition's master is therefore "proxied" for free). Each namespace has 4096 partitions, each
// a digest-ordered map behind its own mutex, so requests for different partitions never
// contend.
//
// Threads: any thread may use a Namespace; a Partition's records may only be touched while
// holding its mutex. Index definitions have their own lock.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "test/server/wire.h"

namespace aero::testserver {

using Digest = std::array<uint8_t, wire::kDigestSize>;

inline Digest digest_from(const uint8_t* p) {
  Digest d;
  std::memcpy(d.data(), p, d.size());
  return d;
}

struct Bin {
  std::string name;  // at most 15 bytes: fits the small-string buffer, no allocation
  uint8_t type = 0;
  std::string value;  // the wire encoding of the value, stored as given
};

struct Record {
  uint16_t generation = 0;
  uint32_t void_time = 0;  // seconds since 2010; 0 = never expires
  uint64_t last_update_ms = 0;  // milliseconds since 2010 (Clock::now_ms() when written)
  std::string set;
  std::string key;  // stored user key as sent: particle type byte + value; empty = none
  std::vector<Bin> bins;

  Bin* find_bin(std::string_view name);
  const Bin* find_bin(std::string_view name) const;
  void remove_bin(std::string_view name);
};

// The real server expires a record once its void time is strictly in the past.
inline bool is_expired(const Record& r, uint32_t now) {
  return r.void_time != 0 && r.void_time < now;
}

// Descending memcmp order: the order in which a real server walks a partition during a scan.
struct DigestDescending {
  bool operator()(const Digest& a, const Digest& b) const {
    return std::memcmp(a.data(), b.data(), a.size()) > 0;
  }
};

using RecordMap = std::map<Digest, Record, DigestDescending>;

struct Partition {
  std::mutex mutex;
  RecordMap records;
};

enum class IndexType { kNumeric, kString, kBlob, kGeo };

// What of a bin an index holds: the value itself, or a list's elements, a map's keys or values.
enum class IndexCollection : uint8_t { kDefault = 0, kList = 1, kMapKeys = 2, kMapValues = 3 };

struct IndexDef {
  std::string name;
  std::string set;  // empty: every set
  std::string bin;  // empty for an expression index
  IndexType type = IndexType::kNumeric;
  IndexCollection collection = IndexCollection::kDefault;
  std::string context;  // msgpack CDT context (sindex-create's base64 `context=`, decoded)
  std::string exp;      // packed expression of an expression index (decoded `exp=`)
};

class Namespace {
 public:
  Namespace(std::string name, uint32_t default_ttl);

  const std::string& name() const { return name_; }
  uint32_t default_ttl() const { return default_ttl_; }
  Partition& partition(uint32_t pid) { return partitions_[pid]; }

  // Live (not expired) records, counted under each partition's lock.
  size_t live_count(uint32_t now);
  // Removes every record (of `set` only, when not empty).
  void truncate(std::string_view set);
  // truncate / truncate-namespace with a threshold (aerospike-server as/src/base/truncate.c):
  // removes the records of `set` (every set when empty) last updated before `lut_ms`
  // (milliseconds since 2010); later ones stay. A threshold not above the last one given for
  // the same set (or namespace) changes nothing, as on a real server.
  void truncate_before(std::string_view set, uint64_t lut_ms);
  // The last threshold of `set` (the `truncate_lut` of info `sets`), 0 = never truncated.
  uint64_t truncate_lut(std::string_view set) const;

  // Secondary index definitions. Returns a result code (0, 200 exists, 201 not found).
  uint8_t create_index(const IndexDef& def);
  uint8_t drop_index(std::string_view name);
  // The default index (no collection, context or expression) a query on (set, bin, type)
  // would use.
  std::optional<IndexDef> find_index(std::string_view set, std::string_view bin,
                                     IndexType type) const;
  std::vector<IndexDef> indexes() const;
  std::optional<IndexDef> index_named(std::string_view name) const;

 private:
  mutable std::mutex truncate_mutex_;
  std::map<std::string, uint64_t, std::less<>> truncate_luts_;  // "" = the whole namespace
  const std::string name_;
  const uint32_t default_ttl_;
  std::unique_ptr<Partition[]> partitions_;
  mutable std::mutex index_mutex_;
  std::vector<IndexDef> indexes_;
};

class Store {
 public:
  Store(const std::vector<std::string>& names, uint32_t default_ttl);
  Namespace* find(std::string_view name);
  const std::vector<std::unique_ptr<Namespace>>& namespaces() const { return namespaces_; }

 private:
  std::vector<std::unique_ptr<Namespace>> namespaces_;
};

// Looks up a live record, erasing it on the spot if it has expired. Caller holds the lock.
Record* find_live(RecordMap& records, const Digest& d, uint32_t now);

}  // namespace aero::testserver
