// Property (issue 10): state caching changes no verdict on the library. For every library
// workload on xfs and xipfs that both stateless DPOR and stateful search explore completely
// within their budgets, both report the same set of violations (kind and key). Sharded: each
// shard takes every n-th (model, workload) pair.
#include <gtest/gtest.h>

#include <cstdlib>
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

Verdicts Explore(const sim::Target& t, sim::StrategyKind k, int64_t budget) {
  Verdicts v;
  sim::ExploreOptions o;
  o.strategy = k;
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

int Shard(int* total) {
  const char* n = std::getenv("TEST_TOTAL_SHARDS");
  const char* i = std::getenv("TEST_SHARD_INDEX");
  *total = n ? std::atoi(n) : 1;
  return i ? std::atoi(i) : 0;
}

TEST(StatefulLibrary, SameVerdictsAsStatelessDpor) {
  int shards = 1;
  const int shard = Shard(&shards);
  int pair = 0, compared = 0;
  for (const char* model : {"xfs", "xipfs"}) {
    for (const models::workload::NamedWorkload& w : models::workload::Workloads()) {
      if (w.suite == "scale" || pair++ % shards != shard) continue;
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
  EXPECT_GT(compared, 0) << "no pair finished both ways in this shard";
  std::printf("compared %d (model, workload) pairs\n", compared);
}

}  // namespace
}  // namespace daxsim::props
