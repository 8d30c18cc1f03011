// Every strategy finds the canary; PCT's depth matters on the depth-3 bug; the preemption
// bound is reported as a bound; counterexamples are shrunk to the fewest preemptions.
#include "props/engine/common.h"

namespace daxsim::props {
namespace {

using sim::StrategyKind;

TEST(Strategies, EveryStrategyFindsTheCanary) {
  const sim::Target t = Scenario("canary");
  for (StrategyKind k : {StrategyKind::kRandom, StrategyKind::kPct, StrategyKind::kDfs,
                         StrategyKind::kDpor, StrategyKind::kPortfolio, StrategyKind::kStateful}) {
    const sim::ExploreResult r = sim::Explore(t, Options(k, 1000));
    ASSERT_TRUE(r.first.has_value()) << sim::StrategyName(k);
    EXPECT_EQ(r.first->violation.kind, sim::ViolationKind::kInvariant);
    EXPECT_LE(r.executions, 50) << sim::StrategyName(k);
    // Lost update: one preemption is necessary and sufficient; four steps.
    EXPECT_EQ(r.first->preemptions, 1) << sim::StrategyName(k);
    EXPECT_EQ(r.first->steps, 4) << sim::StrategyName(k);
  }
}

int64_t ExecutionsToFind(const sim::Target& t, int depth, int64_t budget, uint64_t seed) {
  sim::ExploreOptions o = Options(StrategyKind::kPct, budget);
  o.pct_depth = depth;
  o.seed = seed;
  o.shrink = false;
  const sim::ExploreResult r = sim::Explore(t, o);
  return r.first ? r.executions : -1;
}

TEST(Strategies, PctDepthThreeFindsWhatDepthOneCannot) {
  const sim::Target t = Scenario("pct_depth3");
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    EXPECT_EQ(ExecutionsToFind(t, 1, 5000, seed), -1) << "depth 1 cannot order it";
    const int64_t n = ExecutionsToFind(t, 3, 200000, seed);
    EXPECT_GT(n, 0) << "seed " << seed;
  }
}

TEST(Strategies, PreemptionBoundIsReportedAsABound) {
  const sim::Target t = Scenario("lastzero", "n=3");
  int64_t dfs_bounded = 0;
  for (StrategyKind k : {StrategyKind::kDfs, StrategyKind::kDpor}) {
    sim::ExploreOptions o = Options(k);
    o.preemptions_max = 1;
    const sim::ExploreResult bounded = sim::Explore(t, o);
    EXPECT_TRUE(bounded.complete);
    EXPECT_EQ(bounded.bound, 1);
    o.preemptions_max = -1;
    const sim::ExploreResult full = sim::Explore(t, o);
    EXPECT_EQ(full.bound, -1);
    if (k == StrategyKind::kDfs) {
      EXPECT_LT(bounded.executions, full.executions);
      dfs_bounded = bounded.executions;
    } else {
      // Bounded DPOR gives up sleep sets to stay sound (dpor.h), so it may run more executions
      // than unbounded DPOR, but never more than bounded DFS.
      EXPECT_LE(bounded.executions, dfs_bounded);
    }
  }
}

TEST(Strategies, BoundedDporFindsWhatBoundedDfsFinds) {
  // Both complete up to 2 preemptions: they must agree on whether the bug is in reach.
  for (const char* name : {"canary", "pct_depth3", "lock_order"}) {
    bool found[2];
    int i = 0;
    for (StrategyKind k : {StrategyKind::kDfs, StrategyKind::kDpor}) {
      sim::ExploreOptions o = Options(k);
      o.preemptions_max = 2;
      o.shrink = false;
      found[i++] = sim::Explore(Scenario(name), o).first.has_value();
    }
    EXPECT_EQ(found[0], found[1]) << name;
  }
}

TEST(Strategies, ShrinkingMinimisesPreemptionsThenSwitchesThenSteps) {
  const sim::Target t = Scenario("pct_depth3");
  sim::ExploreOptions o = Options(StrategyKind::kRandom, 200000);
  o.seed = 7;
  const sim::ExploreResult r = sim::Explore(t, o);
  ASSERT_TRUE(r.first.has_value());
  EXPECT_FALSE(sim::Smaller(*r.original, *r.first));  // never worse than what was found
  EXPECT_LE(r.first->preemptions, r.original->preemptions);
  EXPECT_LE(r.first->preemptions, 2);
  // The shrunk token replays the same violation.
  absl::StatusOr<sim::Token> d = sim::DecodeToken(r.first->token);
  ASSERT_TRUE(d.ok());
  sim::Sim replay;
  ASSERT_TRUE(
      sim::Replay(t, sim::SimOptions{.steps_max = d->steps_max}, d->decisions, &replay).ok());
  EXPECT_EQ(replay.violation().Signature(), r.first->violation.Signature());
}

}  // namespace
}  // namespace daxsim::props
