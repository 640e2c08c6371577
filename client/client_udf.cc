// The UDF part of the Client (client/udf.h): record apply in the callback and future styles
// (coroutines await the future; SyncClient waits on it), and module management through
// info commands sent to every node.
#include <fstream>
#include <sstream>
#include <thread>

#include "client/client.h"
#include "client/cluster/cluster.h"
#include "client/cluster/info_client.h"
#include "client/command/scan_command.h"
#include "client/tls/client_tls.h"
#include "client/wire/batch.h"
#include "client/wire/info.h"
#include "client/wire/udf.h"

namespace aero {

namespace {

struct ApplyRequest {
  const Key* key;
  std::string_view module;
  std::string_view function;
  std::span<const Value> args;
  wire::WriteAttrs attrs;
};

wire::Status encode_apply_request(wire::Buffer& out, const void* arg) {
  const auto* r = static_cast<const ApplyRequest*>(arg);
  return wire::encode_apply(out, *r->key, r->module, r->function, r->args, r->attrs);
}

wire::WriteAttrs apply_attrs(const WritePolicy& p) {
  wire::WriteAttrs a;
  a.server_timeout_ms = wire::server_timeout_ms(static_cast<std::uint32_t>(p.socket_timeout.count()),
                                                static_cast<std::uint32_t>(p.total_timeout.count()));
  a.ttl = p.ttl;
  switch (p.generation_policy) {
    case GenerationPolicy::none: a.generation_policy = wire::GenerationPolicy::kNone; break;
    case GenerationPolicy::expect_equal: a.generation_policy = wire::GenerationPolicy::kExpectEqual; break;
    case GenerationPolicy::expect_greater: a.generation_policy = wire::GenerationPolicy::kExpectGreater; break;
  }
  a.generation = p.generation;
  a.send_key = p.send_key;
  a.durable_delete = p.durable_delete;
  a.filter_exp = p.filter_exp.shared();  // a record that does not match answers 27
  return a;  // exists actions do not apply to a UDF (the function decides)
}

// The value of an apply answer: SUCCESS's value; nil when the function returned nothing.
Result<Value> udf_value(Result<Record> r) {
  if (!r.ok()) return r.status();
  if (const Value* v = r->find("SUCCESS")) return *v;
  const std::string failure = wire::udf_failure_text(*r);
  if (!failure.empty()) return Status(result::udf_error, "UDF error: " + failure);
  return Value();
}

Status to_status(const wire::Status& s) {
  return Status(static_cast<int>(s.code()), s.message());
}

}  // namespace

void Client::apply(const Key& key, std::string_view module, std::string_view function,
                   ListRef<Value> args, const WritePolicy& policy, ValueCallback cb,
                   io::Loop* loop) {
  ApplyRequest req{&key, module, function, args.span(), apply_attrs(policy)};
  RecordCallback done;
  if (cb) done = [cb = std::move(cb)](Result<Record> r) mutable { cb(udf_value(std::move(r))); };
  submit_record_command(key, policy, true, loop, std::move(done), encode_apply_request, &req,
                        /*udf=*/true);
}

Future<Value> Client::apply(const Key& key, std::string_view module, std::string_view function,
                            ListRef<Value> args, const WritePolicy& policy) {
  Promise<Value> p;
  Future<Value> f = p.future();
  apply(key, module, function, args, policy,
        [p = std::move(p)](Result<Value> r) mutable { p.set(std::move(r)); });
  return f;
}

Result<Value> udf_result(const BatchRecord& row) {
  if (row.code == result::ok) {
    if (const Value* v = row.record.find("SUCCESS")) return *v;
    return Value();
  }
  std::string message = row.message;
  if (message.empty()) message = "batch row failed with code " + std::to_string(row.code);
  return Status(row.code, std::move(message), row.in_doubt);
}

void Client::batch_apply(std::vector<Key> keys, std::string_view module, std::string_view function,
                         ListRef<Value> args, const BatchWritePolicy& policy, BatchCallback cb,
                         io::Loop* loop) {
  auto udf = std::make_shared<wire::BatchUdf>();
  udf->module.assign(module);
  udf->function.assign(function);
  wire::encode_udf_args(args.span(), udf->args);
  // Names are checked by the row encoder: a bad one fails every row with invalid_argument.
  submit_batch(std::move(keys), BatchRead::all(), {}, true, policy, std::move(cb), loop,
               std::move(udf));
}

Future<std::vector<BatchRecord>> Client::batch_apply(std::vector<Key> keys, std::string_view module,
                                                     std::string_view function, ListRef<Value> args,
                                                     const BatchWritePolicy& policy) {
  Promise<std::vector<BatchRecord>> p;
  Future<std::vector<BatchRecord>> f = p.future();
  batch_apply(std::move(keys), module, function, args, policy,
              [p = std::move(p)](Result<std::vector<BatchRecord>> r) mutable { p.set(std::move(r)); });
  return f;
}

Future<AdminTask> Client::background_udf(std::string_view ns, std::string_view set,
                                         std::optional<Filter> where, std::string_view module,
                                         std::string_view function, ListRef<Value> args,
                                         const WritePolicy& policy) {
  auto job = std::make_shared<command::ScanJob>();
  auto udf = std::make_shared<wire::BatchUdf>();
  udf->module.assign(module);
  udf->function.assign(function);
  wire::encode_udf_args(args.span(), udf->args);
  job->udf = std::move(udf);
  const bool bad_names =
      module.empty() || module.size() > 127 || function.empty() || function.size() > 127;
  return submit_background(std::move(job), ns, set, std::move(where), policy,
                           bad_names ? "UDF module and function names must be 1 to 127 bytes" : "");
}

// ---- module management ----

Result<std::vector<std::string>> Client::udf_info(const std::string& command, bool all_nodes) {
  if (detail::on_loop_thread()) {
    return Status(ClientCode::would_block_loop,
                  "UDF module management blocks: call it from a thread that is not a client loop");
  }
  if (closed_.load() || !cluster_) return Status(ClientCode::client_closed, "the client is closed");
  auto snapshot = cluster_->snapshot();
  if (snapshot->nodes.empty()) return Status(ClientCode::invalid_node, "no node in the cluster");
  const std::size_t n = all_nodes ? snapshot->nodes.size() : 1;
  // Over TLS and with the login like every other connection of the client.
  cluster::InfoClient info(std::max(config_.conn_timeout, std::chrono::milliseconds(5000)),
                           tls_ ? tls_->wrap(io::make_loop(config_.io_backend)) : nullptr,
                           session_);
  std::vector<cluster::InfoConnection> conns(n);
  std::vector<cluster::InfoCall> calls(n);
  std::vector<cluster::InfoCall*> ptrs;
  for (std::size_t i = 0; i < n; ++i) {
    calls[i].connection = &conns[i];
    calls[i].address = snapshot->nodes[i]->address();
    calls[i].request = command + "\n";
    ptrs.push_back(&calls[i]);
  }
  info.call_all(ptrs);
  for (auto& c : conns) info.close(c);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& node = snapshot->nodes[i]->name();
    if (!calls[i].answer.ok()) {
      Status s = calls[i].answer.status();
      return Status(s.code(), s.message() + " (info " + command.substr(0, command.find(':')) +
                                  " on node " + node + ")");
    }
    auto lines = wire::parse_info_response(*calls[i].answer);
    if (!lines.ok()) return to_status(lines.status());
    auto value = wire::find_info(*lines, command);
    if (!value) {
      return Status(ClientCode::bad_response, "node " + node + " did not answer " +
                                                  command.substr(0, command.find(':')));
    }
    if (auto err = wire::parse_info_error(*value)) {
      return Status(err->code, "node " + node + ": " + std::string(err->message));
    }
    out.emplace_back(*value);
  }
  return out;
}

Result<void> Client::register_udf(std::string_view filename, std::string_view content,
                                  std::chrono::milliseconds wait) {
  if (filename.size() < 2 || filename.find('.') == std::string_view::npos) {
    return Status(ClientCode::invalid_argument, "a UDF file name needs an extension, e.g. \"counter.lua\"");
  }
  auto put = udf_info(wire::udf_put_command(filename, content), false);
  if (!put.ok()) return put.status();
  if (wire::Status s = wire::parse_udf_put_answer(put->front()); !s.ok()) return to_status(s);
  // The cluster spreads the module through its metadata: wait until every node serves
  // exactly this content.
  const auto deadline = std::chrono::steady_clock::now() + wait;
  const std::string get = wire::udf_get_command(filename);
  for (auto pause = std::chrono::milliseconds(5);; pause = std::min(pause * 2, std::chrono::milliseconds(200))) {
    auto answers = udf_info(get, true);
    if (!answers.ok()) return answers.status();
    bool everywhere = true;
    for (const std::string& a : *answers) {
      auto text = wire::parse_udf_get_answer(a);
      everywhere = everywhere && text.ok() && *text == content;
    }
    if (everywhere) {
      std::lock_guard<std::mutex> g(udf_sources_mutex_);
      udf_sources_.insert_or_assign(std::string(filename), std::string(content));
      return Result<void>();
    }
    if (std::chrono::steady_clock::now() + pause > deadline) {
      return Status(result::timeout, "UDF module " + std::string(filename) +
                                         " registered but not yet on every node");
    }
    std::this_thread::sleep_for(pause);
  }
}

Result<void> Client::register_udf_file(const std::string& path, std::chrono::milliseconds wait) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ClientCode::invalid_argument, "cannot read UDF file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  const std::size_t slash = path.find_last_of("/\\");
  const std::string filename = slash == std::string::npos ? path : path.substr(slash + 1);
  return register_udf(filename, text.str(), wait);
}

Result<void> Client::remove_udf(std::string_view filename, std::chrono::milliseconds wait) {
  auto rm = udf_info(wire::udf_remove_command(filename), false);
  if (!rm.ok()) return rm.status();
  if (wire::Status s = wire::parse_udf_remove_answer(rm->front()); !s.ok()) return to_status(s);
  {
    std::lock_guard<std::mutex> g(udf_sources_mutex_);
    if (auto it = udf_sources_.find(filename); it != udf_sources_.end()) udf_sources_.erase(it);
  }
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (auto pause = std::chrono::milliseconds(5);; pause = std::min(pause * 2, std::chrono::milliseconds(200))) {
    auto lists = udf_info(wire::udf_list_command(), true);
    if (!lists.ok()) return lists.status();
    bool gone = true;
    for (const std::string& l : *lists) {
      for (const auto& m : wire::parse_udf_list(l)) gone = gone && m.name != filename;
    }
    if (gone) return Result<void>();
    if (std::chrono::steady_clock::now() + pause > deadline) {
      return Status(result::timeout, "UDF module " + std::string(filename) +
                                         " removed but still listed by a node");
    }
    std::this_thread::sleep_for(pause);
  }
}

std::optional<std::string> Client::registered_udf_source(std::string_view filename) const {
  std::lock_guard<std::mutex> g(udf_sources_mutex_);
  auto it = udf_sources_.find(filename);
  if (it == udf_sources_.end()) return std::nullopt;
  return it->second;
}

Result<std::vector<UdfModule>> Client::list_udfs() {
  auto list = udf_info(wire::udf_list_command(), false);
  if (!list.ok()) return list.status();
  return wire::parse_udf_list(list->front());
}

Result<std::string> Client::get_udf(std::string_view filename) {
  auto get = udf_info(wire::udf_get_command(filename), false);
  if (!get.ok()) return get.status();
  auto text = wire::parse_udf_get_answer(get->front());
  if (!text.ok()) return to_status(text.status());
  return std::move(*text);
}

}  // namespace aero
