#include "client/tls/tls_loop.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <climits>
#include <vector>

#include "client/tls/tls_error.h"

namespace aero::tls {

namespace {

// One inner read takes up to a whole TLS record (16 KiB of plaintext plus its overhead).
constexpr std::size_t kInnerReadSize = 17 * 1024;
constexpr std::size_t kMaxChunk = INT_MAX / 2;

}  // namespace

struct TlsLoop::Conn {
  enum class State : std::uint8_t { connecting, handshaking, open, closed };

  explicit Conn(const io::Endpoint& to) : peer(to) {}
  ~Conn() {
    if (ssl != nullptr) SSL_free(ssl);  // frees both BIOs
  }

  io::Endpoint peer;
  io::SocketId id;
  io::TimePoint deadline{};
  SSL* ssl = nullptr;
  BIO* rbio = nullptr;  // ciphertext from the network, for SSL to read
  BIO* wbio = nullptr;  // ciphertext SSL wrote, for the network
  State state = State::connecting;
  bool user_closed = false;  // close() called, or the connect failed: no user operation any more
  int refs = 0;              // inner operations in flight, plus callers working on it
  std::error_code fatal;     // the stream broke: later reads and writes get this
  bool peer_eof = false;     // the inner read said eof (no more ciphertext will come)
  bool cert_requested = false;  // the server asked for a client certificate we do not have
  bool received_any = false;    // plaintext has arrived (the server accepted us)
  bool offered_session = false;  // the handshake offered a session to resume
  std::string tls_name;          // the name checked (also the session cache's key)
  io::Timer timer;           // the handshake's deadline

  io::ConnectHandler on_connect;

  io::IoHandler on_read;
  io::MutableBuffer read_buffer{nullptr, 0};
  std::size_t read_min = 0;
  std::size_t read_got = 0;

  io::IoHandler on_write;
  std::size_t write_size = 0;

  bool inner_reading = false;
  std::unique_ptr<std::uint8_t[]> in;
  bool inner_writing = false;
  std::vector<std::uint8_t> out;
  io::ConstBuffer out_buffer{nullptr, 0};
};

TlsLoop::TlsLoop(io::Loop& inner, std::shared_ptr<TlsContext> context)
    : inner_(inner), context_(std::move(context)) {}

TlsLoop::TlsLoop(std::unique_ptr<io::Loop> inner, std::shared_ptr<TlsContext> context)
    : owned_(std::move(inner)), inner_(*owned_), context_(std::move(context)) {}

TlsLoop::~TlsLoop() {
  for (Conn* c : all_) {
    if (c->timer.armed()) inner_.cancel_timer(c->timer);
    delete c;
  }
}

TlsLoop::Conn* TlsLoop::find(io::SocketId socket) {
  auto it = open_.find(socket.value);
  return it == open_.end() ? nullptr : it->second;
}

void TlsLoop::later(UniqueFunction<void()> task) {
  // A stopped loop refuses tasks; its operations complete at once then (it is winding down
  // and will not run this call's caller again).
  auto shared = std::make_shared<UniqueFunction<void()>>(std::move(task));
  if (!inner_.post([shared] { (*shared)(); })) (*shared)();
}

void TlsLoop::release(Conn* c) {
  if (--c->refs == 0 && c->user_closed) {
    if (c->timer.armed()) inner_.cancel_timer(c->timer);
    all_.erase(c);
    delete c;
  }
}

// ---- connect and handshake ----

io::SocketId TlsLoop::connect(const io::Endpoint& to, io::TimePoint deadline,
                              io::ConnectHandler handler) {
  Conn* c = new Conn(to);
  all_.insert(c);
  c->on_connect = std::move(handler);
  c->deadline = deadline;
  c->timer.set_handler([this, c] {
    if (c->state != Conn::State::handshaking) return;
    ++c->refs;
    fail_connect(c, std::make_error_code(std::errc::timed_out), false);
    release(c);
  });
  ++c->refs;
  const io::SocketId id = inner_.connect(to, deadline, [this, c](std::error_code ec, io::SocketId s) {
    on_inner_connect(c, ec, s);
  });
  c->id = id;
  if (id) open_[id.value] = c;
  return id;
}

void TlsLoop::on_inner_connect(Conn* c, std::error_code ec, io::SocketId socket) {
  if (ec) {
    // The inner loop closed the socket already.
    if (c->id) open_.erase(c->id.value);
    c->state = Conn::State::closed;
    c->user_closed = true;
    io::ConnectHandler h = std::move(c->on_connect);
    release(c);
    if (h) h(ec, io::SocketId{});
    return;
  }
  c->id = socket;
  c->state = Conn::State::handshaking;
  ERR_clear_error();
  c->ssl = SSL_new(context_->ssl_ctx());
  c->rbio = BIO_new(BIO_s_mem());
  c->wbio = BIO_new(BIO_s_mem());
  if (c->ssl == nullptr || c->rbio == nullptr || c->wbio == nullptr) {
    if (c->ssl == nullptr) {
      BIO_free(c->rbio);
      BIO_free(c->wbio);
    } else {
      SSL_set_bio(c->ssl, c->rbio, c->wbio);  // owned by ssl from here
    }
    c->rbio = c->wbio = nullptr;
    fail_connect(c, make_error_code(TlsErrc::setup_failed), false);
    release(c);
    return;
  }
  BIO_set_mem_eof_return(c->rbio, -1);  // empty means "later", not end of stream
  SSL_set_bio(c->ssl, c->rbio, c->wbio);
  SSL_set_connect_state(c->ssl);
  SSL_set_app_data(c->ssl, &c->cert_requested);  // see TlsContext's client certificate callback
  const std::string name = context_->name(c->peer);
  bool names_ok = true;
  if (!name.empty()) {
    X509_VERIFY_PARAM_set_hostflags(SSL_get0_param(c->ssl), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    names_ok = SSL_set1_host(c->ssl, name.c_str()) == 1 &&
               SSL_set_tlsext_host_name(c->ssl, name.c_str()) == 1;
  } else {
    const std::size_t size = c->peer.family == io::Endpoint::Family::v4 ? 4 : 16;
    names_ok = X509_VERIFY_PARAM_set1_ip(SSL_get0_param(c->ssl), c->peer.address.data(), size) == 1;
  }
  if (!names_ok) {
    fail_connect(c, make_error_code(TlsErrc::setup_failed), false);
    release(c);
    return;
  }
  c->tls_name = name;
  c->offered_session = context_->remember_peer(c->ssl, c->peer, name);  // the peer's last one
  c->in = std::make_unique<std::uint8_t[]>(kInnerReadSize);
  inner_.start_timer(c->timer, c->deadline);
  pump(c, false);
  release(c);
}

std::error_code TlsLoop::handshake_error(Conn* c) {
  const long verify = SSL_get_verify_result(c->ssl);
  const unsigned long e = ERR_peek_last_error();
  ERR_clear_error();
  if (verify != X509_V_OK) return verify_error(verify);
  if (e != 0) return library_error(e);
  return make_error_code(TlsErrc::closed_during_handshake);
}

void TlsLoop::fail_connect(Conn* c, std::error_code ec, bool in_call) {
  if (c->timer.armed()) inner_.cancel_timer(c->timer);
  // A server that refused the resumption (some refuse it fatally) gets a full handshake next.
  if (c->offered_session) context_->forget_session(c->peer, c->tls_name);
  io::ConnectHandler h = std::move(c->on_connect);
  c->state = Conn::State::closed;
  c->user_closed = true;
  open_.erase(c->id.value);
  inner_.close(c->id);  // cancels the inner read/write in flight; they only release
  if (!h) return;
  if (in_call) {
    later([h = std::move(h), ec]() mutable { h(ec, io::SocketId{}); });
  } else {
    h(ec, io::SocketId{});
  }
}

void TlsLoop::pump(Conn* c, bool in_call) {
  if (c->state == Conn::State::handshaking) {
    ERR_clear_error();
    const int r = SSL_do_handshake(c->ssl);
    if (r == 1) {
      if (context_->blacklisted(SSL_get0_peer_certificate(c->ssl))) {
        fail_connect(c, make_error_code(TlsErrc::certificate_blacklisted), in_call);
        return;
      }
      inner_.cancel_timer(c->timer);
      handshakes_.fetch_add(1, std::memory_order_relaxed);
      if (SSL_session_reused(c->ssl) == 1) resumed_.fetch_add(1, std::memory_order_relaxed);
      c->state = Conn::State::open;
      flush(c, in_call);  // our last handshake flight (Finished)
      io::ConnectHandler h = std::move(c->on_connect);
      if (in_call) {
        later([h = std::move(h), id = c->id]() mutable { h({}, id); });
      } else {
        h({}, c->id);
      }
      return;
    }
    const int e = SSL_get_error(c->ssl, r);
    if (e == SSL_ERROR_WANT_READ) {
      flush(c, in_call);
      if (c->state != Conn::State::handshaking) return;  // the flush failed
      if (c->peer_eof) {
        fail_connect(c, make_error_code(TlsErrc::closed_during_handshake), in_call);
        return;
      }
      start_inner_read(c);
      return;
    }
    fail_connect(c, handshake_error(c), in_call);
    return;
  }
  if (c->state != Conn::State::open) return;
  if (c->on_read) do_read(c, in_call);
  if (c->state == Conn::State::open && !c->user_closed) flush(c, in_call);
}

// ---- data ----

void TlsLoop::read(io::SocketId socket, io::MutableBuffer buffer, std::size_t min_bytes,
                   io::IoHandler handler) {
  Conn* c = find(socket);
  auto fail = [&](std::error_code ec) {
    later([h = std::move(handler), ec]() mutable { h(ec, 0); });
  };
  if (c == nullptr) return fail(io::Errc::bad_socket);
  if (min_bytes < 1 || min_bytes > buffer.size) return fail(std::make_error_code(std::errc::invalid_argument));
  if (c->state != Conn::State::open) return fail(std::make_error_code(std::errc::not_connected));
  if (c->on_read) return fail(io::Errc::busy);
  if (c->fatal) return fail(c->fatal);
  c->on_read = std::move(handler);
  c->read_buffer = buffer;
  c->read_min = min_bytes;
  c->read_got = 0;
  ++c->refs;
  pump(c, true);
  release(c);
}

void TlsLoop::do_read(Conn* c, bool in_call) {
  auto* base = static_cast<std::uint8_t*>(c->read_buffer.data);
  for (;;) {
    const std::size_t room = c->read_buffer.size - c->read_got;
    // Satisfied: take what OpenSSL already holds, without asking the network again.
    if (c->read_got >= c->read_min && (room == 0 || SSL_pending(c->ssl) == 0)) break;
    ERR_clear_error();
    const int n = SSL_read(c->ssl, base + c->read_got, static_cast<int>(std::min(room, kMaxChunk)));
    if (n > 0) {
      c->read_got += static_cast<std::size_t>(n);
      c->received_any = true;
      continue;
    }
    const int e = SSL_get_error(c->ssl, n);
    if (e == SSL_ERROR_WANT_READ) {
      if (c->read_got >= c->read_min) break;
      if (c->peer_eof) return complete_read(c, refused_or(c, io::Errc::eof), in_call);
      flush(c, in_call);  // e.g. a key update answer
      if (c->fatal || c->user_closed) return;
      start_inner_read(c);
      return;
    }
    if (e == SSL_ERROR_ZERO_RETURN) {  // close_notify: the peer closed cleanly
      c->peer_eof = true;
      return complete_read(c, io::Errc::eof, in_call);
    }
    // A bad record, a renegotiation attempt, ...: the stream is unusable.
    const unsigned long err = ERR_peek_last_error();
    ERR_clear_error();
    c->fatal = err != 0 ? library_error(err) : make_error_code(TlsErrc::renegotiation_refused);
    return complete_read(c, c->fatal, in_call);
  }
  complete_read(c, {}, in_call);
}

void TlsLoop::complete_read(Conn* c, std::error_code ec, bool in_call) {
  io::IoHandler h = std::move(c->on_read);
  c->on_read = nullptr;
  const std::size_t got = c->read_got;
  c->read_got = 0;
  if (in_call) {
    later([h = std::move(h), ec, got]() mutable { h(ec, got); });
  } else {
    h(ec, got);
  }
}

void TlsLoop::start_inner_read(Conn* c) {
  if (c->inner_reading || c->fatal || c->peer_eof || c->user_closed) return;
  c->inner_reading = true;
  ++c->refs;
  inner_.read(c->id, io::MutableBuffer{c->in.get(), kInnerReadSize}, 1,
              [this, c](std::error_code ec, std::size_t n) { on_inner_read(c, ec, n); });
}

void TlsLoop::on_inner_read(Conn* c, std::error_code ec, std::size_t n) {
  c->inner_reading = false;
  if (c->user_closed) return release(c);
  if (n > 0) BIO_write(c->rbio, c->in.get(), static_cast<int>(n));
  if (ec == io::Errc::eof) {
    c->peer_eof = true;
  } else if (ec) {
    stream_failed(c, ec);
    return release(c);
  }
  pump(c, false);
  release(c);
}

void TlsLoop::write(io::SocketId socket, std::span<const io::ConstBuffer> buffers,
                    io::IoHandler handler) {
  Conn* c = find(socket);
  auto fail = [&](std::error_code ec) {
    later([h = std::move(handler), ec]() mutable { h(ec, 0); });
  };
  if (c == nullptr) return fail(io::Errc::bad_socket);
  if (c->state != Conn::State::open) return fail(std::make_error_code(std::errc::not_connected));
  if (c->on_write) return fail(io::Errc::busy);
  if (c->fatal) return fail(c->fatal);
  std::size_t total = 0;
  for (const io::ConstBuffer& b : buffers) {
    auto* p = static_cast<const std::uint8_t*>(b.data);
    std::size_t left = b.size;
    while (left > 0) {
      ERR_clear_error();
      // The memory BIO takes everything: SSL_write only fails on a broken session.
      const int n = SSL_write(c->ssl, p, static_cast<int>(std::min(left, kMaxChunk)));
      if (n <= 0) {
        const unsigned long err = ERR_peek_last_error();
        ERR_clear_error();
        c->fatal = err != 0 ? library_error(err) : make_error_code(TlsErrc::setup_failed);
        return fail(c->fatal);
      }
      p += n;
      left -= static_cast<std::size_t>(n);
      total += static_cast<std::size_t>(n);
    }
  }
  c->on_write = std::move(handler);
  c->write_size = total;
  ++c->refs;
  flush(c, true);
  release(c);
}

void TlsLoop::flush(Conn* c, bool in_call) {
  if (c->inner_writing || c->fatal || c->user_closed) return;
  const std::size_t n = BIO_ctrl_pending(c->wbio);
  if (n == 0) {
    if (c->on_write) complete_write(c, {}, c->write_size, in_call);
    return;
  }
  c->out.resize(n);
  BIO_read(c->wbio, c->out.data(), static_cast<int>(n));
  c->out_buffer = io::ConstBuffer{c->out.data(), n};
  c->inner_writing = true;
  ++c->refs;
  inner_.write(c->id, std::span<const io::ConstBuffer>(&c->out_buffer, 1),
               [this, c](std::error_code ec, std::size_t) { on_inner_write(c, ec); });
}

void TlsLoop::on_inner_write(Conn* c, std::error_code ec) {
  c->inner_writing = false;
  if (c->user_closed) return release(c);
  if (ec) {
    stream_failed(c, ec);
    return release(c);
  }
  flush(c, false);
  release(c);
}

void TlsLoop::complete_write(Conn* c, std::error_code ec, std::size_t n, bool in_call) {
  io::IoHandler h = std::move(c->on_write);
  c->on_write = nullptr;
  if (in_call) {
    later([h = std::move(h), ec, n]() mutable { h(ec, n); });
  } else {
    h(ec, n);
  }
}

std::error_code TlsLoop::refused_or(Conn* c, std::error_code ec) {
  const bool closed = ec == io::Errc::eof || ec == std::errc::connection_reset ||
                      ec == std::errc::broken_pipe;
  if (closed && c->cert_requested && !c->received_any) {
    return make_error_code(TlsErrc::client_certificate_required);
  }
  return ec;
}

void TlsLoop::stream_failed(Conn* c, std::error_code ec) {
  if (c->state == Conn::State::handshaking) {
    // A clear server closes (or resets) on our ClientHello: say so rather than "reset".
    const bool closed = ec == io::Errc::eof || ec == std::errc::connection_reset ||
                        ec == std::errc::broken_pipe;
    fail_connect(c, closed ? make_error_code(TlsErrc::closed_during_handshake) : ec, false);
    return;
  }
  ec = refused_or(c, ec);
  if (!c->fatal) c->fatal = ec;
  if (c->on_read) complete_read(c, ec, false);
  if (c->on_write && !c->user_closed) complete_write(c, ec, 0, false);
}

// ---- cancel and close ----

bool TlsLoop::cancel(io::SocketId socket) {
  Conn* c = find(socket);
  if (c == nullptr) return false;
  const std::error_code canceled = std::make_error_code(std::errc::operation_canceled);
  switch (c->state) {
    case Conn::State::connecting:
      return inner_.cancel(socket);  // the inner connect completes; on_inner_connect reports
    case Conn::State::handshaking:
      fail_connect(c, canceled, true);
      return true;
    case Conn::State::open: {
      bool any = false;
      if (c->on_read) {
        complete_read(c, canceled, true);
        any = true;
      }
      if (c->on_write) {
        complete_write(c, canceled, 0, true);
        any = true;
      }
      return any;
    }
    case Conn::State::closed:
      break;
  }
  return false;
}

void TlsLoop::close(io::SocketId socket) {
  Conn* c = find(socket);
  if (c == nullptr) return;
  if (c->state == Conn::State::connecting) {
    // The inner connect completes with operation_canceled; on_inner_connect reports it.
    open_.erase(socket.value);
    inner_.close(socket);
    return;
  }
  ++c->refs;
  if (c->state == Conn::State::handshaking) {
    fail_connect(c, std::make_error_code(std::errc::operation_canceled), true);
    return release(c);
  }
  cancel(socket);
  open_.erase(socket.value);
  if (!c->fatal && !c->inner_writing) {
    // close_notify, best effort: the write is attempted before the socket closes.
    ERR_clear_error();
    SSL_shutdown(c->ssl);
    ERR_clear_error();
    const std::size_t n = BIO_ctrl_pending(c->wbio);
    if (n > 0) {
      c->out.resize(n);
      BIO_read(c->wbio, c->out.data(), static_cast<int>(n));
      c->out_buffer = io::ConstBuffer{c->out.data(), n};
      c->inner_writing = true;
      ++c->refs;
      inner_.write(c->id, std::span<const io::ConstBuffer>(&c->out_buffer, 1),
                   [this, c](std::error_code, std::size_t) {
                     c->inner_writing = false;
                     release(c);
                   });
    }
  }
  c->state = Conn::State::closed;
  c->user_closed = true;
  inner_.close(socket);
  release(c);
}

}  // namespace aero::tls
