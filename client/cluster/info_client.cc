#include "client/cluster/info_client.h"

#include <condition_variable>
#include <mutex>

#include "client/auth/auth_loop.h"
#include "client/wire/buffer.h"
#include "client/wire/info.h"
#include "client/wire/frame.h"
#include "io/loop_thread.h"

namespace aero::cluster {

namespace {

// The C client's limit for tend answers (as_node.c): a larger answer is a protocol error.
constexpr std::size_t kMaxInfoAnswer = 512 * 1024;

class Latch {
 public:
  explicit Latch(std::size_t n) : n_(n) {}
  void count_down() {
    std::lock_guard<std::mutex> g(m_);
    if (--n_ == 0) cv_.notify_all();
  }
  void wait() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return n_ == 0; });
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::size_t n_;
};

// One exchange on the info loop: [connect,] write the request, read the answer. Every path
// ends in exactly one finish(); the object deletes itself when no I/O is pending.
class Exchange {
 public:
  Exchange(io::Loop& loop, InfoCall& call, Latch& latch, std::chrono::milliseconds timeout)
      : loop_(loop), call_(call), latch_(latch), timeout_(timeout) {
    timer_.set_handler([this] { on_timeout(); });
  }

  void start() {
    deadline_ = loop_.now() + timeout_;
    if (call_.connection->socket) {
      send();
      return;
    }
    ++pending_;
    loop_.connect(call_.address, deadline_, [this](std::error_code ec, io::SocketId s) {
      --pending_;
      if (ec.category() == auth::auth_category()) {
        // The server refused the login (wrong password, unknown user, ...): its own code.
        finish(Status(ec.value(), "login to " + call_.address.to_string() + " refused: " + ec.message()));
        return;
      }
      if (ec) {
        finish(Status(ClientCode::connection_failed,
                      "info connect to " + call_.address.to_string() + " failed: " + ec.message()));
        return;
      }
      call_.connection->socket = s;
      send();
    });
  }

 private:
  void send() {
    std::vector<std::string_view> commands;
    std::string_view rest = call_.request;
    while (!rest.empty()) {
      std::size_t nl = rest.find('\n');
      commands.push_back(rest.substr(0, nl));
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
    if (!wire::encode_info_request(out_, commands).ok()) {
      finish(Status(ClientCode::invalid_argument, "bad info request"));
      return;
    }
    loop_.start_timer(timer_, deadline_);
    buffer_ = {out_.data(), out_.size()};
    ++pending_;
    loop_.write(call_.connection->socket, std::span<const io::ConstBuffer>(&buffer_, 1),
                [this](std::error_code ec, std::size_t) {
                  --pending_;
                  if (ec) return fail_io("write", ec);
                  in_.resize(4096);
                  read(wire::kProtoHeaderSize);
                });
  }

  void read(std::size_t min_bytes) {
    if (in_.size() - filled_ < min_bytes) in_.resize(filled_ + min_bytes);
    ++pending_;
    loop_.read(call_.connection->socket, io::MutableBuffer{in_.data() + filled_, in_.size() - filled_},
               min_bytes, [this](std::error_code ec, std::size_t n) {
                 --pending_;
                 if (ec) return fail_io("read", ec);
                 filled_ += n;
                 on_data();
               });
  }

  void on_data() {
    if (filled_ < wire::kProtoHeaderSize) return read(wire::kProtoHeaderSize - filled_);
    auto header = wire::parse_proto_header({in_.data(), wire::kProtoHeaderSize},
                                           wire::ExpectedFrame::kInfo, kMaxInfoAnswer);
    if (!header.ok()) {
      close_connection();
      finish(Status(ClientCode::bad_response, "bad info answer from " +
                                                  call_.address.to_string() + ": " +
                                                  header.status().message()));
      return;
    }
    std::size_t need = wire::kProtoHeaderSize + header->body_size;
    if (filled_ < need) return read(need - filled_);
    if (filled_ != need) {
      close_connection();
      finish(Status(ClientCode::bad_response,
                    "info answer from " + call_.address.to_string() + " has trailing bytes"));
      return;
    }
    finish(std::string(reinterpret_cast<const char*>(in_.data()) + wire::kProtoHeaderSize,
                       header->body_size));
  }

  void fail_io(const char* what, std::error_code ec) {
    close_connection();
    if (timed_out_) {
      finish(Status(result::timeout, std::string("info ") + what + " to " +
                                         call_.address.to_string() + " timed out"));
    } else {
      finish(Status(ClientCode::connection_failed, std::string("info ") + what + " to " +
                                                       call_.address.to_string() +
                                                       " failed: " + ec.message()));
    }
  }

  void on_timeout() {
    timed_out_ = true;
    // Closing completes the pending read or write with operation_canceled: fail_io reports.
    close_connection();
  }

  void close_connection() {
    if (call_.connection->socket) {
      loop_.close(call_.connection->socket);
      call_.connection->socket = {};
    }
  }

  void finish(Result<std::string> answer) {
    if (timer_.armed()) loop_.cancel_timer(timer_);
    if (!finished_) {
      finished_ = true;
      call_.answer = std::move(answer);
      latch_.count_down();
    }
    if (pending_ == 0) delete this;
  }

  io::Loop& loop_;
  InfoCall& call_;
  Latch& latch_;
  std::chrono::milliseconds timeout_;
  io::TimePoint deadline_{};
  io::Timer timer_;
  wire::Buffer out_;
  wire::Buffer in_;
  io::ConstBuffer buffer_{nullptr, 0};
  std::size_t filled_ = 0;
  int pending_ = 0;
  bool finished_ = false;
  bool timed_out_ = false;
};

}  // namespace

InfoClient::InfoClient(std::chrono::milliseconds timeout, std::unique_ptr<io::Loop> loop,
                       std::shared_ptr<auth::Session> session)
    : timeout_(timeout), thread_(std::make_unique<io::LoopThread>(std::move(loop))) {
  io_ = &thread_->loop();
  if (session) {
    auth_ = std::make_unique<auth::AuthLoop>(thread_->loop(), std::move(session), timeout);
    io_ = auth_.get();
  }
}

InfoClient::~InfoClient() { thread_->stop(); }

io::Loop& InfoClient::loop() { return *io_; }

void InfoClient::call_all(std::vector<InfoCall*>& calls) {
  if (calls.empty()) return;
  Latch latch(calls.size());
  for (InfoCall* c : calls) {
    bool posted = loop().post([this, c, &latch] {
      (new Exchange(loop(), *c, latch, timeout_))->start();
    });
    if (!posted) {
      c->answer = Status(ClientCode::client_closed, "the info loop is stopped");
      latch.count_down();
    }
  }
  latch.wait();
}

Result<std::string> InfoClient::call(InfoConnection& conn, const io::Endpoint& address,
                                     std::string request) {
  InfoCall c{&conn, address, std::move(request)};
  std::vector<InfoCall*> calls{&c};
  call_all(calls);
  return std::move(c.answer);
}

void InfoClient::close(InfoConnection& conn) {
  if (!conn.socket) return;
  Latch latch(1);
  bool posted = loop().post([this, &conn, &latch] {
    loop().close(conn.socket);
    conn.socket = {};
    latch.count_down();
  });
  if (posted) latch.wait();
}

}  // namespace aero::cluster
