// The aerospike_test_server binary: starts with flags, prints its nodes and the hosts list,
// serves, and exits cleanly on SIGTERM or (with --stop-on-eof) when its stdin closes.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "test/server/tests/wire_client.h"

namespace {

using namespace testclient;

std::string g_binary;

TEST(Binary, StartsServesAndStops) {
  ASSERT_FALSE(g_binary.empty());
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    execl(g_binary.c_str(), g_binary.c_str(), "--nodes", "3", "--port", "0",
          "--replication-factor", "2", "--namespaces", "test,bar", "--cluster-name", "bin",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  FILE* f = fdopen(out[0], "r");
  ASSERT_NE(f, nullptr);
  std::vector<std::pair<std::string, uint16_t>> nodes;  // id, port
  std::string hosts, expected_hosts;
  char line[256];
  bool ready = false;
  while (!ready && std::fgets(line, sizeof line, f) != nullptr) {
    std::string s(line);
    if (s == "ready\n") {
      ready = true;
      break;
    }
    if (s.rfind("hosts ", 0) == 0) {
      hosts = s.substr(6, s.size() - 7);
      continue;
    }
    std::istringstream in(s);
    std::string word, id, address;
    size_t index;
    in >> word >> index >> id >> address;
    ASSERT_EQ(word, "node") << s;
    nodes.emplace_back(id, uint16_t(std::stoi(address.substr(address.find(':') + 1))));
    expected_hosts += (expected_hosts.empty() ? "" : ",") + address;
  }
  ASSERT_TRUE(ready);
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(hosts, expected_hosts);
  for (const auto& [id, port] : nodes) {
    RawConnection c;
    ASSERT_TRUE(c.connect(port));
    auto body = call_info(c, {"node", "namespaces", "cluster-name", "replicas"});
    ASSERT_TRUE(body);
    EXPECT_EQ(info_value(*body, "node"), id);
    EXPECT_EQ(info_value(*body, "namespaces"), "test;bar");
    EXPECT_EQ(info_value(*body, "cluster-name"), "bin");
    EXPECT_EQ(info_value(*body, "replicas")->find("test:0,2,"), 0u);
  }
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::fclose(f);
}

// --hosts-file holds the hosts list once the cluster is ready; closing stdin stops the server
// (--stop-on-eof), which removes the file again.
TEST(Binary, WritesHostsFileAndStopsOnEof) {
  const std::string file = std::string(std::getenv("TEST_TMPDIR") ? std::getenv("TEST_TMPDIR") : "/tmp") +
                           "/hosts." + std::to_string(getpid());
  int in[2], out[2];
  ASSERT_EQ(pipe(in), 0);
  ASSERT_EQ(pipe(out), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(in[0], STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    close(in[0]);
    close(in[1]);
    close(out[0]);
    close(out[1]);
    execl(g_binary.c_str(), g_binary.c_str(), "--nodes", "2", "--port", "0", "--hosts-file",
          file.c_str(), "--stop-on-eof", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  FILE* f = fdopen(out[0], "r");
  ASSERT_NE(f, nullptr);
  std::string hosts;
  char line[256];
  while (std::fgets(line, sizeof line, f) != nullptr && std::string(line) != "ready\n") {
    if (std::string(line).rfind("hosts ", 0) == 0) hosts = std::string(line + 6);
  }
  FILE* written = std::fopen(file.c_str(), "r");
  ASSERT_NE(written, nullptr);
  ASSERT_NE(std::fgets(line, sizeof line, written), nullptr);
  std::fclose(written);
  EXPECT_EQ(std::string(line), hosts);
  EXPECT_EQ(std::count(hosts.begin(), hosts.end(), ','), 1) << hosts;
  close(in[1]);  // end of file on the server's stdin
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(std::fopen(file.c_str(), "r"), nullptr) << "the hosts file outlived the server";
  std::fclose(f);
}

TEST(Binary, RejectsBadFlags) {
  for (const char* bad : {"--nodes=9", "--nodes"}) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      const int null = open("/dev/null", O_WRONLY);
      dup2(null, STDERR_FILENO);
      dup2(null, STDOUT_FILENO);
      if (std::string(bad) == "--nodes") {
        execl(g_binary.c_str(), g_binary.c_str(), "--nodes", "9", static_cast<char*>(nullptr));
      } else {
        execl(g_binary.c_str(), g_binary.c_str(), bad, static_cast<char*>(nullptr));
      }
      _exit(127);
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 2) << bad;
  }
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc > 1) {
    const char* srcdir = std::getenv("TEST_SRCDIR");
    const char* workspace = std::getenv("TEST_WORKSPACE");
    g_binary = std::string(argv[1]);
    if (srcdir && g_binary[0] != '/') {
      g_binary = std::string(srcdir) + "/" + (workspace ? workspace : "") + "/" + g_binary;
    }
  }
  return RUN_ALL_TESTS();
}
