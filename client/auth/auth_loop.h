// AuthLoop: an io::Loop decorator that authenticates every new connection before handing it
// over, so commands, drains and the tender need no change to run against a cluster with
// security enabled.
//
//   connect(to) -> inner connect [-> TLS, when the inner loop is a TLS decorator]
//               -> AUTHENTICATE(user, token)       when the Session has a fresh token
//                  or LOGIN(user, credential)      otherwise, storing the new token
//               -> the caller's connect handler
//
// An AUTHENTICATE refused as expired or invalid (66, 65) logs in on the same connection, so a
// session that expired on the server never fails a command. Any other refusal fails the
// connect with an error_code in auth_category() whose value is the server's result code
// (60 invalid user, 62 invalid password, ...); a timeout fails it with std::errc::timed_out.
// Every other operation is forwarded unchanged to the inner loop.
//
// Threads: as io::Loop (loop-thread methods on the inner loop's thread). The AuthLoop must
// outlive the operations started through it; it owns nothing but a reference to the inner loop
// and the shared Session.
#pragma once

#include <memory>
#include <system_error>

#include "client/auth/session.h"
#include "io/loop.h"

namespace aero::auth {

// error_code values are Aerospike result codes (message: the code's name and meaning).
const std::error_category& auth_category() noexcept;

class AuthLoop final : public io::Loop {
 public:
  AuthLoop(io::Loop& inner, std::shared_ptr<Session> session, io::Clock::duration login_timeout)
      : inner_(inner), session_(std::move(session)), login_timeout_(login_timeout) {}

  io::Loop& inner() { return inner_; }
  Session& session() { return *session_; }

  Executor& executor() override { return inner_.executor(); }
  void stop() override { inner_.stop(); }
  io::LoopStats stats() const override { return inner_.stats(); }
  void run() override { inner_.run(); }
  bool in_loop_thread() const override { return inner_.in_loop_thread(); }
  io::SocketId connect(const io::Endpoint& to, io::TimePoint deadline,
                       io::ConnectHandler handler) override;
  void write(io::SocketId s, std::span<const io::ConstBuffer> b, io::IoHandler h) override {
    inner_.write(s, b, std::move(h));
  }
  void read(io::SocketId s, io::MutableBuffer b, std::size_t min, io::IoHandler h) override {
    inner_.read(s, b, min, std::move(h));
  }
  // Accepted connections are not authenticated (the server side has no login): forwarded.
  io::ListenResult listen(const io::Endpoint& at, int backlog) override {
    return inner_.listen(at, backlog);
  }
  void accept(io::SocketId l, io::AcceptHandler h) override { inner_.accept(l, std::move(h)); }
  bool cancel(io::SocketId s) override { return inner_.cancel(s); }
  void close(io::SocketId s) override { inner_.close(s); }
  void start_timer(io::Timer& t, io::TimePoint d) override { inner_.start_timer(t, d); }
  bool cancel_timer(io::Timer& t) override { return inner_.cancel_timer(t); }
  io::TimePoint now() const override { return inner_.now(); }

 private:
  io::Loop& inner_;
  std::shared_ptr<Session> session_;
  io::Clock::duration login_timeout_;
};

}  // namespace aero::auth
