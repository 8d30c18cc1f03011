#include "sim/sim.h"

#include <gtest/gtest.h>

#include "sim/explore/simple.h"

namespace daxsim::sim {
namespace {

Task<void> Counter(Sim& sim, ObjectId x, int* value, int n) {
  for (int i = 0; i < n; ++i) {
    co_await sim.Point("inc", {x, Access::kWrite});
    ++*value;
  }
}

TEST(SimTest, RunsActorsToCompletion) {
  Sim sim;
  int v = 0;
  const ObjectId x = sim.NewObject("x");
  sim.Spawn("A", Counter(sim, x, &v, 3));
  sim.Spawn("B", Counter(sim, x, &v, 2));
  FirstEnabled s;
  sim.Run(s);
  EXPECT_TRUE(sim.completed());
  EXPECT_EQ(v, 5);
  EXPECT_EQ(sim.step_count(), 5);
  EXPECT_EQ(sim.steps().size(), 5u);
  EXPECT_EQ(sim.context_switches(), 1);
  EXPECT_EQ(sim.preemptions(), 0);  // A finished before B ran
}

}  // namespace
}  // namespace daxsim::sim
