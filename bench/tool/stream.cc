#include "bench/tool/stream.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "client/wire/buffer.h"
#include "client/wire/frame.h"
#include "client/wire/info.h"
#include "client/wire/message.h"
#include "client/wire/query.h"
#include "client/wire/replicas.h"
#include "client/wire/scan.h"

namespace aero::bench {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// The client's ScanPolicy defaults, so both readers send the same request.
const ScanPolicy& default_scan_policy() {
  static const ScanPolicy p;
  return p;
}

std::uint64_t random_task_id() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  std::uint64_t id = 0;
  while (id == 0) id = rng();
  return id;
}

bool send_all(int fd, const std::uint8_t* p, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

bool recv_all(int fd, std::uint8_t* p, std::size_t n) {
  while (n > 0) {
    const ssize_t r = ::recv(fd, p, n, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

int connect_to(const std::string& address, std::string* error) {
  // "host:port" or "[v6]:port".
  const std::size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    *error = "bad node address '" + address + "'";
    return -1;
  }
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string port = address.substr(colon + 1);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0 || res == nullptr) {
    *error = "cannot resolve " + address;
    return -1;
  }
  int fd = ::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0 && ::connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(res);
  if (fd < 0) {
    *error = "cannot connect to " + address + ": " + std::strerror(errno);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// The master partitions of `ns` on the node behind `fd` (info `replicas`).
bool master_partitions(int fd, const std::string& ns, std::vector<std::uint16_t>* out,
                       std::string* error) {
  wire::Buffer req;
  const std::string_view cmd[] = {"replicas"};
  if (!wire::encode_info_request(req, cmd).ok() || !send_all(fd, req.data(), req.size())) {
    *error = "cannot send the replicas request";
    return false;
  }
  std::uint8_t header[8];
  if (!recv_all(fd, header, sizeof header)) {
    *error = "no answer to the replicas request";
    return false;
  }
  auto h = wire::parse_proto_header(header, wire::ExpectedFrame::kInfo);
  if (!h.ok()) {
    *error = "bad answer to the replicas request: " + h.status().message();
    return false;
  }
  std::string body(h->body_size, '\0');
  if (!recv_all(fd, reinterpret_cast<std::uint8_t*>(body.data()), body.size())) {
    *error = "short answer to the replicas request";
    return false;
  }
  auto lines = wire::parse_info_response(body);
  const auto value = lines.ok() ? wire::find_info(*lines, "replicas") : std::nullopt;
  if (!value) {
    *error = "no replicas answer";
    return false;
  }
  auto maps = wire::parse_replicas(*value);
  if (!maps.ok()) {
    *error = "bad replicas answer: " + maps.status().message();
    return false;
  }
  for (const auto& m : *maps) {
    if (m.ns != ns || m.replicas.empty()) continue;
    for (std::uint32_t p = 0; p < wire::kPartitionCount; ++p) {
      if (wire::bitmap_has(m.replicas[0], p)) out->push_back(static_cast<std::uint16_t>(p));
    }
    return true;
  }
  *error = "the node has no namespace '" + ns + "'";
  return false;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
}

std::string index_name(const StreamSpec& spec) { return "aerobench_" + spec.bin; }

}  // namespace

bool client_pass(Client& client, const StreamSpec& spec, StreamPass* out, std::string* error) {
  std::uint64_t records = 0;
  auto count = [&records](ScanRecord&) {
    ++records;
    return true;
  };
  const auto t0 = Clock::now();
  Result<ScanSummary> s =
      spec.query ? client.query(spec.ns, spec.set,
                                Filter::range(spec.bin, std::numeric_limits<std::int64_t>::min(),
                                              std::numeric_limits<std::int64_t>::max()),
                                QueryPolicy{}, PartitionFilter::all(), {}, count)
                       .get()
                 : client.scan(spec.ns, spec.set, default_scan_policy(), PartitionFilter::all(), {}, count).get();
  out->seconds = seconds_since(t0);
  if (!s.ok() || s->end != StreamEnd::complete) {
    *error = "client " + std::string(spec.query ? "query" : "scan") + " failed: " +
             (s.ok() ? s->status.to_string() : s.status().to_string());
    return false;
  }
  out->records = records;
  out->bytes = s->bytes;
  return true;
}

BareStreamReader::~BareStreamReader() {
  for (NodeConn& n : nodes_) {
    if (n.fd >= 0) ::close(n.fd);
  }
}

bool BareStreamReader::open(const std::vector<std::string>& addresses, const StreamSpec& spec,
                            std::string* error) {
  spec_ = spec;
  for (const std::string& a : addresses) {
    NodeConn n;
    n.address = a;
    n.fd = connect_to(a, error);
    if (n.fd < 0) return false;
    nodes_.push_back(std::move(n));
    if (!master_partitions(nodes_.back().fd, spec.ns, &nodes_.back().partitions, error)) {
      *error = a + ": " + *error;
      return false;
    }
  }
  return !nodes_.empty();
}

bool BareStreamReader::pass(StreamPass* out, std::string* error) {
  const ScanPolicy& policy = default_scan_policy();
  const auto t0 = Clock::now();
  *out = StreamPass{};
  wire::Buffer req;
  for (NodeConn& n : nodes_) {
    n.done = n.partitions.empty();
    n.filled = 0;
    if (n.done) continue;
    req.clear();
    wire::Status st;
    const auto socket_ms = static_cast<std::uint32_t>(policy.socket_timeout.count());
    const auto total_ms = static_cast<std::uint32_t>(policy.total_timeout.count());
    if (spec_.query) {
      wire::QueryRequest q;
      q.ns = spec_.ns;
      q.set = spec_.set;
      q.filter.kind = wire::IndexFilter::Kind::kIntegerRange;
      q.filter.bin = spec_.bin;
      q.filter.begin = std::numeric_limits<std::int64_t>::min();
      q.filter.end = std::numeric_limits<std::int64_t>::max();
      q.partitions = n.partitions;
      q.socket_timeout_ms = socket_ms;
      q.server_timeout_ms = total_ms;
      q.task_id = random_task_id();
      st = wire::encode_query(req, q);
    } else {
      wire::ScanRequest r;
      r.ns = spec_.ns;
      r.set = spec_.set;
      r.partitions = n.partitions;
      r.socket_timeout_ms = socket_ms;
      r.server_timeout_ms = total_ms;
      r.task_id = random_task_id();
      st = wire::encode_scan(req, r);
    }
    if (!st.ok() || !send_all(n.fd, req.data(), req.size())) {
      *error = "bare reader: cannot send the request to " + n.address;
      return false;
    }
  }
  std::vector<pollfd> fds;
  for (;;) {
    fds.clear();
    std::vector<NodeConn*> which;
    for (NodeConn& n : nodes_) {
      if (n.done) continue;
      fds.push_back(pollfd{n.fd, POLLIN, 0});
      which.push_back(&n);
    }
    if (fds.empty()) break;
    const int ready = ::poll(fds.data(), fds.size(), 30000);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      *error = "bare reader: no answer for 30 s";
      return false;
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      if (!read_frames(*which[i], out, error)) return false;
    }
  }
  out->seconds = seconds_since(t0);
  return true;
}

// Reads what the socket has and walks every complete frame in the buffer.
bool BareStreamReader::read_frames(NodeConn& n, StreamPass* out, std::string* error) {
  if (n.buf.size() - n.filled < 64 * 1024) n.buf.resize(std::max<std::size_t>(n.buf.size() * 2, 256 * 1024));
  const ssize_t r = ::recv(n.fd, n.buf.data() + n.filled, n.buf.size() - n.filled, 0);
  if (r < 0 && errno == EINTR) return true;
  if (r <= 0) {
    *error = "bare reader: " + n.address + " closed the connection";
    return false;
  }
  n.filled += static_cast<std::size_t>(r);
  std::size_t at = 0;
  while (!n.done && n.filled - at >= 8) {
    auto h = wire::parse_proto_header(std::span<const std::uint8_t>(n.buf.data() + at, 8),
                                      wire::ExpectedFrame::kMessage);
    if (!h.ok()) {
      *error = "bare reader: bad frame from " + n.address + ": " + h.status().message();
      return false;
    }
    if (n.filled - at - 8 < h->body_size) {
      if (n.buf.size() < h->body_size + 8) n.buf.resize(h->body_size + 8 + 64 * 1024);
      break;
    }
    wire::MessageIterator it(std::span<const std::uint8_t>(n.buf.data() + at + 8, h->body_size));
    for (;;) {
      auto m = it.next();
      if (!m.ok()) {
        *error = "bare reader: bad message from " + n.address + ": " + m.status().message();
        return false;
      }
      if (!m->has_value()) break;
      switch (wire::classify_scan_message(**m)) {
        case wire::StreamMessageKind::kRecord: ++out->records; break;
        case wire::StreamMessageKind::kPartitionDone: break;
        case wire::StreamMessageKind::kLast:
        case wire::StreamMessageKind::kError:
          if ((*m)->result() != wire::ResultCode::kOk) {
            *error = "bare reader: " + n.address + " ended the stream with result " +
                     std::to_string(static_cast<int>((*m)->result()));
            return false;
          }
          n.done = true;
          break;
      }
    }
    out->bytes += 8 + h->body_size;
    at += 8 + h->body_size;
  }
  std::memmove(n.buf.data(), n.buf.data() + at, n.filled - at);
  n.filled -= at;
  return true;
}

bool run_stream(Client& client, const StreamSpec& spec, std::FILE* log, StreamResult* out,
                std::string* error) {
  if (spec.query) {
    auto task = client.create_index(spec.ns, spec.set, index_name(spec), spec.bin, IndexKind::numeric).get();
    if (!task.ok() && task.status().code() != 200) {  // 200: it exists (a previous run)
      *error = "cannot create the index on " + spec.bin + ": " + task.status().to_string();
      return false;
    }
    if (task.ok()) {
      auto waited = task->wait(Millis{60000}).get();
      if (!waited.ok()) {
        *error = "the index on " + spec.bin + " was not ready: " + waited.status().to_string();
        return false;
      }
    }
  }
  std::vector<std::string> addresses;
  for (const NodeInfo& n : client.nodes()) addresses.push_back(n.address);
  BareStreamReader bare;
  if (!bare.open(addresses, spec, error)) return false;

  const auto t0 = Clock::now();
  for (int round = 0;; ++round) {
    if (spec.interrupted != nullptr && spec.interrupted->load()) break;
    if (spec.max_rounds > 0 ? round >= spec.max_rounds : (round > 0 && seconds_since(t0) >= spec.duration_s)) break;
    StreamPass c, b;
    const bool client_first = round % 2 == 0;
    for (int i = 0; i < 2; ++i) {
      const bool ok = (i == 0) == client_first ? client_pass(client, spec, &c, error) : bare.pass(&b, error);
      if (!ok) return false;
    }
    if (c.records != b.records) {
      *error = "round " + std::to_string(round + 1) + ": the client read " + std::to_string(c.records) +
               " records, the bare reader " + std::to_string(b.records);
      return false;
    }
    out->client.push_back(c);
    out->bare.push_back(b);
    out->ratios.push_back(b.records_per_s() > 0 ? c.records_per_s() / b.records_per_s() : 0);
    if (log != nullptr) {
      std::fprintf(log, "round %3d | client %10.0f rec/s %7.1f MB/s | bare %10.0f rec/s %7.1f MB/s | ratio %.2f\n",
                   round + 1, c.records_per_s(), c.mb_per_s(), b.records_per_s(), b.mb_per_s(),
                   out->ratios.back());
      std::fflush(log);
    }
  }
  out->median_ratio = median(out->ratios);
  return true;
}

namespace {
struct Medians {
  double rps = 0, mbps = 0;
  std::uint64_t records = 0;
};
Medians medians(const std::vector<StreamPass>& v) {
  std::vector<double> r, m;
  for (const StreamPass& p : v) {
    r.push_back(p.records_per_s());
    m.push_back(p.mb_per_s());
  }
  return {median(r), median(m), v.empty() ? 0 : v.front().records};
}
std::string fmt(const char* f, double a, double b = 0, double c = 0) {
  char buf[160];
  std::snprintf(buf, sizeof buf, f, a, b, c);
  return buf;
}
}  // namespace

std::string stream_report(const StreamSpec& spec, const StreamResult& r) {
  const Medians c = medians(r.client), b = medians(r.bare);
  std::vector<double> sorted = r.ratios;
  std::sort(sorted.begin(), sorted.end());
  std::string out = "\n" + std::string(spec.query ? "query" : "scan") + " streaming, " +
                    std::to_string(r.client.size()) + " rounds of " + std::to_string(c.records) +
                    " records (medians over rounds):\n";
  out += fmt("  client       %12.0f records/s  %8.1f MB/s\n", c.rps, c.mbps);
  out += fmt("  bare reader  %12.0f records/s  %8.1f MB/s\n", b.rps, b.mbps);
  if (!sorted.empty()) {
    out += fmt("  client / bare reader: %.2fx records/s (rounds %.2f .. %.2f)\n", r.median_ratio,
               sorted.front(), sorted.back());
  }
  return out;
}

std::string stream_json(const StreamSpec& spec, const StreamResult& r) {
  const Medians c = medians(r.client), b = medians(r.bare);
  // `digits` decimals, as the text report rounds them (not finite: null).
  auto rounded = [](double v, int digits) {
    const double scale = std::pow(10.0, digits);
    return std::round(v * scale) / scale;
  };
  nlohmann::ordered_json ratios = nlohmann::ordered_json::array();
  for (double ratio : r.ratios) ratios.push_back(rounded(ratio, 4));
  const nlohmann::ordered_json j = {
      {"workload", spec.query ? "QUERY" : "SCAN"},
      {"rounds", r.client.size()},
      {"records_per_round", c.records},
      {"client_records_per_s", rounded(c.rps, 1)},
      {"client_mb_per_s", rounded(c.mbps, 3)},
      {"bare_records_per_s", rounded(b.rps, 1)},
      {"bare_mb_per_s", rounded(b.mbps, 3)},
      {"ratio_records_per_s", rounded(r.median_ratio, 4)},
      {"ratios", std::move(ratios)},
  };
  return j.dump() + "\n";
}

}  // namespace aero::bench
