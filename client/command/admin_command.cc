#include "client/command/admin_command.h"

#include "client/command/command.h"

namespace aero::command {

namespace {

// A server code with its meaning (the command layer appends the node).
Status named(int code) {
  return Status(code, std::string(wire::result_code_name(static_cast<wire::ResultCode>(code))) + ": " +
                          std::string(wire::result_code_message(static_cast<wire::ResultCode>(code))));
}

class AdminCommand final : public Command {
 public:
  AdminCommand(LoopContext* ctx, cluster::NodePtr node, std::vector<std::uint8_t> request,
               AdminKind kind, const Timing& timing, AdminCallback cb,
               std::atomic<std::int64_t>* live)
      : node_(std::move(node)), request_(std::move(request)), kind_(kind), cb_(std::move(cb)), live_(live) {
    bind(ctx, timing);
  }

 private:
  cluster::Node* select_node(const cluster::ClusterSnapshot&, unsigned) override {
    return node_->active() ? node_.get() : nullptr;
  }
  std::span<const std::uint8_t> request() override { return request_; }
  wire::ExpectedFrame expected_frame() const override { return wire::ExpectedFrame::kAdmin; }

  Result<bool> on_frame(std::span<const std::uint8_t> body) override {
    if (kind_ == AdminKind::simple) {
      auto r = wire::admin::header_result(body);
      if (!r.ok()) return Status(ClientCode::bad_response, r.status().message());
      if (*r != 0) return named(*r);
      return true;
    }
    auto done = kind_ == AdminKind::query_users ? wire::admin::parse_users_frame(body, answer_.users)
                                                : wire::admin::parse_roles_frame(body, answer_.roles);
    if (!done.ok()) {
      const int code = static_cast<int>(done.status().code());
      if (code == static_cast<int>(wire::ResultCode::kBadResponse)) {
        return Status(ClientCode::bad_response, done.status().message());
      }
      return named(code);
    }
    return *done;
  }

  void complete(Status status) override {
    result_ = std::move(status);
  }

  void on_loop_done() override {
    Result<AdminAnswer> r = result_.ok() ? Result<AdminAnswer>(std::move(answer_)) : Result<AdminAnswer>(result_);
    auto cb = std::move(cb_);
    std::atomic<std::int64_t>* live = live_;
    LoopContext* ctx = context();
    delete this;
    Task t([cb = std::move(cb), r = std::move(r), live]() mutable {
      cb(std::move(r));
      if (live != nullptr) live->fetch_sub(1, std::memory_order_acq_rel);
    });
    if (!ctx->completion_executor().submit(std::move(t))) t();
  }

  cluster::NodePtr node_;
  std::vector<std::uint8_t> request_;
  AdminKind kind_;
  AdminCallback cb_;
  std::atomic<std::int64_t>* live_;
  AdminAnswer answer_;
  Status result_;
};

}  // namespace

void run_admin(LoopContext* ctx, cluster::NodePtr node, std::vector<std::uint8_t> request,
               AdminKind kind, const Policy& policy, AdminCallback cb,
               std::atomic<std::int64_t>* live) {
  Timing timing = Timing::from(policy, true, ctx->loop().now());
  timing.max_retries = 0;  // user administration is not idempotent
  ctx->admit(new AdminCommand(ctx, std::move(node), std::move(request), kind, timing,
                              std::move(cb), live));
}

}  // namespace aero::command
