#include "test/server/tests/wire_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace testclient {

namespace {

uint8_t u8(char c) { return static_cast<uint8_t>(c); }

uint64_t splitmix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

uint32_t rd32(std::string_view s, size_t at) {
  return (uint32_t(u8(s[at])) << 24) | (uint32_t(u8(s[at + 1])) << 16) |
         (uint32_t(u8(s[at + 2])) << 8) | uint32_t(u8(s[at + 3]));
}

uint16_t rd16(std::string_view s, size_t at) {
  return uint16_t((uint32_t(u8(s[at])) << 8) | u8(s[at + 1]));
}

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : int(left.count());
}

}  // namespace

Bytes be16(uint16_t v) { return Bytes{char(v >> 8), char(v)}; }
Bytes be32(uint32_t v) { return Bytes{char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; }
Bytes be64(uint64_t v) { return be32(uint32_t(v >> 32)) + be32(uint32_t(v)); }
Bytes le16(uint16_t v) { return Bytes{char(v), char(v >> 8)}; }
Bytes int_value(int64_t v) { return be64(uint64_t(v)); }

Bytes from_hex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return 0;
  };
  Bytes out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(char((nibble(hex[i]) << 4) | nibble(hex[i + 1])));
  }
  return out;
}

std::string to_hex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    out.push_back(kDigits[u8(c) >> 4]);
    out.push_back(kDigits[u8(c) & 15]);
  }
  return out;
}

Bytes encode_body(const Msg& m) {
  Bytes b;
  b.push_back(22);
  b.push_back(char(m.info1));
  b.push_back(char(m.info2));
  b.push_back(char(m.info3));
  b.push_back(char(m.info4));
  b.push_back(0);
  b += be32(m.generation) + be32(m.record_ttl) + be32(m.transaction_ttl);
  b += be16(uint16_t(m.fields.size())) + be16(uint16_t(m.ops.size()));
  for (const Field& f : m.fields) {
    b += be32(uint32_t(f.data.size() + 1));
    b.push_back(char(f.type));
    b += f.data;
  }
  for (const Op& o : m.ops) {
    b += be32(uint32_t(4 + o.name.size() + o.value.size()));
    b.push_back(char(o.type));
    b.push_back(char(o.particle));
    b.push_back(0);
    b.push_back(char(o.name.size()));
    b += o.name;
    b += o.value;
  }
  return b;
}

Bytes frame(uint8_t type, const Bytes& body) {
  Bytes h{char(2), char(type)};
  const uint64_t n = body.size();
  h += be16(uint16_t(n >> 32)) + be32(uint32_t(n));
  return h + body;
}

Bytes info_frame(const std::vector<std::string>& lines) {
  Bytes body;
  for (const std::string& l : lines) body += l + "\n";
  return frame(1, body);
}

Bytes digest_for(uint64_t salt) {
  Bytes d;
  for (int i = 0; i < 3; ++i) d += be64(splitmix(salt * 3 + uint64_t(i)));
  d.resize(20);
  return d;
}

Bytes digest_in_partition(uint32_t pid, uint64_t salt) {
  Bytes d = digest_for(salt ^ (uint64_t(pid) << 40));
  d[0] = char(pid & 0xFF);
  d[1] = char((u8(d[1]) & 0xF0) | ((pid >> 8) & 0x0F));
  return d;
}

uint32_t partition_of(std::string_view digest) {
  return (uint32_t(u8(digest[0])) | (uint32_t(u8(digest[1])) << 8)) & 4095u;
}

Msg keyed(std::string_view ns, std::string_view set, const Bytes& digest) {
  Msg m;
  m.fields.push_back({0, Bytes(ns)});
  m.fields.push_back({1, Bytes(set)});
  m.fields.push_back({4, digest});
  return m;
}

Op write_int(std::string name, int64_t v) { return Op{2, 1, std::move(name), int_value(v)}; }
Op write_str(std::string name, std::string v) { return Op{2, 3, std::move(name), std::move(v)}; }
Op read_bin(std::string name) { return Op{1, 0, std::move(name), {}}; }

Bytes batch_field_data(const std::vector<BatchRow>& rows, uint8_t flags) {
  Bytes d = be32(uint32_t(rows.size()));
  d.push_back(char(flags));
  for (const BatchRow& r : rows) {
    d += be32(r.index) + r.digest;
    if (r.repeat) {
      d.push_back(0x01);
      continue;
    }
    uint8_t row_flags = 0x02 | 0x08;  // info2/3 and ttl
    if (r.with_generation) row_flags |= 0x04;
    d.push_back(char(row_flags));
    d.push_back(char(r.info1));
    d.push_back(char(r.info2));
    d.push_back(char(r.info3));
    if (r.with_generation) d += be16(r.generation);
    d += be32(r.ttl);
    d += be16(uint16_t(r.fields.size())) + be16(uint16_t(r.ops.size()));
    Msg tmp;
    tmp.fields = r.fields;
    tmp.ops = r.ops;
    d += encode_body(tmp).substr(22);
  }
  return d;
}

Msg batch_parent(const std::vector<BatchRow>& rows, uint8_t flags) {
  Msg m;
  m.info1 = 0x08;
  m.fields.push_back({41, batch_field_data(rows, flags)});
  return m;
}

const DecodedOp* DecodedMsg::op(std::string_view name) const {
  for (const DecodedOp& o : ops) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

const DecodedField* DecodedMsg::field(uint8_t type) const {
  for (const DecodedField& f : fields) {
    if (f.type == type) return &f;
  }
  return nullptr;
}

std::optional<std::vector<DecodedMsg>> decode_messages(std::string_view body) {
  std::vector<DecodedMsg> out;
  size_t at = 0;
  while (at < body.size()) {
    if (body.size() - at < 22 || u8(body[at]) != 22) return std::nullopt;
    DecodedMsg m;
    m.info1 = u8(body[at + 1]);
    m.info2 = u8(body[at + 2]);
    m.info3 = u8(body[at + 3]);
    m.info4 = u8(body[at + 4]);
    m.result = u8(body[at + 5]);
    m.generation = rd32(body, at + 6);
    m.void_time = rd32(body, at + 10);
    m.transaction_ttl = rd32(body, at + 14);
    const uint16_t nf = rd16(body, at + 18), no = rd16(body, at + 20);
    at += 22;
    for (uint16_t i = 0; i < nf; ++i) {
      if (body.size() - at < 5) return std::nullopt;
      const uint32_t sz = rd32(body, at);
      if (sz < 1 || body.size() - at - 4 < sz) return std::nullopt;
      m.fields.push_back({u8(body[at + 4]), Bytes(body.substr(at + 5, sz - 1))});
      at += 4 + sz;
    }
    for (uint16_t i = 0; i < no; ++i) {
      if (body.size() - at < 8) return std::nullopt;
      const uint32_t sz = rd32(body, at);
      const uint8_t name_len = u8(body[at + 7]);
      if (sz < 4u + name_len || body.size() - at - 4 < sz) return std::nullopt;
      DecodedOp o{u8(body[at + 4]), u8(body[at + 5]), std::string(body.substr(at + 8, name_len)),
                  Bytes(body.substr(at + 8 + name_len, sz - 4 - name_len))};
      m.ops.push_back(std::move(o));
      at += 4 + sz;
    }
    out.push_back(std::move(m));
  }
  return out;
}

DecodedMsg first_message(std::string_view body) {
  auto msgs = decode_messages(body);
  if (!msgs || msgs->empty()) {
    DecodedMsg bad;
    bad.result = 255;
    return bad;
  }
  return (*msgs)[0];
}

int64_t as_int(const Bytes& b) {
  uint64_t v = 0;
  for (char c : b) v = (v << 8) | u8(c);
  return int64_t(v);
}

Bytes Frame::raw() const {
  Bytes h{char(version), char(type)};
  const uint64_t n = body.size();
  return h + be16(uint16_t(n >> 32)) + be32(uint32_t(n)) + body;
}

RawConnection::~RawConnection() { close(); }

RawConnection::RawConnection(RawConnection&& o) noexcept : fd_(o.fd_), errno_(o.errno_) {
  o.fd_ = -1;
}

RawConnection& RawConnection::operator=(RawConnection&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = o.fd_;
    errno_ = o.errno_;
    o.fd_ = -1;
  }
  return *this;
}

bool RawConnection::connect(uint16_t port, std::chrono::milliseconds timeout) {
  close();
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd_ < 0) {
    errno_ = errno;
    return false;
  }
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    if (errno != EINPROGRESS) {
      errno_ = errno;
      close();
      return false;
    }
    pollfd p{fd_, POLLOUT, 0};
    if (::poll(&p, 1, int(timeout.count())) != 1) {
      errno_ = ETIMEDOUT;
      close();
      return false;
    }
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      errno_ = err;
      close();
      return false;
    }
  }
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return true;
}

void RawConnection::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool RawConnection::send(std::string_view bytes) {
  size_t sent = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += size_t(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      pollfd p{fd_, POLLOUT, 0};
      if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
      continue;
    }
    errno_ = errno;
    return false;
  }
  return true;
}

ReadStatus RawConnection::read_exact(size_t n, Bytes* out, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  out->resize(n);
  size_t got = 0;
  while (got < n) {
    const ssize_t r = ::recv(fd_, out->data() + got, n - got, 0);
    if (r > 0) {
      got += size_t(r);
      continue;
    }
    if (r == 0) return ReadStatus::kClosed;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      pollfd p{fd_, POLLIN, 0};
      const int left = remaining_ms(deadline);
      if (left == 0 || ::poll(&p, 1, left) <= 0) return ReadStatus::kTimeout;
      continue;
    }
    errno_ = errno;
    return errno == ECONNRESET ? ReadStatus::kClosed : ReadStatus::kError;
  }
  return ReadStatus::kOk;
}

ReadStatus RawConnection::read_frame(Frame* out, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  Bytes h;
  ReadStatus st = read_exact(8, &h, timeout);
  if (st != ReadStatus::kOk) return st;
  out->version = u8(h[0]);
  out->type = u8(h[1]);
  const uint64_t n = (uint64_t(rd16(h, 2)) << 32) | rd32(h, 4);
  if (n > 128ull * 1024 * 1024) return ReadStatus::kError;
  return read_exact(size_t(n), &out->body,
                    std::chrono::milliseconds(std::max(1, remaining_ms(deadline))));
}

ReadStatus RawConnection::wait_readable(std::chrono::milliseconds timeout) {
  pollfd p{fd_, POLLIN, 0};
  const int r = ::poll(&p, 1, int(timeout.count()));
  if (r == 0) return ReadStatus::kTimeout;
  if (r < 0) return ReadStatus::kError;
  char c;
  const ssize_t n = ::recv(fd_, &c, 1, MSG_PEEK);
  if (n == 0) return ReadStatus::kClosed;
  if (n < 0) return errno == ECONNRESET ? ReadStatus::kClosed : ReadStatus::kError;
  return ReadStatus::kOk;
}

std::optional<Frame> RawConnection::call(std::string_view request,
                                         std::chrono::milliseconds timeout) {
  if (!send(request)) return std::nullopt;
  Frame f;
  if (read_frame(&f, timeout) != ReadStatus::kOk) return std::nullopt;
  return f;
}

std::optional<std::vector<DecodedMsg>> RawConnection::call_stream(
    std::string_view request, std::chrono::milliseconds timeout) {
  if (!send(request)) return std::nullopt;
  std::vector<DecodedMsg> all;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    Frame f;
    if (read_frame(&f, std::chrono::milliseconds(std::max(1, remaining_ms(deadline)))) !=
        ReadStatus::kOk) {
      return std::nullopt;
    }
    if (f.type != 3) return std::nullopt;
    auto msgs = decode_messages(f.body);
    if (!msgs) return std::nullopt;
    bool last = false;
    for (DecodedMsg& m : *msgs) {
      last = last || (m.info3 & 0x01);
      all.push_back(std::move(m));
    }
    if (last) return all;
  }
}

std::optional<DecodedMsg> call_msg(RawConnection& c, const Msg& m) {
  auto f = c.call(message_frame(m));
  if (!f || f->type != 3) return std::nullopt;
  auto msgs = decode_messages(f->body);
  if (!msgs || msgs->size() != 1) return std::nullopt;
  return (*msgs)[0];
}

std::optional<std::string> call_info(RawConnection& c, const std::vector<std::string>& lines) {
  auto f = c.call(info_frame(lines));
  if (!f || f->type != 1) return std::nullopt;
  return f->body;
}

std::optional<std::string> info_value(const std::string& body, std::string_view name) {
  size_t at = 0;
  while (at < body.size()) {
    const size_t nl = body.find('\n', at);
    const std::string_view line(body.data() + at, (nl == std::string::npos ? body.size() : nl) - at);
    const size_t tab = line.find('\t');
    if (tab != std::string_view::npos && line.substr(0, tab) == name) {
      return std::string(line.substr(tab + 1));
    }
    if (nl == std::string::npos) break;
    at = nl + 1;
  }
  return std::nullopt;
}

std::optional<Bytes> base64_decode(std::string_view s) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (s.size() % 4 != 0) return std::nullopt;
  Bytes out;
  for (size_t i = 0; i < s.size(); i += 4) {
    uint32_t v = 0;
    int pad = 0;
    for (size_t k = 0; k < 4; ++k) {
      const char c = s[i + k];
      if (c == '=') {
        ++pad;
        v <<= 6;
        continue;
      }
      const int x = val(c);
      if (x < 0 || pad > 0) return std::nullopt;
      v = (v << 6) | uint32_t(x);
    }
    out.push_back(char(v >> 16));
    if (pad < 2) out.push_back(char(v >> 8));
    if (pad < 1) out.push_back(char(v));
  }
  return out;
}

}  // namespace testclient
