// SingleCommand<R>: one single-record command (put, get, exists, remove, touch, operate)
// on top of the Command state machine, delivering a Result<R> to a callback.
//
//   R = Record: get, get bins, get header, operate (the bins and metadata)
//   R = bool:   exists (true when found), remove (true when the record existed)
//   R = void:   put, touch
//   R = RecordView: get_view (the bins as views into the receive buffer, no allocation;
//                   the callback runs before the object, and so the buffer, is reused)
//
// The submitting thread takes the object from a pool, encodes the request into it, and
// hands it to a loop; the loop runs it; the completion executor runs the callback; the
// object returns to its pool when both the loop and the callback are done with it.
//
// Threads: prepare() on the submitting thread; the Command parts on the loop thread; the
// callback on the completion executor. The two references (loop side, callback side) are
// an atomic count, except when completions run on the loop's own serial executor: then both
// are dropped on the loop thread (or, for a command its loop refused, both on the thread
// that submitted it), and a plain decrement does.
#pragma once

#include <atomic>
#include <optional>
#include <string>

#include "client/command/command.h"
#include "client/command/loop_context.h"
#include "client/command/object_pool.h"
#include "client/command/routing.h"
#include "client/record_view.h"
#include "client/types.h"
#include "client/wire/buffer.h"
#include "client/wire/message.h"
#include "client/wire/result_code.h"
#include "client/wire/udf.h"
#include "executor/unique_function.h"

namespace aero::command {

// How a "not found" answer (result 2) is reported.
enum class NotFound : std::uint8_t {
  error,  // a Status with code 2 (get, put with update_only, touch)
  false_  // the value false (exists, remove)
};

template <class R>
class SingleCommand final : public Command, public PoolLink, public Deliverable {
 public:
  using Callback = UniqueFunction<void(Result<R>)>;

  // Submitting thread, after prepare(), for a command failed off its loop's thread before
  // it reached the loop: its two references may then be dropped on two threads.
  void use_atomic_refs() { serial_ = false; }

  // Submitting thread: the buffer to encode the request frame into.
  wire::Buffer& request_buffer() { return request_; }

  void prepare(LoopContext* ctx, const Timing& timing, std::string_view ns,
               std::uint32_t partition, NotFound not_found, Callback callback,
               ObjectPool<SingleCommand>* home, unsigned rotation) {
    bind(ctx, timing);
    ns_.assign(ns.data(), ns.size());
    partition_ = partition;
    not_found_ = not_found;
    callback_ = std::move(callback);
    home_ = home;
    rotation_ = rotation;
    status_ = Status();
    if constexpr (std::is_same_v<R, Record>) record_.reset();
    if constexpr (std::is_same_v<R, RecordView>) view_ = RecordView();
    serial_ = ctx->completes_on_loop();
    refs_.store(2, std::memory_order_relaxed);
  }

 private:
  cluster::Node* select_node(const cluster::ClusterSnapshot& snapshot,
                             unsigned replica_index) override {
    return route(snapshot, context()->namespace_map(ns_), partition_, timing().replica,
                 timing().is_write, replica_index, rotation_, context()->config().rack_id);
  }

  std::span<const std::uint8_t> request() override { return request_.span(); }
  std::string_view target_namespace() const override { return ns_; }
  bool answer_is_one_frame() const override { return true; }

  Result<bool> on_frame(std::span<const std::uint8_t> body) override {
    auto msg = wire::parse_single_message(body);
    if (!msg.ok()) return Status(ClientCode::bad_response, msg.status().message());
    int code = msg->header.result_code;
    if (code == result::record_not_found && not_found_ == NotFound::false_) {
      if constexpr (std::is_same_v<R, bool>) found_ = false;
      return true;
    }
    if (code == result::udf_error) {
      // The Lua error text travels in the FAILURE bin: it is the useful part of the error.
      auto rec = msg->to_record();
      const std::string text = rec.ok() ? wire::udf_failure_text(*rec) : std::string();
      if (!text.empty()) return Status(code, "UDF error: " + text);
    }
    if (code != result::ok) return server_status(code, "");
    if constexpr (std::is_same_v<R, Record>) {
      auto rec = msg->to_record();
      if (!rec.ok()) return Status(ClientCode::bad_response, rec.status().message());
      record_.emplace(std::move(*rec));
    } else if constexpr (std::is_same_v<R, RecordView>) {
      // Points into the receive buffer, which nothing writes again before the object is
      // reused (after deliver()). parse_single_message validated every bin.
      view_ = RecordView(*msg);
    } else if constexpr (std::is_same_v<R, bool>) {
      found_ = true;
    }
    return true;
  }

  void complete(Status status) override {
    status_ = std::move(status);
    context()->deliver_soon(this);
  }

  void deliver() override {
    Callback cb = std::move(callback_);
    if (!status_.ok()) {
      cb(Result<R>(std::move(status_)));
    } else if constexpr (std::is_same_v<R, Record>) {
      cb(Result<Record>(std::move(*record_)));
    } else if constexpr (std::is_same_v<R, RecordView>) {
      cb(Result<RecordView>(view_));
    } else if constexpr (std::is_same_v<R, bool>) {
      cb(Result<bool>(found_));
    } else {
      cb(Result<void>());
    }
    cb = nullptr;  // the user's captures go before the object is reused
    unref();
  }

  void on_loop_done() override { unref(); }

  void unref() {
    if (serial_) {
      const int left = refs_.load(std::memory_order_relaxed) - 1;
      refs_.store(left, std::memory_order_relaxed);
      if (left == 0) home_->release(this);
      return;
    }
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) home_->release(this);
  }

  wire::Buffer request_;
  std::string ns_;
  std::uint32_t partition_ = 0;
  NotFound not_found_ = NotFound::error;
  unsigned rotation_ = 0;
  Callback callback_;
  ObjectPool<SingleCommand>* home_ = nullptr;
  Status status_;
  std::optional<Record> record_;
  RecordView view_;
  bool found_ = false;
  bool serial_ = false;  // completions on the loop's serial executor (see the header)
  std::atomic<int> refs_{0};
};

}  // namespace aero::command
