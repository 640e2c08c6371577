// Logging hook: the client prints nothing; give ClientConfig::log a sink to hear what it
// does in the background (tend events: nodes added, removed or moved, partition maps
// published, seeds that failed; connections that could not be opened).
//
// Threads: the sink is called from the tender's thread and from loop threads, possibly at
// the same time: it must be thread-safe and must not block (a loop waits for it). Messages
// below ClientConfig::log_level are not even formatted.
#pragma once

#include <functional>
#include <string_view>

namespace aero {

// Severity of a log message, most severe first; ClientConfig::log_level passes a message when
// its level is at most the configured one.
enum class LogLevel : int { error = 0, warn = 1, info = 2, debug = 3 };

// The level's upper-case name: ERROR, WARN, INFO or DEBUG ("?" for a value out of range).
// A static string; any thread.
const char* log_level_name(LogLevel level);

// level, component ("tend", "connection"), message (names the node and its address).
using LogSink = std::function<void(LogLevel, std::string_view component, std::string_view message)>;

}  // namespace aero
