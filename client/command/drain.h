// Drain: recovers the connection of a command that timed out while its answer was still on
// the way (Policy::timeout_delay, as the official C client's timeout_delay).
//
// The command has already completed with its timeout. The drain reads the rest of that
// answer and throws it away, then gives the connection back to its pool, so a late answer
// never reaches the next command on the connection, and a slow node does not turn every
// timeout into a closed socket and a new connect (TIME_WAIT storms, RST penalties in
// clouds). If the answer is not complete by the drain's deadline, or is not a well-formed
// frame, the connection is closed, as it would have been without the delay.
//
// Only answers of exactly one frame are drained (single-record commands): a stream's end
// (batch, scan) cannot be found without parsing every record in it.
//
// Threads: the owning loop's thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "io/loop.h"

namespace aero::cluster {
class Node;
}

namespace aero::command {

class LoopContext;

// Starts draining `socket`, a connection of `node`'s pool on `ctx`'s loop whose answer has
// begun with `received` (possibly nothing, possibly the whole frame). The connection counts
// against the pool until the drain puts it back or closes it. Outcomes are counted in
// ctx's drain counters.
void start_drain(LoopContext& ctx, std::shared_ptr<cluster::Node> node, io::SocketId socket,
                 std::span<const std::uint8_t> received, io::TimePoint deadline);

}  // namespace aero::command
