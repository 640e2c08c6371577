#include "client/command/batch_command.h"

#include <map>

#include "client/command/routing.h"
#include "client/command/single_command.h"
#include "client/wire/message.h"
#include "client/wire/udf.h"

namespace aero::command {

void BatchState::start(std::unique_ptr<BatchState> owned) {
  BatchState* s = owned.release();
  if (s->keys.empty()) {
    s->refs = 1;
    s->parts_running = 0;
    s->part_done();  // delivers the empty result
    return;
  }
  std::vector<std::uint32_t> all(s->keys.size());
  for (std::uint32_t i = 0; i < all.size(); ++i) all[i] = i;
  auto* part = new BatchNodeCommand(s, std::move(all));
  s->ctx->admit(part);
}

void BatchState::part_done() {
  if (--parts_running > 0) return;
  // Every part finished: deliver once, on the completion executor.
  auto deliver = [this] {
    auto cb = std::move(callback);
    cb(Result<std::vector<BatchRecord>>(std::move(results)));
    cb = nullptr;
    std::atomic<std::int64_t>* counter = live;
    delete this;
    if (counter != nullptr) counter->fetch_sub(1, std::memory_order_acq_rel);
  };
  // The state lives until delivery; parts still finishing their I/O hold refs on it, so
  // delivery waits for them (unref() queues it when the last one is gone).
  deliver_ = Task(std::move(deliver));
  unref();
}

void BatchState::unref() {
  if (--refs > 0) return;
  if (!ctx->completion_executor().submit(std::move(deliver_))) deliver_();
}

BatchNodeCommand::BatchNodeCommand(BatchState* state, std::vector<std::uint32_t> indexes)
    : state_(state), indexes_(std::move(indexes)) {
  bind(state->ctx, state->timing);
  state_->parts_running += 1;
  state_->refs += 1;
}

cluster::Node* BatchNodeCommand::select_node(const cluster::ClusterSnapshot& snapshot,
                                             unsigned replica_index) {
  // Route every key still unanswered; keep the first key's node, split off the rest.
  std::vector<std::uint32_t> mine;
  std::map<cluster::Node*, std::vector<std::uint32_t>> others;
  cluster::Node* target = nullptr;
  for (std::uint32_t idx : indexes_) {
    if (state_->answered[idx]) continue;
    const Key& key = state_->keys[idx];
    cluster::Node* n = route(snapshot, key.ns(), key.partition_id(), timing().replica,
                             state_->is_write, replica_index, 0, state_->ctx->config().rack_id);
    if (n == nullptr) {
      BatchRecord& r = state_->results[idx];
      if (Status st = unknown_namespace(snapshot, key.ns()); !st.ok()) {
        r.code = st.code();
        r.message = st.message();
        state_->answered[idx] = 1;
        continue;
      }
      r.code = static_cast<int>(ClientCode::invalid_node);
      r.message = "no active node serves the key's partition (namespace '" + key.ns() + "')";
      state_->answered[idx] = 1;
      continue;
    }
    if (target == nullptr) target = n;
    if (n == target) {
      mine.push_back(idx);
    } else {
      others[n].push_back(idx);
    }
  }
  indexes_ = std::move(mine);
  for (auto& [node, idxs] : others) {
    state_->ctx->admit(new BatchNodeCommand(state_, std::move(idxs)));
  }
  if (target == nullptr) return nullptr;  // nothing left to ask: see complete()

  std::vector<wire::BatchRow> rows;
  rows.reserve(indexes_.size());
  for (std::uint32_t idx : indexes_) {
    wire::BatchRow row;
    row.key = &state_->keys[idx];
    row.index = idx;
    row.read = &state_->read;
    row.write = &state_->write;
    if (state_->udf) {
      row.kind = wire::BatchRowKind::kUdf;
      row.udf = state_->udf.get();
    } else if (!state_->ops.empty()) {
      row.kind = state_->is_write ? wire::BatchRowKind::kOperate : wire::BatchRowKind::kReadOps;
      row.ops = state_->ops;
    } else {
      switch (state_->what.kind) {
        case BatchRead::Kind::all_bins: row.kind = wire::BatchRowKind::kReadAll; break;
        case BatchRead::Kind::header: row.kind = wire::BatchRowKind::kReadHeader; break;
        case BatchRead::Kind::bin_names:
          row.kind = wire::BatchRowKind::kReadBins;
          row.bin_names = state_->bin_names;
          break;
      }
    }
    rows.push_back(row);
  }
  wire::Status st = wire::encode_batch(request_, rows, state_->attrs);
  if (!st.ok()) {
    for (std::uint32_t idx : indexes_) {
      state_->results[idx].code = static_cast<int>(ClientCode::invalid_argument);
      state_->results[idx].message = st.message();
      state_->answered[idx] = 1;
    }
    return nullptr;
  }
  return target;
}

Result<bool> BatchNodeCommand::on_frame(std::span<const std::uint8_t> body) {
  wire::MessageIterator it(body);
  for (;;) {
    auto next = it.next();
    if (!next.ok()) return Status(ClientCode::bad_response, next.status().message());
    if (!next->has_value()) return false;  // the frame ended; more frames follow
    const wire::MessageView& msg = **next;
    if (msg.is_last()) {
      if (!it.at_end()) {
        return Status(ClientCode::bad_response, "messages after the batch's LAST message");
      }
      int code = msg.header.result_code;
      if (code != result::ok) return server_status(code, "");
      return true;
    }
    std::uint32_t idx = msg.batch_index();
    if (idx >= state_->keys.size()) {
      return Status(ClientCode::bad_response, "batch row index " + std::to_string(idx) +
                                                  " is out of range (" +
                                                  std::to_string(state_->keys.size()) + " keys)");
    }
    if (state_->answered[idx]) continue;  // a duplicate answer: keep the first
    BatchRecord& r = state_->results[idx];
    r.code = msg.header.result_code;
    if (r.code == result::ok) {
      auto rec = msg.to_record();
      if (!rec.ok()) return Status(ClientCode::bad_response, rec.status().message());
      r.record = std::move(*rec);
    } else if (r.code == result::udf_error && state_->udf && msg.n_ops > 0) {
      // A UDF row's Lua error: the FAILURE bin carries the text (kept in the record too).
      auto rec = msg.to_record();
      if (!rec.ok()) return Status(ClientCode::bad_response, rec.status().message());
      r.record = std::move(*rec);
      r.message = "UDF error: " + wire::udf_failure_text(r.record);
    } else if (r.code != result::record_not_found) {
      r.message = server_status(r.code, "").message();
    }
    state_->answered[idx] = 1;
  }
}

void BatchNodeCommand::complete(Status status) {
  if (!status.ok()) {
    for (std::uint32_t idx : indexes_) {
      if (state_->answered[idx]) continue;
      BatchRecord& r = state_->results[idx];
      r.code = status.code();
      r.message = status.message();
      r.in_doubt = status.in_doubt();
      state_->answered[idx] = 1;
    }
  }
  state_->part_done();
}

void BatchNodeCommand::on_loop_done() {
  BatchState* s = state_;
  delete this;
  s->unref();
}

}  // namespace aero::command
