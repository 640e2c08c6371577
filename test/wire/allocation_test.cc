// Proves the hot path allocates nothing: this binary replaces the global operator new with a
// counting version and counts around encoding into a warm buffer, decoding a response into
// views, walking a batch stream, and computing a digest.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "client/wire/wire.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& nt) noexcept {
  return operator new(size, nt);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace aero::wire {
namespace {

long allocations_during(const auto& fn) {
  const long before = g_allocations.load();
  fn();
  return g_allocations.load() - before;
}

TEST(Allocation, EncodingIntoAWarmBufferAllocatesNothing) {
  const Key key("test", "demo", 1);
  const Bin bins[] = {{"name", "alice"}, {"age", 30}, {"list", List{{1, "x"}}}};
  const Operation ops[] = {Operation::incr("age", int64_t{1}), Operation::read("age")};
  const std::string_view names[] = {"age"};
  WriteAttrs wa;
  wa.send_key = true;
  ReadAttrs ra;
  Buffer out(4096);
  EXPECT_EQ(allocations_during([&] {
              for (int i = 0; i < 10; ++i) {
                EXPECT_TRUE(encode_put(out, key, bins, wa).ok());
                EXPECT_TRUE(encode_get(out, key, ra).ok());
                EXPECT_TRUE(encode_get_bins(out, key, names, ra).ok());
                EXPECT_TRUE(encode_exists(out, key, ra).ok());
                EXPECT_TRUE(encode_delete(out, key, wa).ok());
                EXPECT_TRUE(encode_touch(out, key, wa).ok());
                EXPECT_TRUE(encode_operate(out, key, ops, wa, ra).ok());
              }
            }),
            0);
  const Key keys[] = {Key("test", "demo", 1), Key("test", "demo", 2)};
  BatchRow rows[2];
  rows[0].key = &keys[0];
  rows[1].key = &keys[1];
  rows[1].index = 1;
  const uint16_t parts[] = {1, 2, 3};
  ScanRequest scan;
  scan.ns = "test";
  scan.partitions = parts;
  scan.task_id = 9;
  EXPECT_EQ(allocations_during([&] {
              EXPECT_TRUE(encode_batch(out, rows, BatchAttrs()).ok());
              EXPECT_TRUE(encode_scan(out, scan).ok());
            }),
            0);
}

TEST(Allocation, DecodingIntoViewsAllocatesNothing) {
  const Bin bins[] = {{"name", "alice"}, {"age", 30}};
  Buffer frame;
  ASSERT_TRUE(encode_record_response(frame, ResultCode::kOk, 1, 0, bins).ok());
  Buffer stream;
  FrameWriter w(stream);
  add_batch_row(w, 0, ResultCode::kOk, 1, 0, bins);
  add_batch_row(w, 1, ResultCode::kRecordNotFound, 0, 0, {});
  w.add_last(ResultCode::kOk);
  ASSERT_TRUE(w.finish().ok());
  Buffer scratch(1024);
  EXPECT_EQ(allocations_during([&] {
              auto h = parse_proto_header(frame.span(), ExpectedFrame::kMessage);
              auto body = message_body(*h, frame.span().subspan(8), scratch);
              auto m = parse_record_response(*body);
              ASSERT_TRUE(m.ok());
              int64_t sum = 0;
              for (OpView op : m->ops()) {
                if (op.value.particle_type() == particle::kInteger) sum += *op.value.to_int();
                if (op.value.particle_type() == particle::kString) sum += op.value.to_string()->size();
              }
              EXPECT_EQ(sum, 35);
              auto sb = frame_message_body(stream.span(), scratch);
              MessageIterator it(*sb);
              int rows = 0;
              while (true) {
                auto next = it.next();
                ASSERT_TRUE(next.ok());
                if (!next->has_value()) break;
                if (classify_batch_message(**next) == StreamMessageKind::kRecord) ++rows;
              }
              EXPECT_EQ(rows, 2);
            }),
            0);
}

TEST(Allocation, DigestAllocatesNothing) {
  EXPECT_EQ(allocations_during([] {
              for (int64_t i = 0; i < 100; ++i) (void)compute_digest("demo", i);
              (void)compute_digest("demo", std::string_view("a-string-key"));
            }),
            0);
}

}  // namespace
}  // namespace aero::wire
