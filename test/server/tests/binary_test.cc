// The aerospike_test_server binary: starts with flags, prints its nodes, serves, and exits
// cleanly on SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

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
  char line[256];
  bool ready = false;
  while (!ready && std::fgets(line, sizeof line, f) != nullptr) {
    std::string s(line);
    if (s == "ready\n") {
      ready = true;
      break;
    }
    std::istringstream in(s);
    std::string word, id, address;
    size_t index;
    in >> word >> index >> id >> address;
    ASSERT_EQ(word, "node") << s;
    nodes.emplace_back(id, uint16_t(std::stoi(address.substr(address.find(':') + 1))));
  }
  ASSERT_TRUE(ready);
  ASSERT_EQ(nodes.size(), 3u);
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
