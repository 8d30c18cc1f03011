// Issue 10, items 3 and 4, as counts (no timing): on the scale family with the missed-wake-up
// bug of 23c84eb78375 switched on, the default strategy (portfolio) finds it within its PCT
// burst for N = 2, 4, 7; and a random walk's counterexample shrinks to the minimum preemption
// count that iterative bounded DPOR finds, with a token that replays it.
#include <gtest/gtest.h>

#include <string>

#include "models/dax_world/target.h"
#include "sim/explore/explorer.h"
#include "sim/explore/token.h"

namespace daxsim::props {
namespace {

sim::Target ScaleTarget(int n) {
  absl::StatusOr<sim::Target> t = models::MakeDaxTarget(
      "xfs", "pmd_vs_n_pte_faults_" + std::to_string(n), "bug_pmd_wait_wrong_bucket=1");
  EXPECT_TRUE(t.ok()) << t.status();
  return *t;
}

TEST(ScaleFamily, PortfolioFindsTheMissedWakeupWithinItsBurst) {
  for (int n : {2, 4, 7}) {
    sim::ExploreOptions o;
    o.strategy = sim::StrategyKind::kPortfolio;
    o.shrink = false;
    const sim::ExploreResult r = sim::Explore(ScaleTarget(n), o);
    ASSERT_TRUE(r.first.has_value()) << n;
    EXPECT_EQ(r.first->violation.kind, sim::ViolationKind::kLostWakeup) << n;
    EXPECT_LE(r.executions, sim::kPortfolioBurstExecutions) << n;
  }
}

// The fewest preemptions any schedule needs, by iterative bounded DPOR (sound, see dpor.h).
int MinimumPreemptions(const sim::Target& t, const std::string& signature) {
  for (int bound = 0; bound <= 3; ++bound) {
    sim::ExploreOptions o;
    o.strategy = sim::StrategyKind::kDpor;
    o.preemptions_max = bound;
    o.shrink = false;
    o.stop_on_first = false;
    bool hit = false;
    o.on_execution = [&](const sim::Sim& s) {
      hit |= s.violation().found() && s.violation().Signature() == signature;
    };
    o.budget_executions = 50000;
    sim::Explore(t, o);
    if (hit) return bound;
  }
  return -1;
}

TEST(ScaleFamily, RandomCounterexampleShrinksToTheBoundedMinimum) {
  for (int n : {2, 4}) {
    const sim::Target t = ScaleTarget(n);
    sim::ExploreOptions o;
    o.strategy = sim::StrategyKind::kRandom;
    o.seed = 3;
    o.budget_executions = 1000;
    const sim::ExploreResult r = sim::Explore(t, o);
    ASSERT_TRUE(r.first.has_value()) << n;
    const int minimum = MinimumPreemptions(t, r.first->violation.Signature());
    EXPECT_EQ(r.first->preemptions, minimum) << n << ": found with " << r.original->preemptions;
    absl::StatusOr<sim::Token> d = sim::DecodeToken(r.first->token);
    ASSERT_TRUE(d.ok());
    sim::Sim replay;
    ASSERT_TRUE(
        sim::Replay(t, sim::SimOptions{.steps_max = d->steps_max}, d->decisions, &replay).ok());
    EXPECT_EQ(replay.violation().Signature(), r.first->violation.Signature());
  }
}

}  // namespace
}  // namespace daxsim::props
