#include "bench/compare/verdict.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>

namespace aero::bench {
namespace {

std::string format(const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return buf;
}

std::string loops_label(int n) { return std::to_string(n) + (n == 1 ? " loop" : " loops"); }

// "its 1 loop's core", "its 3 loops' 3 cores".
std::string server_capacity(int server_loops) {
  return server_loops == 1 ? "its 1 loop's core"
                           : format("its %d loops' %d cores", server_loops, server_loops);
}

// What is saturated at `p`, "" when nothing.
std::string saturated(const ScalingPoint& p, int server_loops, int cores) {
  std::string out;
  auto add = [&out](const std::string& s) { out += (out.empty() ? "" : "; ") + s; };
  const std::string at = loops_label(p.loops);
  if (server_loops > 0 && p.server_cores >= kServerSaturated * server_loops) {
    add(format("the server used %.2f of %s at %s: it is the bottleneck", p.server_cores,
               server_capacity(server_loops).c_str(), at.c_str()));
  }
  const double ours = p.client_cores + std::max(0.0, p.server_cores);
  const char* who = server_loops > 0 ? "client + server" : "the client";
  if (ours >= kMachineSaturated * cores) {
    add(format("%s used %.2f of %d cores at %s: the machine is the bottleneck", who, ours, cores,
               at.c_str()));
  } else if (p.machine_cores >= kMachineSaturated * cores) {
    add(
        format("the machine was %.2f of %d cores busy at %s (%s %.2f, the rest other "
               "processes): the machine is the bottleneck, shared with other work",
               p.machine_cores, cores, at.c_str(), who, ours));
  }
  return out;
}

}  // namespace

std::string scaling_verdict(const std::vector<ScalingPoint>& points, int server_loops, int cores) {
  if (points.empty()) return {};
  const ScalingPoint& base = points.front();
  auto ratio = [&base](const ScalingPoint& p) {
    return base.per_second > 0 ? p.per_second / base.per_second : 0.0;
  };
  std::string growth;
  for (std::size_t i = 1; i < points.size(); ++i) {
    growth += format("%s%s %.2fx", i > 1 ? ", " : "", loops_label(points[i].loops).c_str(),
                     ratio(points[i]));
  }
  const std::string against = "throughput against " + loops_label(base.loops) + ": ";

  for (const ScalingPoint& p : points) {
    const std::string s = saturated(p, server_loops, cores);
    if (s.empty()) continue;
    return growth.empty() ? s : s + "; " + against + growth;
  }

  double server = 0, ours = 0;
  for (const ScalingPoint& p : points) {
    server = std::max(server, p.server_cores);
    ours = std::max(ours, p.client_cores + std::max(0.0, p.server_cores));
  }
  std::string none =
      server_loops > 0
          ? format(
                "neither the server (at most %.2f of %s) nor the machine (client + server at "
                "most %.2f of %d cores) was saturated",
                server, server_capacity(server_loops).c_str(), ours, cores)
          : format("the machine was not saturated (the client at most %.2f of %d cores)", ours,
                   cores);
  if (growth.empty()) return none;
  const ScalingPoint& last = points.back();
  const double r = ratio(last);
  none += format(": throughput %s %.2fx from %s to %s", r > 1 ? "grew" : "did not grow,", r,
                 loops_label(base.loops).c_str(), loops_label(last.loops).c_str());
  if (points.size() > 2) none += " (" + growth + ")";
  return none;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::string goal_verdict(const std::vector<double>& ratios, double goal, GoalKind kind) {
  if (ratios.empty()) return "no rounds";
  const std::size_t n = ratios.size();
  const double mid = median(ratios);
  const auto [low, high] = std::minmax_element(ratios.begin(), ratios.end());
  std::size_t met = 0;
  for (double r : ratios) met += (kind == GoalKind::at_most ? r <= goal : r < goal) ? 1 : 0;
  std::string out =
      n == 1 ? format("%.2fx", mid) : format("%.2fx (median; rounds %.2f-%.2f)", mid, *low, *high);
  if (met == n) return out + ": met";
  if (met == 0) return out + ": not met";
  return out + format(": met in %zu of %zu rounds", met, n);
}

}  // namespace aero::bench
