// JSON output: the writer's escaping and punctuation, and the whole --json document checked
// with a strict parser against the numbers it was made from.
#include "bench/tool/json.h"

#include <gtest/gtest.h>

#include "bench/tool/svg.h"
#include "test/bench/json_parse.h"

namespace aero::bench {
namespace {

using testing::Json;
using testing::JsonParser;

Json parse_ok(const std::string& text) {
  Json j;
  std::string err;
  EXPECT_TRUE(JsonParser::parse(text, &j, &err)) << err << "\n" << text.substr(0, 400);
  return j;
}

TEST(JsonWriter, EscapesStrings) {
  EXPECT_EQ(JsonWriter::quote("plain"), "\"plain\"");
  EXPECT_EQ(JsonWriter::quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(JsonWriter::quote("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
  EXPECT_EQ(JsonWriter::quote(std::string("\x01\x1f\x7f", 3)), "\"\\u0001\\u001f\\u007f\"");
  EXPECT_EQ(JsonWriter::quote(std::string("nul\0x", 5)), "\"nul\\u0000x\"");
  EXPECT_EQ(JsonWriter::quote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");  // UTF-8 kept
  // Round trip through a strict parser.
  const std::string nasty = std::string("q\"\\/\n\x02 end", 10);
  Json j = parse_ok(JsonWriter::quote(nasty));
  EXPECT_EQ(j.s, nasty);
}

TEST(JsonWriter, PunctuationAndNumbers) {
  JsonWriter w;
  w.begin_object();
  w.field("a", 1).field("b", -2).field("c", std::uint64_t{18446744073709551615ull});
  w.key("d").begin_array().value(0.1).value(1e300).value(std::numeric_limits<double>::quiet_NaN());
  w.value(std::numeric_limits<double>::infinity()).begin_object().end_object().begin_array().end_array();
  w.end_array();
  w.field("e", true).field("f", "x").key("g").null();
  w.end_object();
  EXPECT_EQ(w.str(),
            "{\"a\":1,\"b\":-2,\"c\":18446744073709551615,\"d\":[0.1,1e+300,null,null,{},[]],"
            "\"e\":true,\"f\":\"x\",\"g\":null}");
  parse_ok(w.str());
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
  EXPECT_EQ(j["tool"].s, "aerobench");
  EXPECT_EQ(j["config"]["set"].s, o.set);
  EXPECT_EQ(j["config"]["workload"].s, "RU,50");
  EXPECT_EQ(j["config"]["load_model"].s, "closed");
  EXPECT_EQ(j["config"]["embedded"].b, true);
  EXPECT_EQ(j["prefill"]["records"].n, 100);
  EXPECT_EQ(j["commands"].n, 1500);
  EXPECT_DOUBLE_EQ(j["per_second"].n, 500);
  EXPECT_EQ(j["errors"].n, 5);
  EXPECT_EQ(j["timeouts"].n, 3);
  EXPECT_EQ(j["not_found"].n, 5);
  EXPECT_DOUBLE_EQ(j["cpu"]["per_command_us"].n, 0.75 * 1e6 / 1500);
  EXPECT_EQ(j["cpu"]["includes_server"].b, true);
  ASSERT_EQ(j["series"].items.size(), 3u);
  EXPECT_EQ(j["series"].items[1]["t_s"].n, 2);
  EXPECT_EQ(j["series"].items[1]["read"]["count"].n, 333);
  EXPECT_EQ(j["series"].items[1]["read"]["p50_us"].n, 500);
  EXPECT_EQ(j["series"].items[1]["errors"]["timeout"].n, 1);
  EXPECT_EQ(j["series"].items[1].get("batch"), nullptr);  // unused kinds left out
  const Json& read = j["latency"]["read"];
  EXPECT_EQ(read["count"].n, 1000);
  EXPECT_EQ(read["max_us"].n, 1000);
  EXPECT_NEAR(read["p50_us"].n, 500, 500 * 0.01);
  EXPECT_NEAR(read["p99.9_us"].n, 999, 999 * 0.01);
  // The buckets add up to the count and lie inside the recorded range.
  double sum = 0;
  for (const Json& b : read["buckets"].items) {
    ASSERT_EQ(b.items.size(), 3u);
    EXPECT_LE(b.items[0].n, b.items[1].n);
    sum += b.items[2].n;
  }
  EXPECT_EQ(sum, 1000);
  EXPECT_EQ(j["latency"].get("rmw"), nullptr);
  ASSERT_EQ(j["errors_by_code"].items.size(), 2u);
  EXPECT_EQ(j["errors_by_code"].items[0]["code"].n, -6);
  EXPECT_EQ(j["errors_by_code"].items[0]["read"].n, 2);
  EXPECT_EQ(j["errors_by_code"].items[1]["code"].n, 9);
  EXPECT_FALSE(j["errors_by_code"].items[1]["name"].s.empty());
}

TEST(ResultJson, EmptyRunIsStillValid) {
  Options o;
  o.rate = 100;
  RunResult r;
  r.used = op_kinds_used(o.workload);
  r.totals = std::make_unique<Snapshot>();
  Json j = parse_ok(result_json(r, o));
  EXPECT_EQ(j["commands"].n, 0);
  EXPECT_EQ(j["config"]["load_model"].s, "open");
  EXPECT_EQ(j["series"].items.size(), 0u);
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
