// Batch commands: one user batch split per node, the parts sent in parallel on one loop.
//
// BatchState holds the user's keys, the per-key results and the callback. Each part is a
// BatchNodeCommand, a Command whose node choice splits its keys: at every attempt it routes
// each key it still has no answer for, keeps the keys of the first key's node and hands
// the others to new parts (so a retry after a node failure spreads the keys over the nodes
// that now own them: the C client's "split retry"). A row answer fills the key's slot;
// rows that never got an answer carry the part's final error. The callback runs once, when
// every part is done.
//
// Threads: created on the submitting thread; after that everything runs on the loop
// thread, except the callback (completion executor).
#pragma once

#include <atomic>
#include <memory>
#include <string_view>
#include <vector>

#include "client/command/command.h"
#include "client/command/loop_context.h"
#include "client/types.h"
#include "client/wire/batch.h"
#include "executor/executor.h"
#include "executor/unique_function.h"

namespace aero::command {

struct BatchState {
  std::vector<Key> keys;
  std::vector<BatchRecord> results;
  std::vector<std::uint8_t> answered;
  BatchRead what;
  std::vector<std::string_view> bin_names;  // views of what.bins
  std::vector<Operation> ops;
  std::shared_ptr<const wire::BatchUdf> udf;  // batch apply: every row runs this UDF
  bool is_write = false;
  wire::ReadAttrs read;
  wire::WriteAttrs write;
  wire::BatchAttrs attrs;
  Timing timing;
  UniqueFunction<void(Result<std::vector<BatchRecord>>)> callback;
  LoopContext* ctx = nullptr;
  std::atomic<std::int64_t>* live = nullptr;  // the client's outstanding-command count
  int parts_running = 0;  // loop thread
  int refs = 1;           // loop thread: parts alive + 1 until delivery is queued

  // Loop thread: starts the batch (one part with every key, which then splits).
  static void start(std::unique_ptr<BatchState> state);
  void part_done();  // loop thread
  void unref();      // loop thread

 private:
  Task deliver_;  // queued on the completion executor when the last ref goes
};

class BatchNodeCommand final : public Command {
 public:
  BatchNodeCommand(BatchState* state, std::vector<std::uint32_t> indexes);

 private:
  cluster::Node* select_node(const cluster::ClusterSnapshot& snapshot,
                             unsigned replica_index) override;
  std::span<const std::uint8_t> request() override { return request_.span(); }
  Result<bool> on_frame(std::span<const std::uint8_t> body) override;
  void complete(Status status) override;
  void on_loop_done() override;

  BatchState* state_;
  std::vector<std::uint32_t> indexes_;
  wire::Buffer request_;
};

}  // namespace aero::command
