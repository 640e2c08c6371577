#include "client/auth/auth_loop.h"

#include <string>
#include <vector>

#include "client/wire/admin.h"
#include "client/wire/frame.h"
#include "client/wire/result_code.h"

namespace aero::auth {

namespace {

constexpr std::size_t kHeader = 8;
constexpr std::uint64_t kMaxAnswer = 64 * 1024;  // a login answer is a few dozen bytes

class AuthCategory : public std::error_category {
 public:
  const char* name() const noexcept override { return "aerospike.auth"; }
  std::string message(int code) const override {
    return std::string(wire::result_code_name(static_cast<wire::ResultCode>(code))) + " (" +
           std::to_string(code) + "): " +
           std::string(wire::result_code_message(static_cast<wire::ResultCode>(code)));
  }
};

// One connection's handshake: write the admin request, read the answer, maybe log in after
// a refused token. Deletes itself after calling the handler; at most one inner operation is
// pending at a time, and the handler runs only from an inner completion.
class Handshake {
 public:
  Handshake(io::Loop& loop, std::shared_ptr<Session> session, const io::Endpoint& to,
            io::TimePoint deadline, io::ConnectHandler handler)
      : loop_(loop), owner_(std::move(session)), session_(*owner_), to_(to), deadline_(deadline),
        handler_(std::move(handler)) {
    timer_.set_handler([this] {
      timed_out_ = true;
      loop_.close(socket_);  // the pending read or write completes with operation_canceled
      socket_ = {};
    });
  }

  void start(io::SocketId s) {
    socket_ = s;
    loop_.start_timer(timer_, deadline_);
    if (auto t = session_.token(to_, loop_.now())) {
      if (t->value.empty()) return finish({});  // the server has no security
      token_ = t->value;
      authenticating_ = true;
      const Credentials& c = session_.credentials();
      send(wire::admin::encode_authenticate(c.mode == AuthMode::pki ? "" : c.user, token_));
    } else {
      login();
    }
  }

  void fail_connect(std::error_code ec) {
    handler_(ec, io::SocketId{});
    delete this;
  }

 private:
  void login() {
    authenticating_ = false;
    const Credentials& c = session_.credentials();
    if (c.mode == AuthMode::pki) {
      send(wire::admin::encode_login("", "", ""));
    } else {
      const bool external = c.mode == AuthMode::external || c.mode == AuthMode::external_insecure;
      send(wire::admin::encode_login(c.user, c.credential, external ? c.clear_password : ""));
    }
  }

  void send(std::vector<std::uint8_t> bytes) {
    out_ = std::move(bytes);
    buffer_ = {out_.data(), out_.size()};
    loop_.write(socket_, std::span<const io::ConstBuffer>(&buffer_, 1),
                [this](std::error_code ec, std::size_t) {
                  if (ec) return finish(ec);
                  filled_ = 0;
                  in_.resize(256);
                  read(kHeader);
                });
  }

  void read(std::size_t min) {
    if (in_.size() - filled_ < min) in_.resize(filled_ + min);
    loop_.read(socket_, io::MutableBuffer{in_.data() + filled_, in_.size() - filled_}, min,
               [this](std::error_code ec, std::size_t n) {
                 if (ec) return finish(ec);
                 filled_ += n;
                 on_data();
               });
  }

  void on_data() {
    if (filled_ < kHeader) return read(kHeader - filled_);
    auto h = wire::parse_proto_header({in_.data(), kHeader}, wire::ExpectedFrame::kAdmin, kMaxAnswer);
    if (!h.ok()) return finish(std::make_error_code(std::errc::protocol_error));
    const std::size_t need = kHeader + h->body_size;
    if (filled_ < need) return read(need - filled_);
    if (filled_ != need) return finish(std::make_error_code(std::errc::protocol_error));
    std::span<const std::uint8_t> body{in_.data() + kHeader, h->body_size};
    if (authenticating_) {
      auto r = wire::admin::header_result(body);
      if (!r.ok()) return finish(std::make_error_code(std::errc::protocol_error));
      if (*r == 0 || *r == wire::admin::kResultSecurityNotEnabled) {
        session_.count_authentication();
        return finish({});
      }
      if (*r == 65 || *r == 66) {  // invalid credential, expired session: log in again here
        session_.forget(to_, token_);
        session_.count_renewal();
        return login();
      }
      return finish(std::error_code(*r, auth_category()));
    }
    auto a = wire::admin::parse_login_answer(body);
    if (!a.ok()) return finish(std::make_error_code(std::errc::protocol_error));
    if (a->result == wire::admin::kResultSecurityNotEnabled) {
      session_.store(to_, std::string(), 0, loop_.now());
      return finish({});
    }
    if (a->result != 0) return finish(std::error_code(a->result, auth_category()));
    session_.store(to_, std::move(a->token), a->ttl_seconds, loop_.now());
    session_.count_login();
    finish({});
  }

  void finish(std::error_code ec) {
    if (timer_.armed()) loop_.cancel_timer(timer_);
    if (timed_out_) ec = std::make_error_code(std::errc::timed_out);
    if (ec && socket_) {
      loop_.close(socket_);
      socket_ = {};
    }
    io::ConnectHandler h = std::move(handler_);
    io::SocketId s = ec ? io::SocketId{} : socket_;
    delete this;
    h(ec, s);
  }

  io::Loop& loop_;
  std::shared_ptr<Session> owner_;  // the handshake may outlive the client on a user's loop
  Session& session_;
  io::Endpoint to_;
  io::TimePoint deadline_;
  io::ConnectHandler handler_;
  io::Timer timer_;
  io::SocketId socket_;
  std::string token_;
  bool authenticating_ = false;
  bool timed_out_ = false;
  std::vector<std::uint8_t> out_;
  io::ConstBuffer buffer_{nullptr, 0};
  std::vector<std::uint8_t> in_;
  std::size_t filled_ = 0;
};

}  // namespace

const std::error_category& auth_category() noexcept {
  static const AuthCategory c;
  return c;
}

io::SocketId AuthLoop::connect(const io::Endpoint& to, io::TimePoint deadline,
                               io::ConnectHandler handler) {
  io::TimePoint auth_deadline = deadline;
  if (auth_deadline == io::TimePoint{}) auth_deadline = inner_.now() + login_timeout_;
  auto* hs = new Handshake(inner_, session_, to, auth_deadline, std::move(handler));
  return inner_.connect(to, deadline, [hs](std::error_code ec, io::SocketId s) {
    if (ec) return hs->fail_connect(ec);
    hs->start(s);
  });
}

}  // namespace aero::auth
