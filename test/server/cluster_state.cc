#include "test/server/cluster_state.h"

#include <algorithm>
#include <cstdio>

#include "test/server/background.h"
#include "test/server/udf/registry.h"

namespace aero::testserver {

std::string node_id_hex(uint64_t id) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llX", static_cast<unsigned long long>(id));
  return buf;
}

ClusterState::ClusterState(const ClusterOptions& options)
    : options_(options),
      store_(options.namespaces, options.default_ttl),
      policy_(options.not_owner_policy),
      created_(std::chrono::steady_clock::now()),
      udfs_(std::make_unique<udf::UdfRegistry>()),
      background_(std::make_unique<BackgroundRunner>(*this)) {
  if (options_.security) {
    security_ = std::make_unique<security::Security>(clock_, options_.session_ttl);
  }
  for (int i = 0; i < options_.nodes; ++i) {
    auto a = std::make_unique<NodeAdvert>();
    a->id = options_.node_id_base + uint64_t(i);
    a->id_hex = node_id_hex(a->id);
    adverts_.push_back(std::move(a));
    jobs_.push_back(std::make_unique<JobTable>());
  }
}

ClusterState::~ClusterState() = default;

int ClusterState::namespace_index(std::string_view name) const {
  for (size_t i = 0; i < options_.namespaces.size(); ++i) {
    if (options_.namespaces[i] == name) return int(i);
  }
  return -1;
}

std::shared_ptr<const PartitionMap> ClusterState::map() const {
  std::lock_guard<std::mutex> lock(map_mutex_);
  return map_;
}

void ClusterState::set_map(std::shared_ptr<const PartitionMap> map) {
  std::lock_guard<std::mutex> lock(map_mutex_);
  map_ = std::move(map);
  map_version_.fetch_add(1, std::memory_order_acq_rel);
}

void ClusterState::set_user_agent(int node, std::uintptr_t connection, std::string agent) {
  std::lock_guard<std::mutex> lock(user_agents_mutex_);
  user_agents_[{node, connection}] = std::move(agent);
}

void ClusterState::forget_user_agent(int node, std::uintptr_t connection) {
  std::lock_guard<std::mutex> lock(user_agents_mutex_);
  user_agents_.erase({node, connection});
}

std::vector<std::string> ClusterState::user_agents(int node) const {
  std::vector<std::string> out;
  {
    std::lock_guard<std::mutex> lock(user_agents_mutex_);
    for (const auto& [key, agent] : user_agents_) {
      if (key.first == node) out.push_back(agent);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

int64_t ClusterState::uptime_seconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() -
                                                          created_)
      .count();
}

}  // namespace aero::testserver
