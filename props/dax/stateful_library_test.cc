// Property (issue 10): state caching changes no verdict on the library. For every library
// workload on xfs and xipfs that both stateless DPOR and stateful search explore completely
// within their budgets, both report the same set of violations (kind and key). In slices: each
// test instance takes every kSlices-th (model, workload) pair, and Bazel's shards (gtest's
// sharding) spread the instances.
#include <gtest/gtest.h>

#include <initializer_list>
#include <set>
#include <string>

#include "models/dax_world/target.h"
#include "models/workload/library.h"
#include "sim/explore/explorer.h"

namespace daxsim::props {
namespace {

struct Verdicts {
  std::set<std::string> violations;
  bool complete = false;
  int64_t executions = 0, states = 0;
};

Verdicts Explore(const sim::Target& t, sim::StrategyKind k, int64_t budget,
                 bool state_cache = false) {
  Verdicts v;
  sim::ExploreOptions o;
  o.strategy = k;
  o.state_cache = state_cache;
  o.stop_on_first = false;
  o.shrink = false;
  o.budget_executions = budget;
  if (t.steps_max > 0) o.sim.steps_max = t.steps_max;
  o.on_execution = [&](const sim::Sim& s) {
    if (s.violation().found()) v.violations.insert(s.violation().Signature());
  };
  const sim::ExploreResult r = sim::Explore(t, o);
  v.complete = r.complete;
  v.executions = r.executions;
  v.states = r.states;
  return v;
}

constexpr int kSlices = 4;
class StatefulLibrary : public ::testing::TestWithParam<int> {};

// Runs `compare` on this slice's library pairs (scale suite aside) that stateless DPOR finishes
// in 3 000 executions; `compare` says whether it compared the pair. Returns how many it did.
template <typename Compare>
int CompareFinishedPairs(std::initializer_list<const char*> models, int slice, Compare compare) {
  int pair = 0, compared = 0;
  for (const char* model : models) {
    for (const models::workload::NamedWorkload& w : models::workload::Workloads()) {
      if (w.suite == "scale" || pair++ % kSlices != slice) continue;
      absl::StatusOr<sim::Target> t = models::MakeDaxTarget(model, w.name, "");
      if (!t.ok()) continue;  // the model cannot run it (e.g. MAP_SYNC on ext2)
      SCOPED_TRACE(t->name);
      const Verdicts dpor = Explore(*t, sim::StrategyKind::kDpor, 3000);
      if (dpor.complete && compare(*t, dpor)) compared++;
    }
  }
  EXPECT_GT(compared, 0) << "no pair finished both ways in this slice";
  std::printf("compared %d (model, workload) pairs\n", compared);
  return compared;
}

TEST_P(StatefulLibrary, SameVerdictsAsStatelessDpor) {
  CompareFinishedPairs({"xfs", "xipfs"}, GetParam(),
                       [](const sim::Target& t, const Verdicts& dpor) {
                         const Verdicts cached = Explore(t, sim::StrategyKind::kStateful, 20000);
                         if (!cached.complete) return false;
                         EXPECT_GT(cached.states, 0);
                         EXPECT_EQ(cached.violations, dpor.violations);
                         return true;
                       });
}

// Stateful DPOR (--state-cache) against stateless DPOR, on every pair both finish.
TEST_P(StatefulLibrary, StatefulDporSameVerdictsAsStatelessDpor) {
  CompareFinishedPairs(
      {"xfs", "ext4", "ext2", "xipfs"}, GetParam(), [](const sim::Target& t, const Verdicts& dpor) {
        const Verdicts cached = Explore(t, sim::StrategyKind::kDpor, 3000, /*state_cache=*/true);
        // never more executions than stateless DPOR here
        EXPECT_TRUE(cached.complete);
        EXPECT_EQ(cached.violations, dpor.violations);
        return cached.complete;
      });
}

INSTANTIATE_TEST_SUITE_P(Slices, StatefulLibrary, ::testing::Range(0, kSlices));

}  // namespace
}  // namespace daxsim::props
