// Google Benchmark figures for the scheduler hot path (also reported by `daxsim bench`).
#include <benchmark/benchmark.h>

#include "sim/explore/explorer.h"
#include "sim/explore/simple.h"
#include "sim/rng.h"
#include "sim/sim.h"

namespace daxsim::sim {
namespace {

Task<void> Stepper(Sim& sim, ObjectId x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) co_await sim.Point("step", {x, Access::kWrite});
}

void BM_SchedulerSteps(benchmark::State& state) {
  const int64_t n = state.range(0);
  for (auto _ : state) {
    Sim sim(SimOptions{
        .steps_max = 4 * n, .record_steps = false, .record_decisions = false, .trace = false});
    const ObjectId x = sim.NewObject("x");
    sim.Spawn("A", Stepper(sim, x, n));
    sim.Spawn("B", Stepper(sim, x, n));
    UniformWalk s(1);
    sim.Run(s);
    if (sim.step_count() != 2 * n || !sim.completed()) state.SkipWithError("wrong step count");
    benchmark::DoNotOptimize(sim.step_count());
  }
  state.SetItemsProcessed(state.iterations() * 2 * n);
}
BENCHMARK(BM_SchedulerSteps)->Arg(1000000);

struct Tiny : World {
  ObjectId x;
};

void BM_RandomExecutions(benchmark::State& state) {
  Target t;
  t.name = "bench";
  t.build = [](Sim& sim) {
    auto w = std::make_unique<Tiny>();
    w->x = sim.NewObject("x");
    sim.Spawn("A", Stepper(sim, w->x, 10));
    sim.Spawn("B", Stepper(sim, w->x, 10));
    return w;
  };
  ExploreOptions o;
  o.strategy = StrategyKind::kRandom;
  o.budget_executions = state.range(0);
  o.shrink = false;
  for (auto _ : state) {
    ExploreResult r = Explore(t, o);
    benchmark::DoNotOptimize(r.executions);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_RandomExecutions)->Arg(100000);

}  // namespace
}  // namespace daxsim::sim

BENCHMARK_MAIN();
