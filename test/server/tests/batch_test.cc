// Batch-index requests through real sockets: one answer per row carrying the row's index, then
// a separate LAST message; reads, writes and deletes; the error policy flags; malformed batches.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "test/server/tests/test_util.h"

namespace {

using namespace testclient;
using aero::testserver::ClusterOptions;
using aero::testserver::NotOwnerPolicy;

std::vector<Field> ns_set(std::string_view set = "demo") {
  return {Field{0, "test"}, Field{1, Bytes(set)}};
}

// Rows answered, by index, plus the LAST message.
struct BatchAnswer {
  std::map<uint32_t, DecodedMsg> rows;
  std::optional<DecodedMsg> last;
  size_t frames = 0;
  bool ok = false;
};

BatchAnswer run_batch(RawConnection& c, const Msg& parent) {
  BatchAnswer a;
  if (!c.send(message_frame(parent))) return a;
  for (;;) {
    Frame f;
    if (c.read_frame(&f) != ReadStatus::kOk || f.type != 3) return a;
    ++a.frames;
    auto msgs = decode_messages(f.body);
    if (!msgs) return a;
    for (const DecodedMsg& m : *msgs) {
      if (m.info3 & 0x01) {
        a.last = m;
        a.ok = msgs->size() == 1;  // the trailer travels in its own frame
        return a;
      }
      EXPECT_EQ(a.rows.count(m.transaction_ttl), 0u) << "row answered twice";
      a.rows[m.transaction_ttl] = m;
    }
  }
}

class BatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_ = start_cluster(ClusterOptions{});
    conn_ = connect_to(*cluster_);
    for (int k = 0; k < 10; ++k) {
      write(conn_, digest_for(uint64_t(k)), {write_int("i", k), write_str("s", "v" + std::to_string(k))});
    }
  }
  std::unique_ptr<aero::testserver::Cluster> cluster_;
  RawConnection conn_;
};

TEST_F(BatchTest, ReadsAnswerEveryRowWithItsIndex) {
  std::vector<BatchRow> rows;
  // Indexes as a client sends them to one node: positions in the caller's list, not 0..n-1.
  const uint32_t indexes[] = {3, 7, 11, 12, 20, 21};
  const int keys[] = {1, 2, 3, 99, 5, 6};  // 99 does not exist
  for (int i = 0; i < 6; ++i) {
    BatchRow r;
    r.index = indexes[i];
    r.digest = digest_for(uint64_t(keys[i]));
    r.fields = ns_set();
    if (i == 1) {
      r.info1 = 0x21;  // header only
    } else if (i == 2) {
      r.info1 = 0x01;
      r.ops = {read_bin("s")};
    } else if (i == 5) {
      r = repeat_row(indexes[i], digest_for(uint64_t(keys[i])));  // repeats row 4
    }
    rows.push_back(r);
  }
  BatchAnswer a = run_batch(conn_, batch_parent(rows));
  ASSERT_TRUE(a.ok);
  EXPECT_EQ(a.last->result, 0);
  ASSERT_EQ(a.rows.size(), 6u);
  EXPECT_EQ(int_bin(a.rows[3], "i"), 1);
  EXPECT_EQ(a.rows[3].ops.size(), 2u);
  EXPECT_EQ(a.rows[7].result, 0);
  EXPECT_EQ(a.rows[7].generation, 1u);
  EXPECT_TRUE(a.rows[7].ops.empty());
  ASSERT_EQ(a.rows[11].ops.size(), 1u);
  EXPECT_EQ(a.rows[11].ops[0].value, "v3");
  EXPECT_EQ(a.rows[12].result, 2);
  EXPECT_EQ(a.rows[12].generation, 0u);
  EXPECT_EQ(int_bin(a.rows[20], "i"), 5);
  EXPECT_EQ(int_bin(a.rows[21], "i"), 6);
}

TEST_F(BatchTest, WritesDeletesAndErrorPolicy) {
  auto write_row = [](uint32_t index, int key, int64_t v) {
    BatchRow r = batch_row(index, digest_for(uint64_t(key)));
    r.fields = ns_set();
    r.info1 = 0x01;
    r.info2 = 0x01 | 0x80;  // WRITE | RESPOND_ALL_OPS
    r.ops = {Op{5, 1, "i", int_value(v)}, read_bin("i")};
    return r;
  };
  BatchRow del = batch_row(2, digest_for(4));
  del.fields = ns_set();
  del.info1 = 0;
  del.info2 = 0x03;
  BatchRow gen_fail = write_row(1, 5, 1);
  gen_fail.info2 |= 0x04;
  gen_fail.with_generation = true;
  gen_fail.generation = 42;

  // Respond-all-keys (0x04): the generation failure is reported and the batch goes on.
  BatchAnswer a = run_batch(conn_, batch_parent({write_row(0, 1, 100), gen_fail, del,
                                                  write_row(3, 2, 1000)}));
  ASSERT_TRUE(a.ok);
  EXPECT_EQ(a.last->result, 0);
  ASSERT_EQ(a.rows.size(), 4u);
  ASSERT_EQ(a.rows[0].ops.size(), 2u);
  EXPECT_EQ(as_int(a.rows[0].ops[1].value), 101);
  EXPECT_EQ(a.rows[0].generation, 2u);
  EXPECT_EQ(a.rows[1].result, 3);
  EXPECT_EQ(a.rows[2].result, 0);
  EXPECT_EQ(as_int(a.rows[3].ops[1].value), 1002);
  EXPECT_EQ(get(conn_, digest_for(4)).result, 2);

  // Without 0x04 but with 0x08: the failing row is answered, then the batch stops with its code.
  a = run_batch(conn_, batch_parent({write_row(0, 1, 1), gen_fail, write_row(2, 2, 1)}, 0x08));
  ASSERT_TRUE(a.ok);
  EXPECT_EQ(a.last->result, 3);
  EXPECT_EQ(a.rows.size(), 2u);
  EXPECT_EQ(a.rows.count(2), 0u);
  // Without either: the failing row is not answered.
  a = run_batch(conn_, batch_parent({write_row(0, 1, 1), gen_fail, write_row(2, 2, 1)}, 0x00));
  ASSERT_TRUE(a.ok);
  EXPECT_EQ(a.last->result, 3);
  EXPECT_EQ(a.rows.size(), 1u);
}

TEST_F(BatchTest, MalformedBatchesGetOneLastMessage) {
  auto expect_rejected = [&](const Msg& parent, uint8_t code) {
    BatchAnswer a = run_batch(conn_, parent);
    ASSERT_TRUE(a.ok);
    EXPECT_EQ(a.last->result, code);
    EXPECT_TRUE(a.rows.empty());
    EXPECT_EQ(a.frames, 1u);
  };
  expect_rejected(batch_parent({}), 4);  // zero rows, as the capture shows
  BatchRow first_repeat = repeat_row(0, digest_for(1));
  expect_rejected(batch_parent({first_repeat}), 4);
  Msg truncated = batch_parent({batch_row(0, digest_for(1), ns_set())});
  truncated.fields[0].data.resize(truncated.fields[0].data.size() - 3);
  expect_rejected(truncated, 4);
  Msg huge_count = batch_parent({batch_row(0, digest_for(1), ns_set())});
  huge_count.fields[0].data.replace(0, 4, be32(0xFFFFFFFFu));
  expect_rejected(huge_count, 4);
  Msg no_field;
  no_field.info1 = 0x08;
  expect_rejected(no_field, 4);
  // The connection is still usable.
  EXPECT_EQ(get(conn_, digest_for(1)).result, 0);
}

TEST_F(BatchTest, RowErrorsStayInTheirRow) {
  BatchRow unknown_ns = batch_row(0, digest_for(1));
  unknown_ns.fields = {Field{0, "nope"}, Field{1, "demo"}};
  BatchRow ok = batch_row(1, digest_for(2));
  ok.fields = ns_set();
  BatchAnswer a = run_batch(conn_, batch_parent({unknown_ns, ok}));
  ASSERT_TRUE(a.ok);
  EXPECT_EQ(a.rows[0].result, 20);
  EXPECT_EQ(a.rows[1].result, 0);
}

TEST_F(BatchTest, LargeBatchSpansSeveralFrames) {
  for (int k = 0; k < 3000; ++k) {
    write(conn_, digest_for(uint64_t(1000 + k)), {write_str("big", std::string(200, char('a' + k % 26)))});
  }
  std::vector<BatchRow> rows;
  for (uint32_t k = 0; k < 3000; ++k) {
    BatchRow r = batch_row(k, digest_for(1000 + k));
    if (k == 0) {
      r.fields = ns_set();
    } else {
      r.repeat = true;
    }
    rows.push_back(r);
  }
  BatchAnswer a = run_batch(conn_, batch_parent(rows));
  ASSERT_TRUE(a.ok);
  EXPECT_EQ(a.rows.size(), 3000u);
  EXPECT_GT(a.frames, 2u);
  for (uint32_t k = 0; k < 3000; k += 499) {
    ASSERT_EQ(a.rows[k].ops.size(), 1u);
    EXPECT_EQ(a.rows[k].ops[0].value, std::string(200, char('a' + k % 26)));
  }
}

TEST(BatchPolicy, RowsForUnheldPartitionsAnswerEleven) {
  ClusterOptions o;
  o.nodes = 2;
  auto cluster = start_cluster(o);
  cluster->set_not_owner_policy(NotOwnerPolicy::kUnavailable);
  RawConnection c = connect_to(*cluster, 0);
  std::vector<BatchRow> rows;
  std::vector<bool> held;
  for (uint32_t pid = 0; pid < 16; ++pid) {
    BatchRow r = batch_row(pid, digest_in_partition(pid, 5));
    r.fields = ns_set();
    rows.push_back(r);
    held.push_back(cluster->replicas("test", pid)[0] == 0);
  }
  BatchAnswer a = run_batch(c, batch_parent(rows));
  ASSERT_TRUE(a.ok);
  for (uint32_t pid = 0; pid < 16; ++pid) {
    EXPECT_EQ(a.rows[pid].result, held[pid] ? 2 : 11) << pid;
  }
}

}  // namespace
