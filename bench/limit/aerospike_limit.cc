// aerospike_limit: the physical limit for aerobench's get/put workload on this machine.
//
// One thread, one epoll set (with --io uring one io_uring instead: run_uring()), --in-flight
// connections to one node, each carrying one command at a time (closed loop): encode the
// request with the client's codec (the key's digest included), send() it, recv() the answer,
// check its result code, send the next (by default after the whole epoll batch was read, as
// an event loop with a run queue does: the server then gets its requests in bursts, which is
// what makes it fastest). No routing,
// no pools, no timers, no executors, no decoding of bins: what remains is the system calls
// and the encoding every client has to pay. The requests are byte for byte those aerobench
// sends through the client (same codec, same attributes, same fixed record).
//
//   aerospike_limit --hosts 127.0.0.1:3000 --in-flight 100 --duration 10 -o S100
//       --read-percent 50 --json limit.json        (one command line)
//
// Prints one line with commands, throughput and the process's CPU time per command
// (user + sys over the measured window), and writes the same as JSON with --json.
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bench/limit/aerospike_limit_messages.h"
#include "bench/tool/flags.h"
#include "bench/tool/object_spec.h"
#include "io/uring/uring_ring.h"

namespace {

using namespace aero;
using namespace aero::bench;
using aero::io::UringRing;

struct LimitOptions {
  Host host{"127.0.0.1", 3000};
  int in_flight = 100;
  double duration_s = 10;
  std::int64_t keys = 100000;
  std::int64_t start_key = 0;
  int read_percent = 50;
  std::vector<BinSpec> object = {BinSpec{BinSpec::Kind::integer, 4}};
  std::string ns = "test", set = "testset", bin = "testbin";
  int timeout_ms = 1000;
  std::uint64_t seed = 1;
  std::string json_path;
  std::int64_t ops = 0;  // stop after this many commands (0: by duration only)
  // Send the next requests after the whole epoll batch was read (as an event loop with a
  // run queue does), rather than right after each answer.
  bool batch_sends = true;
  // --io uring: the same commands over one io_uring instead of epoll (see run_uring()).
  bool io_uring = false;
  // --fixed-files yes: with --io uring, the connections are registered files (an SQE names
  // one by index, IOSQE_FIXED_FILE): what that saves per operation, measured.
  bool fixed_files = false;
  // --provided-buffers yes: with --io uring, receives take their buffer from a registered
  // buffer ring (IOSQE_BUFFER_SELECT) and the answer is copied out of it, as a client would.
  bool provided_buffers = false;
};

void usage(std::FILE* out) {
  std::fprintf(out,
               "usage: aerospike_limit --hosts HOST:PORT [--in-flight N] [--duration S]\n"
               "         [--keys N] [--start-key N] [--read-percent R] [-o SPEC] [-n NS] [-s SET]\n"
               "         [--bin NAME] [--timeout MS] [--seed N] [--ops N] [--json FILE]\n"
               "         [--batch-sends yes|no] [--io epoll|uring] [--fixed-files yes|no]\n"
               "         [--provided-buffers yes|no]\n"
               "The bare epoll limit for aerobench's RU workload against one node (defaults as\n"
               "aerobench: 100 in flight, 10 s, 100000 keys, 50%% reads, I4, test/testset).\n");
}

bool parse(int argc, char** argv, LimitOptions* o, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help") {
      usage(stdout);
      std::exit(0);
    }
    if (i + 1 >= argc) {
      *error = "missing value for " + a;
      return false;
    }
    const std::string v = argv[++i];
    char* end = nullptr;
    auto number = [&](double lo, double hi) {
      const double d = std::strtod(v.c_str(), &end);
      if (v.empty() || *end != '\0' || d < lo || d > hi) {
        *error = "bad value '" + v + "' for " + a;
        return -1.0;
      }
      return d;
    };
    if (a == "--hosts") {
      std::vector<Host> hosts;
      if (!parse_hosts(v, 3000, &hosts, error)) return false;
      o->host = hosts.front();  // the limit talks to one node
    } else if (a == "--in-flight") {
      o->in_flight = static_cast<int>(number(1, 100000));
    } else if (a == "--duration" || a == "-t") {
      o->duration_s = number(0.1, 1e6);
    } else if (a == "--keys" || a == "-k") {
      o->keys = static_cast<std::int64_t>(number(1, 1e12));
    } else if (a == "--start-key" || a == "-K") {
      o->start_key = static_cast<std::int64_t>(number(0, 1e15));
    } else if (a == "--read-percent") {
      o->read_percent = static_cast<int>(number(0, 100));
    } else if (a == "-o" || a == "--object-spec") {
      if (!parse_object_spec(v, &o->object, error)) return false;
    } else if (a == "-n" || a == "--namespace") {
      o->ns = v;
    } else if (a == "-s" || a == "--set") {
      o->set = v;
    } else if (a == "--bin") {
      o->bin = v;
    } else if (a == "--timeout") {
      o->timeout_ms = static_cast<int>(number(0, 3600000));
    } else if (a == "--seed") {
      o->seed = static_cast<std::uint64_t>(number(0, 1e18));
    } else if (a == "--batch-sends") {
      if (v != "yes" && v != "no") *error = "--batch-sends takes yes or no";
      o->batch_sends = v == "yes";
    } else if (a == "--io") {
      if (v != "epoll" && v != "uring") *error = "--io takes epoll or uring";
      o->io_uring = v == "uring";
    } else if (a == "--fixed-files") {
      if (v != "yes" && v != "no") *error = "--fixed-files takes yes or no";
      o->fixed_files = v == "yes";
    } else if (a == "--provided-buffers") {
      if (v != "yes" && v != "no") *error = "--provided-buffers takes yes or no";
      o->provided_buffers = v == "yes";
    } else if (a == "--ops") {
      o->ops = static_cast<std::int64_t>(number(1, 1e15));
    } else if (a == "--json") {
      o->json_path = v;
    } else {
      *error = "unknown flag " + a;
      return false;
    }
    if (!error->empty()) return false;
  }
  return true;
}

std::uint64_t now_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

double cpu_now(double* user, double* sys) {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  *user = static_cast<double>(ru.ru_utime.tv_sec) + static_cast<double>(ru.ru_utime.tv_usec) / 1e6;
  *sys = static_cast<double>(ru.ru_stime.tv_sec) + static_cast<double>(ru.ru_stime.tv_usec) / 1e6;
  return *user + *sys;
}

int connect_to(const Host& h, std::string* error) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const int rc = getaddrinfo(h.name.c_str(), std::to_string(h.port).c_str(), &hints, &res);
  if (rc != 0) {
    *error = "cannot resolve " + h.name + ": " + gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  for (addrinfo* a = res; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      *error = "cannot connect to " + h.name + ":" + std::to_string(h.port) + ": " + std::strerror(errno);
      ::close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(res);
  if (fd < 0) return -1;
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  error->clear();
  return fd;
}

struct Conn {
  int fd = -1;
  wire::Buffer request;
  std::vector<std::uint8_t> response = std::vector<std::uint8_t>(64 * 1024);
  std::size_t filled = 0;
};

class Limit {
 public:
  explicit Limit(const LimitOptions& o)
      : o_(o),
        messages_(o.ns, o.set, fixed_bins(o.object, o.bin, o.seed), o.timeout_ms),
        rng_(o.seed * 0x9E3779B97F4A7C15ull) {}

  int run() {
    std::string error;
    conns_.resize(static_cast<std::size_t>(o_.in_flight));
    ready_.reserve(conns_.size());
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    for (std::size_t i = 0; i < conns_.size(); ++i) {
      conns_[i].fd = connect_to(o_.host, &error);
      if (conns_[i].fd < 0) {
        std::fprintf(stderr, "aerospike_limit: %s\n", error.c_str());
        return 1;
      }
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = i;
      epoll_ctl(epoll_, EPOLL_CTL_ADD, conns_[i].fd, &ev);
    }
    double user0 = 0, sys0 = 0, user1 = 0, sys1 = 0;
    cpu_now(&user0, &sys0);
    const std::uint64_t t0 = now_ns();
    const std::uint64_t deadline = t0 + static_cast<std::uint64_t>(o_.duration_s * 1e9);
    for (Conn& c : conns_) {
      if (!send_next(c)) return 1;
    }
    epoll_event events[256];
    while (outstanding_ > 0) {
      const int n = epoll_wait(epoll_, events, 256, 100);
      ++syscalls_;
      if (n < 0 && errno != EINTR) {
        std::perror("epoll_wait");
        return 1;
      }
      stopping_ = stopping_ || now_ns() >= deadline;
      for (int i = 0; i < n; ++i) {
        if (!on_readable(conns_[events[i].data.u64])) return 1;
      }
      for (Conn* c : ready_) {
        if (!send_next(*c)) return 1;
      }
      ready_.clear();
    }
    const std::uint64_t t1 = now_ns();
    cpu_now(&user1, &sys1);
    report((static_cast<double>(t1 - t0)) / 1e9, user1 - user0, sys1 - sys0);
    for (Conn& c : conns_) ::close(c.fd);
    ::close(epoll_);
    return 0;
  }

 private:
  // Encodes the next request into c.request: 1, or 0 when --ops is reached, -1 on failure.
  int encode_next(Conn& c) {
    if (o_.ops > 0 && issued_ >= o_.ops) {
      stopping_ = true;
      return 0;
    }
    ++issued_;
    const std::int64_t key = o_.start_key + static_cast<std::int64_t>(rng_.below(static_cast<std::uint64_t>(o_.keys)));
    const bool read = rng_.below(100) < static_cast<std::uint64_t>(o_.read_percent);
    if (!(read ? messages_.encode_get(c.request, key) : messages_.encode_put(c.request, key))) {
      std::fprintf(stderr, "aerospike_limit: cannot encode the request\n");
      return -1;
    }
    return 1;
  }

  bool send_next(Conn& c) {
    if (const int encoded = encode_next(c); encoded <= 0) return encoded == 0;
    std::size_t sent = 0;
    while (sent < c.request.size()) {
      const ssize_t n = ::send(c.fd, c.request.data() + sent, c.request.size() - sent, MSG_NOSIGNAL);
      ++syscalls_;
      if (n > 0) {
        sent += static_cast<std::size_t>(n);
      } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        continue;  // a full socket buffer with one small request in flight: momentary
      } else {
        std::fprintf(stderr, "aerospike_limit: send failed: %s\n", std::strerror(errno));
        return false;
      }
    }
    ++outstanding_;
    return true;
  }

  bool on_readable(Conn& c) {
    for (;;) {
      const ssize_t n = ::recv(c.fd, c.response.data() + c.filled, c.response.size() - c.filled, 0);
      ++syscalls_;
      if (n == 0) {
        std::fprintf(stderr, "aerospike_limit: the server closed a connection\n");
        return false;
      }
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) return true;
        std::fprintf(stderr, "aerospike_limit: recv failed: %s\n", std::strerror(errno));
        return false;
      }
      c.filled += static_cast<std::size_t>(n);
      const int answered = take_answer(c);
      if (answered < 0) return false;
      if (answered == 0) continue;
      // The answer is complete; nothing more can arrive before the next request.
      if (stopping_) return true;
      if (o_.batch_sends) {
        ready_.push_back(&c);
        return true;
      }
      return send_next(c);
    }
  }

  // After bytes arrived in c.response: 1 when they complete the answer (counted, c.filled
  // reset), 0 when more must come (the buffer grown to fit), -1 on a protocol error.
  int take_answer(Conn& c) {
    if (c.filled < 8) return 0;
    std::uint64_t body = 0;
    for (int i = 2; i < 8; ++i) body = (body << 8) | c.response[static_cast<std::size_t>(i)];
    const std::size_t need = 8 + static_cast<std::size_t>(body);
    if (need > c.response.size()) c.response.resize(need);
    if (c.filled < need) return 0;
    if (c.filled > need) {
      std::fprintf(stderr, "aerospike_limit: unexpected bytes after a response\n");
      return -1;
    }
    const int code = response_result_code({c.response.data(), need});
    if (code == 0)
      ++ok_;
    else if (code == 2)
      ++not_found_;
    else
      ++errors_;
    c.filled = 0;
    --outstanding_;
    ++completed_;
    return 1;
  }

 public:
  // The io_uring limit: the same connections, requests and batching as run(), over one ring
  // (io/uring/uring_ring.h, raw system calls). Per batch of answers one io_uring_enter
  // submits every next request and its receive and waits for the next answers. Sends carry
  // MSG_WAITALL (the kernel finishes a partial send itself) and IOSQE_CQE_SKIP_SUCCESS (a send
  // that went out posts no CQE, so it cannot end the wait early); only receives complete.
  int run_uring() {
    std::string error;
    conns_.resize(static_cast<std::size_t>(o_.in_flight));
    ready_.reserve(conns_.size());
    for (Conn& c : conns_) {
      c.fd = connect_to(o_.host, &error);
      if (c.fd < 0) {
        std::fprintf(stderr, "aerospike_limit: %s\n", error.c_str());
        return 1;
      }
      // Blocking again: io_uring waits for the socket itself.
      fcntl(c.fd, F_SETFL, fcntl(c.fd, F_GETFL) & ~O_NONBLOCK);
    }
    std::error_code why;
    const unsigned entries = static_cast<unsigned>(std::min<std::size_t>(4 * conns_.size(), 32768));
    ring_ = UringRing::open(entries, 0, why);
    if (ring_ == nullptr || (ring_->features() & IORING_FEAT_CQE_SKIP) == 0) {
      std::fprintf(stderr, "aerospike_limit: io_uring is not available: %s\n",
                   ring_ == nullptr ? why.message().c_str() : "no IORING_FEAT_CQE_SKIP");
      return 1;
    }
    if (o_.fixed_files) {
      std::vector<int> fds;
      for (const Conn& c : conns_) fds.push_back(c.fd);
      if (const int r = ring_->register_files(fds.data(), static_cast<unsigned>(fds.size()));
          r != 0) {
        std::fprintf(stderr, "aerospike_limit: registering files: %s\n", std::strerror(-r));
        return 1;
      }
    }
    if (o_.provided_buffers && !set_up_buffer_ring()) return 1;
    double user0 = 0, sys0 = 0, user1 = 0, sys1 = 0;
    cpu_now(&user0, &sys0);
    const UringRing::Counters c0 = ring_->counters();
    const std::uint64_t t0 = now_ns();
    const std::uint64_t deadline = t0 + static_cast<std::uint64_t>(o_.duration_s * 1e9);
    for (Conn& c : conns_) {
      if (!queue_next(c)) return 1;
    }
    bool failed = false;
    auto on_cqe = [&](std::uint64_t user_data, std::int32_t result, std::uint32_t flags) {
      if ((user_data & kSendTag) != 0) {  // only a failed send posts a CQE
        std::fprintf(stderr, "aerospike_limit: send failed: %s\n", std::strerror(-result));
        failed = true;
        return;
      }
      Conn& c = conns_[user_data];
      if (result <= 0) {
        std::fprintf(stderr, "aerospike_limit: recv: %s\n",
                     result == 0 ? "the server closed a connection" : std::strerror(-result));
        failed = true;
        return;
      }
      if (o_.provided_buffers) take_provided(c, static_cast<std::size_t>(result), flags);
      c.filled += static_cast<std::size_t>(result);
      const int answered = take_answer(c);
      if (answered < 0) failed = true;
      if (answered == 0) queue_recv(c, user_data);
      if (answered == 1 && !stopping_) ready_.push_back(&c);
    };
    while (outstanding_ > 0 && !failed) {
      ring_->enter(1, true, 100'000'000);
      stopping_ = stopping_ || now_ns() >= deadline;
      do {
        ring_->reap(on_cqe);
      } while (ring_->overflowed() && ring_->enter(0, true) == 0);
      for (Conn* c : ready_) {
        if (!queue_next(*c)) return 1;
      }
      ready_.clear();
    }
    if (failed) return 1;
    const std::uint64_t t1 = now_ns();
    cpu_now(&user1, &sys1);
    const UringRing::Counters c1 = ring_->counters();
    syscalls_ = c1.enters - c0.enters;  // its only system call in the measured window
    enters_per_command_ =
        completed_ ? static_cast<double>(c1.enters - c0.enters) / static_cast<double>(completed_)
                   : 0;
    report((static_cast<double>(t1 - t0)) / 1e9, user1 - user0, sys1 - sys0);
    for (Conn& c : conns_) ::close(c.fd);
    ring_.reset();
    return 0;
  }

 private:
  static constexpr std::uint64_t kSendTag = std::uint64_t{1} << 63;

  io_uring_sqe* next_sqe() {
    std::uint32_t position;
    io_uring_sqe* sqe = ring_->next_sqe(position);
    if (sqe == nullptr) {
      ring_->make_room();
      sqe = ring_->next_sqe(position);
    }
    return sqe;
  }

  // The SQE's file: the descriptor, or with --fixed-files its index among the registered ones.
  void set_file(io_uring_sqe* sqe, const Conn& c, std::uint64_t index) const {
    if (o_.fixed_files) {
      sqe->fd = static_cast<std::int32_t>(index);
      sqe->flags |= IOSQE_FIXED_FILE;
    } else {
      sqe->fd = c.fd;
    }
  }

  void queue_recv(Conn& c, std::uint64_t index) {
    io_uring_sqe* sqe = next_sqe();
    sqe->opcode = IORING_OP_RECV;
    set_file(sqe, c, index);
    if (o_.provided_buffers) {
      sqe->flags |= IOSQE_BUFFER_SELECT;  // the kernel picks a buffer of group 0
      sqe->buf_group = 0;
      sqe->len = static_cast<std::uint32_t>(
          std::min<std::size_t>(kProvidedSize, c.response.size() - c.filled));
    } else {
      sqe->addr = reinterpret_cast<std::uint64_t>(c.response.data() + c.filled);
      sqe->len = static_cast<std::uint32_t>(c.response.size() - c.filled);
    }
    sqe->user_data = index;
  }

  // --provided-buffers: the buffer ring (group 0), one kProvidedSize buffer per entry. Its
  // entries are addressed as an io_uring_buf array from the ring's start: in C++ the UAPI
  // header's flexible `bufs` member sits 8 bytes further in (its empty-struct wrapper takes a
  // byte), where the kernel does not look.
  static constexpr std::size_t kProvidedSize = 4096;
  bool set_up_buffer_ring() {
    buffer_entries_ = 8;
    while (buffer_entries_ < 2 * conns_.size() && buffer_entries_ < 32768) buffer_entries_ *= 2;
    const std::size_t ring_bytes = buffer_entries_ * sizeof(io_uring_buf);
    void* ring = nullptr;
    if (posix_memalign(&ring, 4096, ring_bytes) != 0) return false;
    buffer_ring_.reset(ring);
    std::memset(ring, 0, ring_bytes);
    buffers_.resize(buffer_entries_ * kProvidedSize);
    for (unsigned i = 0; i < buffer_entries_; ++i) give_back(static_cast<std::uint16_t>(i));
    if (const int r = ring_->register_buffer_ring(ring, buffer_entries_, 0); r != 0) {
      std::fprintf(stderr, "aerospike_limit: registering the buffer ring: %s\n", std::strerror(-r));
      return false;
    }
    return true;
  }
  // Puts buffer `id` at the ring's tail for the kernel to take again.
  void give_back(std::uint16_t id) {
    auto* entries = static_cast<io_uring_buf*>(buffer_ring_.get());
    io_uring_buf& b = entries[buffer_tail_ & (buffer_entries_ - 1)];
    b.addr = reinterpret_cast<std::uint64_t>(buffers_.data() + std::size_t{id} * kProvidedSize);
    b.len = kProvidedSize;
    b.bid = id;
    ++buffer_tail_;
    // The tail overlays the first entry's `resv` (offset 14 of the ring).
    std::atomic_ref<std::uint16_t>(entries[0].resv).store(buffer_tail_, std::memory_order_release);
  }
  // A receive's bytes came in a provided buffer: copied to the connection, the buffer recycled.
  void take_provided(Conn& c, std::size_t bytes, std::uint32_t flags) {
    const auto id = static_cast<std::uint16_t>(flags >> IORING_CQE_BUFFER_SHIFT);
    std::memcpy(c.response.data() + c.filled, buffers_.data() + std::size_t{id} * kProvidedSize,
                bytes);
    give_back(id);
  }
  struct FreeDeleter {
    void operator()(void* p) const { std::free(p); }
  };
  std::unique_ptr<void, FreeDeleter> buffer_ring_;
  std::vector<std::uint8_t> buffers_;
  unsigned buffer_entries_ = 0;
  std::uint16_t buffer_tail_ = 0;

  // The next request's send and the receive of its answer, submitted at the next enter.
  bool queue_next(Conn& c) {
    const int encoded = encode_next(c);
    if (encoded <= 0) return encoded == 0;
    const auto index = static_cast<std::uint64_t>(&c - conns_.data());
    io_uring_sqe* sqe = next_sqe();
    sqe->opcode = IORING_OP_SEND;
    set_file(sqe, c, index);
    sqe->addr = reinterpret_cast<std::uint64_t>(c.request.data());
    sqe->len = static_cast<std::uint32_t>(c.request.size());
    sqe->msg_flags = MSG_NOSIGNAL | MSG_WAITALL;
    sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
    sqe->user_data = kSendTag | index;
    queue_recv(c, index);
    ++outstanding_;
    return true;
  }

  void report(double elapsed, double user, double sys) {
    const double per_s = static_cast<double>(completed_) / elapsed;
    const double cpu_us = completed_ ? (user + sys) * 1e6 / static_cast<double>(completed_) : 0;
    std::printf(
        "aerospike_limit (%s): %llu commands in %.2f s = %.0f/s; not found %llu, errors %llu; "
        "CPU user %.2f s + sys %.2f s = %.2f us per command\n",
        o_.io_uring ? "io_uring" : "epoll", static_cast<unsigned long long>(completed_), elapsed,
        per_s, static_cast<unsigned long long>(not_found_),
        static_cast<unsigned long long>(errors_), user, sys, cpu_us);
    if (o_.json_path.empty()) return;
    // The keys bench/compare reads from aerobench's --json, in the same order.
    nlohmann::ordered_json j = {
        {"tool", "aerospike_limit"},
        {"format", 1},
        {"elapsed_s", elapsed},
        {"commands", completed_},
        {"per_second", per_s},
        {"not_found", not_found_},
        {"errors", errors_},
        {"cpu", {{"user_s", user}, {"sys_s", sys}, {"per_command_us", cpu_us}}},
        {"config",
         {{"in_flight", o_.in_flight},
          {"read_percent", o_.read_percent},
          {"object_spec", object_spec_string(o_.object)},
          {"keys", o_.keys},
          {"io", o_.io_uring ? "uring" : "epoll"}}},
    };
    if (o_.io_uring) j["enters_per_command"] = enters_per_command_;
    // Counted at each call in the measured window (epoll: epoll_wait, send, recv; io_uring:
    // io_uring_enter), the same key as aerobench's loop count.
    j["loop_syscalls_per_command"] =
        completed_ ? static_cast<double>(syscalls_) / static_cast<double>(completed_) : 0.0;
    std::FILE* f = std::fopen(o_.json_path.c_str(), "w");
    if (f == nullptr) {
      std::fprintf(stderr, "aerospike_limit: cannot write %s\n", o_.json_path.c_str());
      return;
    }
    std::fprintf(f, "%s\n", j.dump().c_str());
    std::fclose(f);
  }

  const LimitOptions& o_;
  LimitMessages messages_;
  Rng rng_;
  std::vector<Conn> conns_;
  std::vector<Conn*> ready_;  // answered in this epoll batch, next request not sent yet
  int epoll_ = -1;
  std::unique_ptr<UringRing> ring_;  // --io uring
  double enters_per_command_ = 0;
  std::uint64_t syscalls_ = 0;  // system calls in the measured window
  bool stopping_ = false;
  std::int64_t outstanding_ = 0;
  std::int64_t issued_ = 0;
  std::uint64_t completed_ = 0, ok_ = 0, not_found_ = 0, errors_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  LimitOptions o;
  std::string error;
  if (!parse(argc, argv, &o, &error)) {
    std::fprintf(stderr, "aerospike_limit: %s\n", error.c_str());
    usage(stderr);
    return 2;
  }
  Limit limit(o);
  return o.io_uring ? limit.run_uring() : limit.run();
}
