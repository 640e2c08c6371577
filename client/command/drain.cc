#include "client/command/drain.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "client/cluster/node.h"
#include "client/command/loop_context.h"
#include "client/wire/frame.h"

namespace aero::command {
namespace {

constexpr std::size_t kHeaderSize = 8;
constexpr std::size_t kScratchSize = 4096;

// One drain in progress; deletes itself when done. Lives while a read is pending or its
// timer is armed.
class Drain {
 public:
  Drain(LoopContext& ctx, std::shared_ptr<cluster::Node> node, io::SocketId socket)
      : ctx_(ctx), node_(std::move(node)), socket_(socket) {
    timer_.set_handler([this] { on_deadline(); });
  }

  void begin(std::span<const std::uint8_t> received, io::TimePoint deadline) {
    ctx_.note_drain_started();
    header_have_ = std::min(received.size(), kHeaderSize);
    std::memcpy(header_.data(), received.data(), header_have_);
    if (header_have_ == kHeaderSize && !parse_header(received.size())) return finish(false);
    if (header_have_ == kHeaderSize && remaining_ == 0) return finish(true);
    ctx_.loop().start_timer(timer_, deadline);
    read_next();
  }

 private:
  // The header is complete: how much of the frame is still to come, given `have` bytes of it.
  bool parse_header(std::size_t have) {
    auto header = wire::parse_proto_header({header_.data(), kHeaderSize}, wire::ExpectedFrame::kMessage);
    if (!header.ok()) return false;
    const std::uint64_t total = kHeaderSize + header->body_size;
    if (have > total) return false;  // more than one frame: not an answer we can drain
    remaining_ = total - have;
    return true;
  }

  void read_next() {
    io::MutableBuffer buffer;
    std::size_t min_bytes = 1;
    if (header_have_ < kHeaderSize) {
      buffer = {header_.data() + header_have_, kHeaderSize - header_have_};
      min_bytes = buffer.size;
    } else {
      // Never past the end of the frame: what follows would belong to no one.
      buffer = {scratch_.data(), static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, kScratchSize))};
    }
    reading_ = true;
    ctx_.loop().read(socket_, buffer, min_bytes,
                     [this](std::error_code ec, std::size_t n) { on_read(ec, n); });
  }

  void on_read(std::error_code ec, std::size_t n) {
    reading_ = false;
    if (ec || expired_) return finish(false);
    if (header_have_ < kHeaderSize) {
      header_have_ += n;
      if (header_have_ < kHeaderSize) return read_next();
      if (!parse_header(kHeaderSize)) return finish(false);
    } else {
      remaining_ -= n;
    }
    if (remaining_ == 0) return finish(true);
    read_next();
  }

  void on_deadline() {
    // A read is always pending while the timer is armed. It completes with
    // operation_canceled (or with the result it already had); on_read then closes.
    expired_ = true;
    ctx_.loop().cancel(socket_);
  }

  void finish(bool recovered) {
    io::Loop& loop = ctx_.loop();
    if (timer_.armed()) loop.cancel_timer(timer_);
    ConnectionPool& pool = node_->pool(ctx_.index());
    if (recovered) {
      pool.put_back(loop, socket_, loop.now());
    } else {
      pool.discard(loop, socket_);
    }
    ctx_.note_drain_finished(recovered);
    delete this;
  }

  LoopContext& ctx_;
  std::shared_ptr<cluster::Node> node_;  // keeps the pool alive
  io::SocketId socket_;
  io::Timer timer_;
  bool reading_ = false;
  bool expired_ = false;
  std::array<std::uint8_t, kHeaderSize> header_{};
  std::size_t header_have_ = 0;
  std::uint64_t remaining_ = 0;  // bytes of the frame still to read (once the header is known)
  std::array<std::uint8_t, kScratchSize> scratch_;
};

}  // namespace

void start_drain(LoopContext& ctx, std::shared_ptr<cluster::Node> node, io::SocketId socket,
                 std::span<const std::uint8_t> received, io::TimePoint deadline) {
  (new Drain(ctx, std::move(node), socket))->begin(received, deadline);
}

}  // namespace aero::command
