// InfoCommand: info commands (type-1 frames) to one node, through the command state machine
// (pooled connections, timeouts) like any other command. InfoFanout asks several nodes at
// once and delivers all answers together.
//
// Threads: created on any thread, run on one loop; the callback runs on the completion
// executor.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "client/command/command.h"
#include "client/command/loop_context.h"
#include "client/info.h"
#include "executor/unique_function.h"

namespace aero::command {

using InfoCallback = UniqueFunction<void(Result<std::vector<InfoAnswer>>)>;

// Loop thread: sends `commands` to `nodes` (every one), collects one InfoAnswer per node and
// delivers them in node order; `live` is the client's outstanding count (held until then).
void run_info(LoopContext* ctx, std::vector<cluster::NodePtr> nodes,
              std::vector<std::string> commands, const Policy& policy, InfoCallback cb,
              std::atomic<std::int64_t>* live);

}  // namespace aero::command
