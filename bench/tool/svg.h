// --plot: one self-contained SVG file with two charts a person can open in a browser.
//
//   top:    the latency percentile spectrum of each command type: latency against
//           percentile on a log scale of 1/(1-p) (0%, 90%, 99%, 99.9%, ...), so the tail
//           gets as much room as the median
//   bottom: completed commands per second of each command type over the run
//
// Threads: pure function.
#pragma once

#include <string>

#include "bench/tool/flags.h"
#include "bench/tool/result.h"

namespace aero::bench {

std::string plot_svg(const RunResult& r, const Options& o);

// Escapes &, <, >, " and ' for XML text and attributes.
std::string xml_escape(const std::string& s);

}  // namespace aero::bench
