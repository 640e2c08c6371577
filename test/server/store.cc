#include "test/server/store.h"

#include <algorithm>

namespace aero::testserver {

Bin* Record::find_bin(std::string_view name) {
  for (Bin& b : bins) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

const Bin* Record::find_bin(std::string_view name) const {
  for (const Bin& b : bins) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

void Record::remove_bin(std::string_view name) {
  auto it = std::find_if(bins.begin(), bins.end(), [&](const Bin& b) { return b.name == name; });
  if (it != bins.end()) bins.erase(it);  // keeps the order of the others
}

Namespace::Namespace(std::string name, uint32_t default_ttl)
    : name_(std::move(name)),
      default_ttl_(default_ttl),
      partitions_(new Partition[wire::kPartitions]) {}

size_t Namespace::live_count(uint32_t now) {
  size_t n = 0;
  for (uint32_t pid = 0; pid < wire::kPartitions; ++pid) {
    Partition& p = partitions_[pid];
    std::lock_guard<std::mutex> lock(p.mutex);
    for (const auto& [digest, record] : p.records) {
      if (!is_expired(record, now)) ++n;
    }
  }
  return n;
}

void Namespace::truncate(std::string_view set) {
  for (uint32_t pid = 0; pid < wire::kPartitions; ++pid) {
    Partition& p = partitions_[pid];
    std::lock_guard<std::mutex> lock(p.mutex);
    if (set.empty()) {
      p.records.clear();
      continue;
    }
    for (auto it = p.records.begin(); it != p.records.end();) {
      it = it->second.set == set ? p.records.erase(it) : std::next(it);
    }
  }
}

void Namespace::truncate_before(std::string_view set, uint64_t lut_ms) {
  {
    std::lock_guard<std::mutex> lock(truncate_mutex_);
    auto it = truncate_luts_.find(set);
    if (it != truncate_luts_.end() && lut_ms <= it->second) return;
    truncate_luts_[std::string(set)] = lut_ms;
  }
  for (uint32_t pid = 0; pid < wire::kPartitions; ++pid) {
    Partition& p = partitions_[pid];
    std::lock_guard<std::mutex> lock(p.mutex);
    for (auto it = p.records.begin(); it != p.records.end();) {
      const bool gone = (set.empty() || it->second.set == set) && it->second.last_update_ms < lut_ms;
      it = gone ? p.records.erase(it) : std::next(it);
    }
  }
}

uint64_t Namespace::truncate_lut(std::string_view set) const {
  std::lock_guard<std::mutex> lock(truncate_mutex_);
  auto it = truncate_luts_.find(set);
  return it == truncate_luts_.end() ? 0 : it->second;
}

uint8_t Namespace::create_index(const IndexDef& def) {
  std::lock_guard<std::mutex> lock(index_mutex_);
  for (const IndexDef& d : indexes_) {
    if (d.name == def.name) return wire::result::kIndexFound;
    if (d.set == def.set && d.bin == def.bin && d.type == def.type &&
        d.collection == def.collection && d.context == def.context && d.exp == def.exp) {
      return wire::result::kIndexFound;
    }
  }
  indexes_.push_back(def);
  return wire::result::kOk;
}

uint8_t Namespace::drop_index(std::string_view name) {
  std::lock_guard<std::mutex> lock(index_mutex_);
  auto it = std::find_if(indexes_.begin(), indexes_.end(),
                         [&](const IndexDef& d) { return d.name == name; });
  if (it == indexes_.end()) return wire::result::kIndexNotFound;
  indexes_.erase(it);
  return wire::result::kOk;
}

std::optional<IndexDef> Namespace::find_index(std::string_view set, std::string_view bin,
                                              IndexType type) const {
  std::lock_guard<std::mutex> lock(index_mutex_);
  for (const IndexDef& d : indexes_) {
    if (d.bin == bin && d.type == type && d.set == set &&
        d.collection == IndexCollection::kDefault && d.context.empty() && d.exp.empty()) {
      return d;
    }
  }
  return std::nullopt;
}

std::optional<IndexDef> Namespace::index_named(std::string_view name) const {
  std::lock_guard<std::mutex> lock(index_mutex_);
  for (const IndexDef& d : indexes_) {
    if (d.name == name) return d;
  }
  return std::nullopt;
}

std::vector<IndexDef> Namespace::indexes() const {
  std::lock_guard<std::mutex> lock(index_mutex_);
  return indexes_;
}

Store::Store(const std::vector<std::string>& names, uint32_t default_ttl) {
  for (const std::string& n : names) {
    namespaces_.push_back(std::make_unique<Namespace>(n, default_ttl));
  }
}

Namespace* Store::find(std::string_view name) {
  for (auto& ns : namespaces_) {
    if (ns->name() == name) return ns.get();
  }
  return nullptr;
}

Record* find_live(RecordMap& records, const Digest& d, uint32_t now) {
  auto it = records.find(d);
  if (it == records.end()) return nullptr;
  if (is_expired(it->second, now)) {
    records.erase(it);
    return nullptr;
  }
  return &it->second;
}

}  // namespace aero::testserver
