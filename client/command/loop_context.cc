#include "client/command/loop_context.h"

#include "client/cluster/cluster.h"
#include "client/command/command.h"

namespace aero::command {

LoopContext::LoopContext(io::Loop& loop, std::size_t index, cluster::Cluster& cluster,
                         Executor* completion_executor, const ClientConfig& config)
    : loop_(loop),
      index_(index),
      cluster_(cluster),
      completion_executor_(completion_executor != nullptr ? completion_executor : &loop.executor()),
      config_(config),
      completes_on_loop_(completion_executor == nullptr ||
                         completion_executor == &loop.executor()) {}

LoopContext::~LoopContext() = default;

void LoopContext::submit(Command* cmd) {
  if (loop_.in_loop_thread()) {
    admit(cmd);
    return;
  }
  if (!loop_.post([this, cmd] { admit(cmd); })) {
    cmd->fail_before_start(
        Status(ClientCode::client_closed, "the client is closed: its loops accept no more commands"));
  }
}

void LoopContext::admit(Command* cmd) {
  bump(started_);
  if (!cmd->arrive()) {
    cmd->fail_before_start(cmd->cancelled_status());
    return;
  }
  const FlowControl& fc = config_.flow_control;
  if (fc.max_commands_in_process <= 0 || in_process_ < fc.max_commands_in_process) {
    ++in_process_;
    publish_gauges();
    cmd->start();
    return;
  }
  if (fc.max_commands_in_queue <= 0 || queued_count_ < fc.max_commands_in_queue) {
    cmd->queue_prev_ = queue_tail_;
    cmd->queue_next_ = nullptr;
    if (queue_tail_) queue_tail_->queue_next_ = cmd; else queue_head_ = cmd;
    queue_tail_ = cmd;
    cmd->queued_ = true;
    ++queued_count_;
    publish_gauges();
    cmd->enter_queue();
    return;
  }
  bump(queue_full_);
  cmd->fail_before_start(Status(
      ClientCode::queue_full,
      "loop " + std::to_string(index_) + " is saturated: " + std::to_string(in_process_) +
          " commands in process and " + std::to_string(queued_count_) +
          " queued (FlowControl::max_commands_in_queue); retry later or raise the limits"));
}

bool LoopContext::remove_queued(Command* cmd) {
  if (!cmd->queued_) return false;
  if (cmd->queue_prev_) cmd->queue_prev_->queue_next_ = cmd->queue_next_; else queue_head_ = cmd->queue_next_;
  if (cmd->queue_next_) cmd->queue_next_->queue_prev_ = cmd->queue_prev_; else queue_tail_ = cmd->queue_prev_;
  cmd->queue_prev_ = cmd->queue_next_ = nullptr;
  cmd->queued_ = false;
  --queued_count_;
  publish_gauges();
  return true;
}

void LoopContext::on_command_done() {
  --in_process_;
  publish_gauges();
  // Iterative, so that a long queue of commands that fail at once cannot recurse deeply.
  if (draining_) return;
  draining_ = true;
  const int max = config_.flow_control.max_commands_in_process;
  while (queue_head_ != nullptr && (max <= 0 || in_process_ < max)) {
    Command* cmd = queue_head_;
    remove_queued(cmd);
    cmd->leave_queue();
    ++in_process_;
    publish_gauges();
    cmd->start();
  }
  draining_ = false;
}

void LoopContext::fail_queued(const Status& status) {
  while (Command* cmd = queue_head_) {
    remove_queued(cmd);
    cmd->leave_queue();
    cmd->fail_before_start(status);
  }
}

void LoopContext::deliver_soon(Deliverable* d) {
  if (!loop_.in_loop_thread()) {
    if (!completion_executor_->submit([d] { d->deliver(); })) d->deliver();
    return;
  }
  d->deliver_next_ = nullptr;
  if (deliver_tail_ != nullptr) {
    deliver_tail_->deliver_next_ = d;
  } else {
    deliver_head_ = d;
  }
  deliver_tail_ = d;
  if (flush_posted_) return;
  flush_posted_ = true;
  // Runs after the I/O handlers of this iteration (the loop runs its executor between I/O
  // batches), so every command that finishes in the iteration joins this one hand-over.
  if (!loop_.post([this] { flush_deliveries(); })) flush_deliveries();
}

void LoopContext::flush_deliveries() {
  flush_posted_ = false;
  Deliverable* list = deliver_head_;
  deliver_head_ = deliver_tail_ = nullptr;
  if (completes_on_loop_) {
    run_deliveries(list);  // already on the loop's executor
    return;
  }
  while (list != nullptr) {
    // Cut the next chunk off the list before handing it over: the executor may run (and
    // the objects be reused) at once.
    Deliverable* chunk = list;
    Deliverable* last = list;
    for (int n = 1; n < kDeliveriesPerTask && last->deliver_next_ != nullptr; ++n) {
      last = last->deliver_next_;
    }
    list = last->deliver_next_;
    last->deliver_next_ = nullptr;
    if (!completion_executor_->submit([chunk] { run_deliveries(chunk); })) run_deliveries(chunk);
  }
}

void LoopContext::run_deliveries(Deliverable* d) {
  while (d != nullptr) {
    Deliverable* next = d->deliver_next_;  // read first: deliver() may hand the object back
    d->deliver();
    d = next;
  }
}

const cluster::ClusterSnapshot& LoopContext::snapshot() {
  std::uint64_t v = cluster_.version();
  if (v != snapshot_version_ || !snapshot_) {
    snapshot_ = cluster_.snapshot();
    snapshot_version_ = snapshot_->version;
  }
  return *snapshot_;
}

const cluster::NamespaceMap* LoopContext::namespace_map(std::string_view ns) {
  const cluster::ClusterSnapshot& s = snapshot();
  if (map_version_ != snapshot_version_ || ns != map_ns_) {
    map_ = s.find(ns);
    map_ns_.assign(ns);
    map_version_ = snapshot_version_;
  }
  return map_;
}

}  // namespace aero::command
