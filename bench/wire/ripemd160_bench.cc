// RIPEMD-160 on key-digest-sized inputs (set name + type byte + key, 20..60 bytes; 55 and
// under is one block, above is two): the project's implementation (client/wire/ripemd160.h)
// as the key digest calls it (three pieces, one-shot) and incrementally, against OpenSSL's
// RIPEMD160_Init/Update/Final (what the client used before) and EVP_Digest.
// Run: bazel run -c opt //bench/wire:ripemd160_bench
// The figures behind the choice in client/wire/digest.cc.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/ripemd.h>

#include <cstdint>
#include <vector>

#include "client/wire/ripemd160.h"

namespace aero::wire {
namespace {

constexpr size_t kSetSize = 4;  // e.g. "demo"

// set || type || key, with `total` bytes in all.
std::vector<uint8_t> input(size_t total) {
  std::vector<uint8_t> v(total);
  for (size_t i = 0; i < total; ++i) v[i] = static_cast<uint8_t>('a' + i % 26);
  v[kSetSize] = 3;  // string key
  return v;
}

void BM_Ripemd160Ours(benchmark::State& state) {
  std::vector<uint8_t> in = input(static_cast<size_t>(state.range(0)));
  const std::span<const uint8_t> all(in);
  for (auto _ : state) {
    ++in.back();
    benchmark::DoNotOptimize(
        ripemd160(all.first(kSetSize), all.subspan(kSetSize, 1), all.subspan(kSetSize + 1)));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}

void BM_Ripemd160OursIncremental(benchmark::State& state) {
  std::vector<uint8_t> in = input(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    ++in.back();
    Ripemd160 h;
    h.update(in.data(), kSetSize);
    h.update(in.data() + kSetSize, 1);
    h.update(in.data() + kSetSize + 1, in.size() - kSetSize - 1);
    benchmark::DoNotOptimize(h.finish());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}

void BM_Ripemd160OpenSsl(benchmark::State& state) {
  std::vector<uint8_t> in = input(static_cast<size_t>(state.range(0)));
  Ripemd160Hash out;
  for (auto _ : state) {
    ++in.back();
    RIPEMD160_CTX ctx;
    RIPEMD160_Init(&ctx);
    RIPEMD160_Update(&ctx, in.data(), kSetSize);
    RIPEMD160_Update(&ctx, in.data() + kSetSize, 1);
    RIPEMD160_Update(&ctx, in.data() + kSetSize + 1, in.size() - kSetSize - 1);
    RIPEMD160_Final(out.data(), &ctx);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}

void BM_Ripemd160OpenSslEvp(benchmark::State& state) {
  std::vector<uint8_t> in = input(static_cast<size_t>(state.range(0)));
  EVP_MD* md = EVP_MD_fetch(nullptr, "RIPEMD160", nullptr);
  Ripemd160Hash out;
  unsigned int len = 0;
  for (auto _ : state) {
    ++in.back();
    EVP_Digest(in.data(), in.size(), out.data(), &len, md, nullptr);
    benchmark::DoNotOptimize(out);
  }
  EVP_MD_free(md);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}

// 13: set "demo" + integer key; 20..55: one block; 60: two blocks.
#define KEY_SIZES Arg(13)->Arg(20)->Arg(32)->Arg(48)->Arg(55)->Arg(60)
BENCHMARK(BM_Ripemd160Ours)->KEY_SIZES;
BENCHMARK(BM_Ripemd160OursIncremental)->KEY_SIZES;
BENCHMARK(BM_Ripemd160OpenSsl)->KEY_SIZES;
BENCHMARK(BM_Ripemd160OpenSslEvp)->KEY_SIZES;
BENCHMARK(BM_Ripemd160Ours)->Arg(1 << 16);
BENCHMARK(BM_Ripemd160OpenSsl)->Arg(1 << 16);

}  // namespace
}  // namespace aero::wire

BENCHMARK_MAIN();
