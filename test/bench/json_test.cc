// JSON output: the whole --json document checked with a strict parser against the numbers
// it was made from (escaping, numbers that are not finite, key order).
#include "bench/tool/json.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>

#include "bench/tool/stream.h"
#include "bench/tool/svg.h"

namespace aero::bench {
namespace {

using Json = nlohmann::json;

// Parses with nlohmann-json's strict parser (RFC 8259: no trailing commas, no NaN); a parse
// error fails the test.
Json parse_ok(const std::string& text) {
  Json j;
  EXPECT_NO_THROW(j = Json::parse(text)) << text.substr(0, 400);
  return j;
}

RunResult sample_result() {
  RunResult r;
  r.used = op_kinds_used(Workload{Workload::Kind::read_update, 50, 1});
  r.totals = std::make_unique<Snapshot>();
  KindTotals& read = (*r.totals)[OpKind::read];
  KindTotals& write = (*r.totals)[OpKind::write];
  for (int i = 1; i <= 1000; ++i) read.latency.record(static_cast<std::uint64_t>(i) * 1000);
  read.completed = 1000;
  read.ok = 990;
  read.not_found = 5;
  read.errors = 5;
  read.timeouts = 3;
  read.by_code[code_slot(9)] = 3;
  read.by_code[code_slot(-6)] = 2;
  for (int i = 1; i <= 500; ++i) write.latency.record(static_cast<std::uint64_t>(i) * 2000);
  write.completed = write.ok = 500;
  for (int s = 1; s <= 3; ++s) {
    SecondSample smp;
    smp.t_s = s;
    smp.interval_s = 1;
    smp.kinds[0].completed = 333;
    smp.kinds[0].p50_ns = 500'000;
    smp.kinds[1].completed = 166;
    smp.errors.timeout = 1;
    r.series.push_back(smp);
  }
  r.elapsed_s = 3.0;
  r.cpu_user_s = 0.5;
  r.cpu_sys_s = 0.25;
  r.cpu_includes_server = true;
  r.prefilled = true;
  r.prefill_records = 100;
  r.prefill_s = 0.2;
  return r;
}

TEST(ResultJson, IsValidAndComplete) {
  Options o;
  o.set = "a \"quoted\" set\n";  // must be escaped in the config echo
  RunResult r = sample_result();
  const std::string text = result_json(r, o);
  Json j = parse_ok(text);
  EXPECT_EQ(j["tool"].get<std::string>(), "aerobench");
  EXPECT_EQ(j["config"]["set"].get<std::string>(), o.set);
  EXPECT_EQ(j["config"]["workload"].get<std::string>(), "RU,50");
  EXPECT_EQ(j["config"]["load_model"].get<std::string>(), "closed");
  EXPECT_EQ(j["config"]["embedded"].get<bool>(), true);
  EXPECT_EQ(j["prefill"]["records"].get<double>(), 100);
  EXPECT_EQ(j["commands"].get<double>(), 1500);
  EXPECT_DOUBLE_EQ(j["per_second"].get<double>(), 500);
  EXPECT_EQ(j["errors"].get<double>(), 5);
  EXPECT_EQ(j["timeouts"].get<double>(), 3);
  EXPECT_EQ(j["not_found"].get<double>(), 5);
  EXPECT_DOUBLE_EQ(j["cpu"]["per_command_us"].get<double>(), 0.75 * 1e6 / 1500);
  EXPECT_EQ(j["cpu"]["includes_server"].get<bool>(), true);
  ASSERT_EQ(j["series"].size(), 3u);
  EXPECT_EQ(j["series"][1]["t_s"].get<double>(), 2);
  EXPECT_EQ(j["series"][1]["read"]["count"].get<double>(), 333);
  EXPECT_EQ(j["series"][1]["read"]["p50_us"].get<double>(), 500);
  EXPECT_EQ(j["series"][1]["errors"]["timeout"].get<double>(), 1);
  EXPECT_FALSE(j["series"][1].contains("batch"));  // unused kinds left out
  Json& read = j["latency"]["read"];
  EXPECT_EQ(read["count"].get<double>(), 1000);
  EXPECT_EQ(read["max_us"].get<double>(), 1000);
  EXPECT_NEAR(read["p50_us"].get<double>(), 500, 500 * 0.01);
  EXPECT_NEAR(read["p99.9_us"].get<double>(), 999, 999 * 0.01);
  // The buckets add up to the count and lie inside the recorded range.
  double sum = 0;
  for (const Json& b : read["buckets"]) {
    ASSERT_EQ(b.size(), 3u);
    EXPECT_LE(b[0].get<double>(), b[1].get<double>());
    sum += b[2].get<double>();
  }
  EXPECT_EQ(sum, 1000);
  EXPECT_FALSE(j["latency"].contains("rmw"));
  ASSERT_EQ(j["errors_by_code"].size(), 2u);
  EXPECT_EQ(j["errors_by_code"][0]["code"].get<double>(), -6);
  EXPECT_EQ(j["errors_by_code"][0]["read"].get<double>(), 2);
  EXPECT_EQ(j["errors_by_code"][1]["code"].get<double>(), 9);
  EXPECT_FALSE(j["errors_by_code"][1]["name"].get<std::string>().empty());
}

TEST(ResultJson, KeysInTheDocumentedOrderAndNonFiniteAsNull) {
  Options o;
  RunResult r = sample_result();
  r.cpu_user_s = std::numeric_limits<double>::infinity();
  r.elapsed_s = std::numeric_limits<double>::quiet_NaN();
  const std::string text = result_json(r, o);
  ASSERT_EQ(text.back(), '\n');
  const nlohmann::ordered_json j = nlohmann::ordered_json::parse(text);
  std::vector<std::string> keys;
  for (const auto& [key, value] : j.items()) keys.push_back(key);
  const std::vector<std::string> want = {"tool",
                                         "format",
                                         "config",
                                         "prefill",
                                         "elapsed_s",
                                         "commands",
                                         "per_second",
                                         "not_found",
                                         "errors",
                                         "timeouts",
                                         "sockets_opened",
                                         "sockets_closed",
                                         "drains_started",
                                         "drains_recovered",
                                         "loop_system_calls",
                                         "loop_syscalls_per_command",
                                         "loop_polls_per_command",
                                         "cpu",
                                         "series",
                                         "latency",
                                         "errors_by_code"};
  EXPECT_EQ(keys, want);
  EXPECT_TRUE(j["elapsed_s"].is_null());
  EXPECT_TRUE(j["cpu"]["user_s"].is_null());
  // Compact, as bench/compare's reader expects ("key":value, no spaces).
  EXPECT_NE(text.find("\"commands\":1500,"), std::string::npos);
}

TEST(StreamJson, RoundedAndValid) {
  StreamSpec spec;
  spec.query = true;
  StreamResult r;
  r.ratios = {0.123456, 1.5};
  r.median_ratio = 0.81234567;
  const Json j = parse_ok(stream_json(spec, r));
  EXPECT_EQ(j["workload"], "QUERY");
  EXPECT_EQ(j["ratio_records_per_s"], 0.8123);
  EXPECT_EQ(j["ratios"], Json::array({0.1235, 1.5}));
}

TEST(ResultJson, EmptyRunIsStillValid) {
  Options o;
  o.rate = 100;
  RunResult r;
  r.used = op_kinds_used(o.workload);
  r.totals = std::make_unique<Snapshot>();
  Json j = parse_ok(result_json(r, o));
  EXPECT_EQ(j["commands"].get<double>(), 0);
  EXPECT_EQ(j["config"]["load_model"].get<std::string>(), "open");
  EXPECT_EQ(j["series"].size(), 0u);
}

TEST(Svg, SelfContainedAndEscaped) {
  Options o;
  o.hosts = {{"<evil&host>", 3000}};
  RunResult r = sample_result();
  const std::string svg = plot_svg(r, o);
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_NE(svg.find("<svg xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_NE(svg.find("Latency by percentile"), std::string::npos);
  EXPECT_NE(svg.find("Throughput per second"), std::string::npos);
  EXPECT_NE(svg.find("99.9%"), std::string::npos);
  EXPECT_NE(svg.find("&lt;evil&amp;host&gt;"), std::string::npos);
  EXPECT_EQ(svg.find("<evil"), std::string::npos);
  EXPECT_EQ(svg.find("http://", svg.find("</svg>")), std::string::npos);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  // Two lines per used kind (spectrum and throughput).
  std::size_t polylines = 0;
  for (std::size_t at = svg.find("<polyline"); at != std::string::npos; at = svg.find("<polyline", at + 1)) ++polylines;
  EXPECT_EQ(polylines, 4u);
}

}  // namespace
}  // namespace aero::bench
