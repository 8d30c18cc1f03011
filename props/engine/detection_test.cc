// Each detection: a broken program triggers it (exhaustive DPOR finds it, with the expected
// kind) and its correct counterpart runs clean through the whole space.
#include "props/engine/common.h"

namespace daxsim::props {
namespace {

using sim::StrategyKind;
using sim::ViolationKind;

struct Pair {
  std::string broken;
  ViolationKind kind;
  std::string correct;
  int64_t steps_max;
  int lockdep;  // 1 on, 0 off
};

class Detection : public ::testing::TestWithParam<Pair> {};

sim::ExploreResult Dpor(const std::string& name, int64_t steps_max, bool lockdep) {
  sim::ExploreOptions o = Options(StrategyKind::kDpor);
  o.sim.steps_max = steps_max;
  o.sim.lockdep = lockdep;
  return sim::Explore(Scenario(name), o);
}

TEST_P(Detection, BrokenTriggersCorrectDoesNot) {
  const Pair& p = GetParam();
  const sim::ExploreResult bad = Dpor(p.broken, p.steps_max, p.lockdep);
  ASSERT_TRUE(bad.first.has_value()) << p.broken;
  EXPECT_EQ(bad.first->violation.kind, p.kind) << bad.first->violation.message;
  const sim::ExploreResult good = Dpor(p.correct, p.steps_max, p.lockdep);
  EXPECT_FALSE(good.first.has_value()) << p.correct << ": " << good.first->violation.message;
  EXPECT_TRUE(good.complete);
}

INSTANTIATE_TEST_SUITE_P(
    Engine, Detection,
    ::testing::Values(Pair{"lock_order", ViolationKind::kLockOrder, "lock_order_fixed", 1000, 1},
                      Pair{"lock_order", ViolationKind::kDeadlock, "lock_order_fixed", 1000, 0},
                      Pair{"prodcons_lost_wakeup", ViolationKind::kLostWakeup, "prodcons", 1000, 1},
                      Pair{"deadlock_wq", ViolationKind::kDeadlock, "prodcons", 1000, 1},
                      Pair{"livelock", ViolationKind::kStepBudget, "lastzero", 200, 1},
                      Pair{"atomic_sleep", ViolationKind::kSleepInAtomic, "lock_order_fixed", 1000,
                           1},
                      Pair{"canary", ViolationKind::kInvariant, "independent_writers", 1000, 1},
                      Pair{"pct_depth3", ViolationKind::kAssertion, "lastzero", 100000, 1}),
    [](const auto& info) {
      return info.param.broken + "_" + sim::ViolationKindName(info.param.kind)[0] +
             std::to_string(info.index);
    });

TEST(DetectionReport, DeadlockNamesTheWaitForCycleAndStacks) {
  const sim::ExploreResult r = Dpor("lock_order", 1000, false);
  ASSERT_TRUE(r.first.has_value());
  const std::string& m = r.first->violation.message;
  EXPECT_NE(m.find("wait-for cycle"), std::string::npos) << m;
  EXPECT_NE(m.find("mutex"), std::string::npos) << m;
}

TEST(DetectionReport, LockdepFiresWithoutADeadlockingSchedule) {
  // The minimal lock-order counterexample needs no preemption: A runs to completion, then B
  // takes the locks in the other order. Nothing deadlocks; lockdep still reports it.
  const sim::ExploreResult r = Dpor("lock_order", 1000, true);
  ASSERT_TRUE(r.first.has_value());
  EXPECT_EQ(r.first->preemptions, 0);
  EXPECT_EQ(r.first->violation.kind, ViolationKind::kLockOrder);
}

}  // namespace
}  // namespace daxsim::props
