#include "client/command/info_command.h"

#include "client/wire/info.h"

namespace aero::command {

namespace {

struct Fanout {
  std::vector<InfoAnswer> answers;
  InfoCallback cb;
  LoopContext* ctx = nullptr;
  std::atomic<std::int64_t>* live = nullptr;
  int left = 0;   // commands not completed
  int refs = 0;   // commands not released + 1 until delivery

  void unref() {
    if (--refs > 0) return;
    auto deliver = [this] {
      auto c = std::move(cb);
      c(Result<std::vector<InfoAnswer>>(std::move(answers)));
      std::atomic<std::int64_t>* counter = live;
      delete this;
      if (counter != nullptr) counter->fetch_sub(1, std::memory_order_acq_rel);
    };
    Task t(std::move(deliver));
    if (!ctx->completion_executor().submit(std::move(t))) t();
  }
};

class InfoCommand final : public Command {
 public:
  InfoCommand(Fanout* fan, std::size_t index, cluster::NodePtr node, const std::string& request_text,
              const Timing& timing)
      : fan_(fan), index_(index), node_(std::move(node)) {
    bind(fan->ctx, timing);
    std::vector<std::string_view> lines;
    std::string_view rest = request_text;
    while (!rest.empty()) {
      auto nl = rest.find('\n');
      lines.push_back(rest.substr(0, nl));
      rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    }
    encoded_ = wire::encode_info_request(request_, lines);
  }
  Status encoded() const {
    return encoded_.ok() ? Status() : Status(ClientCode::invalid_argument, encoded_.message());
  }

 private:
  cluster::Node* select_node(const cluster::ClusterSnapshot&, unsigned) override {
    return node_->active() ? node_.get() : nullptr;
  }
  std::span<const std::uint8_t> request() override { return request_.span(); }
  wire::ExpectedFrame expected_frame() const override { return wire::ExpectedFrame::kInfo; }
  Result<bool> on_frame(std::span<const std::uint8_t> body) override {
    std::string_view text(reinterpret_cast<const char*>(body.data()), body.size());
    auto lines = wire::parse_info_response(text);
    if (!lines.ok()) return Status(ClientCode::bad_response, lines.status().message());
    InfoAnswer& a = fan_->answers[index_];
    for (const wire::InfoLine& l : *lines) a.values.emplace_back(std::string(l.name), std::string(l.value));
    return true;
  }
  void complete(Status status) override {
    InfoAnswer& a = fan_->answers[index_];
    a.status = std::move(status);
    if (!a.status.ok()) a.values.clear();
    --fan_->left;
  }
  void on_loop_done() override {
    Fanout* f = fan_;
    delete this;
    f->unref();
  }

  Fanout* fan_;
  std::size_t index_;
  cluster::NodePtr node_;
  wire::Buffer request_;
  wire::Status encoded_;
};

}  // namespace

void run_info(LoopContext* ctx, std::vector<cluster::NodePtr> nodes,
              std::vector<std::string> commands, const Policy& policy, InfoCallback cb,
              std::atomic<std::int64_t>* live) {
  auto* fan = new Fanout;
  fan->cb = std::move(cb);
  fan->ctx = ctx;
  fan->live = live;
  fan->answers.resize(nodes.size());
  fan->refs = 1;
  std::string text;
  for (const std::string& c : commands) text += c + "\n";
  Timing timing = Timing::from(policy, false, io::Clock::now());
  timing.kind = metrics::CommandKind::info;
  timing.max_retries = 0;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    fan->answers[i].node = nodes[i]->name();
    fan->answers[i].address = nodes[i]->address().to_string();
    auto* cmd = new InfoCommand(fan, i, nodes[i], text, timing);
    ++fan->refs;
    ++fan->left;
    if (Status st = cmd->encoded(); !st.ok()) {
      cmd->fail_before_start(std::move(st));
      continue;
    }
    ctx->admit(cmd);
  }
  fan->unref();
}

}  // namespace aero::command
