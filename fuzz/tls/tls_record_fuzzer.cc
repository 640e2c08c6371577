// Fuzzes the client's TLS record path (client/tls TlsLoop) with a real TLS server on the
// other end: the peer is an OpenSSL server on memory BIOs that completes a genuine handshake
// (certificate, tls-name and CA checked by the client as in production) and echoes what the
// client sends. The input is a script of what happens next on the wire and in the client:
// records of any size from the server, garbage bytes, flipped bits in records in flight,
// close_notify, end of stream, delivery in arbitrary pieces, user reads (any min_bytes),
// writes, cancels, close, time passing the handshake deadline. MemoryLoop (no sockets, no
// threads) makes every run the same sequence of calls.
//
// Checked on every input: no crash or sanitizer report, no leak, and every operation the
// client started (the connect, each read, each write) completed exactly once by the end.
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "client/tls/tls_context.h"
#include "client/tls/tls_loop.h"
#include "fuzz/tls/memory_loop.h"
#include "test/certs/certs.h"

namespace {

using namespace aero;

constexpr const char* kTlsName = "fuzz.test";

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "tls_record_fuzzer: %s\n", what);
  std::abort();
}

// Made once per process: certificates, the client's TlsContext, the server's SSL_CTX.
struct Setup {
  testcerts::Pki pki;
  std::shared_ptr<tls::TlsContext> client;
  SSL_CTX* server = nullptr;
  Setup() {
    std::string error;
    pki = testcerts::make_pki(kTlsName, &error);
    if (!error.empty()) fail(error.c_str());
    TlsConfig config;
    config.enabled = true;
    config.ca_file = pki.ca_cert;
    client = tls::TlsContext::create(config, &error);
    if (!client) fail(error.c_str());
    server = SSL_CTX_new(TLS_server_method());
    if (server == nullptr ||
        SSL_CTX_use_certificate_chain_file(server, pki.server_cert.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(server, pki.server_key.c_str(), SSL_FILETYPE_PEM) != 1) {
      fail("server SSL_CTX");
    }
  }
};

const Setup& setup() {
  static const Setup s;
  return s;
}

// The server: an SSL object on two memory BIOs. What it writes is moved to the loop's queue.
class Peer {
 public:
  Peer(SSL_CTX* ctx, fuzz::MemoryLoop& loop) : loop_(loop) {
    ssl_ = SSL_new(ctx);
    in_ = BIO_new(BIO_s_mem());
    out_ = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl_, in_, out_);
    SSL_set_accept_state(ssl_);
  }
  ~Peer() { SSL_free(ssl_); }

  // The client's ciphertext: the handshake advances, application data is echoed.
  void receive(const std::uint8_t* data, std::size_t size) {
    BIO_write(in_, data, static_cast<int>(size));
    if (broken_) return;
    std::array<std::uint8_t, 4096> plain;
    for (;;) {
      const int n = SSL_read(ssl_, plain.data(), static_cast<int>(plain.size()));
      if (n <= 0) {
        const int e = SSL_get_error(ssl_, n);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) broken_ = true;
        break;
      }
      if (echo_) SSL_write(ssl_, plain.data(), n);
    }
    ERR_clear_error();
    flush();
  }
  void send(const std::uint8_t* data, std::size_t size) {
    if (broken_ || !SSL_is_init_finished(ssl_) || size == 0) return;
    SSL_write(ssl_, data, static_cast<int>(size));
    ERR_clear_error();
    flush();
  }
  void close_notify() {
    if (broken_ || !SSL_is_init_finished(ssl_)) return;
    SSL_shutdown(ssl_);
    ERR_clear_error();
    flush();
  }
  void set_echo(bool on) { echo_ = on; }

 private:
  void flush() {
    std::array<std::uint8_t, 4096> cipher;
    int n;
    while ((n = BIO_read(out_, cipher.data(), static_cast<int>(cipher.size()))) > 0) {
      loop_.peer_send(cipher.data(), static_cast<std::size_t>(n));
    }
  }
  fuzz::MemoryLoop& loop_;
  SSL* ssl_;
  BIO* in_;
  BIO* out_;
  bool broken_ = false;
  bool echo_ = true;
};

// Every started operation and how often it completed.
struct Ledger {
  int started = 0;
  int completed = 0;
  int twice = 0;
  void done(bool& pending) {
    if (!pending) ++twice;
    pending = false;
    ++completed;
  }
};

// Reads the script: numbers in a range and byte strings; zeros once the input is used up.
class Script {
 public:
  Script(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::size_t remaining() const { return size_ - at_; }
  std::uint8_t byte() { return at_ < size_ ? data_[at_++] : 0; }
  std::uint16_t u16() { return static_cast<std::uint16_t>(byte() << 8 | byte()); }
  // A number in [lo, hi] from one or two bytes.
  std::size_t in(std::size_t lo, std::size_t hi) {
    const std::size_t span = hi - lo + 1;
    return lo + (span <= 256 ? byte() : u16()) % span;
  }
  std::vector<std::uint8_t> bytes(std::size_t n) {
    n = std::min(n, remaining());
    std::vector<std::uint8_t> out(data_ + at_, data_ + at_ + n);
    at_ += n;
    return out;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

// How far the inputs got, printed at exit when TLS_FUZZ_STATS is set (to check that the seeds
// reach the record path, not only the handshake).
struct Reach {
  long inputs = 0, connected = 0, read_bytes = 0, reads_failed = 0;
  ~Reach() {
    if (std::getenv("TLS_FUZZ_STATS") != nullptr) {
      std::fprintf(stderr,
                   "inputs %ld, connected %ld, plaintext bytes read %ld, reads failed %ld\n",
                   inputs, connected, read_bytes, reads_failed);
    }
  }
};
Reach reach;

enum Op : std::uint8_t {
  kRead,
  kWrite,
  kDeliver,
  kServerSend,
  kGarbage,
  kFlip,
  kCloseNotify,
  kEndOfStream,
  kCancel,
  kAdvance,
  kClose,
  kEchoOff,
  kOpCount
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Setup& s = setup();
  ++reach.inputs;
  Script in(data, size);
  Ledger ledger;
  // Scope: the TlsLoop goes before the MemoryLoop, the peer before both.
  {
    fuzz::MemoryLoop loop;
    tls::TlsLoop tls(loop, s.client);
    Peer peer(s.server, loop);
    loop.on_client_bytes = [&peer](const std::uint8_t* d, std::size_t n) { peer.receive(d, n); };

    const io::Endpoint server = io::Endpoint::loopback_v4(4333);
    // Mostly the right name; sometimes none (the certificate then names 127.0.0.1) or a wrong one.
    switch (in.in(0, 7)) {
      case 0: s.client->set_name(server, "wrong.test"); break;
      case 1: s.client->set_name(server, ""); break;
      default: s.client->set_name(server, kTlsName); break;
    }

    bool connect_pending = true, read_pending = false, write_pending = false, closed = false;
    io::SocketId socket;
    ++ledger.started;
    tls.connect(server, loop.now() + std::chrono::seconds(2),
                [&](std::error_code ec, io::SocketId id) {
                  ledger.done(connect_pending);
                  if (!ec) {
                    socket = id;
                    ++reach.connected;
                  }
                });
    loop.drain();

    std::array<std::uint8_t, 512> read_buffer;
    std::vector<std::uint8_t> write_bytes;
    io::ConstBuffer write_buffer{};
    while (in.remaining() > 0) {
      switch (static_cast<Op>(in.in(0, kOpCount - 1))) {
        case kRead: {
          if (read_pending || !socket || closed) break;
          const std::size_t cap = in.in(1, read_buffer.size());
          const std::size_t min = in.in(1, cap);
          read_pending = true;
          ++ledger.started;
          tls.read(socket, {read_buffer.data(), cap}, min, [&](std::error_code ec, std::size_t n) {
            ledger.done(read_pending);
            reach.read_bytes += static_cast<long>(n);
            if (ec) ++reach.reads_failed;
          });
          break;
        }
        case kWrite: {
          if (write_pending || !socket || closed) break;
          write_bytes = in.bytes(in.in(1, 3000));
          if (write_bytes.empty()) write_bytes.push_back(0);
          write_buffer = {write_bytes.data(), write_bytes.size()};
          write_pending = true;
          ++ledger.started;
          tls.write(socket, std::span<const io::ConstBuffer>(&write_buffer, 1),
                    [&](std::error_code, std::size_t) { ledger.done(write_pending); });
          break;
        }
        case kDeliver: loop.deliver(in.in(1, 6000)); break;
        case kServerSend: {
          std::vector<std::uint8_t> plain(in.in(1, 20000), in.byte());
          peer.send(plain.data(), plain.size());
          break;
        }
        case kGarbage: {
          std::vector<std::uint8_t> junk = in.bytes(in.in(1, 64));
          loop.peer_send(junk.data(), junk.size());
          break;
        }
        case kFlip: {
          std::vector<std::uint8_t>& q = loop.queued();
          const std::size_t at = in.u16();
          const std::uint8_t mask = in.in(1, 255);
          if (!q.empty()) q[at % q.size()] ^= mask;
          break;
        }
        case kCloseNotify: peer.close_notify(); break;
        case kEndOfStream:
          loop.peer_close();
          loop.deliver(0);
          break;
        case kCancel:
          if (socket && !closed) tls.cancel(socket);
          break;
        case kAdvance: loop.advance(std::chrono::milliseconds(in.in(1, 3000))); break;
        case kClose:
          if (socket && !closed) {
            tls.close(socket);
            closed = true;
          }
          break;
        case kEchoOff: peer.set_echo(false); break;
        case kOpCount: break;
      }
      loop.drain();
    }

    // Wind down: deliver everything, end the stream, let the deadline pass, close.
    for (int round = 0; round < 64 && loop.deliver(1 << 20) > 0; ++round) loop.drain();
    loop.peer_close();
    loop.deliver(1 << 20);
    loop.drain();
    loop.advance(std::chrono::seconds(5));
    loop.drain();
    if (socket && !closed) tls.close(socket);
    loop.drain();
    loop.stop();
    loop.drain();
    if (connect_pending || read_pending || write_pending) fail("an operation never completed");
  }
  if (ledger.twice != 0) fail("an operation completed twice");
  if (ledger.completed != ledger.started) fail("completions != operations started");
  return 0;
}
