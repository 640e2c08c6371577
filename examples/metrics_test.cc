// Runs examples/metrics (embedded cluster), scrapes its /metrics with a plain blocking socket
// while the load runs and after it, parses the Prometheus text and checks: numbers from the
// first scrape on, counters never going down, histogram counts equal to command counts, and
// after "Load done" the counts equal the example's own ledger exactly. Linux only (popen,
// POSIX sockets, the embedded cluster).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string g_binary;  // argv[1]: the example (BUILD passes $(location :metrics))

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// "name{a="x",b="y"} value" lines (comments skipped). Fails the test on a malformed line.
std::vector<Sample> parse_prometheus(const std::string& text) {
  std::vector<Sample> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    Sample s;
    const std::size_t space = line.rfind(' ');
    EXPECT_NE(space, std::string::npos) << line;
    if (space == std::string::npos) continue;
    s.value = std::stod(line.substr(space + 1));
    std::string series = line.substr(0, space);
    const std::size_t brace = series.find('{');
    s.name = series.substr(0, brace);
    if (brace != std::string::npos) {
      EXPECT_EQ(series.back(), '}') << line;
      std::size_t at = brace + 1;
      while (at < series.size() - 1) {
        const std::size_t eq = series.find("=\"", at);
        EXPECT_NE(eq, std::string::npos) << line;
        if (eq == std::string::npos) break;
        std::string value;
        std::size_t i = eq + 2;
        for (; i < series.size() && series[i] != '"'; ++i) {
          if (series[i] == '\\' && i + 1 < series.size()) ++i;
          value += series[i];
        }
        s.labels[series.substr(at, eq - at)] = value;
        at = i + 2;  // past the quote and the comma
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

// Sum of `name` over the samples whose labels include every pair of `match`.
double sum(const std::vector<Sample>& samples, const std::string& name,
           const std::map<std::string, std::string>& match = {}) {
  double total = 0;
  for (const Sample& s : samples) {
    if (s.name != name) continue;
    bool ok = true;
    for (const auto& [k, v] : match) {
      auto it = s.labels.find(k);
      ok = ok && it != s.labels.end() && it->second == v;
    }
    if (ok) total += s.value;
  }
  return total;
}

std::string series_key(const Sample& s) {
  std::string k = s.name;
  for (const auto& [a, b] : s.labels) k += "|" + a + "=" + b;
  return k;
}

// One HTTP/1.0 exchange on a plain blocking socket (bounded by socket timeouts).
std::string http_get(std::uint16_t port, const std::string& path) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{20, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
      char buffer[65536];
      ssize_t n;
      while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) response.append(buffer, n);
    }
  }
  ::close(fd);
  return response;
}

// The body of a 200 answer to GET /metrics, parsed.
std::vector<Sample> scrape(std::uint16_t port) {
  const std::string response = http_get(port, "/metrics");
  EXPECT_EQ(response.rfind("HTTP/1.0 200 OK\r\n", 0), 0u) << response.substr(0, 200);
  EXPECT_NE(response.find("Content-Type: text/plain; version=0.0.4\r\n"), std::string::npos);
  const std::size_t body = response.find("\r\n\r\n");
  EXPECT_NE(body, std::string::npos);
  if (body == std::string::npos) return {};
  const std::string text = response.substr(body + 4);
  const std::size_t length = response.find("Content-Length: ");
  EXPECT_EQ(std::stoul(response.substr(length + 16)), text.size());
  return parse_prometheus(text);
}

// Per node and kind: the commands_total results add up to the histogram's count, and the
// +Inf bucket holds every command.
void expect_histograms_match_counts(const std::vector<Sample>& samples) {
  int series = 0;
  for (const Sample& s : samples) {
    if (s.name != "aerospike_client_latency_seconds_count") continue;
    ++series;
    std::map<std::string, std::string> match = s.labels;
    EXPECT_EQ(sum(samples, "aerospike_client_commands_total", match), s.value) << match["kind"];
    match["le"] = "+Inf";
    EXPECT_EQ(sum(samples, "aerospike_client_latency_seconds_bucket", match), s.value);
  }
  EXPECT_GT(series, 0);
}

std::string read_line(FILE* f) {
  char buffer[512];
  if (std::fgets(buffer, sizeof buffer, f) == nullptr) return {};
  return buffer;
}

TEST(MetricsExample, ServesPrometheusTextThatMatchesItsLedger) {
  ASSERT_FALSE(g_binary.empty()) << "usage: metrics_test BINARY";
  FILE* out = ::popen((g_binary + " --scrapes 3 --seconds 60").c_str(), "r");
  ASSERT_NE(out, nullptr);
  std::string line;
  unsigned port = 0;
  while (!(line = read_line(out)).empty()) {
    if (std::sscanf(line.c_str(), "Serving http://127.0.0.1:%u/metrics", &port) == 1) break;
  }
  ASSERT_NE(port, 0u) << "no 'Serving' line";
  const auto p = static_cast<std::uint16_t>(port);

  // Not a scrape: answered 404, not counted.
  EXPECT_EQ(http_get(p, "/nothing").rfind("HTTP/1.0 404 Not Found\r\n", 0), 0u);

  // 1 and 2: during the load.
  const std::vector<Sample> first = scrape(p);
  EXPECT_GT(sum(first, "aerospike_client_commands_total", {{"kind", "write"}, {"result", "ok"}}),
            0);
  EXPECT_GT(sum(first, "aerospike_client_connections_opened_total"), 0);
  EXPECT_GT(sum(first, "aerospike_client_tends_total"), 0);
  const std::vector<Sample> second = scrape(p);
  std::map<std::string, double> before;
  for (const Sample& s : first) before[series_key(s)] = s.value;
  int compared = 0;
  for (const Sample& s : second) {
    const bool counter =
        s.name.ends_with("_total") || s.name.ends_with("_count") || s.name.ends_with("_bucket");
    auto it = before.find(series_key(s));
    if (!counter || it == before.end()) continue;
    EXPECT_GE(s.value, it->second) << series_key(s) << " went down";
    ++compared;
  }
  EXPECT_GT(compared, 10);

  // The ledger, once the load has drained; then 3: exactly those numbers.
  long writes = -1, found = -1, not_found = -1, other = -1;
  while (!(line = read_line(out)).empty()) {
    if (std::sscanf(line.c_str(),
                    "Load done: writes %ld, found %ld, not found %ld, other errors %ld", &writes,
                    &found, &not_found, &other) == 4) {
      break;
    }
  }
  ASSERT_GE(writes, 200) << "no 'Load done' line";
  EXPECT_EQ(other, 0);
  const std::vector<Sample> third = scrape(p);
  EXPECT_EQ(sum(third, "aerospike_client_commands_total", {{"kind", "write"}, {"result", "ok"}}),
            writes);
  EXPECT_EQ(sum(third, "aerospike_client_commands_total", {{"kind", "write"}}), writes);
  EXPECT_EQ(sum(third, "aerospike_client_commands_total", {{"kind", "read"}, {"result", "ok"}}),
            found);
  EXPECT_EQ(sum(third, "aerospike_client_commands_total", {{"kind", "read"}, {"result", "2"}}),
            not_found);
  EXPECT_GT(found, 0);
  EXPECT_GT(not_found, 0);
  expect_histograms_match_counts(third);
  EXPECT_EQ(sum(third, "aerospike_client_loop_in_process"), 0);

  std::string rest;
  while (!(line = read_line(out)).empty()) rest += line;
  const int status = ::pclose(out);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
  EXPECT_NE(rest.find("Served 3 scrapes"), std::string::npos) << rest;
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc >= 2) g_binary = argv[1];
  return RUN_ALL_TESTS();
}
