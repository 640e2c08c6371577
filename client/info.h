// Info and admin calls: info commands to one node, any node or every node; secondary-index
// create/drop; truncate; background-job and index tasks that wait until every node is done.
//
//   auto answers = client->info_all({"build", "namespaces"}).get();   // one per node
//   for (auto& a : *answers) a.find("build");
//   auto task = client->create_index("test", "demo", "idx_age", "age", aero::IndexKind::numeric).get();
//   task->wait(std::chrono::seconds(30)).get();                        // ready on every node
//
// Answers are the server's name/value lines; a value the server answered with
// "ERROR:<code>:<message>" stays a value (InfoAnswer::error() parses it), while a node that
// could not be asked at all has a failed `status`.
//
// Threads: any thread may call these (as the commands in client.h). AdminTask::wait polls on
// the client's loop and completes on the completion executor; the Client must outlive it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/future.h"
#include "client/policy.h"
#include "client/status.h"

namespace aero {

class Client;

// One node's answer to a list of info commands.
struct InfoAnswer {
  std::string node;     // node name
  // The node's address as host:port.
  std::string address;
  Status status;        // the exchange itself (connection, timeout, bad answer)
  std::vector<std::pair<std::string, std::string>> values;  // command -> answer, in order

  // The answer to `command`, or nullptr.
  const std::string* find(std::string_view command) const;
  // The first "ERROR:<code>:..." / "FAIL:..." answer as a Status, else ok (or `status`).
  Status error() const;
};

// The type of a secondary index: integer bin values (NUMERIC) or string bin values (STRING).
enum class IndexKind : std::uint8_t { numeric, string };

// An active node of the cluster as of the last tend (Client::nodes()).
struct NodeInfo {
  // The node name (its node id, e.g. BB9020011AC4202).
  std::string name;
  // The address the client talks to it at, as host:port.
  std::string address;
};

// One set of a namespace and its record count (Client::sets()).
struct SetInfo {
  // The namespace.
  std::string ns;
  // The set name.
  std::string set;
  std::uint64_t objects = 0;  // summed over the nodes (replicas counted on each node)
};

// A job the server runs on every node (a background scan/query, an index build or drop).
// wait() polls every node until all report it finished.
class AdminTask {
 public:
  // What is awaited: a background scan/query job (by task id), an index being built, or an
  // index being dropped (by name).
  enum class Kind : std::uint8_t { job, index_create, index_drop };
  AdminTask() = default;
  // A task of `kind` on `client`'s cluster; `task_id` for a job, `ns` and `name` (the index)
  // for the index kinds. Made by the client; `client` must outlive the task.
  AdminTask(Client* client, Kind kind, std::string ns, std::string name, std::uint64_t task_id)
      : client_(client), kind_(kind), ns_(std::move(ns)), name_(std::move(name)), task_id_(task_id) {}

  // What is awaited.
  Kind kind() const { return kind_; }
  // The job's task id (Kind::job; 0 otherwise).
  std::uint64_t task_id() const { return task_id_; }
  // The index name (index kinds; empty for a job).
  const std::string& name() const { return name_; }

  // The info command that asks one node about this task, and whether its answer means done
  // (an error answer other than "not found" is returned as an error).
  std::string poll_command() const;
  // Whether one node's answer to poll_command() means done there: a job whose status is
  // done or that the node does not know (code 2); an index whose load_pct reached 100; a
  // dropped index the node no longer has (code 201).
  Result<bool> done_on(const InfoAnswer& answer) const;

  // Polls every `poll` until every node is done (ok), or `timeout` passes (timeout 9), or a
  // node answers an error.
  Future<void> wait(Millis timeout = Millis{30000}, Millis poll = Millis{50}) const;

 private:
  Client* client_ = nullptr;
  Kind kind_ = Kind::job;
  std::string ns_;
  std::string name_;
  std::uint64_t task_id_ = 0;
};

}  // namespace aero
