// Metrics example: serves the client's metrics as Prometheus text on
// http://127.0.0.1:PORT/metrics while a small load of puts and gets runs, over the project's
// own event loop (io::Loop: listen, accept, read one GET, write one HTTP/1.0 answer, close;
// no HTTP library). It stops by itself: the load ends after `--scrapes` - 1 answered scrapes
// of /metrics (or after --seconds), the program after the last scrape (or --seconds).
//
//   bazel run //examples:metrics                              # embedded 3-node test cluster
//   bazel run //examples:metrics -- --port 9145 --seconds 60  # curl 127.0.0.1:9145/metrics
//   bazel run //examples:metrics -- --hosts 10.0.0.1:3000
//
// It prints "Serving http://127.0.0.1:PORT/metrics" once it listens (after a warm-up, so the
// first scrape already has numbers) and "Load done: writes W, found F, not found N, other
// errors E" once the load has drained: scrapes after that line show exactly those counts.
// examples/metrics_test.cc runs it and checks so.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "client/aerospike.h"
#include "client/metrics/export.h"
#include "examples/tutorial_setup.h"
#include "io/loop_thread.h"

namespace {

using namespace std::chrono_literals;

constexpr int kWrittenKeys = 200;  // the load reads keys [0, 400): half are never written

aero::Key key_of(int i) {
  return aero::Key("test", "metrics_example", static_cast<std::int64_t>(i));
}

// A tiny HTTP/1.0 server on an io::Loop: GET /metrics answers the client's metrics as
// Prometheus text, anything else 404. One request per connection. start() and the handlers
// run on the loop thread; served() and wait_for_scrapes() on any thread.
class MetricsEndpoint {
 public:
  MetricsEndpoint(aero::io::Loop& loop, aero::Client& client) : loop_(loop), client_(client) {}

  // Loop thread: listens on 127.0.0.1:`port` (0: any free port) and starts accepting.
  aero::io::ListenResult start(std::uint16_t port) {
    aero::io::ListenResult l = loop_.listen(aero::io::Endpoint::loopback_v4(port), 64);
    if (!l.error) {
      listener_ = l.socket;
      accept_next();
    }
    return l;
  }

  int served() const { return scrapes_.load(); }

  // Any thread: waits until `n` scrapes of /metrics were answered, or `until`.
  bool wait_for_scrapes(int n, std::chrono::steady_clock::time_point until) {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, until, [&] { return scrapes_.load() >= n; });
  }

 private:
  struct Connection {
    aero::io::SocketId id;
    char request[4096];
    std::size_t received = 0;
    std::string answer;
    aero::io::ConstBuffer out[1];
    bool metrics = false;
  };

  void accept_next() {
    loop_.accept(listener_, [this](std::error_code ec, aero::io::SocketId socket) {
      if (ec == std::errc::operation_canceled) return;  // the loop is stopping
      if (ec) {
        std::fprintf(stderr, "accept failed: %s\n", ec.message().c_str());
        return;  // e.g. out of descriptors: this small server gives up
      }
      auto c = std::make_unique<Connection>();
      c->id = socket;
      Connection* raw = c.get();
      connections_.emplace(socket.value, std::move(c));
      read_more(raw);
      accept_next();
    });
  }

  // Reads until the end of the request head (an empty line).
  void read_more(Connection* c) {
    loop_.read(c->id, {c->request + c->received, sizeof c->request - c->received}, 1,
               [this, c](std::error_code ec, std::size_t n) {
                 if (ec) return finish(c);  // the peer went away, or the loop stops
                 c->received += n;
                 const std::string_view head(c->request, c->received);
                 if (head.find("\r\n\r\n") != std::string_view::npos ||
                     head.find("\n\n") != std::string_view::npos) {
                   return answer(c, head);
                 }
                 if (c->received == sizeof c->request) return answer(c, {});  // too long
                 read_more(c);
               });
  }

  void answer(Connection* c, std::string_view head) {
    std::string status = "404 Not Found", type = "text/plain", body = "not found\n";
    if (head.rfind("GET /metrics ", 0) == 0) {
      status = "200 OK";
      type = "text/plain; version=0.0.4";  // the Prometheus text exposition format
      body = aero::metrics::to_prometheus(client_.metrics());
      c->metrics = true;
    } else if (head.empty()) {
      status = "431 Request Header Fields Too Large";
      body = "request too large\n";
    }
    c->answer = "HTTP/1.0 " + status + "\r\nContent-Type: " + type +
                "\r\nContent-Length: " + std::to_string(body.size()) +
                "\r\nConnection: close\r\n\r\n" + body;
    c->out[0] = {c->answer.data(), c->answer.size()};
    loop_.write(c->id, c->out, [this, c](std::error_code ec, std::size_t) {
      if (!ec && c->metrics) {
        {
          std::lock_guard lock(mutex_);
          scrapes_.fetch_add(1);
        }
        changed_.notify_all();
      }
      finish(c);
    });
  }

  void finish(Connection* c) {
    loop_.close(c->id);
    connections_.erase(c->id.value);
  }

  aero::io::Loop& loop_;
  aero::Client& client_;
  aero::io::SocketId listener_;
  std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> connections_;  // loop thread
  std::atomic<int> scrapes_{0};
  std::mutex mutex_;
  std::condition_variable changed_;
};

// Keeps `in_flight` commands going (a put, then a get of a key that may be missing) until
// stop(); counts outcomes: the ledger the metrics must match.
class Load {
 public:
  explicit Load(aero::Client& client) : client_(client) {}

  void start(int in_flight) {
    for (int i = 0; i < in_flight; ++i) {
      in_flight_.fetch_add(1);
      next();
    }
  }

  // Stops issuing and waits until every command in flight completed.
  void stop() {
    stopping_.store(true);
    drained_.get_future().wait();
  }

  std::atomic<long> writes{0}, found{0}, not_found{0}, other{0};

 private:
  void next() {
    const int i = counter_.fetch_add(1);
    if (i % 2 == 0) {
      client_.put(key_of(i / 2 % kWrittenKeys), {{"i", i}}, [this](aero::Result<void> r) {
        (r.ok() ? writes : other).fetch_add(1);
        done();
      });
    } else {
      const int n = i / 2;  // every other get asks for a key that was never written
      client_.get(key_of(n % kWrittenKeys + (n % 2) * kWrittenKeys),
                  [this](aero::Result<aero::Record> r) {
                    if (r.ok()) {
                      found.fetch_add(1);
                    } else if (r.code() == aero::result::record_not_found) {
                      not_found.fetch_add(1);
                    } else {
                      other.fetch_add(1);
                    }
                    done();
                  });
    }
  }

  // A completion: the next command keeps the window full, unless stopping. The count
  // reaches zero only once, after stop(): each completion issues its successor first.
  void done() {
    if (!stopping_.load()) {
      in_flight_.fetch_add(1);
      next();
    }
    if (in_flight_.fetch_sub(1) == 1) drained_.set_value();
  }

  aero::Client& client_;
  std::atomic<int> counter_{0};
  std::atomic<int> in_flight_{0};
  std::atomic<bool> stopping_{false};
  std::promise<void> drained_;
};

struct Flags {
  std::string hosts;
  std::uint16_t port = 0;
  int seconds = 30;
  int scrapes = 3;
};

Flags parse(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (i + 1 >= argc ||
        (a != "--hosts" && a != "--port" && a != "--seconds" && a != "--scrapes")) {
      std::fprintf(stderr,
                   "usage: %s [--hosts HOST:PORT,...] [--port N] [--seconds N] [--scrapes N]\n",
                   argv[0]);
      std::exit(2);
    }
    const char* v = argv[++i];
    if (a == "--hosts") f.hosts = v;
    if (a == "--port") f.port = static_cast<std::uint16_t>(std::atoi(v));
    if (a == "--seconds") f.seconds = std::atoi(v);
    if (a == "--scrapes") f.scrapes = std::atoi(v);
  }
  if (f.seconds < 1 || f.scrapes < 1) {
    std::fprintf(stderr, "--seconds and --scrapes must be at least 1\n");
    std::exit(2);
  }
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  const Flags flags = parse(argc, argv);
  tutorial::Options options;
  options.hosts = flags.hosts;
  tutorial::Target target = tutorial::target(options);
  aero::ClientConfig config;
  config.seeds = target.seeds;
  config.enable_metrics = true;
  auto connected = aero::Client::connect(config);
  if (!connected.ok()) {
    std::fprintf(stderr, "connect failed: %s\n", connected.status().to_string().c_str());
    return 1;
  }
  std::unique_ptr<aero::Client> client = std::move(connected).value();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(flags.seconds);

  // Warm-up: the keys the load reads back exist, and the first scrape has numbers.
  Load load(*client);
  for (int i = 0; i < kWrittenKeys; ++i) {
    if (auto r = client->put(key_of(i), {{"i", i}}).get(); !r.ok()) {
      std::fprintf(stderr, "warm-up put failed: %s\n", r.status().to_string().c_str());
      return 1;
    }
    load.writes.fetch_add(1);
  }

  // The endpoint's own loop, on its own thread; the listener is set up there.
  aero::io::LoopThread server_thread;
  MetricsEndpoint endpoint(server_thread.loop(), *client);
  std::promise<aero::io::ListenResult> listening;
  server_thread.loop().post([&] { listening.set_value(endpoint.start(flags.port)); });
  const aero::io::ListenResult l = listening.get_future().get();
  if (l.error) {
    std::fprintf(stderr, "listen on 127.0.0.1:%u failed: %s\n", flags.port,
                 l.error.message().c_str());
    return 1;
  }
  std::printf("Serving http://%s/metrics\n", l.local.to_string().c_str());
  std::fflush(stdout);

  load.start(16);
  endpoint.wait_for_scrapes(flags.scrapes - 1, deadline);
  load.stop();
  std::printf("Load done: writes %ld, found %ld, not found %ld, other errors %ld\n",
              load.writes.load(), load.found.load(), load.not_found.load(), load.other.load());
  std::fflush(stdout);
  endpoint.wait_for_scrapes(flags.scrapes, deadline);
  server_thread.stop();  // pending accepts and reads complete as cancelled
  std::printf("Served %d scrapes\n", endpoint.served());
  return load.other.load() == 0 ? 0 : 1;
}
