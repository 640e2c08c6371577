// The aerobench binary as a user meets it: bad flags and unreachable hosts fail with a clear
// message before any load, and a short run on the embedded cluster prints its table and
// writes valid JSON, .hgrm and SVG files.
//
// Usage (from Bazel): aerobench_cli_test <path to aerobench>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string g_binary;

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string tmp_dir() {
  const char* t = std::getenv("TEST_TMPDIR");
  return t != nullptr ? t : "/tmp";
}

Outcome run(std::vector<std::string> args) {
  const std::string out_path = tmp_dir() + "/cli.out", err_path = tmp_dir() + "/cli.err";
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    if (std::freopen(out_path.c_str(), "w", stdout) == nullptr) _exit(126);
    if (std::freopen(err_path.c_str(), "w", stderr) == nullptr) _exit(126);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(g_binary.c_str()));
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  Outcome o;
  int status = 0;
  if (waitpid(pid, &status, 0) == pid && WIFEXITED(status)) o.exit_code = WEXITSTATUS(status);
  o.out = slurp(out_path);
  o.err = slurp(err_path);
  return o;
}

TEST(AerobenchCli, HelpDescribesTheLoadModels) {
  Outcome o = run({"--help"});
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_NE(o.out.find("closed loop"), std::string::npos);
  EXPECT_NE(o.out.find("open loop"), std::string::npos);
}

TEST(AerobenchCli, BadFlagsFailBeforeAnyLoad) {
  for (const auto& [args, message] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"-w", "XY"}, "unknown workload 'XY'"},
           {{"-o", "S0"}, "bad string bin"},
           {{"--no-such-flag"}, "unknown flag"},
           {{"--in-flight"}, "missing value"},
       }) {
    Outcome o = run(args);
    EXPECT_EQ(o.exit_code, 2) << message;
    EXPECT_NE(o.err.find(message), std::string::npos) << o.err;
    EXPECT_EQ(o.out.find("latency"), std::string::npos) << "no run may start";
  }
}

TEST(AerobenchCli, UnreachableHostsFailBeforeAnyLoad) {
  // Port 1 on loopback: nothing listens there.
  Outcome o = run({"--hosts", "127.0.0.1:1", "-t", "1"});
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("cannot connect to 127.0.0.1:1"), std::string::npos) << o.err;
  EXPECT_EQ(o.out.find("latency (us)"), std::string::npos);
}

TEST(AerobenchCli, UnwritableOutputFailsBeforeAnyLoad) {
  Outcome o = run({"--json", "/nonexistent-dir/x.json"});
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("cannot write --json file"), std::string::npos) << o.err;
}

TEST(AerobenchCli, ShortRunWritesEveryOutput) {
  const std::string dir = tmp_dir();
  Outcome o = run({"--nodes", "1", "-k", "2000", "--ops", "3000", "-w", "RU,80", "-o", "S100",
                   "--json", dir + "/r.json", "--hgrm", dir + "/r", "--plot", dir + "/r.svg"});
  ASSERT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("prefill: 2,000 records"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("latency (us)"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("p99.99"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("totals: 3,000 commands"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("errors by result code: none"), std::string::npos) << o.out;

  // nlohmann-json's parser is strict (RFC 8259): it throws on anything that is not JSON.
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(slurp(dir + "/r.json")));
  EXPECT_EQ(j["commands"], 3000);
  EXPECT_EQ(j["errors"], 0);
  EXPECT_EQ(j["not_found"], 0);
  EXPECT_EQ(j["config"]["object_spec"], "S100");
  EXPECT_EQ(j["latency"]["read"]["count"].get<int>() + j["latency"]["write"]["count"].get<int>(),
            3000);

  for (const char* kind : {"read", "write"}) {
    const std::string h = slurp(dir + "/r." + kind + ".hgrm");
    EXPECT_NE(h.find("Percentile"), std::string::npos) << kind;
    EXPECT_NE(h.find("#[Max"), std::string::npos) << kind;
  }
  const std::string svg = slurp(dir + "/r.svg");
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
}

TEST(AerobenchCli, OpenLoopAndTbbRun) {
  Outcome o = run({"--nodes", "1", "-k", "500", "--ops", "1000", "--rate", "5000", "--executor",
                   "tbb", "-w", "RMW", "-q"});
  ASSERT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("open loop at 5,000/s"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("rmw"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("oneTBB"), std::string::npos) << o.out;
}

TEST(AerobenchCli, ScanAndQueryWorkloadsReportTheRatioToTheBareReader) {
  const std::string dir = tmp_dir();
  for (const char* w : {"SCAN", "QUERY"}) {
    Outcome o = run({"-k", "2000", "--ops", "2", "-w", w, "--json", dir + "/s.json"});
    ASSERT_EQ(o.exit_code, 0) << o.out << o.err;
    EXPECT_NE(o.out.find("rounds of one client pass and one bare-reader pass"), std::string::npos) << o.out;
    EXPECT_NE(o.out.find("2 rounds of 2000 records"), std::string::npos) << o.out;
    EXPECT_NE(o.out.find("client / bare reader"), std::string::npos) << o.out;
    nlohmann::json j;
    ASSERT_NO_THROW(j = nlohmann::json::parse(slurp(dir + "/s.json")));
    EXPECT_EQ(j["workload"], w);
    EXPECT_EQ(j["rounds"], 2);
    EXPECT_EQ(j["records_per_round"], 2000);
    EXPECT_EQ(j["ratios"].size(), 2u);
  }
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <path to aerobench>\n", argv[0]);
    return 2;
  }
  g_binary = argv[1];
  return RUN_ALL_TESTS();
}
