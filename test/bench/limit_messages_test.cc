// bench/limit sends byte for byte what aerobench sends through the client: a recording
// proxy between the client and a 1-node test cluster captures the client's get and put
// frames, which must equal LimitMessages' frames for the same key.
#include "bench/limit/aerospike_limit_messages.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "bench/tool/object_spec.h"
#include "bench/tool/target.h"
#include "client/client.h"
#include "test/server/cluster.h"

namespace aero::bench {
namespace {

// Forwards loopback connections to `upstream_port`, keeping every byte clients send.
class RecordingProxy {
 public:
  explicit RecordingProxy(std::uint16_t upstream_port) : upstream_(upstream_port) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(::listen(listener_, 64), 0);
    socklen_t len = sizeof a;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~RecordingProxy() {
    stop_ = true;
    acceptor_.join();
    for (auto& t : pumps_) t.join();
    ::close(listener_);
  }
  std::uint16_t port() const { return port_; }

  // Every complete type-3 (message) frame any client sent, in arrival order per connection.
  std::vector<std::vector<std::uint8_t>> message_frames() {
    std::lock_guard<std::mutex> g(m_);
    std::vector<std::vector<std::uint8_t>> frames;
    for (const auto& stream : sent_) {
      std::size_t at = 0;
      while (at + 8 <= stream.size()) {
        std::uint64_t size = 0;
        for (int i = 2; i < 8; ++i) size = (size << 8) | stream[at + static_cast<std::size_t>(i)];
        if (at + 8 + size > stream.size()) break;
        if (stream[at + 1] == 3) frames.emplace_back(stream.begin() + static_cast<long>(at), stream.begin() + static_cast<long>(at + 8 + size));
        at += 8 + size;
      }
    }
    return frames;
  }

 private:
  void accept_loop() {
    while (!stop_) {
      pollfd p{listener_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int down = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (down < 0) continue;
      const int up = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(upstream_);
      if (::connect(up, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(down);
        ::close(up);
        continue;
      }
      std::size_t index;
      {
        std::lock_guard<std::mutex> g(m_);
        index = sent_.size();
        sent_.emplace_back();
      }
      pumps_.emplace_back([this, down, up, index] { pump(down, up, index); });
    }
  }
  void pump(int down, int up, std::size_t index) {
    std::uint8_t buf[65536];
    while (!stop_) {
      pollfd p[2] = {{down, POLLIN, 0}, {up, POLLIN, 0}};
      if (::poll(p, 2, 50) <= 0) continue;
      bool closed = false;
      for (int i = 0; i < 2 && !closed; ++i) {
        if ((p[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
        const ssize_t n = ::recv(p[i].fd, buf, sizeof buf, 0);
        if (n <= 0) {
          closed = true;
          break;
        }
        if (i == 0) {
          std::lock_guard<std::mutex> g(m_);
          sent_[index].insert(sent_[index].end(), buf, buf + n);
        }
        const int to = i == 0 ? up : down;
        for (ssize_t off = 0; off < n;) {
          const ssize_t w = ::send(to, buf + off, static_cast<std::size_t>(n - off), MSG_NOSIGNAL);
          if (w <= 0) {
            closed = true;
            break;
          }
          off += w;
        }
      }
      if (closed) break;
    }
    ::close(down);
    ::close(up);
  }

  std::uint16_t upstream_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::vector<std::thread> pumps_;  // touched by the acceptor thread only, joined after it
  std::mutex m_;
  std::vector<std::vector<std::uint8_t>> sent_;
};

TEST(LimitMessages, SameBytesAsTheClient) {
  testserver::Cluster cluster(testserver::ClusterOptions{.nodes = 1});
  std::string error;
  ASSERT_TRUE(cluster.start(&error)) << error;
  RecordingProxy proxy(cluster.seed_port());
  ClientConfig config;
  config.seeds = {{"127.0.0.1", proxy.port()}};
  auto connected = Client::connect(config);
  ASSERT_TRUE(connected.ok()) << connected.status().to_string();
  std::unique_ptr<Client> client = std::move(connected).value();

  std::vector<BinSpec> spec;
  ASSERT_TRUE(parse_object_spec("S100", &spec, &error)) << error;
  const std::vector<Bin> bins = fixed_bins(spec, "testbin", 1);
  for (const int timeout_ms : {1000, 250}) {
    SCOPED_TRACE(timeout_ms);
    ClientTarget target(*client, timeout_ms);  // what aerobench sends through
    constexpr std::int64_t kKey = 4242;
    std::promise<int> put_done, get_done;
    target.put(Key("test", "testset", kKey), bins, [&](Result<void> r) { put_done.set_value(r.code()); });
    ASSERT_EQ(put_done.get_future().get(), 0);
    target.get(Key("test", "testset", kKey),
               [&](Result<RecordView> r) { get_done.set_value(r.code()); });
    ASSERT_EQ(get_done.get_future().get(), 0);

    LimitMessages limit("test", "testset", bins, timeout_ms);
    wire::Buffer put_bytes, get_bytes;
    ASSERT_TRUE(limit.encode_put(put_bytes, kKey));
    ASSERT_TRUE(limit.encode_get(get_bytes, kKey));
    const std::vector<std::uint8_t> want_put(put_bytes.data(), put_bytes.data() + put_bytes.size());
    const std::vector<std::uint8_t> want_get(get_bytes.data(), get_bytes.data() + get_bytes.size());
    bool saw_put = false, saw_get = false;
    for (const auto& f : proxy.message_frames()) {
      saw_put = saw_put || f == want_put;
      saw_get = saw_get || f == want_get;
    }
    EXPECT_TRUE(saw_put) << "the client's put differs from the limit's";
    EXPECT_TRUE(saw_get) << "the client's get differs from the limit's";
  }
  client->close();
}

TEST(LimitMessages, ResultCodeOfAResponse) {
  std::vector<std::uint8_t> frame(8 + 22, 0);
  frame[8 + 5] = 2;
  EXPECT_EQ(response_result_code(frame), 2);
  frame.resize(20);
  EXPECT_EQ(response_result_code(frame), -1);
}

}  // namespace
}  // namespace aero::bench
