// Property (issue 10): state caching changes no verdict on the library. For every library
// workload on xfs and xipfs that both stateless DPOR and stateful search explore completely
// within their budgets, both report the same set of violations (kind and key). In slices: each
// test instance takes every kSlices-th (model, workload) pair, and Bazel's shards (gtest's
// sharding) spread the instances.
#include <gtest/gtest.h>

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

TEST_P(StatefulLibrary, SameVerdictsAsStatelessDpor) {
  int pair = 0, compared = 0;
  for (const char* model : {"xfs", "xipfs"}) {
    for (const models::workload::NamedWorkload& w : models::workload::Workloads()) {
      if (w.suite == "scale" || pair++ % kSlices != GetParam()) continue;
      absl::StatusOr<sim::Target> t = models::MakeDaxTarget(model, w.name, "");
      if (!t.ok()) continue;  // the model cannot run it (e.g. MAP_SYNC on ext2)
      SCOPED_TRACE(t->name);
      const Verdicts dpor = Explore(*t, sim::StrategyKind::kDpor, 3000);
      if (!dpor.complete) continue;
      const Verdicts cached = Explore(*t, sim::StrategyKind::kStateful, 20000);
      if (!cached.complete) continue;
      EXPECT_GT(cached.states, 0);
      EXPECT_EQ(cached.violations, dpor.violations);
      compared++;
    }
  }
  EXPECT_GT(compared, 0) << "no pair finished both ways in this slice";
  std::printf("compared %d (model, workload) pairs\n", compared);
}

// Stateful DPOR (--state-cache) against stateless DPOR, on every pair both finish.
TEST_P(StatefulLibrary, StatefulDporSameVerdictsAsStatelessDpor) {
  int pair = 0, compared = 0;
  for (const char* model : {"xfs", "ext4", "ext2", "xipfs"}) {
    for (const models::workload::NamedWorkload& w : models::workload::Workloads()) {
      if (w.suite == "scale" || pair++ % kSlices != GetParam()) continue;
      absl::StatusOr<sim::Target> t = models::MakeDaxTarget(model, w.name, "");
      if (!t.ok()) continue;
      SCOPED_TRACE(t->name);
      const Verdicts dpor = Explore(*t, sim::StrategyKind::kDpor, 3000);
      if (!dpor.complete) continue;
      const Verdicts cached = Explore(*t, sim::StrategyKind::kDpor, 3000, true);
      ASSERT_TRUE(cached.complete);  // never more executions than stateless DPOR here
      EXPECT_EQ(cached.violations, dpor.violations);
      compared++;
    }
  }
  EXPECT_GT(compared, 0) << "no pair finished both ways in this slice";
  std::printf("compared %d (model, workload) pairs\n", compared);
}

INSTANTIATE_TEST_SUITE_P(Slices, StatefulLibrary, ::testing::Range(0, kSlices));

}  // namespace
}  // namespace daxsim::props
