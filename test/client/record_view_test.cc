// Client::get_view against the embedded test cluster: the view yields the same bins as the
// owning get (every particle type a Record holds), named bins, not found, and errors, each
// completing exactly once; with completions on the loop's serial executor and on oneTBB.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "executor/tbb_executor.h"
#include "test/client/fixture.h"
#include "test/client/ledger.h"

namespace aero {
namespace {

using namespace std::chrono_literals;
using testing::ClusterClient;
using testing::key;

// What a view callback saw, copied out before the view went away.
struct Seen {
  int code = 0;
  std::string message;
  std::optional<Record> record;  // RecordView::to_record()
  std::vector<Bin> bins;         // BinView by BinView: name and to_value()
  std::vector<Value::Type> types;
  std::optional<std::int64_t> int_bin;
  std::optional<double> double_bin;
  std::optional<std::string> string_bin;
  std::optional<std::string> geo_bin;
  std::optional<bool> bool_bin;
  std::vector<std::uint8_t> blob_bytes;
  std::size_t list_raw_size = 0;  // msgpack bytes of the list bin
  bool wrong_type_is_empty = false;
  bool found_missing = true;
};

// Calls `start` with a view callback; waits for it, then (after the client closed, so no
// second call can still come) checks it ran exactly once.
class Once {
 public:
  RecordViewCallback callback() {
    return [this](Result<RecordView> r) {
      if (calls_.fetch_add(1) != 0) return;
      Seen s;
      s.code = r.code();
      if (r.ok()) {
        const RecordView& v = *r;
        if (auto rec = v.to_record(); rec.ok()) s.record = std::move(rec).value();
        for (BinView b : v) {
          auto value = b.to_value();
          s.bins.emplace_back(std::string(b.name()),
                              value.ok() ? std::move(value).value() : Value());
          s.types.push_back(b.type());
        }
        if (auto b = v.find("i")) s.int_bin = b->as_int();
        if (auto b = v.find("d")) s.double_bin = b->as_double();
        if (auto b = v.find("s"); b && b->as_string()) s.string_bin = std::string(*b->as_string());
        if (auto b = v.find("g"); b && b->as_geojson()) s.geo_bin = std::string(*b->as_geojson());
        if (auto b = v.find("t")) s.bool_bin = b->as_bool();
        if (auto b = v.find("b")) s.blob_bytes.assign(b->bytes().begin(), b->bytes().end());
        if (auto b = v.find("l")) s.list_raw_size = b->bytes().size();
        if (auto b = v.find("i")) s.wrong_type_is_empty = !b->as_string() && !b->as_double();
        s.found_missing = v.find("nope").has_value();
      } else {
        s.message = r.status().message();
      }
      done_.set_value(std::move(s));
    };
  }
  std::optional<Seen> wait() {
    auto f = done_.get_future();
    if (f.wait_for(30s) != std::future_status::ready) return std::nullopt;
    return f.get();
  }
  int calls() const { return calls_.load(); }

 private:
  std::atomic<int> calls_{0};
  std::promise<Seen> done_;
};

std::vector<Bin> all_types() {
  List list;
  list.items = {Value(1), Value("two"), Value(3.5)};
  Map map;
  map.entries = {{Value("k"), Value(7)}, {Value("m"), Value(List{{Value(1)}, 0})}};
  map.order_flags = 1;
  return {
      {"i", Value(-42)},
      {"d", Value(2.25)},
      {"s", Value("hello, view")},
      {"b", Value(Bytes({0x00, 0xff, 0x10}))},
      {"l", Value(list)},
      {"m", Value(map)},
      {"g", Value(GeoJson{R"({"type":"Point","coordinates":[1.5,2.5]})"})},
      {"t", Value(true)},
  };
}

class RecordViewTest : public ::testing::TestWithParam<bool> {  // param: TBB completions
 protected:
  void SetUp() override {
    ClientConfig config = testing::patient({});
    config.loops = 1;
    if (GetParam()) config.completion_executor = &tbb_;
    cc_ = ClusterClient::start({.nodes = 1}, config);
    ASSERT_NE(cc_.client, nullptr);
  }
  Client& client() { return *cc_.client; }
  // Closes the client (it waits for every command), then checks each ran once.
  void close_and_check(std::initializer_list<const Once*> all) {
    cc_.client->close();
    for (const Once* o : all) EXPECT_EQ(o->calls(), 1);
  }

  TbbExecutor tbb_{2};  // declared first: outlives the client
  ClusterClient cc_;
};

TEST_P(RecordViewTest, ViewYieldsTheSameBinsAsTheOwningGet) {
  const std::vector<Bin> bins = all_types();
  ASSERT_TRUE(client().put(key(1), bins).get().ok());
  Result<Record> owning = client().get(key(1)).get();
  ASSERT_TRUE(owning.ok()) << owning.status().to_string();
  ASSERT_EQ(owning->bins.size(), bins.size());

  Once once;
  client().get_view(key(1), client().config().read, once.callback());
  auto seen = once.wait();
  ASSERT_TRUE(seen.has_value()) << "no callback";
  ASSERT_EQ(seen->code, 0) << seen->message;
  ASSERT_TRUE(seen->record.has_value());
  EXPECT_EQ(*seen->record, *owning);  // bins, generation and void time
  EXPECT_EQ(seen->bins, owning->bins);
  ASSERT_EQ(seen->types.size(), owning->bins.size());
  for (std::size_t i = 0; i < owning->bins.size(); ++i) {
    EXPECT_EQ(seen->types[i], owning->bins[i].value.type()) << owning->bins[i].name;
  }
  EXPECT_EQ(seen->int_bin, -42);
  EXPECT_EQ(seen->double_bin, 2.25);
  EXPECT_EQ(seen->string_bin, "hello, view");
  ASSERT_NE(owning->find("g")->as_geojson(), nullptr);
  EXPECT_EQ(seen->geo_bin, owning->find("g")->as_geojson()->text);
  EXPECT_EQ(seen->bool_bin, true);
  EXPECT_EQ(seen->blob_bytes, (std::vector<std::uint8_t>{0x00, 0xff, 0x10}));
  EXPECT_GT(seen->list_raw_size, 0u);
  EXPECT_TRUE(seen->wrong_type_is_empty);
  EXPECT_FALSE(seen->found_missing);
  close_and_check({&once});
}

TEST_P(RecordViewTest, NamedBins) {
  ASSERT_TRUE(client().put(key(2), {{"a", 1}, {"b", "two"}, {"c", 3.0}}).get().ok());
  Once once;
  client().get_view(key(2), {"a", "c"}, client().config().read, once.callback());
  auto seen = once.wait();
  ASSERT_TRUE(seen.has_value());
  ASSERT_EQ(seen->code, 0) << seen->message;
  ASSERT_EQ(seen->bins.size(), 2u);
  Record expected;
  expected.bins = {{"a", Value(1)}, {"c", Value(3.0)}};
  EXPECT_EQ(seen->record->bins, expected.bins);
  close_and_check({&once});
}

TEST_P(RecordViewTest, NotFoundAndErrorsCompleteOnce) {
  Once missing, bad_name, bad_namespace, closed;
  client().get_view(key(404), client().config().read, missing.callback());
  // Refused while encoding (bin name over 15 bytes): fails before reaching the loop.
  client().get_view(key(3), {"a_bin_name_that_is_too_long"}, client().config().read,
                    bad_name.callback());
  client().get_view(Key("no_such_namespace", testing::test_set("demo"), 1), client().config().read,
                    bad_namespace.callback());
  auto m = missing.wait();
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->code, result::record_not_found);
  auto b = bad_name.wait();
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->code, static_cast<int>(ClientCode::invalid_argument)) << b->message;
  auto n = bad_namespace.wait();
  ASSERT_TRUE(n.has_value());
  EXPECT_NE(n->code, 0);
  cc_.client->close();
  client().get_view(key(1), client().config().read, closed.callback());
  auto c = closed.wait();
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->code, static_cast<int>(ClientCode::client_closed));
  close_and_check({&missing, &bad_name, &bad_namespace, &closed});
}

// Many views at once, the closed-loop way (each completion issues the next): every one
// completes once with the bins of its own key.
TEST_P(RecordViewTest, ManyInFlight) {
  constexpr int kKeys = 50;
  for (int i = 0; i < kKeys; ++i) {
    ASSERT_TRUE(client().put(key(100 + i), {{"v", i}}).get().ok());
  }
  constexpr int kTotal = 4000;
  std::atomic<int> issued{0}, completed{0}, wrong{0};
  std::promise<void> all;
  std::function<void()> issue = [&] {
    const int n = issued.fetch_add(1);
    if (n >= kTotal) return;
    client().get_view(key(100 + n % kKeys), client().config().read, [&, n](Result<RecordView> r) {
      auto v = r.ok() ? r->find("v") : std::nullopt;
      if (!v || v->as_int() != n % kKeys) wrong.fetch_add(1);
      if (completed.fetch_add(1) + 1 == kTotal) all.set_value();
      issue();
    });
  };
  for (int i = 0; i < 64; ++i) issue();
  ASSERT_EQ(all.get_future().wait_for(60s), std::future_status::ready);
  EXPECT_EQ(wrong.load(), 0);
  cc_.client->close();
  EXPECT_EQ(completed.load(), kTotal);
}

INSTANTIATE_TEST_SUITE_P(Completions, RecordViewTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Tbb" : "Serial"; });

}  // namespace
}  // namespace aero
