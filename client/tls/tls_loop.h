// TlsLoop: an io::Loop that speaks TLS on every socket it connects, by decorating another
// Loop (the platform's backend): connect() is the inner TCP connect followed by a
// non-blocking TLS handshake (OpenSSL over memory BIOs: no SSL object ever touches a file
// descriptor, so it works the same on epoll, kqueue and IOCP); read() and write() move
// plaintext with exactly the io::Loop contract (min_bytes, partial records, exactly-once
// completion, Errc::eof on close, operation_canceled on cancel, never inside the call that
// started the operation). The client uses it only when TlsConfig::enabled: the clear path
// talks to the backend directly.
//
// - The handshake runs within the connect's deadline (a timer per connection; on expiry the
//   connect fails with std::errc::timed_out). The server certificate must chain to the
//   configured CAs and carry the tls-name the TlsContext knows for the address (SAN/CN), or
//   the address itself when no name is known; a blacklisted serial number is refused. A
//   failed handshake closes the socket and reports a tls_category() error naming OpenSSL's
//   reason (tls_error.h).
// - Renegotiation is refused. close() sends close_notify, best effort.
// - A new connection to a peer offers the last session that peer gave (TlsContext), so a
//   reconnect (a pool refilling after a node restart, a tend connection) resumes.
// - A write completes once all its ciphertext has been handed to the inner loop's write
//   (so its errors are reported); on failure it reports 0 bytes written.
// - executor, post, stop, stats, run, in_loop_thread, timers and now are the inner loop's.
// - No server side: listen() and accept() are io::Loop's defaults (operation_not_supported).
//
// Threads: as io::Loop. TLS state is per socket and touched on the loop thread only.
// Lifetime: destroy a TlsLoop after its inner loop has stopped (or before it ever ran).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "client/tls/tls_context.h"
#include "io/loop.h"

namespace aero::tls {

class TlsLoop final : public io::Loop {
 public:
  TlsLoop(io::Loop& inner, std::shared_ptr<TlsContext> context);
  // Owns the inner loop (e.g. to hand the pair to an io::LoopThread).
  TlsLoop(std::unique_ptr<io::Loop> inner, std::shared_ptr<TlsContext> context);
  ~TlsLoop() override;
  TlsLoop(const TlsLoop&) = delete;
  TlsLoop& operator=(const TlsLoop&) = delete;

  io::Loop& inner() { return inner_; }

  // Completed handshakes, and how many of them resumed an earlier session (TlsContext keeps
  // one per peer). Any thread (relaxed counters).
  std::uint64_t handshakes() const { return handshakes_.load(std::memory_order_relaxed); }
  std::uint64_t resumed_handshakes() const { return resumed_.load(std::memory_order_relaxed); }
  const std::shared_ptr<TlsContext>& context() const { return context_; }

  Executor& executor() override { return inner_.executor(); }
  void stop() override { inner_.stop(); }
  io::LoopStats stats() const override { return inner_.stats(); }
  void run() override { inner_.run(); }
  bool in_loop_thread() const override { return inner_.in_loop_thread(); }

  io::SocketId connect(const io::Endpoint& to, io::TimePoint deadline,
                       io::ConnectHandler handler) override;
  void write(io::SocketId socket, std::span<const io::ConstBuffer> buffers,
             io::IoHandler handler) override;
  void read(io::SocketId socket, io::MutableBuffer buffer, std::size_t min_bytes,
            io::IoHandler handler) override;
  bool cancel(io::SocketId socket) override;
  void close(io::SocketId socket) override;

  void start_timer(io::Timer& timer, io::TimePoint deadline) override {
    inner_.start_timer(timer, deadline);
  }
  bool cancel_timer(io::Timer& timer) override { return inner_.cancel_timer(timer); }
  io::TimePoint now() const override { return inner_.now(); }

 private:
  struct Conn;

  Conn* find(io::SocketId socket);
  // Runs `task` later on the loop (a result known inside the call that asked for it).
  void later(UniqueFunction<void()> task);
  void on_inner_connect(Conn* c, std::error_code ec, io::SocketId socket);
  void on_inner_read(Conn* c, std::error_code ec, std::size_t n);
  void on_inner_write(Conn* c, std::error_code ec);
  // Moves the connection on: handshake, pending user read, ciphertext out, more input.
  void pump(Conn* c, bool in_call);
  void do_read(Conn* c, bool in_call);
  void flush(Conn* c, bool in_call);
  void start_inner_read(Conn* c);
  void fail_connect(Conn* c, std::error_code ec, bool in_call);
  void stream_failed(Conn* c, std::error_code ec);
  void complete_read(Conn* c, std::error_code ec, bool in_call);
  void complete_write(Conn* c, std::error_code ec, std::size_t n, bool in_call);
  std::error_code handshake_error(Conn* c);
  // A closed stream of a server that asked for our (missing) client certificate and never
  // answered: client_certificate_required instead of a bare eof or reset.
  static std::error_code refused_or(Conn* c, std::error_code ec);
  void release(Conn* c);  // drops one reference; frees a closed connection at zero

  std::unique_ptr<io::Loop> owned_;
  io::Loop& inner_;
  std::shared_ptr<TlsContext> context_;
  std::unordered_map<std::uint64_t, Conn*> open_;  // by SocketId: not closed by the user
  std::unordered_set<Conn*> all_;                  // every live Conn (freed in the destructor)
  std::atomic<std::uint64_t> handshakes_{0}, resumed_{0};
};

}  // namespace aero::tls
