// AdminCommand: one admin (type-2) request to one node through the command state machine, on
// a pooled connection that the loop's AuthLoop authenticated. Simple commands are answered by
// one admin header (result 0 = done); queries by blocks until the end-of-list block (50).
//
// Threads: created on any thread, run on one loop; the callback runs on the completion
// executor.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "client/command/loop_context.h"
#include "client/cluster/node.h"
#include "client/wire/admin.h"
#include "executor/unique_function.h"

namespace aero::command {

enum class AdminKind : std::uint8_t { simple, query_users, query_roles };

struct AdminAnswer {
  std::vector<wire::admin::UserInfo> users;
  std::vector<wire::admin::RoleInfo> roles;
};

using AdminCallback = UniqueFunction<void(Result<AdminAnswer>)>;

// Loop thread: sends `request` (a whole type-2 frame) to `node`; `live` is the client's
// outstanding count, released after the callback ran.
void run_admin(LoopContext* ctx, cluster::NodePtr node, std::vector<std::uint8_t> request,
               AdminKind kind, const Policy& policy, AdminCallback cb,
               std::atomic<std::int64_t>* live);

}  // namespace aero::command
