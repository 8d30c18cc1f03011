// Checks pct_depth3's depth claim on the engine itself: no schedule with at most one preemption
// (which includes every PCT schedule with d <= 2) fails, some with two do, PCT with d = 3 finds
// it, and so does a uniform random walk within 100k executions.
#include "models/classic/pct_depth3.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "sim/explore/simple.h"
#include "sim/rng.h"
#include "sim/sim.h"

namespace daxsim::models::classic {
namespace {

using sim::ActorId;
using sim::kNoActor;
using sim::Sim;

// Stateless DFS by replay over every schedule with at most `preemptions_max` preemptions,
// trying the running actor first.
class BoundedDfs : public sim::Strategy {
 public:
  explicit BoundedDfs(int preemptions_max) : preemptions_max_(preemptions_max) {}

  void Begin() { cursor_ = 0; }
  // Moves to the next schedule; false once every schedule within the bound has been run.
  bool Advance() {
    stack_.resize(std::min(cursor_, stack_.size()));
    while (!stack_.empty() && ++stack_.back().pos == stack_.back().alts.size()) stack_.pop_back();
    return !stack_.empty();
  }

  ActorId PickActor(const Sim& sim) override {
    if (cursor_ < stack_.size()) {
      const Node& n = stack_[cursor_++];
      return n.alts[n.pos];
    }
    Node n;
    const ActorId last = sim.last_actor();
    const bool last_enabled = last != kNoActor && sim.IsEnabled(last);
    if (last_enabled) n.alts.push_back(last);
    if (!last_enabled || sim.preemptions() < preemptions_max_) {
      for (ActorId a : sim.enabled()) {
        if (a != last || !last_enabled) n.alts.push_back(a);
      }
    }
    stack_.push_back(n);
    cursor_++;
    return n.alts[0];
  }
  int PickChoice(const Sim&, int, const char*) override { return 0; }

 private:
  struct Node {
    std::vector<ActorId> alts;
    size_t pos = 0;
  };
  int preemptions_max_;
  std::vector<Node> stack_;
  size_t cursor_ = 0;
};

// PCT with fixed priorities (higher runs first) and change points: at step change_steps[i] the
// actor about to run drops to priority i + 1, below every initial priority.
class FixedPct : public sim::Strategy {
 public:
  FixedPct(std::vector<int> priority, std::vector<int64_t> change_steps)
      : priority_(std::move(priority)), change_steps_(std::move(change_steps)) {}

  ActorId PickActor(const Sim& sim) override {
    ActorId a = Highest(sim);
    for (size_t i = 0; i < change_steps_.size(); ++i) {
      if (change_steps_[i] == sim.step_count()) {
        priority_[a] = static_cast<int>(i) + 1;
        a = Highest(sim);
      }
    }
    return a;
  }
  int PickChoice(const Sim&, int, const char*) override { return 0; }

 private:
  ActorId Highest(const Sim& sim) const {
    ActorId best = kNoActor;
    for (ActorId a : sim.enabled()) {
      if (best == kNoActor || priority_[a] > priority_[best]) best = a;
    }
    return best;
  }
  std::vector<int> priority_;
  std::vector<int64_t> change_steps_;
};

// Runs one execution of pct_depth3 with parameter k; true if the planted assertion failed.
bool Fails(Sim& sim, int k, sim::Strategy& strategy) {
  sim.Reset(sim::SimOptions{});
  const auto world = BuildPctDepth3(sim, k);
  sim.Run(strategy);
  if (!sim.violation().found()) {
    EXPECT_TRUE(sim.completed());
    return false;
  }
  EXPECT_EQ(sim.violation().kind, sim::ViolationKind::kAssertion);
  EXPECT_EQ(sim.violation().key, kPctDepth3Assertion);
  return true;
}

struct DfsResult {
  int64_t executions = 0;
  int found_preemptions = -1;  // -1: not found
};

DfsResult SearchWithBound(int k, int preemptions_max) {
  Sim sim;
  BoundedDfs dfs(preemptions_max);
  DfsResult r;
  do {
    dfs.Begin();
    r.executions++;
    if (Fails(sim, k, dfs)) {
      r.found_preemptions = sim.preemptions();
      break;
    }
  } while (dfs.Advance());
  return r;
}

class PctDepth3Test : public testing::TestWithParam<int> {};

TEST_P(PctDepth3Test, NoScheduleWithOnePreemptionFails) {
  const DfsResult r = SearchWithBound(GetParam(), 1);
  EXPECT_EQ(r.found_preemptions, -1);
  EXPECT_GT(r.executions, 1);
}

TEST_P(PctDepth3Test, TwoPreemptionsFindIt) {
  const DfsResult r = SearchWithBound(GetParam(), 2);
  EXPECT_EQ(r.found_preemptions, 2);
  std::printf("k=%d: DFS with 2 preemptions finds it after %lld executions\n", GetParam(),
              static_cast<long long>(r.executions));
}

INSTANTIATE_TEST_SUITE_P(K, PctDepth3Test, testing::Values(1, 2, 5, 10));

// Every PCT schedule for each priority order and every placement of d - 1 change points.
int64_t PctFailures(int k, int depth, int64_t* schedules) {
  const int64_t steps = 3 * k + 6;
  Sim sim;
  int64_t failures = 0;
  *schedules = 0;
  std::vector<int> order = {0, 1, 2};
  do {
    std::vector<int> priority(3);
    for (int i = 0; i < 3; ++i) priority[order[i]] = 10 + i;
    std::vector<int64_t> change(depth - 1, 0);
    for (;;) {
      ++*schedules;
      FixedPct pct(priority, change);
      failures += Fails(sim, k, pct);
      size_t i = 0;  // next placement, odometer style
      while (i < change.size() && ++change[i] == steps) change[i++] = 0;
      if (i == change.size()) break;
    }
  } while (std::next_permutation(order.begin(), order.end()));
  return failures;
}

TEST(PctDepth3, PctNeedsDepthThree) {
  int64_t schedules = 0;
  EXPECT_EQ(PctFailures(10, 1, &schedules), 0);
  EXPECT_EQ(schedules, 6);
  EXPECT_EQ(PctFailures(10, 2, &schedules), 0);
  const int64_t failures = PctFailures(10, 3, &schedules);
  EXPECT_GT(failures, 0);
  std::printf("k=10: PCT d=3 fails in %lld of %lld schedules\n", static_cast<long long>(failures),
              static_cast<long long>(schedules));
}

TEST(PctDepth3, RandomWalkFindsItWithin100kExecutions) {
  Sim sim;
  int64_t executions = 0;
  bool found = false;
  while (!found && executions < 100000) {
    sim::UniformWalk walk(sim::MixSeed(1, static_cast<uint64_t>(executions++)));
    found = Fails(sim, 10, walk);
  }
  EXPECT_TRUE(found);
  EXPECT_GE(sim.preemptions(), 2);
  std::printf("k=10: random walk finds it after %lld executions\n",
              static_cast<long long>(executions));
}

}  // namespace
}  // namespace daxsim::models::classic
