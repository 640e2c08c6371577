// Single-record commands against a one-node test cluster, through real sockets, in the
// future and sync styles (the callback style underlies both; see callback_test).
#include <gtest/gtest.h>

#include "test/client/fixture.h"

namespace aero {
namespace {

using testing::ClusterClient;
using testing::key;

class SingleRecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cc_ = ClusterClient::start({.nodes = 1});
    ASSERT_NE(cc_.client, nullptr);
  }
  Client& client() { return *cc_.client; }
  ClusterClient cc_;
};

TEST_F(SingleRecordTest, PutThenGetAllBins) {
  ASSERT_TRUE(client().put(key(1), {{"name", "alice"}, {"age", 30}}).get().ok());
  Result<Record> r = client().get(key(1)).get();
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  ASSERT_NE(r->find("name"), nullptr);
  EXPECT_EQ(*r->find("name")->as_string(), "alice");
  EXPECT_EQ(*r->find("age")->as_int(), 30);
  EXPECT_EQ(r->generation, 1u);
}

TEST_F(SingleRecordTest, GetMissingRecordIsNotFound) {
  Result<Record> r = client().get(key(404)).get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), result::record_not_found);
}

TEST_F(SingleRecordTest, GetNamedBinsAndHeader) {
  ASSERT_TRUE(client().put(key(2), {{"a", 1}, {"b", 2}, {"c", "x"}}).get().ok());
  Result<Record> some = client().get(key(2), {"a", "c"}).get();
  ASSERT_TRUE(some.ok());
  EXPECT_EQ(some->bins.size(), 2u);
  EXPECT_EQ(some->find("b"), nullptr);
  Result<Record> header = client().get_header(key(2)).get();
  ASSERT_TRUE(header.ok());
  EXPECT_TRUE(header->bins.empty());
  EXPECT_EQ(header->generation, 1u);
}

TEST_F(SingleRecordTest, ExistsRemoveTouch) {
  EXPECT_FALSE(client().exists(key(3)).get().value());
  ASSERT_TRUE(client().put(key(3), {{"a", 1}}).get().ok());
  EXPECT_TRUE(client().exists(key(3)).get().value());
  ASSERT_TRUE(client().touch(key(3)).get().ok());
  EXPECT_EQ(client().get_header(key(3)).get()->generation, 2u);
  EXPECT_TRUE(client().remove(key(3)).get().value());
  EXPECT_FALSE(client().remove(key(3)).get().value());
  EXPECT_FALSE(client().exists(key(3)).get().value());
  Result<void> t = client().touch(key(3)).get();
  EXPECT_EQ(t.code(), result::record_not_found);
}

TEST_F(SingleRecordTest, OperateReadWriteIncrAppendPrepend) {
  ASSERT_TRUE(client().put(key(4), {{"n", 10}, {"s", "mid"}}).get().ok());
  Result<Record> r = client()
                         .operate(key(4), {Operation::incr("n", std::int64_t{5}),
                                           Operation::append("s", Value("-end")),
                                           Operation::prepend("s", Value("start-")),
                                           Operation::write("new", Value(List{{1, 2, 3}})),
                                           Operation::read("n"), Operation::read("s")})
                         .get();
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(*r->find("n")->as_int(), 15);
  EXPECT_EQ(*r->find("s")->as_string(), "start-mid-end");
  Result<Record> all = client().get(key(4)).get();
  ASSERT_TRUE(all.ok());
  ASSERT_NE(all->find("new"), nullptr);
  EXPECT_EQ(all->find("new")->as_list()->items.size(), 3u);
}

TEST_F(SingleRecordTest, OperateTouchAndDelete) {
  ASSERT_TRUE(client().put(key(5), {{"a", 1}}).get().ok());
  ASSERT_TRUE(client().operate(key(5), {Operation::touch()}).get().ok());
  EXPECT_EQ(client().get_header(key(5)).get()->generation, 2u);
  ASSERT_TRUE(client().operate(key(5), {Operation::delete_record()}).get().ok());
  EXPECT_FALSE(client().exists(key(5)).get().value());
}

TEST_F(SingleRecordTest, IncrementOfStringBinIsTypeError) {
  ASSERT_TRUE(client().put(key(6), {{"s", "text"}}).get().ok());
  Result<Record> r = client().operate(key(6), {Operation::incr("s", std::int64_t{1})}).get();
  EXPECT_EQ(r.code(), result::bin_type_error);
}

TEST_F(SingleRecordTest, ExistsActions) {
  WritePolicy create_only;
  create_only.exists = ExistsAction::create_only;
  ASSERT_TRUE(client().put(key(7), {{"a", 1}}, create_only).get().ok());
  EXPECT_EQ(client().put(key(7), {{"a", 2}}, create_only).get().code(), result::record_exists);

  WritePolicy update_only;
  update_only.exists = ExistsAction::update_only;
  EXPECT_EQ(client().put(key(8), {{"a", 1}}, update_only).get().code(), result::record_not_found);
  ASSERT_TRUE(client().put(key(7), {{"b", 2}}, update_only).get().ok());
  EXPECT_EQ(client().get(key(7)).get()->bins.size(), 2u);  // merged

  WritePolicy replace_only;
  replace_only.exists = ExistsAction::replace_only;
  EXPECT_EQ(client().put(key(9), {{"a", 1}}, replace_only).get().code(), result::record_not_found);
  ASSERT_TRUE(client().put(key(7), {{"c", 3}}, replace_only).get().ok());
  Result<Record> replaced = client().get(key(7)).get();
  ASSERT_EQ(replaced->bins.size(), 1u);  // replaced, not merged
  EXPECT_NE(replaced->find("c"), nullptr);

  WritePolicy replace;
  replace.exists = ExistsAction::replace;
  ASSERT_TRUE(client().put(key(10), {{"a", 1}}, replace).get().ok());
  ASSERT_TRUE(client().put(key(10), {{"b", 1}}, replace).get().ok());
  EXPECT_EQ(client().get(key(10)).get()->bins.size(), 1u);
}

TEST_F(SingleRecordTest, GenerationPolicies) {
  ASSERT_TRUE(client().put(key(11), {{"a", 1}}).get().ok());  // generation 1
  WritePolicy eq;
  eq.generation_policy = GenerationPolicy::expect_equal;
  eq.generation = 5;
  EXPECT_EQ(client().put(key(11), {{"a", 2}}, eq).get().code(), result::generation_error);
  eq.generation = 1;
  ASSERT_TRUE(client().put(key(11), {{"a", 2}}, eq).get().ok());  // now generation 2

  WritePolicy gt;
  gt.generation_policy = GenerationPolicy::expect_greater;
  gt.generation = 2;
  EXPECT_EQ(client().put(key(11), {{"a", 3}}, gt).get().code(), result::generation_error);
  gt.generation = 3;
  EXPECT_TRUE(client().put(key(11), {{"a", 3}}, gt).get().ok());
}

TEST_F(SingleRecordTest, TtlAndExpiration) {
  AERO_EMBEDDED_ONLY("freezes and advances the server's clock to expire a record");
#if AERO_EMBEDDED_CLUSTER
  cc_.cluster->clock().freeze();
  WritePolicy p;
  p.ttl = 100;
  ASSERT_TRUE(client().put(key(12), {{"a", 1}}, p).get().ok());
  Result<Record> r = client().get_header(key(12)).get();
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->void_time, 0u);
  cc_.cluster->clock().advance(std::chrono::seconds(101));
  EXPECT_EQ(client().get(key(12)).get().code(), result::record_not_found);

  p.ttl = ttl::never_expire;
  ASSERT_TRUE(client().put(key(13), {{"a", 1}}, p).get().ok());
  EXPECT_EQ(client().get_header(key(13)).get()->void_time, 0u);
#endif
}

TEST_F(SingleRecordTest, SendKeyStoresTheKeyAndAMismatchIsRejected) {
  AERO_EMBEDDED_ONLY("reads the stored record from the server's store");
#if AERO_EMBEDDED_CLUSTER
  WritePolicy p;
  p.send_key = true;
  ASSERT_TRUE(client().put(Key("test", "demo", "user-1"), {{"a", 1}}, p).get().ok());
  auto stored = cc_.cluster->record("test", Key("test", "demo", "user-1").digest().data());
  ASSERT_TRUE(stored.has_value());
  // A different user key with the same digest would be a collision; the server checks the
  // stored key: build a key whose digest matches but whose user key differs.
  Key forged = Key::from_parts("test", "demo", Key("test", "demo", "user-1").digest(),
                               Value("someone-else"));
  EXPECT_EQ(client().put(forged, {{"a", 2}}, p).get().code(), result::key_mismatch);
#endif
}

TEST_F(SingleRecordTest, InvalidArgumentsFailBeforeSending) {
  Result<void> r = client().put(Key("", "demo", 1), {{"a", 1}}).get();
  EXPECT_EQ(r.code(), static_cast<int>(ClientCode::invalid_argument));
  Result<void> long_bin = client().put(key(14), {{"a-bin-name-longer-than-15", 1}}).get();
  EXPECT_FALSE(long_bin.ok());
}

TEST_F(SingleRecordTest, SyncClientRefusesToBlockOnALoopThread) {
  SyncClient sync(client());
  ASSERT_TRUE(sync.put(key(15), {{"a", 1}}).ok());
  EXPECT_TRUE(sync.get(key(15)).ok());
  Promise<int> done;
  Future<int> f = done.future();
  client().get(key(15), [&, d = std::move(done)](Result<Record>) mutable {
    // On the loop thread (the default completion executor): blocking would deadlock.
    Result<Record> inner = sync.get(key(15));
    d.set(inner.code());
  });
  EXPECT_EQ(f.get().value(), static_cast<int>(ClientCode::would_block_loop));
}

}  // namespace
}  // namespace aero
