// The scenario registry: every scenario builds and terminates, the correct ones end in their
// expected final state, the buggy ones show their expected kind of violation, and parameter
// strings are parsed strictly and canonicalised.
#include "models/registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "models/classic/independent_writers.h"
#include "models/classic/indexer.h"
#include "models/classic/lastzero.h"
#include "models/classic/lock_order.h"
#include "models/classic/prodcons.h"
#include "sim/explore/simple.h"
#include "sim/rng.h"
#include "sim/sim.h"

namespace daxsim::models {
namespace {

using sim::ActorId;
using sim::Sim;

sim::SimOptions SmallBudget() {
  sim::SimOptions o;
  o.steps_max = 2000;  // livelock would otherwise take the default 100000 steps per execution
  return o;
}

sim::Target Make(const std::string& name, const std::string& params = "") {
  absl::StatusOr<sim::Target> t = MakeScenario(name, params);
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? *std::move(t) : sim::Target{};
}

// Builds `name` with `params`, runs it once under sim::FirstEnabled and returns the world.
std::unique_ptr<sim::World> RunFirstEnabled(Sim& sim, const std::string& name,
                                            const std::string& params = "") {
  sim.Reset(SmallBudget());
  std::unique_ptr<sim::World> world = Make(name, params).build(sim);
  sim::FirstEnabled first;
  sim.Run(first);
  return world;
}

TEST(RegistryTest, ScenarioTableIsWellFormed) {
  std::set<std::string> names;
  const std::set<std::string> kinds = {"deadlock",        "lost-wakeup", "step-budget",
                                       "sleep-in-atomic", "lock-order",  "lock-misuse",
                                       "assertion",       "invariant"};
  for (const ScenarioInfo& s : Scenarios()) {
    EXPECT_TRUE(names.insert(s.name).second) << s.name;
    EXPECT_FALSE(s.description.empty()) << s.name;
    EXPECT_EQ(s.description.find('\n'), std::string::npos) << s.name;
    EXPECT_EQ(s.expect_violation, kinds.count(s.expected_kind) == 1) << s.name;
    if (!s.expect_violation) {
      EXPECT_EQ(s.expected_kind, "") << s.name;
    }
    const sim::Target t = Make(s.name);
    EXPECT_EQ(t.name, s.name);
    EXPECT_EQ(t.params, s.default_params);
  }
  EXPECT_EQ(names.size(), 12u);
  EXPECT_EQ(names.count("canary"), 1u);
}

TEST(RegistryTest, EveryScenarioTerminatesUnderFirstEnabled) {
  Sim sim;
  for (const ScenarioInfo& s : Scenarios()) {
    const auto world = RunFirstEnabled(sim, s.name);
    EXPECT_TRUE(sim.completed() || sim.violation().found()) << s.name;
    if (!s.expect_violation) {
      EXPECT_TRUE(sim.completed()) << s.name << ": " << sim.violation().message;
    } else if (sim.violation().found()) {
      const std::string kind = sim::ViolationKindName(sim.violation().kind);
      EXPECT_EQ(kind, s.expected_kind) << s.name << ": " << sim.violation().message;
    }
  }
}

TEST(RegistryTest, IndependentWritersFinalState) {
  Sim sim;
  const auto world = RunFirstEnabled(sim, "independent_writers", "n=4");
  const auto* w = dynamic_cast<const classic::IndependentWritersWorld*>(world.get());
  ASSERT_NE(w, nullptr);
  ASSERT_TRUE(sim.completed());
  EXPECT_EQ(w->v, std::vector<int>(4, 2));
  EXPECT_EQ(sim.step_count(), 8);
}

TEST(RegistryTest, LastzeroFinalState) {
  Sim sim;
  for (int n : {1, 3, 5}) {
    const auto world = RunFirstEnabled(sim, "lastzero", "n=" + std::to_string(n));
    const auto* w = dynamic_cast<const classic::LastzeroWorld*>(world.get());
    ASSERT_NE(w, nullptr);
    ASSERT_TRUE(sim.completed());
    std::vector<int> want(n + 1);
    for (int j = 0; j <= n; ++j) want[j] = j;
    EXPECT_EQ(w->array, want);
    EXPECT_EQ(w->found, n);  // T0 ran first and saw array[n] == 0
  }
}

TEST(RegistryTest, IndexerStoresEveryMessageOnce) {
  Sim sim;
  for (int n : {1, 2, 11, 12, 16}) {  // 12 and up collide and probe
    const auto world = RunFirstEnabled(sim, "indexer", "n=" + std::to_string(n));
    const auto* w = dynamic_cast<const classic::IndexerWorld*>(world.get());
    ASSERT_NE(w, nullptr);
    ASSERT_TRUE(sim.completed()) << sim.violation().message;
    std::multiset<int> stored;
    for (int v : w->table) {
      if (v != 0) stored.insert(v);
    }
    std::multiset<int> sent;  // message values repeat across actors from n = 12 on
    for (int tid = 0; tid < n; ++tid) {
      for (int m = 1; m <= classic::kIndexerMessages; ++m)
        sent.insert(classic::IndexerMessage(tid, m));
    }
    EXPECT_EQ(static_cast<int>(stored.size()), 4 * n);
    EXPECT_EQ(stored, sent);
    // One CAS per message unless the hash collides.
    if (n <= 11) {
      EXPECT_EQ(sim.step_count(), 4 * n);
    } else {
      EXPECT_GT(sim.step_count(), 4 * n);
    }
  }
}

TEST(RegistryTest, ProdconsConsumes) {
  Sim sim;
  for (const char* name : {"prodcons", "prodcons_lost_wakeup"}) {
    const auto world = RunFirstEnabled(sim, name);
    const auto* w = dynamic_cast<const classic::ProdconsWorld*>(world.get());
    ASSERT_NE(w, nullptr);
    ASSERT_TRUE(sim.completed()) << name << ": " << sim.violation().message;
    EXPECT_TRUE(w->consumed) << name;
    EXPECT_EQ(w->wq.size(), 0u) << name;
  }
}

TEST(RegistryTest, LockOrderFixedReleasesEverything) {
  Sim sim;
  const auto world = RunFirstEnabled(sim, "lock_order_fixed");
  const auto* w = dynamic_cast<const classic::LockOrderWorld*>(world.get());
  ASSERT_NE(w, nullptr);
  ASSERT_TRUE(sim.completed());
  EXPECT_EQ(w->l1.owner(), sim::kNoActor);
  EXPECT_EQ(w->l2.owner(), sim::kNoActor);
}

// Random walks: each buggy scenario shows its expected kind, and only that one (lockdep
// validates an acquisition before blocking, so lock_order reports the inversion even in the
// schedules that go on to deadlock); correct ones never fail.
TEST(RegistryTest, RandomWalkFindsExactlyThePlantedBugs) {
  Sim sim;
  for (const ScenarioInfo& s : Scenarios()) {
    const sim::Target target = Make(s.name);
    const int64_t budget = s.expect_violation ? 100000 : 300;
    int64_t executions = 0;
    std::set<std::string> found;
    while (executions < budget && (found.empty() || s.name == "lock_order")) {
      sim.Reset(SmallBudget());
      const auto world = target.build(sim);
      sim::UniformWalk walk(sim::MixSeed(7, static_cast<uint64_t>(executions++)));
      sim.Run(walk);
      if (sim.violation().found()) found.insert(sim::ViolationKindName(sim.violation().kind));
      if (s.name == "lock_order" && executions == 200) break;
    }
    if (!s.expect_violation) {
      EXPECT_TRUE(found.empty()) << s.name << ": " << *found.begin();
    } else if (s.name == "lock_order") {
      EXPECT_EQ(found, (std::set<std::string>{"lock-order"}));
    } else {
      EXPECT_EQ(found, std::set<std::string>{s.expected_kind}) << s.name;
    }
  }
}

TEST(RegistryTest, ParamsAreCanonical) {
  EXPECT_EQ(Make("lastzero").params, "n=3");
  EXPECT_EQ(Make("lastzero", " n = 5 ").params, "n=5");
  EXPECT_EQ(Make("indexer", "n=16").params, "n=16");
  EXPECT_EQ(Make("pct_depth3", "k=1").params, "k=1");
  EXPECT_EQ(Make("pct_depth3", "k=1000,").params, "k=1000");
  EXPECT_EQ(Make("canary").params, "");
  EXPECT_EQ(Make("canary").name, "canary");
}

// The error message of MakeScenario(name, params), which must fail with InvalidArgument.
std::string Error(const std::string& name, const std::string& params) {
  absl::StatusOr<sim::Target> t = MakeScenario(name, params);
  EXPECT_FALSE(t.ok()) << name << " " << params;
  if (t.ok()) return "";
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(t.status().message());
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  return message;
}

TEST(RegistryTest, ParseErrors) {
  const std::string unknown = Error("lastzeros", "");
  EXPECT_NE(unknown.find("unknown scenario 'lastzeros'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("lastzero, indexer"), std::string::npos) << unknown;

  EXPECT_EQ(Error("lastzero", "m=2"), "scenario lastzero has no parameter 'm' (n)");
  EXPECT_EQ(Error("canary", "n=2"), "scenario canary has no parameter 'n' (it takes none)");
  EXPECT_EQ(Error("lastzero", "n=abc"), "scenario lastzero: parameter n='abc' is not an integer");
  EXPECT_EQ(Error("lastzero", "n=3x"), "scenario lastzero: parameter n='3x' is not an integer");
  EXPECT_EQ(Error("lastzero", "n="), "scenario lastzero: parameter n='' is not an integer");
  EXPECT_EQ(Error("lastzero", "n=0"), "scenario lastzero: n=0 is out of range [1, 16]");
  EXPECT_EQ(Error("independent_writers", "n=17"),
            "scenario independent_writers: n=17 is out of range [1, 16]");
  EXPECT_EQ(Error("indexer", "n=-1"), "scenario indexer: n=-1 is out of range [1, 16]");
  EXPECT_EQ(Error("pct_depth3", "k=1001"), "scenario pct_depth3: k=1001 is out of range [1, 1000]");
  EXPECT_EQ(Error("pct_depth3", "k=99999999999"),
            "scenario pct_depth3: parameter k='99999999999' is not an integer");
  EXPECT_EQ(Error("lastzero", "n"), "scenario lastzero: malformed parameter 'n' (want key=value)");
  EXPECT_EQ(Error("lastzero", "=3"),
            "scenario lastzero: malformed parameter '=3' (want key=value)");
  EXPECT_EQ(Error("lastzero", "n=2,n=3"), "scenario lastzero: parameter n given twice");
}

}  // namespace
}  // namespace daxsim::models
