// Info commands about the data a node holds: statistics, namespace/<ns>, sets[/<ns>],
// truncate and truncate-namespace. The keys and their order are those a Community Edition
// 8.1.2.0 node sends (info_captured.h); the values that describe this server (object counts,
// connections, cluster size, TTL settings, clock) are its own, the rest keep the captured values.
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>

#include "test/server/info.h"
#include "test/server/info_captured.h"
#include "test/server/info_kv.h"
#include "test/server/wire.h"

namespace aero::testserver {

namespace {

size_t listed_nodes(ClusterState& c) {
  size_t n = 0;
  for (size_t i = 0; i < c.node_count(); ++i) n += c.advert(i).listed.load() ? 1 : 0;
  return n;
}

std::string principal(ClusterState& c) {
  uint64_t best = 0;
  std::string hex;
  for (size_t i = 0; i < c.node_count(); ++i) {
    if (c.advert(i).listed.load() && c.advert(i).id >= best) {
      best = c.advert(i).id;
      hex = c.advert(i).id_hex;
    }
  }
  return hex;
}

// What one node holds of a namespace: records in the partitions it masters, and in those it
// holds as a replica.
struct NodeObjects {
  size_t master = 0;
  size_t prole = 0;
  size_t bytes = 0;  // a rough size of the master records (keys, bins, set names)
};

size_t record_bytes(const Record& r) {
  size_t n = 64 + r.set.size() + r.key.size();
  for (const Bin& b : r.bins) n += 8 + b.name.size() + b.value.size();
  return n;
}

NodeObjects count_objects(const InfoContext& ctx, Namespace& ns, int ns_index) {
  NodeObjects out;
  const uint32_t now = ctx.cluster.clock().now();
  for (uint32_t pid = 0; pid < wire::kPartitions; ++pid) {
    const int column = ctx.map->column_of(size_t(ns_index), pid, ctx.node);
    if (column < 0) continue;
    Partition& p = ns.partition(pid);
    std::lock_guard<std::mutex> lock(p.mutex);
    for (const auto& [d, r] : p.records) {
      if (is_expired(r, now)) continue;
      if (column == 0) {
        ++out.master;
        out.bytes += record_bytes(r);
      } else {
        ++out.prole;
      }
    }
  }
  return out;
}

std::string statistics(const InfoContext& ctx, const InfoRequest&) {
  ClusterState& c = ctx.cluster;
  size_t objects = 0;
  for (size_t i = 0; i < c.store().namespaces().size(); ++i) {
    const NodeObjects o = count_objects(ctx, *c.store().namespaces()[i], int(i));
    objects += o.master + o.prole;
  }
  NodeStats s;
  if (ctx.counters != nullptr) s = ctx.counters->snapshot();
  KvList kv(captured::kStatistics);
  kv.set("failed_best_practices", "false");
  kv.set("cluster_size", std::to_string(listed_nodes(c)));
  kv.set("cluster_key", cluster_key_hex(c));
  kv.set("cluster_generation", std::to_string(c.advert(0).rebalance_generation.load()));
  kv.set("cluster_principal", principal(c));
  kv.set("uptime", std::to_string(c.uptime_seconds()));
  kv.set("objects", std::to_string(objects));
  kv.set("client_connections", std::to_string(s.open_connections()));
  kv.set("client_connections_opened", std::to_string(s.connections_opened));
  kv.set("client_connections_closed", std::to_string(s.connections_closed));
  kv.set("info_complete", std::to_string(s.info_requests));
  kv.set("batch_index_initiate", std::to_string(s.batch_requests));
  kv.set("batch_index_complete", std::to_string(s.batch_requests));
  kv.set("paxos_principal", principal(c));
  kv.set("time_since_rebalance", std::to_string(c.uptime_seconds()));
  kv.set("deprecated_requests", "0");
  return kv.str();
}

std::string namespace_stats(const InfoContext& ctx, const InfoRequest& req) {
  ClusterState& c = ctx.cluster;
  const int nsi = c.namespace_index(req.sub);
  if (nsi < 0) return "ERROR:20:namespace not found";
  Namespace* ns = c.store().find(req.sub);
  const NodeObjects o = count_objects(ctx, *ns, nsi);
  KvList kv(captured::kNamespaceStats);
  kv.set("ns_cluster_size", std::to_string(listed_nodes(c)));
  kv.set("effective_replication_factor", std::to_string(ctx.map->n_replicas));
  kv.set("objects", std::to_string(o.master + o.prole));
  kv.set("master_objects", std::to_string(o.master));
  kv.set("prole_objects", std::to_string(o.prole));
  kv.set("current_time", std::to_string(c.clock().now()));
  kv.set("data_used_bytes", std::to_string(o.bytes));
  kv.set("sindex_used_bytes", std::to_string(16777216 * ns->indexes().size()));
  kv.set("default-ttl", std::to_string(ns->default_ttl()));
  kv.set("replication-factor", std::to_string(c.options().replication_factor));
  return kv.str();
}

// Per set: ns=..:set=..:objects=..:...; (every entry ends with ';').
std::string sets(const InfoContext& ctx, const InfoRequest& req) {
  ClusterState& c = ctx.cluster;
  if (!req.sub.empty() && c.namespace_index(req.sub) < 0) return "ERROR:20:namespace not found";
  std::string out;
  const uint32_t now = c.clock().now();
  for (const auto& ns : c.store().namespaces()) {
    if (!req.sub.empty() && ns->name() != req.sub) continue;
    struct SetInfo {
      size_t objects = 0;
      size_t bytes = 0;
    };
    std::map<std::string, SetInfo> sets;
    for (uint32_t pid = 0; pid < wire::kPartitions; ++pid) {
      Partition& p = ns->partition(pid);
      std::lock_guard<std::mutex> lock(p.mutex);
      for (const auto& [d, r] : p.records) {
        if (r.set.empty() || is_expired(r, now)) continue;
        SetInfo& s = sets[r.set];
        ++s.objects;
        s.bytes += record_bytes(r);
      }
    }
    const std::vector<IndexDef> indexes = ns->indexes();
    for (const auto& [set, s] : sets) {
      size_t n_indexes = 0;
      for (const IndexDef& d : indexes) n_indexes += d.set == set ? 1 : 0;
      out += "ns=" + ns->name() + ":set=" + set + ":objects=" + std::to_string(s.objects) +
             ":tombstones=0:data_used_bytes=" + std::to_string(s.bytes) +
             ":truncate_lut=" + std::to_string(ns->truncate_lut(set)) +
             ":sindexes=" + std::to_string(n_indexes) +
             ":index_populating=false:truncating=false:default-read-touch-ttl-pct=0"
             ":default-ttl=0:disable-eviction=false:enable-index=false:stop-writes-count=0"
             ":stop-writes-size=0;";
    }
  }
  return out;
}

std::string truncate_common(const InfoContext& ctx, std::string_view args, bool whole_ns) {
  const InfoParams p = parse_info_params(args);
  Namespace* ns = ctx.cluster.store().find(info_param(p, {"namespace", "ns"}));
  if (ns == nullptr) return "ERROR:20:namespace not found";
  const std::string set = whole_ns ? std::string() : info_param(p, {"set"});
  if (!whole_ns && set.empty()) return "ERROR:4:set required";
  // lut= is the threshold in ns since the Unix epoch (as_truncate_cmd in aerospike-server
  // as/src/base/truncate.c): one that maps to 0 or lies in the future is refused. None = now;
  // here the end of the current millisecond, so that a write acknowledged before the command
  // in the same millisecond goes too (on a real server the command's distribution through
  // system metadata takes longer than that).
  const uint64_t now_ms = ctx.cluster.clock().now_ms();
  uint64_t lut_ms = now_ms + 1;
  const std::string lut = info_param(p, {"lut"});
  if (!lut.empty()) {
    const uint64_t unix_ms = std::strtoull(lut.c_str(), nullptr, 0) / 1000000;
    const uint64_t epoch_ms = uint64_t(wire::kCitrusleafEpochUnix) * 1000;
    lut_ms = unix_ms > epoch_ms ? unix_ms - epoch_ms : 0;
    if (lut_ms == 0) return "ERROR::would-truncate-to-0";
    if (lut_ms > now_ms) return "ERROR::would-truncate-in-the-future";
  }
  ns->truncate_before(set, lut_ms);
  return "ok";
}

std::string truncate(const InfoContext& ctx, const InfoRequest& req) {
  return truncate_common(ctx, req.args, false);
}

std::string truncate_namespace(const InfoContext& ctx, const InfoRequest& req) {
  return truncate_common(ctx, req.args, true);
}

constexpr InfoCommand kCommands[] = {
    {"statistics", statistics},
    {"namespace", namespace_stats},
    {"sets", sets},
    {"truncate", truncate},
    {"truncate-namespace", truncate_namespace},
};

}  // namespace

std::span<const InfoCommand> stats_info_commands() { return kCommands; }

}  // namespace aero::testserver
