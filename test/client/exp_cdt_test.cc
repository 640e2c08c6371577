// List, map, bit and HLL read expressions (client/exp/{list,map,bit,hll}_exp.h) through the
// client against the test server (real sockets): filters on get, batch, query and scan that
// read collections (with contexts, nested reads and reads on another read's result), and
// expression read operations answering lists, maps, blobs, HLLs, integers and booleans.
// Unknowns (a missing bin, a context step that does not resolve, an index out of range)
// filter the record out, or fail an expression read with 26.
#include <gtest/gtest.h>

#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "client/exp/bit_exp.h"
#include "client/exp/hll_exp.h"
#include "client/exp/list_exp.h"
#include "client/exp/map_exp.h"
#include "test/client/fixture.h"

namespace aero {
namespace {

using namespace aero::exp;  // NOLINT: the builder reads best unqualified
using cdt::Context;
using cdt::ReturnType;
using testing::ClusterClient;
using testing::key;
using wire::Bytes;
using wire::List;
using wire::Map;

constexpr int kFilteredOut = 27;
constexpr int kOpNotApplicable = 26;

class ExpCdtTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cc_ = ClusterClient::start({.nodes = 1});
    ASSERT_NE(cc_.client, nullptr);
    Map m;
    m.entries = {{"a", 1}, {"b", 2}, {"rooms", List{{"k1", "k2"}}}};
    ASSERT_TRUE(client()
                    .put(key(1), {{"l", List{{1, 5, "x2", List{{7, 8}}}}},
                                  {"m", m},
                                  {"bb", Bytes({0x05, 0xff})},
                                  {"n", 1}})
                    .get()
                    .ok());
    Map m2;
    m2.entries = {{"c", 3}};
    ASSERT_TRUE(
        client().put(key(2), {{"l", List{{2, 3}}}, {"m", m2}, {"bb", Bytes({0x00})}, {"n", 2}})
            .get()
            .ok());
    ASSERT_TRUE(client().put(key(3), {{"n", 3}}).get().ok());
    std::vector<Operation> ops{cdt::hll::add("h", List{{"a", "b", "c"}}, 8)};
    ASSERT_TRUE(client().operate(key(1), ops).get().ok());
  }
  Client& client() { return *cc_.client; }

  // Which of key(1..3) a get with this filter returns (others must answer 27).
  std::set<int> matching(const BoolExp& e) {
    ReadPolicy p;
    p.filter_exp = filter(e);
    std::set<int> out;
    for (int k = 1; k <= 3; ++k) {
      Result<Record> r = client().get(key(k), p).get();
      if (r.ok()) {
        out.insert(k);
      } else {
        EXPECT_EQ(r.code(), kFilteredOut) << "key " << k;
      }
    }
    return out;
  }

  template <Type T>
  Result<Record> read_exp(const Exp<T>& e, const Key& k = key(1)) {
    std::vector<Operation> ops{exp_read("EV", build(e))};
    return client().operate(k, ops).get();
  }
  template <Type T>
  Value value_of(const Exp<T>& e, const Key& k = key(1)) {
    Result<Record> r = read_exp(e, k);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    if (!r.ok() || r->find("EV") == nullptr) return Value();
    return *r->find("EV");
  }
  int64_t int_of(const IntExp& e, const Key& k = key(1)) {
    Value v = value_of(e, k);
    EXPECT_NE(v.as_int(), nullptr);
    return v.as_int() ? *v.as_int() : -999999;
  }

  ClusterClient cc_;
};

TEST_F(ExpCdtTest, GetFiltersOnListAndMapReads) {
  EXPECT_EQ(matching(gt(list::get_by_value<ReturnType::kCount>(str_val("x2"), list_bin("l")), 0)),
            (std::set<int>{1}));
  EXPECT_EQ(matching(list::get_by_value<ReturnType::kExists>(int_val(3), list_bin("l"))),
            (std::set<int>{2}));
  EXPECT_EQ(matching(eq(map::get_by_key<ReturnType::kValue, Type::integer>(str_val("a"),
                                                                          map_bin("m")),
                        1)),
            (std::set<int>{1}));
  // Inverted: the entries whose key is not "c".
  EXPECT_EQ(matching(eq(map::get_by_key<ReturnType::kCount | ReturnType::kInverted>(
                            str_val("c"), map_bin("m")),
                        0)),
            (std::set<int>{2}));
  EXPECT_EQ(matching(ge(list::size(list_bin("l")), 2)), (std::set<int>{1, 2}));
  EXPECT_EQ(matching(eq(map::size(map_bin("m")), 3)), (std::set<int>{1}));
}

TEST_F(ExpCdtTest, ContextsAndNestedReads) {
  // The first room, through the map key "rooms" (key(2) has none: unknown, filtered out).
  EXPECT_EQ(matching(eq(list::get_by_index<ReturnType::kValue, Type::string>(
                            0, map_bin("m"), Context().map_key("rooms")),
                        str_val("k1"))),
            (std::set<int>{1}));
  // The size of the list's last element (key(2)'s last element is an integer: unknown).
  EXPECT_EQ(matching(eq(list::size(list_bin("l"), Context().list_index(-1)), 2)),
            (std::set<int>{1}));
  // A read on another read's answer: the size of the selection {a, b}.
  EXPECT_EQ(matching(eq(map::size(map::get_by_key_list<ReturnType::kKeyValue>(
                            list_val(List{{"a", "b"}}), map_bin("m"))),
                        2)),
            (std::set<int>{1}));
  // The value-ordered ranks 1.. of the elements at index 0..1, read again by rank.
  EXPECT_EQ(int_of(list::get_by_rank<ReturnType::kValue, Type::integer>(
                -1, list::get_by_index_range<ReturnType::kValue>(0, 2, list_bin("l")))),
            5);
}

TEST_F(ExpCdtTest, BatchRowsAndQueryRecordsAreFilteredByCollectionReads) {
  AERO_EMBEDDED_ONLY("defines its secondary index directly in the server's store");
#if AERO_EMBEDDED_CLUSTER
  BatchPolicy bp;
  bp.filter_exp = filter(gt(list::get_by_value<ReturnType::kCount>(str_val("x2"), list_bin("l")), 0));
  auto rows = client().batch_get({key(1), key(2), key(3)}, BatchRead::all(), bp).get();
  ASSERT_TRUE(rows.ok()) << rows.status().to_string();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_TRUE((*rows)[0].found());
  EXPECT_EQ((*rows)[1].code, kFilteredOut);
  EXPECT_EQ((*rows)[2].code, kFilteredOut);

  ASSERT_TRUE(cc_.cluster->create_index("test", "demo", "n", testserver::IndexType::kNumeric,
                                        "idx_n"));
  auto run = [&](const exp::Filter& f, bool query) {
    std::mutex m;
    std::set<int64_t> ns;
    auto on_record = [&](ScanRecord& r) {
      const Value* n = r.record.find("n");
      std::lock_guard<std::mutex> lock(m);
      ns.insert(n != nullptr && n->as_int() ? *n->as_int() : -1);
      return true;
    };
    QueryPolicy qp;
    qp.filter_exp = f;
    Result<ScanSummary> s =
        query ? client().query("test", "demo", aero::Filter::range("n", 1, 3), qp,
                               PartitionFilter::all(), {}, on_record).get()
              : client().scan("test", "demo", qp, PartitionFilter::all(), {}, on_record).get();
    EXPECT_TRUE(s.ok());
    if (s.ok()) {
      EXPECT_EQ(s->end, StreamEnd::complete) << s->status.to_string();
    }
    return ns;
  };
  EXPECT_EQ(run(filter(ge(list::size(list_bin("l")), 2)), true), (std::set<int64_t>{1, 2}));
  EXPECT_EQ(run(filter(map::get_by_value<ReturnType::kExists>(int_val(3), map_bin("m"))), true),
            (std::set<int64_t>{2}));
  EXPECT_EQ(run(filter(eq(bit::get_int(0, 8, false, blob_bin("bb")), 5)), false),
            (std::set<int64_t>{1}));
#endif
}

TEST_F(ExpCdtTest, ExpressionReadsAnswerCollections) {
  EXPECT_EQ(value_of(list::get_by_index_range<ReturnType::kValue>(1, 2, list_bin("l"))),
            Value(List{{5, "x2"}}));
  EXPECT_EQ(value_of(list::get_by_index<ReturnType::kValue, Type::list>(-1, list_bin("l"))),
            Value(List{{7, 8}}));
  EXPECT_EQ(value_of(list::get_by_value_range<ReturnType::kIndex>(int_val(1), int_val(6),
                                                                   list_bin("l"))),
            Value(List{{0, 1}}));
  const Value kv = value_of(
      map::get_by_key_list<ReturnType::kKeyValue>(list_val(List{{"a", "b"}}), map_bin("m")));
  ASSERT_NE(kv.as_map(), nullptr);
  ASSERT_EQ(kv.as_map()->entries.size(), 2u);
  EXPECT_EQ(kv.as_map()->entries[1].first, Value("b"));
  EXPECT_EQ(kv.as_map()->entries[1].second, Value(2));
  EXPECT_EQ(value_of(map::get_by_rank<ReturnType::kKey, Type::string>(0, map_bin("m"))),
            Value("a"));
  EXPECT_EQ(value_of(map::get_by_value<ReturnType::kExists>(int_val(2), map_bin("m"))),
            Value(true));
  // Inverted single map selectors answer every other entry.
  EXPECT_EQ(value_of(map::get_by_index<ReturnType::kKey | ReturnType::kInverted>(0, map_bin("m"))),
            Value(List{{"b", "rooms"}}));
  EXPECT_EQ(value_of(map::get_by_key<ReturnType::kKey | ReturnType::kInverted>(str_val("rooms"),
                                                                              map_bin("m"))),
            Value(List{{"a", "b"}}));
  EXPECT_EQ(value_of(map::get_by_key<ReturnType::kValue, Type::list>(str_val("rooms"),
                                                                    map_bin("m"))),
            Value(List{{"k1", "k2"}}));
}

TEST_F(ExpCdtTest, BitAndHllReads) {
  EXPECT_EQ(value_of(bit::get(0, 8, blob_bin("bb"))), Value(Bytes({0x05})));
  EXPECT_EQ(int_of(bit::count(0, 16, blob_bin("bb"))), 10);
  EXPECT_EQ(int_of(bit::get_int(8, 8, true, blob_bin("bb"))), -1);
  EXPECT_EQ(int_of(bit::get_int(8, 8, false, blob_bin("bb"))), 255);
  EXPECT_EQ(int_of(bit::lscan(0, 8, true, blob_bin("bb"))), 5);
  EXPECT_EQ(int_of(bit::rscan(0, 8, false, blob_bin("bb"))), 6);

  EXPECT_EQ(int_of(hll::count(hll_bin("h"))), 3);
  EXPECT_EQ(value_of(hll::describe(hll_bin("h"))), Value(List{{8, 0}}));
  EXPECT_EQ(int_of(hll::may_contain(list_val(List{{"a"}}), hll_bin("h"))), 1);
  EXPECT_EQ(int_of(hll::union_count(hll_bin("h"), hll_bin("h"))), 3);
  EXPECT_EQ(int_of(hll::intersect_count(hll_bin("h"), hll_bin("h"))), 3);
  const Value u = value_of(hll::get_union(hll_bin("h"), hll_bin("h")));
  ASSERT_NE(u.as_bytes(), nullptr);
  EXPECT_EQ(u.as_bytes()->particle_type, wire::particle::kHll);
  // An HLL count of a list read on describe's answer: nested families.
  EXPECT_EQ(int_of(list::get_by_index<ReturnType::kValue, Type::integer>(
                0, hll::describe(hll_bin("h")))),
            8);
}

TEST_F(ExpCdtTest, UnknownsFailTheReadWith26) {
  // No list bin on key(3); an index past the end; a context through an integer.
  EXPECT_EQ(read_exp(list::size(list_bin("l")), key(3)).code(), kOpNotApplicable);
  EXPECT_EQ(read_exp(list::get_by_index<ReturnType::kValue, Type::integer>(9, list_bin("l")))
                .code(),
            kOpNotApplicable);
  EXPECT_EQ(read_exp(list::size(list_bin("l"), Context().list_index(0))).code(),
            kOpNotApplicable);
  // The declared value type must be the element's: "x2" is not an integer.
  EXPECT_EQ(read_exp(list::get_by_index<ReturnType::kValue, Type::integer>(2, list_bin("l")))
                .code(),
            kOpNotApplicable);
  // A list read on a map bin without a context: unknown.
  EXPECT_EQ(read_exp(list::size(map_bin("m"))).code(), kOpNotApplicable);
  EXPECT_EQ(read_exp(bit::count(0, 64, blob_bin("bb"))).code(), kOpNotApplicable);
}

}  // namespace
}  // namespace aero
