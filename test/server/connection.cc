#include "test/server/connection.h"
#include "test/server/tls.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>
#include <string_view>

#include "test/server/batch.h"
#include "test/server/compression.h"
#include "test/server/info.h"
#include "test/server/message.h"
#include "test/server/node.h"
#include "test/server/record_ops.h"
#include "test/server/security/gate.h"
#include "test/server/wire.h"

namespace aero::testserver {

namespace {

constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kHighWater = 8 * 1024 * 1024;    // stop answering while this much is unsent
constexpr size_t kJobLowWater = 1024 * 1024;      // produce more of a scan below this
constexpr size_t kJobChunk = 256 * 1024;          // bytes of scan answer per produce() call
constexpr size_t kKeepBuffer = 4 * 1024 * 1024;   // larger idle buffers are given back
const security::ConnectionAuth kOpen{"-", ""};     // what every connection is without security

void header_only_message(ResponseWriter& w, uint8_t result) {
  MsgHeader h;
  h.result = result;
  w.begin_message(h);
  w.end_message();
}

}  // namespace

Connection::Connection(NodeLoop& loop, int fd, uint64_t key, std::unique_ptr<TlsStream> tls)
    : loop_(loop), fd_(fd), key_(key), tls_(std::move(tls)) {}

Connection::~Connection() { close(); }

bool Connection::open() {
  interest_ = EPOLLIN | EPOLLRDHUP;
  return loop_.events().add(fd_, interest_, key_);
}

void Connection::close() {
  if (fd_ < 0) return;
  loop_.events().remove(fd_);
  if (tls_) {
    tls_->shutdown();  // close_notify, best effort
    tls_.reset();
  }
  ::close(fd_);
  fd_ = -1;
  loop_.node().cluster().forget_user_agent(loop_.node().index(),
                                           reinterpret_cast<std::uintptr_t>(this));
  NodeCounters::bump(loop_.node().counters().connections_closed);
  if (job_) finish_job(JobStatus::kResponseError);  // the client never got the whole stream
  delayed_.clear();
  delayed_bytes_ = 0;
}

void Connection::on_event(uint32_t events) {
  if (closed()) return;
  if (events & EPOLLERR) {
    close();
    return;
  }
  // TLS: a handshake or record that waited for EPOLLOUT continues in recv() too.
  if ((events & (EPOLLIN | EPOLLHUP | EPOLLRDHUP)) || (tls_ && tls_->wants_write())) {
    read_ready();
    if (closed()) return;
  }
  pump();
}

void Connection::on_timer(TimePoint now) {
  if (closed()) return;
  while (!delayed_.empty() && delayed_.front().due <= now) {
    Delayed& d = delayed_.front();
    out_.insert(out_.end(), d.bytes.begin(), d.bytes.end());
    delayed_bytes_ -= d.bytes.size();
    const bool close_after = d.close_after;
    delayed_.pop_front();
    if (close_after) {
      close_after_flush_ = true;
      delayed_.clear();
      delayed_bytes_ = 0;
      break;
    }
  }
  pump();
}

void Connection::read_ready() {
  for (;;) {
    if (in_.size() - in_end_ < kReadChunk) {
      if (in_start_ > 0) {  // compact before growing
        std::memmove(in_.data(), in_.data() + in_start_, in_end_ - in_start_);
        in_end_ -= in_start_;
        in_start_ = 0;
      }
      if (in_.size() - in_end_ < kReadChunk) in_.resize(in_end_ + kReadChunk);
    }
    const size_t room = in_.size() - in_end_;
    const ssize_t n = tls_ ? tls_->recv(in_.data() + in_end_, room)
                           : ::recv(fd_, in_.data() + in_end_, room, 0);
    if (n > 0) {
      in_end_ += size_t(n);
      if (hung_) in_start_ = in_end_ = 0;  // a hung connection reads and forgets
      // A short read drained the socket: skip the recv that would only say EAGAIN (the
      // level-triggered loop reports the socket again if more arrives).
      // (TLS: OpenSSL may hold decrypted bytes the socket no longer shows: read on.)
      if (size_t(n) < room && !tls_) return;
      continue;
    }
    if (n == 0) {  // the client closed its side: a real server closes too
      close();
      return;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    close();
    return;
  }
}

bool Connection::has_complete_frame() const {
  const size_t avail = in_end_ - in_start_;
  if (avail < wire::kProtoHeaderSize) return false;
  const uint8_t* p = in_.data() + in_start_;
  if (wire::check_request_header(p) != wire::HeaderVerdict::kOk) return true;  // to reject it
  return avail - wire::kProtoHeaderSize >= wire::decode_proto_header(p).size;
}

void Connection::pump() {
  for (;;) {
    if (closed()) return;
    process_input();
    if (closed()) return;
    if (job_) continue_job();
    if (closed()) return;
    flush();
    if (closed()) return;
    const bool job_can_run = job_ && pending_output() < kJobLowWater;
    const bool input_can_run = !job_ && !hung_ && !close_after_flush_ &&
                               pending_output() <= kHighWater && has_complete_frame();
    if (!job_can_run && !input_can_run) break;
  }
  update_interest();
}

void Connection::process_input() {
  while (!closed() && !close_after_flush_ && !job_) {
    if (hung_) {
      in_start_ = in_end_ = 0;
      return;
    }
    if (pending_output() > kHighWater) return;  // the client is not reading: wait
    const size_t avail = in_end_ - in_start_;
    if (avail < wire::kProtoHeaderSize) break;
    const uint8_t* p = in_.data() + in_start_;
    if (wire::check_request_header(p) != wire::HeaderVerdict::kOk) {
      NodeCounters::bump(loop_.node().counters().protocol_errors);
      close();  // bad version, type, size, or a TLS hello: the server closes
      return;
    }
    const wire::ProtoHeader h = wire::decode_proto_header(p);
    if (avail - wire::kProtoHeaderSize < h.size) break;
    handle_request(h.type, p + wire::kProtoHeaderSize, size_t(h.size));
    in_start_ += wire::kProtoHeaderSize + size_t(h.size);
  }
  if (in_start_ == in_end_) {
    in_start_ = in_end_ = 0;
    if (in_.size() > kKeepBuffer) std::vector<uint8_t>().swap(in_);  // after a huge request
  }
}

void Connection::handle_request(uint8_t type, const uint8_t* body, size_t size) {
  Node& node = loop_.node();
  NodeCounters& counters = node.counters();
  std::chrono::milliseconds delay{0};
  const FaultKind fault = node.faults().take(type == wire::kTypeInfo, &delay);
  if (fault != FaultKind::kNone) NodeCounters::bump(counters.faults_applied);
  if (fault == FaultKind::kHang) {
    hung_ = true;
    return;
  }
  const bool direct = fault == FaultKind::kNone && delayed_.empty();
  std::vector<uint8_t>& sink = direct ? out_ : scratch_;
  if (!direct) scratch_.clear();
  bool started_job = false;
  switch (type) {
    case wire::kTypeInfo: {
      NodeCounters::bump(counters.info_requests);
      InfoContext ctx{node.cluster(), node.index(), &loop_.map(), &counters,
                      reinterpret_cast<std::uintptr_t>(this)};
      ResponseWriter w(sink);
      if (!security::admit_info(node.cluster().security() ? auth_ : kOpen, w)) break;
      answer_info(ctx, std::string_view(reinterpret_cast<const char*>(body), size), w);
      break;
    }
    case wire::kTypeAdmin:
      NodeCounters::bump(counters.admin_requests);
      if (security::Security* sec = node.cluster().security()) {
        // A PKI login names no user: the verified client certificate does.
        if (tls_ && auth_.certificate_user.empty())
          auth_.certificate_user = tls_->peer_common_name();
        sec->handle_admin(body, size, auth_, sink);
      } else {
        answer_admin(body, size, sink);
      }
      break;
    case wire::kTypeMessage:
      handle_message(body, size, sink, &started_job);
      break;
    case wire::kTypeCompressed: {
      std::vector<uint8_t> inner;
      if (!node.cluster().options().enterprise) {
        NodeCounters::bump(counters.record_requests);
        ResponseWriter w(sink);
        w.begin_frame(wire::kTypeMessage);
        header_only_message(w, wire::result::kEnterpriseOnly);  // Community: not supported
        w.end_frame();
      } else if (!inflate_request(body, size, inner)) {
        NodeCounters::bump(counters.protocol_errors);
        close();
        return;
      } else {
        handle_message(inner.data() + wire::kProtoHeaderSize,
                       inner.size() - wire::kProtoHeaderSize, sink, &started_job);
      }
      break;
    }
    default:
      break;  // unreachable: the header check admits types 1..4 only
  }
  if (started_job) {
    job_delay_ = fault == FaultKind::kDelay ? delay : std::chrono::milliseconds(0);
    if (fault != FaultKind::kNone && fault != FaultKind::kDelay && fault != FaultKind::kTrickle) {
      // The fault spoils the first chunk of the stream; the rest is never sent.
      RequestContext ctx{node.cluster(), node.index(), &loop_.map()};
      ResponseWriter w(scratch_);
      job_->produce(ctx, w, kJobChunk);
      finish_job(JobStatus::kResponseError);
    }
  }
  if (!direct) deliver(scratch_, fault, delay);
}

std::string Connection::peer_address() const {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return std::string();
  char host[INET6_ADDRSTRLEN] = {};
  uint16_t port = 0;
  if (addr.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
    ::inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    port = ntohs(in->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
    port = ntohs(in6->sin6_port);
  }
  return std::string(host) + "+" + std::to_string(port);  // as query-show prints it
}

void Connection::handle_message(const uint8_t* body, size_t size, std::vector<uint8_t>& sink,
                                bool* started_job) {
  Node& node = loop_.node();
  NodeCounters& counters = node.counters();
  ResponseWriter w(sink);
  const size_t answer_start = sink.size();
  const RequestContext ctx{node.cluster(), node.index(), &loop_.map()};
  MessageView m;
  if (parse_message(body, size, m) != ParseStatus::kOk) {
    NodeCounters::bump(counters.record_requests);
    w.begin_frame(wire::kTypeMessage);
    header_only_message(w, wire::result::kParameter);
    w.end_frame();
    return;
  }
  if (security::Security* sec = node.cluster().security();
      sec && !security::admit_message(*sec, auth_, m, w)) {
    NodeCounters::bump(counters.record_requests);
    return;
  }
  const bool compress = node.cluster().options().enterprise &&
                        (m.info1 & wire::info1::kCompressResponse) != 0;
  if (m.info1 & wire::info1::kBatch) {
    NodeCounters::bump(counters.batch_requests);
    execute_batch(ctx, m, w);
    if (compress) compress_frames(sink, answer_start);
    return;
  }
  const FieldView& digest = m.field(wire::field::kDigest);
  if (digest.present) {
    NodeCounters::bump(counters.record_requests);
    w.begin_frame(wire::kTypeMessage);
    if (digest.size != wire::kDigestSize) {
      header_only_message(w, wire::result::kParameter);
    } else {
      const FieldView& ns = m.field(wire::field::kNamespace);
      const int nsi = ns.present ? node.cluster().namespace_index(ns.str()) : -1;
      if (nsi >= 0 &&
          ctx.map->master(size_t(nsi), wire::partition_of(digest.data)) != node.index()) {
        NodeCounters::bump(counters.not_master_requests);
      }
      execute_record_command(ctx, m, digest.data, 0, w);
    }
    w.end_frame();
    if (compress) compress_frames(sink, answer_start);
    return;
  }
  NodeCounters::bump(counters.scan_requests);
  uint64_t task_id = 0;
  if (const FieldView& f = m.field(wire::field::kTaskId); f.present && f.size == 8) {
    task_id = wire::load_be64(f.data);
  }
  if (!node.register_task(task_id)) return;  // an active task id: not answered at all
  std::shared_ptr<JobRecord> record = new_job_record(m, peer_address());
  std::unique_ptr<ScanJob> job = ScanJob::start(ctx, m, w, record);
  JobTable& jobs = node.cluster().jobs(size_t(node.index()));
  if (!job) {
    node.unregister_task(task_id);
    if (record && record->completed) jobs.add_finished(record);  // a background job
    return;
  }
  if (job->record()) jobs.start(job->record());
  job_ = std::move(job);
  *started_job = true;
}

void Connection::answer_admin(const uint8_t* body, size_t size, std::vector<uint8_t>& sink) {
  uint8_t answer[wire::kProtoHeaderSize + 16] = {};
  wire::encode_proto_header(answer, wire::kTypeAdmin, 16);
  answer[wire::kProtoHeaderSize + 1] = loop_.node().cluster().options().admin_result;
  answer[wire::kProtoHeaderSize + 2] = size >= 3 ? body[2] : 0;  // the command, echoed
  sink.insert(sink.end(), answer, answer + sizeof answer);
}

void Connection::continue_job() {
  Node& node = loop_.node();
  while (job_ && pending_output() < kJobLowWater) {
    const RequestContext ctx{node.cluster(), node.index(), &loop_.map()};
    bool done;
    if (delayed_.empty() && job_delay_.count() == 0) {
      ResponseWriter w(out_);
      done = job_->produce(ctx, w, kJobChunk);
    } else {
      scratch_.clear();
      ResponseWriter w(scratch_);
      done = job_->produce(ctx, w, kJobChunk);
      push_output(scratch_, job_delay_, false);
    }
    if (done) finish_job();
  }
}

void Connection::finish_job(JobStatus status) {
  loop_.node().unregister_task(job_->task_id());
  if (job_->record()) {
    loop_.node().cluster().jobs(size_t(loop_.node().index())).finish(job_->record(), status);
  }
  job_.reset();
  job_delay_ = std::chrono::milliseconds(0);
}

void Connection::deliver(std::vector<uint8_t>& bytes, FaultKind fault,
                         std::chrono::milliseconds delay) {
  switch (fault) {
    case FaultKind::kNone:
    case FaultKind::kHang:
      push_output(bytes, std::chrono::milliseconds(0), false);
      return;
    case FaultKind::kDelay:
      push_output(bytes, delay, false);
      return;
    case FaultKind::kGarbage:
      for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = uint8_t(0xA7 ^ (i * 31));
      if (!bytes.empty()) bytes[0] = 0xA7;  // never a valid version byte
      push_output(bytes, std::chrono::milliseconds(0), false);
      return;
    case FaultKind::kAbsurdLength:
      if (bytes.size() >= wire::kProtoHeaderSize) {
        for (size_t i = 2; i < wire::kProtoHeaderSize; ++i) bytes[i] = 0xFF;
      }
      push_output(bytes, std::chrono::milliseconds(0), false);
      return;
    case FaultKind::kTruncatedFrame:
      if (bytes.size() > wire::kProtoHeaderSize) {
        const size_t body = std::min<uint64_t>(wire::decode_proto_header(bytes.data()).size,
                                               bytes.size() - wire::kProtoHeaderSize);
        bytes.resize(wire::kProtoHeaderSize + body / 2);
      }
      push_output(bytes, std::chrono::milliseconds(0), false);
      hung_ = true;  // nothing more will be said on this connection
      return;
    case FaultKind::kCloseMidResponse:
      bytes.resize(std::max<size_t>(1, bytes.size() / 2));
      push_output(bytes, std::chrono::milliseconds(0), true);
      return;
    case FaultKind::kTrickle: {
      // Piece i goes out i gaps after the first (push_output keeps them in order).
      const size_t ends[] = {std::min<size_t>(1, bytes.size()),
                             std::min<size_t>(wire::kProtoHeaderSize, bytes.size()), bytes.size()};
      size_t from = 0;
      for (size_t i = 0; i < std::size(ends); ++i) {
        std::vector<uint8_t> piece(bytes.begin() + std::ptrdiff_t(from),
                                   bytes.begin() + std::ptrdiff_t(ends[i]));
        if (!piece.empty()) push_output(piece, delay * int(i), false);
        from = ends[i];
      }
      bytes.clear();
      return;
    }
  }
}

void Connection::push_output(std::vector<uint8_t>& bytes, std::chrono::milliseconds delay,
                             bool close_after) {
  if (delay.count() == 0 && delayed_.empty()) {
    out_.insert(out_.end(), bytes.begin(), bytes.end());
    bytes.clear();
    if (close_after) close_after_flush_ = true;
    return;
  }
  const TimePoint due = std::max(std::chrono::steady_clock::now() + delay, last_due_);
  last_due_ = due;
  delayed_bytes_ += bytes.size();
  delayed_.push_back(Delayed{due, std::move(bytes), close_after});
  bytes.clear();
  loop_.schedule(key_, due);
}

void Connection::flush() {
  while (out_sent_ < out_.size()) {
    const ssize_t n = tls_ ? tls_->send(out_.data() + out_sent_, out_.size() - out_sent_)
                           : ::send(fd_, out_.data() + out_sent_, out_.size() - out_sent_,
                                    MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      out_sent_ += size_t(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    close();  // reset by the peer
    return;
  }
  if (out_sent_ == out_.size()) {
    out_.clear();
    if (out_.capacity() > kKeepBuffer) std::vector<uint8_t>().swap(out_);  // after a huge answer
    out_sent_ = 0;
    if (close_after_flush_) close();
  } else if (out_sent_ > kReadChunk && out_sent_ > out_.size() / 2) {
    out_.erase(out_.begin(), out_.begin() + std::ptrdiff_t(out_sent_));
    out_sent_ = 0;
  }
}

void Connection::update_interest() {
  if (closed()) return;
  uint32_t want = EPOLLRDHUP;
  if (hung_ || pending_output() <= kHighWater) want |= EPOLLIN;
  if (out_sent_ < out_.size() || (tls_ && tls_->wants_write())) want |= EPOLLOUT;
  if (want != interest_ && loop_.events().modify(fd_, want, key_)) interest_ = want;
}

}  // namespace aero::testserver
