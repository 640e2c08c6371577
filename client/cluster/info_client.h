// InfoClient: the tender's blocking info exchanges, run on a loop of its own.
//
// The tender thread asks; the exchanges (connect, write the request, read the answer) run
// asynchronously on the InfoClient's own io loop, several nodes at once; the tender thread
// blocks until all answers or errors are in. Each node keeps one info connection, reused
// across tends and closed after any error.
//
// Threads: call()/call_all() and close() from one thread at a time (the tender thread;
// never a loop thread). The connections live on the InfoClient's loop.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "client/status.h"
#include "io/loop.h"

namespace aero::io {
class LoopThread;
}
namespace aero::auth {
class AuthLoop;
class Session;
}  // namespace aero::auth

namespace aero::cluster {

// One node's info connection (owned by the InfoClient's loop).
struct InfoConnection {
  io::SocketId socket;
};

struct InfoCall {
  InfoConnection* connection;  // may be one a previous call opened; updated in place
  io::Endpoint address;
  std::string request;         // command lines, each ending in '\n'
  Result<std::string> answer = Status(ClientCode::client_error, "not run");
};

class InfoClient {
 public:
  // `loop`: the loop the exchanges run on (e.g. a TLS loop); null: the platform's. With a
  // `session`, every new info connection logs in or authenticates first (AuthLoop over it).
  explicit InfoClient(std::chrono::milliseconds timeout, std::unique_ptr<io::Loop> loop = nullptr,
                      std::shared_ptr<auth::Session> session = nullptr);
  ~InfoClient();

  // Runs every call at once; returns when all finished (answer filled in: the response
  // body, or an error). Blocks the calling thread.
  void call_all(std::vector<InfoCall*>& calls);
  Result<std::string> call(InfoConnection& conn, const io::Endpoint& address,
                           std::string request);

  // Closes a connection (blocking until done).
  void close(InfoConnection& conn);

  io::Loop& loop();

 private:
  std::chrono::milliseconds timeout_;
  std::unique_ptr<io::LoopThread> thread_;
  std::unique_ptr<auth::AuthLoop> auth_;  // decorates thread_'s loop when there is a session
  io::Loop* io_ = nullptr;                // what exchanges use: auth_, or thread_'s loop
};

}  // namespace aero::cluster
