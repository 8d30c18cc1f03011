// Smoke benchmark: Google Benchmark links (with its own main()) and runs.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "absl/container/flat_hash_map.h"

namespace {

void BM_FlatHashMapInsert(benchmark::State& state) {
  for (auto _ : state) {
    absl::flat_hash_map<uint64_t, uint64_t> m;
    for (uint64_t i = 0; i < static_cast<uint64_t>(state.range(0)); ++i) m[i] = i;
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_FlatHashMapInsert)->Arg(1024);

}  // namespace
