// Client: info and admin calls (client/info.h): info to one/any/all nodes, the cluster's
// nodes, namespaces and sets, index create/drop, truncate, background jobs and their tasks.
#include <algorithm>
#include <charconv>
#include <string>

#include "client/client.h"
#include "client/cluster/cluster.h"
#include "client/command/info_command.h"
#include "client/command/loop_context.h"
#include "client/command/scan_command.h"
#include "client/wire/info.h"

namespace aero {

// ---- InfoAnswer / AdminTask ----

const std::string* InfoAnswer::find(std::string_view command) const {
  for (const auto& [name, value] : values) {
    if (name == command) return &value;
  }
  return nullptr;
}

Status InfoAnswer::error() const {
  if (!status.ok()) return status;
  for (const auto& [name, value] : values) {
    if (auto e = wire::parse_info_error(value)) {
      return Status(e->code, "node " + node + " answered '" + name + "' with " + value);
    }
  }
  return Status();
}

std::string AdminTask::poll_command() const {
  switch (kind_) {
    case Kind::job: return "query-show:id=" + std::to_string(task_id_);
    case Kind::index_create:
    case Kind::index_drop: return "sindex-stat:namespace=" + ns_ + ";indexname=" + name_;
  }
  return {};
}

Result<bool> AdminTask::done_on(const InfoAnswer& a) const {
  if (!a.status.ok()) return a.status;
  std::string cmd = poll_command();
  const std::string* v = a.find(cmd);
  if (v == nullptr) return Status(ClientCode::bad_response, "node " + a.node + " did not answer '" + cmd + "'");
  auto err = wire::parse_info_error(*v);
  switch (kind_) {
    case Kind::job:
      // Not found: finished (or never started there). status=done(...) / active(...).
      if (err) return err->code == 2 ? Result<bool>(true) : Result<bool>(Status(err->code, cmd + ": " + *v));
      if (v->find("status=done") != std::string::npos || v->find("status=DONE") != std::string::npos) return true;
      return false;
    case Kind::index_create: {
      if (err) return err->code == 201 ? Result<bool>(false) : Result<bool>(Status(err->code, cmd + ": " + *v));
      auto at = v->find("load_pct=");
      if (at == std::string::npos) return true;  // no progress reported: the index exists
      int pct = 0;
      std::from_chars(v->data() + at + 9, v->data() + v->size(), pct);
      return pct >= 100;
    }
    case Kind::index_drop:
      if (err) return err->code == 201 ? Result<bool>(true) : Result<bool>(Status(err->code, cmd + ": " + *v));
      return false;
  }
  return false;
}

namespace {

// Polls until every node says done; re-arms on the client's first loop.
struct Poll : std::enable_shared_from_this<Poll> {
  Client* client;
  AdminTask task;
  io::TimePoint deadline;
  Millis every;
  Promise<void> promise;
  io::Timer timer;
  std::shared_ptr<Poll> armed_self;  // set while `timer` is armed
  bool settled = false;

  void settle(Result<void> r) {
    if (settled) return;
    settled = true;
    promise.set(std::move(r));
  }
  void ask() {
    auto self = shared_from_this();
    // One poll may take what is left of the wait: a node slow to answer once (a loaded
    // machine, a large index's statistics) is no reason to give up before the deadline.
    Policy policy;
    const auto left = std::chrono::duration_cast<Millis>(deadline - io::Clock::now());
    policy.total_timeout = std::max(left, Millis{1});
    policy.socket_timeout = policy.total_timeout;
    client->info_all({task.poll_command()}, policy).then([self](Result<std::vector<InfoAnswer>> r) {
      if (!r.ok()) {
        self->settle(r.status());
        return;
      }
      bool all = true;
      for (const InfoAnswer& a : *r) {
        auto d = self->task.done_on(a);
        if (!d.ok()) {
          self->settle(d.status());
          return;
        }
        if (!*d) all = false;
      }
      if (all) {
        self->settle(Result<void>());
        return;
      }
      self->later();
    });
  }
  void later() {
    io::Loop& loop = client->loop(0);
    auto self = shared_from_this();
    bool posted = loop.post([self, &loop] {
      if (loop.now() + self->every >= self->deadline) {
        self->settle(Status(result::timeout, "the task (" + self->task.poll_command() +
                                                 ") was not finished on every node before the deadline"));
        return;
      }
      // The timer's handler may not call set_handler() on its own timer (io/loop.h), so the
      // Poll keeps itself alive through `armed_self` while armed and the handler takes it.
      self->armed_self = self;
      self->timer.set_handler([p = self.get()] {
        std::shared_ptr<Poll> keep = std::move(p->armed_self);
        keep->ask();
      });
      loop.start_timer(self->timer, loop.now() + self->every);
    });
    if (!posted) settle(Status(ClientCode::client_closed, "the client is closed"));
  }
};

}  // namespace

Future<void> AdminTask::wait(Millis timeout, Millis poll) const {
  auto p = std::make_shared<Poll>();
  Future<void> f = p->promise.future();
  if (client_ == nullptr) {
    p->settle(Status(ClientCode::invalid_argument, "AdminTask: no client"));
    return f;
  }
  p->client = client_;
  p->task = *this;
  p->deadline = io::Clock::now() + timeout;
  p->every = poll.count() > 0 ? poll : Millis{50};
  p->ask();
  return f;
}

// ---- Client ----

namespace {

std::vector<cluster::NodePtr> active_nodes(const cluster::ClusterSnapshot& snap) {
  std::vector<cluster::NodePtr> out;
  for (const auto& n : snap.nodes) {
    if (n->active()) out.push_back(n);
  }
  return out;
}

std::string known_namespaces(const cluster::ClusterSnapshot& snap) {
  std::string names;
  for (const auto& m : snap.namespaces) names += (names.empty() ? "" : ", ") + m->name;
  return names;
}

}  // namespace

Status Client::check_namespace(std::string_view ns) const {
  if (!cluster_) return Status(ClientCode::client_closed, "the client is closed");
  auto snap = cluster_->snapshot();
  if (snap->find(ns) != nullptr) return Status();
  if (snap->namespaces.empty()) {
    return Status(ClientCode::invalid_node, "the cluster has no active node with a partition map");
  }
  return Status(20, "namespace '" + std::string(ns) + "' is not in the cluster (it has: " +
                        known_namespaces(*snap) + ")");
}

void Client::info_nodes(std::vector<std::shared_ptr<cluster::Node>> nodes,
                        std::vector<std::string> commands, const Policy& policy,
                        UniqueFunction<void(Result<std::vector<InfoAnswer>>)> cb) {
  if (per_loop_.empty() || closed_.load()) {
    cb(Status(ClientCode::client_closed, "the client is closed"));
    return;
  }
  for (const std::string& c : commands) {
    if (c.empty() || c.find('\n') != std::string::npos) {
      cb(Status(ClientCode::invalid_argument, "an info command must be one non-empty line"));
      return;
    }
  }
  command::LoopContext* ctx = &loop_context(nullptr);
  outstanding_.fetch_add(1, std::memory_order_relaxed);  // released after delivery
  Policy p = policy;
  auto run = [ctx, nodes = std::move(nodes), commands = std::move(commands), p, cb = std::move(cb),
              live = &outstanding_]() mutable {
    command::run_info(ctx, std::move(nodes), std::move(commands), p, std::move(cb), live);
  };
  if (ctx->loop().in_loop_thread()) {
    run();
  } else if (!ctx->loop().post(std::move(run))) {
    outstanding_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

Future<std::vector<InfoAnswer>> Client::info_all(std::vector<std::string> commands,
                                                 const Policy& policy) {
  Promise<std::vector<InfoAnswer>> p;
  auto f = p.future();
  auto nodes = cluster_ ? active_nodes(*cluster_->snapshot()) : std::vector<cluster::NodePtr>{};
  if (nodes.empty()) {
    p.set(Status(ClientCode::invalid_node, "the cluster has no active node"));
    return f;
  }
  info_nodes(std::move(nodes), std::move(commands), policy,
             [p = std::move(p)](Result<std::vector<InfoAnswer>> r) mutable { p.set(std::move(r)); });
  return f;
}

Future<InfoAnswer> Client::info_node(std::string_view node, std::vector<std::string> commands,
                                     const Policy& policy) {
  Promise<InfoAnswer> p;
  auto f = p.future();
  std::vector<cluster::NodePtr> nodes;
  if (cluster_) {
    for (const auto& n : active_nodes(*cluster_->snapshot())) {
      if (node.empty() || n->name() == node) {
        nodes.push_back(n);
        break;
      }
    }
  }
  if (nodes.empty()) {
    p.set(Status(ClientCode::invalid_node,
                 node.empty() ? std::string("the cluster has no active node")
                              : "node '" + std::string(node) + "' is not an active node of the cluster"));
    return f;
  }
  info_nodes(std::move(nodes), std::move(commands), policy,
             [p = std::move(p)](Result<std::vector<InfoAnswer>> r) mutable {
               if (!r.ok()) {
                 p.set(r.status());
               } else if (!r->front().status.ok()) {
                 p.set(r->front().status);
               } else {
                 p.set(std::move(r->front()));
               }
             });
  return f;
}

Future<InfoAnswer> Client::info_any(std::vector<std::string> commands, const Policy& policy) {
  return info_node({}, std::move(commands), policy);
}

std::vector<NodeInfo> Client::nodes() const {
  std::vector<NodeInfo> out;
  if (!cluster_) return out;
  for (const auto& n : active_nodes(*cluster_->snapshot())) {
    out.push_back({n->name(), n->address().to_string()});
  }
  return out;
}

std::vector<std::string> Client::namespaces() const {
  std::vector<std::string> out;
  if (!cluster_) return out;
  for (const auto& m : cluster_->snapshot()->namespaces) out.push_back(m->name);
  return out;
}

Future<std::vector<SetInfo>> Client::sets(std::string_view ns) {
  Promise<std::vector<SetInfo>> p;
  auto f = p.future();
  if (Status st = check_namespace(ns); !st.ok()) {
    p.set(st);
    return f;
  }
  std::string cmd = "sets/" + std::string(ns);
  info_all({cmd}).then([p = std::move(p), cmd](Result<std::vector<InfoAnswer>> r) mutable {
    if (!r.ok()) {
      p.set(r.status());
      return;
    }
    std::vector<SetInfo> out;
    for (const InfoAnswer& a : *r) {
      if (Status st = a.error(); !st.ok()) {
        p.set(st);
        return;
      }
      const std::string* v = a.find(cmd);
      if (v == nullptr) continue;
      // "ns=test:set=demo:objects=10:...;ns=test:set=other:..."
      std::string_view rest = *v;
      while (!rest.empty()) {
        auto semi = rest.find(';');
        std::string_view entry = rest.substr(0, semi);
        rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
        SetInfo si;
        while (!entry.empty()) {
          auto colon = entry.find(':');
          std::string_view kv = entry.substr(0, colon);
          entry = colon == std::string_view::npos ? std::string_view{} : entry.substr(colon + 1);
          auto eq = kv.find('=');
          if (eq == std::string_view::npos) continue;
          std::string_view k = kv.substr(0, eq), val = kv.substr(eq + 1);
          if (k == "ns") si.ns = std::string(val);
          if (k == "set") si.set = std::string(val);
          if (k == "objects") std::from_chars(val.data(), val.data() + val.size(), si.objects);
        }
        if (si.set.empty()) continue;
        auto it = std::find_if(out.begin(), out.end(), [&](const SetInfo& s) { return s.set == si.set; });
        if (it == out.end()) {
          out.push_back(si);
        } else {
          it->objects += si.objects;
        }
      }
    }
    p.set(std::move(out));
  });
  return f;
}

namespace {
// Sends `cmd` to one node: index and truncate commands are distributed by the cluster itself
// (system metadata), as the official clients rely on (aerospike_index.c, aerospike_truncate.c).
Future<void> one_ok(Client& c, std::string cmd, Policy policy) {
  Promise<void> p;
  auto f = p.future();
  c.info_any({cmd}, policy).then([p = std::move(p)](Result<InfoAnswer> r) mutable {
    if (!r.ok()) {
      p.set(r.status());
    } else if (Status st = r->error(); !st.ok()) {
      p.set(st);
    } else {
      p.set(Result<void>());
    }
  });
  return f;
}
}  // namespace

Future<AdminTask> Client::create_index(std::string_view ns, std::string_view set,
                                       std::string_view name, std::string_view bin, IndexKind kind,
                                       const Policy& policy) {
  Promise<AdminTask> p;
  auto f = p.future();
  if (Status st = check_namespace(ns); !st.ok()) {
    p.set(st);
    return f;
  }
  if (name.empty() || bin.empty() || bin.size() > 15) {
    p.set(Status(ClientCode::invalid_argument, "create_index needs an index name and a bin name of 1..15 bytes"));
    return f;
  }
  // The C client's spelling (aerospike_index.c), as the captures show it.
  std::string cmd = "sindex-create:namespace=" + std::string(ns);
  if (!set.empty()) cmd += ";set=" + std::string(set);
  cmd += ";indexname=" + std::string(name) + ";bin=" + std::string(bin) +
         ";type=" + (kind == IndexKind::numeric ? "NUMERIC" : "STRING");
  AdminTask task(this, AdminTask::Kind::index_create, std::string(ns), std::string(name), 0);
  one_ok(*this, cmd, policy).then([p = std::move(p), task](Result<void> r) mutable {
    if (!r.ok()) {
      p.set(r.status());
    } else {
      p.set(task);
    }
  });
  return f;
}

Future<AdminTask> Client::drop_index(std::string_view ns, std::string_view name, const Policy& policy) {
  Promise<AdminTask> p;
  auto f = p.future();
  if (Status st = check_namespace(ns); !st.ok()) {
    p.set(st);
    return f;
  }
  std::string cmd = "sindex-delete:namespace=" + std::string(ns) + ";indexname=" + std::string(name);
  AdminTask task(this, AdminTask::Kind::index_drop, std::string(ns), std::string(name), 0);
  one_ok(*this, cmd, policy).then([p = std::move(p), task](Result<void> r) mutable {
    if (!r.ok()) {
      p.set(r.status());
    } else {
      p.set(task);
    }
  });
  return f;
}

Future<void> Client::truncate(std::string_view ns, std::string_view set,
                              std::chrono::system_clock::time_point before, const Policy& policy) {
  if (Status st = check_namespace(ns); !st.ok()) {
    Promise<void> p;
    auto f = p.future();
    p.set(st);
    return f;
  }
  // truncate:namespace=NS;set=SET[;lut=NANOS] / truncate-namespace:namespace=NS[;lut=NANOS]
  // (as the C client's aerospike_truncate); lut is the last-update time bound in ns since
  // the Unix epoch: records written before it go.
  std::string cmd = set.empty() ? "truncate-namespace:namespace=" + std::string(ns)
                                : "truncate:namespace=" + std::string(ns) + ";set=" + std::string(set);
  if (before.time_since_epoch().count() != 0) {
    auto ns_since = std::chrono::duration_cast<std::chrono::nanoseconds>(before.time_since_epoch()).count();
    cmd += ";lut=" + std::to_string(ns_since);
  }
  return one_ok(*this, cmd, policy);
}

Future<AdminTask> Client::background(std::string_view ns, std::string_view set,
                                     std::optional<Filter> where, std::vector<Operation> ops,
                                     const WritePolicy& policy) {
  auto job = std::make_shared<command::ScanJob>();
  const bool empty = ops.empty();
  job->write_ops = std::move(ops);
  return submit_background(std::move(job), ns, set, std::move(where), policy,
                           empty ? "a background job needs write operations" : "");
}

Future<AdminTask> Client::submit_background(std::shared_ptr<command::ScanJob> job,
                                            std::string_view ns, std::string_view set,
                                            std::optional<Filter> where,
                                            const WritePolicy& policy, std::string_view invalid) {
  Promise<AdminTask> p;
  auto f = p.future();
  job->ns = std::string(ns);
  job->set = std::string(set);
  job->is_query = where.has_value();
  job->filter = std::move(where);
  job->background = true;
  job->write_attrs.ttl = policy.ttl;
  job->write_attrs.durable_delete = policy.durable_delete;
  job->write_attrs.send_key = policy.send_key;
  job->policy.total_timeout = policy.total_timeout;
  job->policy.socket_timeout = policy.socket_timeout;
  job->policy.max_retries = policy.max_retries;
  job->read_attrs.filter_exp = policy.filter_exp.shared();
  job->shared_task_id = command::new_task_id();
  AdminTask task(this, AdminTask::Kind::job, std::string(ns), {}, job->shared_task_id);
  job->on_done = [p = std::move(p), task](ScanSummary s) mutable {
    if (s.end != StreamEnd::complete) {
      p.set(s.status);
    } else {
      p.set(task);
    }
  };
  if (!invalid.empty()) {
    job->ctx = &loop_context(nullptr);
    job->live = &outstanding_;
    outstanding_.fetch_add(1, std::memory_order_relaxed);
    job->fail_without_loop(Status(ClientCode::invalid_argument, std::string(invalid)));
    return f;
  }
  submit_stream(std::move(job), PartitionFilter::all(), {}, nullptr);
  return f;
}

}  // namespace aero
