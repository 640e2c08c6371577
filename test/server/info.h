// The info protocol (type-1 frames): the commands a client's tend and start-up send (node,
// features, build, cluster-name, partition-generation, peers-generation, peers-clear-std,
// replicas, service-clear-std, statistics, ...), index and truncate commands, and the legacy
// summary for an empty request.
//
// Callable from any thread.
#pragma once

#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "test/server/cluster_state.h"
#include "test/server/response.h"
#include "test/server/stats.h"

namespace aero::testserver {

struct InfoContext {
  ClusterState& cluster;
  int node = 0;
  const PartitionMap* map = nullptr;
  const NodeCounters* counters = nullptr;
  // The asking connection (ClusterState::set_user_agent); 0: none (tests).
  std::uintptr_t connection = 0;
};

// Appends one type-1 frame answering `body`: for each '\n'-terminated line, the line as
// received, a tab, the value and '\n' (an unterminated last line is ignored, as the server
// does). An empty body gets the legacy summary.
void answer_info(const InfoContext& ctx, std::string_view body, ResponseWriter& w);

// The value one command line produces (exposed for tests).
std::string info_value(const InfoContext& ctx, std::string_view line);

// ---- Extra command tables (info_config.cc, info_jobs.cc, info_sindex.cc, ...). ----

// One command line split the way the server splits it: `name[/sub][:args]`.
struct InfoRequest {
  std::string_view line;  // the whole line
  std::string_view name;  // "namespace" in "namespace/test", "get-config" in "get-config:..."
  std::string_view sub;   // "test" in "namespace/test"; empty without '/'
  std::string_view args;  // what follows the first ':'; empty without ':'
  bool has_args = false;  // a ':' was present (`latencies:` differs from `latencies`)
};

using InfoHandler = std::string (*)(const InfoContext& ctx, const InfoRequest& req);

struct InfoCommand {
  std::string_view name;
  InfoHandler handler;
};

// The tables info_value() consults, in order, before its built-in commands. To add commands,
// define a table in a new file, declare its accessor here and list it in kInfoTables (info.cc).
std::span<const InfoCommand> config_info_commands();  // info_config.cc
std::span<const InfoCommand> job_info_commands();     // info_jobs.cc
std::span<const InfoCommand> sindex_info_commands();  // info_sindex.cc
std::span<const InfoCommand> stats_info_commands();   // info_stats.cc

// "k1=v1;k2=v2" -> {k1: v1, k2: v2} (a key without '=' maps to "").
using InfoParams = std::map<std::string, std::string, std::less<>>;
InfoParams parse_info_params(std::string_view args);
// The first of `names` present in `p`, or "".
std::string info_param(const InfoParams& p, std::initializer_list<std::string_view> names);

// Helpers shared by the command files.
std::string namespace_config(const InfoContext& ctx, std::string_view ns);  // info_config.cc
std::string cluster_key_hex(ClusterState& c);  // info_config.cc: 12 hex digits at most

constexpr std::string_view kInfoUnrecognized = "ERROR:4:unrecognized command";

}  // namespace aero::testserver
