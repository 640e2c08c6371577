// One client connection: reads frames, answers them strictly in order (so pipelining works),
// streams scans with flow control, and applies the node's faults to its answers.
//
// A Connection lives on one loop thread and is only touched there.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "test/server/faults.h"
#include "test/server/node_loop.h"
#include "test/server/scan.h"
#include "test/server/security/security.h"

namespace aero::testserver {

class TlsStream;

class Connection {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // `tls`: the connection came in on a TLS listener; bytes pass through it (tls.h).
  Connection(NodeLoop& loop, int fd, uint64_t key, std::unique_ptr<TlsStream> tls);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool open();  // registers with the loop
  void close();
  bool closed() const { return fd_ < 0; }

  void on_event(uint32_t events);
  void on_timer(TimePoint now);

 private:
  struct Delayed {
    TimePoint due;
    std::vector<uint8_t> bytes;
    bool close_after = false;
  };

  void read_ready();
  bool has_complete_frame() const;
  void pump();  // answer what can be answered, then write
  void process_input();
  void handle_request(uint8_t type, const uint8_t* body, size_t size);
  void handle_message(const uint8_t* body, size_t size, std::vector<uint8_t>& sink,
                      bool* started_job);
  void answer_admin(const uint8_t* body, size_t size, std::vector<uint8_t>& sink);
  void continue_job();
  void finish_job(JobStatus status = JobStatus::kDone);
  std::string peer_address() const;  // "127.0.0.1+53320", for query-show
  // Moves a finished answer to the output, through the fault that applies to it.
  void deliver(std::vector<uint8_t>& bytes, FaultKind fault, std::chrono::milliseconds delay);
  void push_output(std::vector<uint8_t>& bytes, std::chrono::milliseconds delay,
                   bool close_after);
  void flush();
  void update_interest();
  size_t pending_output() const { return out_.size() - out_sent_ + delayed_bytes_; }

  NodeLoop& loop_;
  int fd_;
  const uint64_t key_;
  std::unique_ptr<TlsStream> tls_;  // null on a clear connection

  std::vector<uint8_t> in_;  // storage; the unread bytes are [in_start_, in_end_)
  size_t in_start_ = 0;
  size_t in_end_ = 0;
  std::vector<uint8_t> out_;
  size_t out_sent_ = 0;
  std::vector<uint8_t> scratch_;
  std::deque<Delayed> delayed_;
  size_t delayed_bytes_ = 0;
  TimePoint last_due_{};

  security::ConnectionAuth auth_;  // who authenticated here (security mode)

  std::unique_ptr<ScanJob> job_;
  std::chrono::milliseconds job_delay_{0};

  bool hung_ = false;               // answers nothing more, drops input
  bool close_after_flush_ = false;  // close once out_ is written
  uint32_t interest_ = 0;           // events registered with epoll
};

}  // namespace aero::testserver
