// Bit (op types 12/13) and HLL (15/16) operations end to end over a socket: how they travel in
// operate commands (read-only and write), what they answer, and that a failing op leaves the
// record as it was. The semantics of each operation are unit-tested in test/server/cdt/tests.
#include <gtest/gtest.h>

#include "test/server/cdt/tests/pack.h"
#include "test/server/tests/test_util.h"

namespace {

using namespace testclient;
using aero::testserver::ClusterOptions;
using bittest::P;

constexpr uint8_t kBitRead = 12, kBitModify = 13, kHllRead = 15, kHllModify = 16;

Op op(uint8_t type, const std::string& bin, const P& args, uint8_t particle = 4) {
  return Op{type, particle, bin, args.s};
}

class BitHll : public ::testing::Test {
 protected:
  void SetUp() override {
    ClusterOptions o;
    o.nodes = 1;
    o.replication_factor = 1;
    cluster_ = start_cluster(o);
    conn_ = connect_to(*cluster_);
  }
  // An operate command: WRITE when any op modifies, READ when any op reads.
  DecodedMsg operate(std::vector<Op> ops, uint8_t extra_info2 = 0) {
    Msg m = keyed("test", "demo", digest_);
    for (const Op& o : ops) {
      if (o.type == kBitModify || o.type == kHllModify) m.info2 |= 0x01;
      if (o.type == kBitRead || o.type == kHllRead || o.type == 1) m.info1 |= 0x01;
    }
    m.info2 |= extra_info2;
    m.ops = std::move(ops);
    auto r = call_msg(conn_, m);
    EXPECT_TRUE(r.has_value());
    return r.value_or(DecodedMsg{});
  }
  std::unique_ptr<aero::testserver::Cluster> cluster_;
  RawConnection conn_;
  Bytes digest_ = digest_for(7);
};

TEST_F(BitHll, ModifyCreatesTheRecordAndReadsSeeEarlierOps) {
  auto r = operate({op(kBitModify, "b", P().arr(2).i(0).i(3)),
                    op(kBitModify, "b", P().arr(4).i(3).i(8).i(8).blob({0xAB})),
                    op(kBitRead, "b", P().arr(3).i(50).i(0).i(24))});
  ASSERT_EQ(r.result, 0);
  EXPECT_EQ(r.generation, 1u);
  ASSERT_EQ(r.ops.size(), 1u);  // modifies answer nothing unless every op must answer
  EXPECT_EQ(r.ops[0].type, kBitRead);
  EXPECT_EQ(r.ops[0].particle, 4);
  EXPECT_EQ(r.ops[0].value, bittest::bytes({0x00, 0xAB, 0x00}));
  auto g = get(conn_, digest_);
  ASSERT_EQ(g.result, 0);
  ASSERT_NE(g.op("b"), nullptr);
  EXPECT_EQ(g.op("b")->particle, 4);
  EXPECT_EQ(g.op("b")->value, bittest::bytes({0x00, 0xAB, 0x00}));
}

TEST_F(BitHll, RespondAllOpsAnswersEveryOp) {
  auto r = operate({op(kBitModify, "b", P().arr(2).i(0).i(2)),
                    op(kBitRead, "missing", P().arr(3).i(51).i(0).i(8))},
                   0x80);
  ASSERT_EQ(r.result, 0);
  ASSERT_EQ(r.ops.size(), 2u);
  EXPECT_EQ(r.ops[0].type, kBitModify);
  EXPECT_EQ(r.ops[0].particle, 0);
  EXPECT_EQ(r.ops[1].type, kBitRead);
  EXPECT_EQ(r.ops[1].particle, 0);
}

TEST_F(BitHll, ReadOnlyCommands) {
  ASSERT_EQ(write(conn_, digest_, {Op{2, 4, "b", bittest::bytes({0x0F, 0xF0})}}).result, 0);
  auto r = operate({op(kBitRead, "b", P().arr(3).i(51).i(0).i(16)),
                    op(kBitRead, "b", P().arr(4).i(54).i(4).i(8).i(1)),
                    op(kBitRead, "none", P().arr(3).i(51).i(0).i(8))});
  ASSERT_EQ(r.result, 0);
  EXPECT_EQ(r.generation, 1u);
  ASSERT_EQ(r.ops.size(), 2u);  // the missing bin answers nothing
  EXPECT_EQ(as_int(r.ops[0].value), 8);
  EXPECT_EQ(as_int(r.ops[1].value), -1);  // 0xFF signed
  // Errors of a read-only command keep the record's generation in the answer.
  auto e = operate({op(kBitRead, "b", P().arr(3).i(50).i(16).i(8))});
  EXPECT_EQ(e.result, 26);
  EXPECT_EQ(e.generation, 1u);
  EXPECT_TRUE(e.ops.empty());
  EXPECT_EQ(operate({op(kBitRead, "b", P().arr(3).i(50).i(0).i(8), 3)}).result, 12);
}

TEST_F(BitHll, AFailingOpChangesNothing) {
  ASSERT_EQ(write(conn_, digest_, {Op{2, 4, "b", bittest::bytes({0x01, 0x02})},
                                   Op{2, 3, "s", "xyz"}})
                .result,
            0);
  // The first op would apply, the second fails: the record stays as it was.
  auto r = operate({op(kBitModify, "b", P().arr(4).i(3).i(0).i(8).blob({0xFF})),
                    op(kBitModify, "b", P().arr(4).i(3).i(16).i(8).blob({0xFF}))});
  EXPECT_EQ(r.result, 26);
  EXPECT_EQ(r.generation, 1u);
  EXPECT_EQ(operate({op(kBitModify, "s", P().arr(3).i(7).i(0).i(8))}).result, 12);
  EXPECT_EQ(operate({op(kBitModify, "b", P().arr(3).i(7).i(0).i(8), 3)}).result, 12);
  EXPECT_EQ(operate({op(kBitModify, "b", P().arr(2).i(99).i(0))}).result, 4);
  EXPECT_EQ(operate({op(kHllModify, "b", P().arr(1).i(3))}).result, 12);
  auto g = get(conn_, digest_);
  ASSERT_EQ(g.result, 0);
  EXPECT_EQ(g.generation, 1u);
  EXPECT_EQ(g.op("b")->value, bittest::bytes({0x01, 0x02}));
  EXPECT_EQ(g.op("s")->value, "xyz");
}

TEST_F(BitHll, HllAnswersAndStorage) {
  P add;
  add.arr(5).i(1).arr(3).str("a").str("b").str("c").i(8).i(0).i(0);
  auto r = operate({op(kHllModify, "h", P().arr(3).i(0).i(8).i(0)), op(kHllModify, "h", add),
                    op(kHllRead, "h", P().arr(1).i(50)), op(kHllRead, "h", P().arr(1).i(55))});
  ASSERT_EQ(r.result, 0);
  ASSERT_EQ(r.ops.size(), 3u);  // init answers nothing; add answers how many registers grew
  EXPECT_EQ(r.ops[0].type, kHllModify);
  EXPECT_EQ(r.ops[0].particle, 1);
  EXPECT_EQ(as_int(r.ops[0].value), 3);
  EXPECT_EQ(r.ops[1].particle, 1);
  EXPECT_EQ(as_int(r.ops[1].value), 3);
  EXPECT_EQ(r.ops[2].particle, 20);
  EXPECT_EQ(bittest::hex(r.ops[2].value), "920800");
  auto g = get(conn_, digest_);
  ASSERT_NE(g.op("h"), nullptr);
  EXPECT_EQ(g.op("h")->particle, 18);
  EXPECT_EQ(g.op("h")->value.size(), 11u + 192u);
  // The stored HLL is read back by a read-only command.
  auto c = operate({op(kHllRead, "h", P().arr(1).i(50))});
  ASSERT_EQ(c.result, 0);
  EXPECT_EQ(as_int(c.ops[0].value), 3);
  EXPECT_EQ(operate({op(kHllModify, "h", P().arr(2).i(4).i(10))}).result, 26);  // fold up
  EXPECT_EQ(operate({op(kHllRead, "h", P().arr(1).i(4))}).result, 4);
}

}  // namespace
