// Regression (issue 10): with dax_lock_page()'s retry loop keeping i_pages locked while it
// sleeps (test-only switch Bug::kTestMfRetryLocked), bounded DFS finds a 2-preemption
// counterexample on poison_shared_mapping; bounded DPOR once reported "complete up to 2
// preemptions" there. Bounded DPOR must find what bounded DFS finds, with the same kind and key.
#include <gtest/gtest.h>

#include <memory>

#include "models/dax_world/world.h"
#include "models/workload/library.h"
#include "sim/explore/explorer.h"
#include "sim/fs/personality.h"

namespace daxsim::props {
namespace {

sim::Target MfRetryLockedTarget(const std::string& model, bool bug) {
  absl::StatusOr<models::workload::Workload> w =
      models::workload::FindWorkload("poison_shared_mapping");
  EXPECT_TRUE(w.ok());
  auto shared = std::make_shared<const models::workload::Workload>(*w);
  models::DaxModelConfig config;
  config.model = model;
  fs::ParseFsKind(model, &config.fs.kind);
  if (model == "xipfs") config.fs.api = fs::DaxApi::kPopulatePfns;
  config.bugs.Set(Bug::kTestMfRetryLocked, bug);
  config.fs.bugs = config.bugs;
  sim::Target t;
  t.name = model + "/poison_shared_mapping";
  t.build = [config, shared](sim::Sim& sim) -> std::unique_ptr<sim::World> {
    return models::BuildDaxWorld(sim, config, *shared);
  };
  return t;
}

sim::ExploreResult ExploreBounded(const sim::Target& t, sim::StrategyKind k, int bound) {
  sim::ExploreOptions o;
  o.strategy = k;
  o.preemptions_max = bound;
  o.budget_executions = 200000;
  return sim::Explore(t, o);
}

class MfRetryLocked : public ::testing::TestWithParam<const char*> {};

TEST_P(MfRetryLocked, BoundedDporFindsWhatBoundedDfsFinds) {
  const sim::Target t = MfRetryLockedTarget(GetParam(), true);
  const sim::ExploreResult dfs = ExploreBounded(t, sim::StrategyKind::kDfs, 2);
  ASSERT_TRUE(dfs.first.has_value()) << "bounded DFS no longer reaches the bug";
  const sim::ExploreResult dpor = ExploreBounded(t, sim::StrategyKind::kDpor, 2);
  ASSERT_TRUE(dpor.first.has_value())
      << "bounded DPOR claimed " << (dpor.complete ? "complete" : "incomplete") << " after "
      << dpor.executions << " executions; DFS found " << dfs.first->violation.Signature();
  EXPECT_EQ(dpor.first->violation.kind, dfs.first->violation.kind);
  EXPECT_EQ(dpor.first->violation.key, dfs.first->violation.key);
  EXPECT_LE(dpor.first->preemptions, 2);
}

TEST_P(MfRetryLocked, FixedModelCleanUpToTwoPreemptions) {
  const sim::ExploreResult dpor =
      ExploreBounded(MfRetryLockedTarget(GetParam(), false), sim::StrategyKind::kDpor, 2);
  EXPECT_FALSE(dpor.first.has_value()) << dpor.first->violation.Signature();
  EXPECT_TRUE(dpor.complete);
}

INSTANTIATE_TEST_SUITE_P(Models, MfRetryLocked, ::testing::Values("xfs", "ext4", "ext2", "xipfs"));

}  // namespace
}  // namespace daxsim::props
