#include "bench/tool/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "bench/tool/hgrm.h"
#include "bench/tool/report.h"

namespace aero::bench {

namespace {

constexpr double kWidth = 960;
constexpr double kLeft = 90, kRight = 930;
constexpr double kSpectrumTop = 80, kSpectrumBottom = 390;
constexpr double kRateTop = 470, kRateBottom = 720;
constexpr double kHeight = 790;

const char* color_of(int kind) {
  static const char* const kColors[kOpKinds] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};
  return kColors[kind];
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// 1, 2, 2.5, 5 times a power of ten, at least v.
double nice_ceil(double v) {
  if (v <= 0) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * p >= v * (1 - 1e-12)) return m * p;
  }
  return 10 * p;
}

std::string label(double v) {
  char buf[32];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%g", v);
  }
  return buf;
}

std::string text(double x, double y, const std::string& s, const char* anchor = "middle",
                 int size = 12, const char* extra = "") {
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" font-size=\"" + std::to_string(size) +
         "\" text-anchor=\"" + anchor + "\"" + extra + ">" + xml_escape(s) + "</text>\n";
}

std::string line(double x1, double y1, double x2, double y2, const char* stroke, double width = 1,
                 const char* extra = "") {
  return "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" +
         num(y2) + "\" stroke=\"" + stroke + "\" stroke-width=\"" + num(width) + "\"" + extra + "/>\n";
}

std::string polyline(const std::vector<std::pair<double, double>>& pts, const char* color) {
  std::string s = "<polyline fill=\"none\" stroke=\"" + std::string(color) +
                  "\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"";
  for (const auto& [x, y] : pts) s += num(x) + "," + num(y) + " ";
  s += "\"/>\n";
  return s;
}

std::string legend(const RunResult& r, double x, double y) {
  std::string s;
  for (int i = 0; i < kOpKinds; ++i) {
    if (!r.used[i]) continue;
    s += line(x, y - 4, x + 24, y - 4, color_of(i), 3);
    s += text(x + 30, y, op_name(static_cast<OpKind>(i)), "start");
    x += 90;
  }
  return s;
}

std::string spectrum(const RunResult& r) {
  // x: log10(1 / (1 - p)); as far as the data supports (log10 of the count), 2..6 decades.
  std::uint64_t max_count = 0, max_ns = 0;
  for (int i = 0; i < kOpKinds; ++i) {
    if (!r.used[i]) continue;
    const Histogram& h = r.totals->kinds[i].latency;
    max_count = std::max(max_count, h.count());
    max_ns = std::max(max_ns, h.max());
  }
  const double decades = std::clamp(std::ceil(std::log10(std::max<double>(10, static_cast<double>(max_count)))), 2.0, 6.0);
  const bool ms = max_ns >= 20'000'000;  // 20 ms and more: label in ms
  const double unit = ms ? 1e6 : 1e3;
  const double ymax = nice_ceil(static_cast<double>(max_ns) / unit * 1.05);
  auto X = [&](double decade) { return kLeft + (kRight - kLeft) * decade / decades; };
  auto Y = [&](double v) { return kSpectrumBottom - (kSpectrumBottom - kSpectrumTop) * v / ymax; };

  std::string s;
  s += text((kLeft + kRight) / 2, kSpectrumTop - 12, "Latency by percentile", "middle", 15, " font-weight=\"bold\"");
  for (int d = 0; d <= static_cast<int>(decades); ++d) {
    const double x = X(d);
    s += line(x, kSpectrumTop, x, kSpectrumBottom, "#dddddd");
    std::string pct = d == 0 ? "0%" : label(100.0 - 100.0 / std::pow(10.0, d)) + "%";
    s += text(x, kSpectrumBottom + 18, pct);
  }
  for (int t = 0; t <= 5; ++t) {
    const double v = ymax * t / 5;
    s += line(kLeft, Y(v), kRight, Y(v), "#dddddd");
    s += text(kLeft - 8, Y(v) + 4, label(v), "end");
  }
  s += text(kLeft - 60, (kSpectrumTop + kSpectrumBottom) / 2, ms ? "latency (ms)" : "latency (us)",
            "middle", 12,
            (" transform=\"rotate(-90 " + num(kLeft - 60) + " " + num((kSpectrumTop + kSpectrumBottom) / 2) + ")\"").c_str());
  s += text((kLeft + kRight) / 2, kSpectrumBottom + 36, "percentile (log scale of 1/(1-p))");
  for (int i = 0; i < kOpKinds; ++i) {
    if (!r.used[i]) continue;
    const Histogram& h = r.totals->kinds[i].latency;
    if (h.count() == 0) continue;
    std::vector<std::pair<double, double>> pts;
    for (const PercentilePoint& p : percentile_points(h, 10)) {
      double decade = p.percentile >= 100.0 ? decades : std::log10(100.0 / (100.0 - p.percentile));
      decade = std::min(decade, decades);
      const double y = Y(static_cast<double>(p.value_ns) / unit);
      // A step: the previous value holds until this percentile.
      if (!pts.empty()) pts.emplace_back(X(decade), pts.back().second);
      pts.emplace_back(X(decade), y);
    }
    s += polyline(pts, color_of(i));
  }
  s += line(kLeft, kSpectrumBottom, kRight, kSpectrumBottom, "#333333");
  s += line(kLeft, kSpectrumTop, kLeft, kSpectrumBottom, "#333333");
  s += legend(r, kLeft + 10, kSpectrumTop + 16);
  return s;
}

std::string throughput(const RunResult& r) {
  double tmax = 1, ymax_raw = 0;
  for (const SecondSample& s : r.series) {
    tmax = std::max(tmax, s.t_s);
    for (int i = 0; i < kOpKinds; ++i) {
      if (r.used[i] && s.interval_s > 0) {
        ymax_raw = std::max(ymax_raw, static_cast<double>(s.kinds[i].completed) / s.interval_s);
      }
    }
  }
  const double ymax = nice_ceil(ymax_raw * 1.05);
  const double xmax = nice_ceil(tmax);
  auto X = [&](double t) { return kLeft + (kRight - kLeft) * t / xmax; };
  auto Y = [&](double v) { return kRateBottom - (kRateBottom - kRateTop) * v / ymax; };
  std::string s;
  s += text((kLeft + kRight) / 2, kRateTop - 12, "Throughput per second", "middle", 15, " font-weight=\"bold\"");
  for (int t = 0; t <= 5; ++t) {
    const double v = ymax * t / 5;
    s += line(kLeft, Y(v), kRight, Y(v), "#dddddd");
    s += text(kLeft - 8, Y(v) + 4, label(v), "end");
    const double x = xmax * t / 5;
    s += line(X(x), kRateTop, X(x), kRateBottom, "#dddddd");
    s += text(X(x), kRateBottom + 18, label(x) + " s");
  }
  s += text(kLeft - 60, (kRateTop + kRateBottom) / 2, "commands/s", "middle", 12,
            (" transform=\"rotate(-90 " + num(kLeft - 60) + " " + num((kRateTop + kRateBottom) / 2) + ")\"").c_str());
  for (int i = 0; i < kOpKinds; ++i) {
    if (!r.used[i]) continue;
    // One point per interval, at its end (the rate over the interval before it).
    std::vector<std::pair<double, double>> pts;
    for (const SecondSample& smp : r.series) {
      const double v = smp.interval_s > 0 ? static_cast<double>(smp.kinds[i].completed) / smp.interval_s : 0;
      pts.emplace_back(X(smp.t_s), Y(v));
    }
    s += polyline(pts, color_of(i));
    for (const auto& [x, y] : pts) {
      s += "<circle cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"3\" fill=\"" + color_of(i) + "\"/>\n";
    }
  }
  s += line(kLeft, kRateBottom, kRight, kRateBottom, "#333333");
  s += line(kLeft, kRateTop, kLeft, kRateBottom, "#333333");
  s += legend(r, kLeft + 10, kRateTop + 16);
  return s;
}

}  // namespace

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string plot_svg(const RunResult& r, const Options& o) {
  std::string s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + label(kWidth) + "\" height=\"" +
       label(kHeight) + "\" viewBox=\"0 0 " + label(kWidth) + " " + label(kHeight) +
       "\" font-family=\"sans-serif\">\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  const std::string title = "aerobench " + workload_string(o.workload) + ", " +
                            (o.open_loop() ? "open loop at " + label(o.rate) + "/s"
                                           : "closed loop") +
                            ", " + std::to_string(o.in_flight) + " in flight, " +
                            (o.executor == ExecutorKind::serial ? "serial" : "tbb") + ", " +
                            target_string(o);
  s += text(kWidth / 2, 28, title, "middle", 16, " font-weight=\"bold\"");
  std::uint64_t total = r.totals->completed();
  char sub[160];
  std::snprintf(sub, sizeof sub, "%s commands in %.2f s, %s errors", format_count(total).c_str(),
                r.elapsed_s, format_count(r.totals->errors()).c_str());
  s += text(kWidth / 2, 48, sub, "middle", 12);
  s += spectrum(r);
  s += throughput(r);
  s += "</svg>\n";
  return s;
}

}  // namespace aero::bench
