// Info commands that describe the node's build and configuration: release, help,
// cluster-stable, get-config (service, network, namespace contexts), get-stats, best-practices,
// health-outliers, latencies:, racks:/rack-ids, log-set. Answers follow what a Community
// Edition 8.1.2.0 node sent (test/captures/operations/info_commands.json); the command names and
// parameters come from aerospike-server as/src/base/thr_info.c and cfg_info.c.
#include <cstdio>
#include <string>

#include "test/server/info.h"
#include "test/server/info_captured.h"
#include "test/server/info_kv.h"

namespace aero::testserver {

namespace {

constexpr std::string_view kVersion = "8.1.2.0";
// Build details of the captured server (values that describe a build, kept as captured).
constexpr std::string_view kBuildOs = "debian12";
constexpr std::string_view kBuildArch = "x86_64";
constexpr std::string_view kBuildSha = "68182105aaa20bce52e3a672e0ac896e84421f85";

std::string edition(const InfoContext& ctx) {
  return ctx.cluster.options().enterprise ? "Aerospike Enterprise Edition"
                                          : "Aerospike Community Edition";
}

uint16_t own_port(const InfoContext& ctx) {
  return ctx.cluster.advert(size_t(ctx.node)).port.load();
}

std::string release(const InfoContext& ctx, const InfoRequest&) {
  return "edition=" + edition(ctx) + ";version=" + std::string(kVersion) +
         ";os=" + std::string(kBuildOs) + ";arch=" + std::string(kBuildArch) +
         ";sha=" + std::string(kBuildSha);
}

std::string help(const InfoContext&, const InfoRequest&) {
  return std::string(captured::kHelp);
}

std::string cluster_stable(const InfoContext& ctx, const InfoRequest& req) {
  const InfoParams p = parse_info_params(req.args);
  size_t listed = 0;
  for (size_t i = 0; i < ctx.cluster.node_count(); ++i) {
    listed += ctx.cluster.advert(i).listed.load() ? 1 : 0;
  }
  if (const std::string size = info_param(p, {"size"}); !size.empty()) {
    if (size != std::to_string(listed)) return "ERROR::cluster not specified size";
  }
  if (const std::string ns = info_param(p, {"namespace"}); !ns.empty()) {
    if (ctx.cluster.namespace_index(ns) < 0) return "ERROR::namespace not found";
  }
  return cluster_key_hex(ctx.cluster);
}

std::string service_config(const InfoContext& ctx) {
  KvList kv(captured::kServiceConfig);
  kv.set("cluster-name", ctx.cluster.options().cluster_name);
  kv.set("node-id", ctx.cluster.advert(size_t(ctx.node)).id_hex);
  return kv.str();
}

std::string network_config(const InfoContext& ctx) {
  KvList kv(captured::kNetworkConfig);
  const std::string& host = ctx.cluster.options().host;
  kv.set("service.port", std::to_string(own_port(ctx)));
  kv.set("service.address", host);
  kv.set("service.access-address", host);
  kv.set("heartbeat.address", host);
  kv.set("fabric.address", host);
  return kv.str();
}

std::string get_config(const InfoContext& ctx, const InfoRequest& req) {
  const InfoParams p = parse_info_params(req.args);
  const std::string context = info_param(p, {"context"});
  if (context.empty()) return service_config(ctx) + ";" + network_config(ctx);
  if (context == "service") return service_config(ctx);
  if (context == "network") return network_config(ctx);
  if (context == "namespace") {
    // 8.1 spells it namespace=NS; older servers id=NS. Both are accepted.
    const std::string ns = info_param(p, {"namespace", "id"});
    if (ns.empty()) return "ERROR::namespace required";
    if (ctx.cluster.namespace_index(ns) < 0) return "ERROR::namespace not found";
    return namespace_config(ctx, ns);
  }
  return "ERROR:4:unknown context";
}

// Community builds answer only the contexts below; every other context is unknown.
std::string get_stats(const InfoContext&, const InfoRequest&) {
  return "ERROR:4:unknown context";
}

std::string best_practices(const InfoContext&, const InfoRequest&) {
  return "failed_best_practices=max-map-count,min-free-kbytes,swappiness,admin-port";
}

std::string health_outliers(const InfoContext&, const InfoRequest&) { return std::string(); }

// `latencies:` lists every histogram; nothing is measured here, so every bucket is zero.
std::string latencies(const InfoContext& ctx, const InfoRequest& req) {
  if (!req.has_args) return std::string(kInfoUnrecognized);
  const std::string empty = ":msec,0.0,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,"
                            "0.00,0.00,0.00,0.00,0.00,0.00";
  std::string out = "batch-index" + empty;
  for (const std::string& ns : ctx.cluster.options().namespaces) {
    for (const char* h : {"read", "write", "udf", "batch-sub-read", "batch-sub-write",
                          "batch-sub-udf"}) {
      out += ";{" + ns + "}-" + h + empty;
    }
    out += ";{" + ns + "}-pi-query:;{" + ns + "}-si-query:";
  }
  return out;
}

// Rack awareness is an Enterprise feature: Community answers `ERROR:25:enterprise only`.
std::string rack_ids(const InfoContext& ctx, const InfoRequest&) {
  if (!ctx.cluster.options().enterprise) return "ERROR:25:enterprise only";
  std::string out;
  for (const std::string& ns : ctx.cluster.options().namespaces) {
    out += (out.empty() ? "" : ";") + ns + ":0";
  }
  return out;
}

std::string racks(const InfoContext& ctx, const InfoRequest& req) {
  if (!ctx.cluster.options().enterprise) return "ERROR:25:enterprise only";
  (void)req;
  std::string ids;
  for (size_t i = 0; i < ctx.cluster.node_count(); ++i) {
    if (!ctx.cluster.advert(i).listed.load()) continue;
    ids += (ids.empty() ? "" : ",") + ctx.cluster.advert(i).id_hex;
  }
  std::string out;
  for (const std::string& ns : ctx.cluster.options().namespaces) {
    out += (out.empty() ? "" : ";") + ("ns=" + ns + ":rack_0=" + ids);
  }
  return out;
}

// log-set:id=0;<context>=<level>. Nothing is logged here; a well-formed request is accepted.
std::string log_set(const InfoContext&, const InfoRequest& req) {
  const InfoParams p = parse_info_params(req.args);
  if (p.size() != 2 || info_param(p, {"id"}) != "0") return "ERROR:4:bad parameter";
  static constexpr std::string_view kContexts[] = {
      "any", "misc", "alloc", "arenax", "hardware", "msg", "os", "secrets", "socket", "tls",
      "vault", "vmapx", "xmem", "aggr", "appeals", "as", "audit", "batch", "batch-sub", "bin",
      "config", "clustering", "drv-mem", "drv_pmem", "drv_ssd", "exchange", "exp", "fabric",
      "flat", "geo", "hb", "health", "hlc", "index", "info", "info-port", "key-busy",
      "migrate", "mrt-audit", "mrt-monitor", "namespace", "nsup", "particle", "partition",
      "paxos", "proto", "proxy", "proxy-divert", "query", "record", "roster", "rw", "rw-client",
      "security", "service", "service-list", "sindex", "skew", "smd", "storage", "truncate",
      "tsvc", "udf", "xdr", "xdr-client"};
  static constexpr std::string_view kLevels[] = {"critical", "warning", "info", "debug",
                                                 "detail"};
  for (const auto& [k, v] : p) {
    if (k == "id") continue;
    bool context_ok = false, level_ok = false;
    for (std::string_view c : kContexts) context_ok = context_ok || c == k;
    for (std::string_view l : kLevels) level_ok = level_ok || l == v;
    if (!context_ok || !level_ok) return "ERROR:4:bad parameter";
  }
  return "ok";
}

constexpr InfoCommand kCommands[] = {
    {"release", release},
    {"help", help},
    {"cluster-stable", cluster_stable},
    {"get-config", get_config},
    {"get-stats", get_stats},
    {"best-practices", best_practices},
    {"health-outliers", health_outliers},
    {"latencies", latencies},
    {"rack-ids", rack_ids},
    {"racks", racks},
    {"log-set", log_set},
};

}  // namespace

std::string namespace_config(const InfoContext& ctx, std::string_view ns_name) {
  KvList kv(captured::kNamespaceConfig);
  const ClusterOptions& o = ctx.cluster.options();
  const Namespace* ns = ctx.cluster.store().find(ns_name);
  kv.set("default-ttl", std::to_string(ns != nullptr ? ns->default_ttl() : o.default_ttl));
  kv.set("replication-factor", std::to_string(o.replication_factor));
  return kv.str();
}

std::string cluster_key_hex(ClusterState& c) {
  // Changes whenever the cluster's membership changes, like a real cluster key.
  uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&h](uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      h ^= (v >> (8 * i)) & 0xff;
      h *= 0x100000001b3ull;
    }
  };
  for (size_t i = 0; i < c.node_count(); ++i) {
    if (!c.advert(i).listed.load()) continue;
    mix(c.advert(i).id);
  }
  mix(c.advert(0).rebalance_generation.load());
  char buf[24];
  std::snprintf(buf, sizeof buf, "%llX", static_cast<unsigned long long>(h & 0xFFFFFFFFFFFFull));
  return buf;
}

std::span<const InfoCommand> config_info_commands() { return kCommands; }

}  // namespace aero::testserver
