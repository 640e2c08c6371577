// Codec costs: ns per encode of a typical put and get, per decode of a typical response
// (views and owning), per digest (the project's RIPEMD-160 and, for comparison,
// OpenSSL's EVP one-shot), plus batch encoding and msgpack decoding.
// Run: bazel run -c opt //bench/wire:wire_bench
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include "client/wire/wire.h"

namespace aero::wire {
namespace {

const Key& key1() {
  static const Key k("test", "demo", 1);
  return k;
}

void BM_EncodePut(benchmark::State& state) {
  const Bin bins[] = {{"name", "alice"}, {"age", 30}};
  WriteAttrs a;
  a.server_timeout_ms = 1000;
  Buffer out;
  for (auto _ : state) {
    Status s = encode_put(out, key1(), bins, a);
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["bytes"] = static_cast<double>(out.size());
}
BENCHMARK(BM_EncodePut);

void BM_EncodeGet(benchmark::State& state) {
  ReadAttrs a;
  a.server_timeout_ms = 1000;
  Buffer out;
  for (auto _ : state) {
    Status s = encode_get(out, key1(), a);
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_EncodeGet);

// Key construction includes the digest: what a client pays per command for a new key.
void BM_KeyAndEncodeGet(benchmark::State& state) {
  ReadAttrs a;
  Buffer out;
  int64_t i = 0;
  for (auto _ : state) {
    Key k("test", "demo", ++i);
    Status s = encode_get(out, k, a);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_KeyAndEncodeGet);

Buffer get_response() {
  Buffer out;
  const Bin bins[] = {{"name", "alice"}, {"age", 30}};
  (void)encode_record_response(out, ResultCode::kOk, 1, 0, bins);
  return out;
}

void BM_DecodeGetResponseViews(benchmark::State& state) {
  const Buffer frame = get_response();
  Buffer scratch;
  for (auto _ : state) {
    auto h = parse_proto_header(frame.span(), ExpectedFrame::kMessage);
    auto body = message_body(*h, frame.span().subspan(8), scratch);
    auto m = parse_record_response(*body);
    int64_t age = 0;
    size_t name_len = 0;
    for (OpView op : m->ops()) {
      if (op.name == "age") age = *op.value.to_int();
      if (op.name == "name") name_len = op.value.to_string()->size();
    }
    benchmark::DoNotOptimize(age);
    benchmark::DoNotOptimize(name_len);
  }
}
BENCHMARK(BM_DecodeGetResponseViews);

void BM_DecodeGetResponseToRecord(benchmark::State& state) {
  const Buffer frame = get_response();
  Buffer scratch;
  for (auto _ : state) {
    auto body = frame_message_body(frame.span(), scratch);
    auto m = parse_record_response(*body);
    auto rec = m->to_record();
    benchmark::DoNotOptimize(rec);
  }
}
BENCHMARK(BM_DecodeGetResponseToRecord);

void BM_DigestInt(benchmark::State& state) {
  int64_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(compute_digest("demo", ++i));
}
BENCHMARK(BM_DigestInt);

void BM_DigestString16(benchmark::State& state) {
  std::string k = "user:0000000000";
  for (auto _ : state) {
    ++k.back();
    benchmark::DoNotOptimize(compute_digest("demo", std::string_view(k)));
  }
}
BENCHMARK(BM_DigestString16);

// The same hash through OpenSSL's EVP_Digest with a pre-fetched RIPEMD160 (allocates a context
// each call); bench/wire:ripemd160_bench compares the hashes alone.
void BM_DigestIntEvp(benchmark::State& state) {
  EVP_MD* md = EVP_MD_fetch(nullptr, "RIPEMD160", nullptr);
  uint8_t in[13] = {'d', 'e', 'm', 'o', 1};
  Digest d;
  unsigned int len = 0;
  for (auto _ : state) {
    ++in[12];
    EVP_Digest(in, sizeof in, d.data(), &len, md, nullptr);
    benchmark::DoNotOptimize(d);
  }
  EVP_MD_free(md);
}
BENCHMARK(BM_DigestIntEvp);

void BM_EncodeBatch100(benchmark::State& state) {
  std::vector<Key> keys;
  for (int i = 0; i < 100; ++i) keys.emplace_back("test", "demo", i);
  std::vector<BatchRow> rows(100);
  for (uint32_t i = 0; i < 100; ++i) {
    rows[i].key = &keys[i];
    rows[i].index = i;
  }
  BatchAttrs a;
  Buffer out;
  for (auto _ : state) {
    Status s = encode_batch(out, rows, a);
    benchmark::DoNotOptimize(s);
  }
  state.counters["bytes"] = static_cast<double>(out.size());
}
BENCHMARK(BM_EncodeBatch100);

void BM_MsgpackDecodeList20(benchmark::State& state) {
  List l;
  for (int i = 0; i < 10; ++i) {
    l.items.emplace_back(i * 1000);
    l.items.emplace_back("item" + std::to_string(i));
  }
  Buffer b;
  msgpack_encode(l, b);
  for (auto _ : state) benchmark::DoNotOptimize(msgpack_decode(b.span()));
}
BENCHMARK(BM_MsgpackDecodeList20);

}  // namespace
}  // namespace aero::wire

BENCHMARK_MAIN();
