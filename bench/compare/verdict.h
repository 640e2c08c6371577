// The verdicts compare prints under its tables: for --scaling, from the medians of each loop
// count, is the server or the machine the bottleneck, or did the throughput keep growing? For
// the CPU goals (a ratio to the epoll limit), did every round meet the goal, none, or some?
//
// Threads: a plain function.
#pragma once

#include <string>
#include <vector>

namespace aero::bench {

// The medians of one row of the --scaling table.
struct ScalingPoint {
  int loops = 1;              // the client's event loops
  double per_second = 0;      // commands per second
  double client_cores = 0;    // the client process's CPU over its measured window / that window
  double server_cores = -1;   // the test server process's CPU / wall time; -1: not measured
  double machine_cores = -1;  // busy cores of the whole machine (every process); -1: unknown
};

// A server uses at least this share of its loops' cores: it is the bottleneck (each server
// loop is one thread, so it cannot use more than one core; 0.9 leaves room for /proc's tick
// granularity and the idle moments at the start and end of a run).
inline constexpr double kServerSaturated = 0.9;
// Client + server (or every process on the machine) use at least this share of the
// machine's cores: the machine is the bottleneck.
inline constexpr double kMachineSaturated = 0.9;

// The verdict for `points` (in the table's order; the first is the baseline of the ratios),
// a test server with `server_loops` event loops in all (0: an external server, no server
// figures) on a machine of `cores` cores. The first row at which the server or the machine
// is saturated is named with its figures, then the throughput of every other row against
// the first; when none is saturated, only the growth. Empty when `points` is empty.
std::string scaling_verdict(const std::vector<ScalingPoint>& points, int server_loops, int cores);

// The median of `values` (the mean of the middle two for an even count); 0 when empty.
double median(std::vector<double> values);

// A goal on a ratio: at most `goal` (<=), or below it (<).
enum class GoalKind { at_most, below };

// A goal judged over the rounds, each round's ratio against the same round's baseline:
// "1.07x (median; rounds 1.04-1.11): met in 2 of 5 rounds". A median alone can land on either
// side of the goal from one run to the next when the rounds straddle it; then this says so,
// and "met" or "not met" only when every round agrees. "no rounds" when `ratios` is empty.
std::string goal_verdict(const std::vector<double>& ratios, double goal, GoalKind kind);

}  // namespace aero::bench
