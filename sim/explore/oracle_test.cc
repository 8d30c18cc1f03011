// Oracle for the exploration strategies on small inline programs: DFS enumerates every
// interleaving; grouping them by Mazurkiewicz trace gives the classes; DPOR must reach every
// class (same final states) and run exactly one complete execution per class.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "sim/explore/explorer.h"
#include "sim/explore/trace.h"
#include "sim/sync/mutex.h"

namespace daxsim::sim {
namespace {

struct Vars : World {
  int v[4] = {0, 0, 0, 0};
  ObjectId id[4];
  std::unique_ptr<Mutex> lock;
};

Task<void> WriteTwice(Sim& sim, Vars* w, int a, int b, int val) {
  co_await sim.Point("write a", {w->id[a], Access::kWrite});
  w->v[a] = val;
  co_await sim.Point("write b", {w->id[b], Access::kWrite});
  w->v[b] = val;
}

Task<void> ReadThenWrite(Sim& sim, Vars* w, int a, int b) {
  co_await sim.Point("read a", {w->id[a], Access::kRead});
  const int x = w->v[a];
  co_await sim.Point("write b", {w->id[b], Access::kWrite});
  w->v[b] = x + 1;
}

Task<void> LockedInc(Sim& sim, Vars* w) {
  co_await w->lock->Lock();
  co_await sim.Point("read", {w->id[0], Access::kRead});
  const int x = w->v[0];
  co_await sim.Point("write", {w->id[0], Access::kWrite});
  w->v[0] = x + 1;
  co_await w->lock->Unlock();
  co_await sim.Point("write own", {w->id[1], Access::kWrite});
  w->v[1]++;
}

Task<void> Chooser(Sim& sim, Vars* w) {
  co_await sim.Point("write", {w->id[0], Access::kWrite});
  w->v[0] = 1 + sim.Choose(3, "value");
  co_await sim.Point("read", {w->id[1], Access::kRead});
  w->v[2] = w->v[1];
}

Target MakeTarget(const std::string& name) {
  Target t;
  t.name = name;
  t.build = [name](Sim& sim) {
    auto w = std::make_unique<Vars>();
    for (int i = 0; i < 4; ++i) w->id[i] = sim.NewObject("v", i);
    w->lock = std::make_unique<Mutex>(sim, "lock");
    Vars* p = w.get();
    if (name == "independent") {
      sim.Spawn("A", WriteTwice(sim, p, 0, 1, 1));
      sim.Spawn("B", WriteTwice(sim, p, 2, 3, 2));
    } else if (name == "conflict") {
      sim.Spawn("A", WriteTwice(sim, p, 0, 1, 1));
      sim.Spawn("B", WriteTwice(sim, p, 0, 1, 2));
    } else if (name == "readers") {
      sim.Spawn("A", ReadThenWrite(sim, p, 0, 1));
      sim.Spawn("B", ReadThenWrite(sim, p, 0, 2));
      sim.Spawn("C", WriteTwice(sim, p, 0, 3, 5));
    } else if (name == "locked") {
      sim.Spawn("A", LockedInc(sim, p));
      sim.Spawn("B", LockedInc(sim, p));
      sim.Spawn("C", LockedInc(sim, p));
    } else if (name == "choices") {
      sim.Spawn("A", Chooser(sim, p));
      sim.Spawn("B", ReadThenWrite(sim, p, 0, 1));
    }
    // Reads no state (reads = 0): visible to no step, so it costs the reduction nothing.
    sim.AddInvariant(
        "state", [p] { return std::optional<std::string>(); }, true, 0);
    return w;
  };
  return t;
}

struct Census {
  int64_t executions = 0;
  int64_t complete = 0;
  std::set<uint64_t> classes;
  std::map<uint64_t, int> class_counts;
  std::set<std::string> final_states;
};

Census RunCensus(const Target& t, StrategyKind k, int bound = -1) {
  Census c;
  ExploreOptions o;
  o.strategy = k;
  o.preemptions_max = bound;
  o.stop_on_first = false;
  o.shrink = false;
  o.on_execution = [&](const Sim& sim) {
    c.executions++;
    if (!sim.completed()) return;
    c.complete++;
    const uint64_t h = TraceClassHash(sim);
    c.classes.insert(h);
    c.class_counts[h]++;
  };
  ExploreResult r = Explore(t, o);
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.executions, c.executions);
  return c;
}

void ExpectOracle(const std::string& name, size_t classes, int64_t dfs_executions) {
  const Target t = MakeTarget(name);
  const Census dfs = RunCensus(t, StrategyKind::kDfs);
  const Census dpor = RunCensus(t, StrategyKind::kDpor);
  EXPECT_EQ(dfs.executions, dfs_executions) << name;
  EXPECT_EQ(dfs.classes.size(), classes) << name;
  EXPECT_EQ(dpor.classes, dfs.classes) << name;
  EXPECT_EQ(dpor.complete, static_cast<int64_t>(dpor.classes.size()))
      << name << ": duplicate class";
}

TEST(OracleTest, IndependentWritersHaveOneClass) { ExpectOracle("independent", 1, 6); }
TEST(OracleTest, ConflictingWriters) { ExpectOracle("conflict", 4, 6); }
TEST(OracleTest, ReadersAndWriter) { ExpectOracle("readers", 4, 90); }
TEST(OracleTest, LockedIncrements) { ExpectOracle("locked", 36, 396); }
TEST(OracleTest, ChoicesAreExploredExhaustively) { ExpectOracle("choices", 12, 18); }

TEST(OracleTest, PreemptionBoundLimitsDfs) {
  const Target t = MakeTarget("conflict");
  EXPECT_EQ(RunCensus(t, StrategyKind::kDfs, 0).executions, 2);
  EXPECT_EQ(RunCensus(t, StrategyKind::kDfs, 1).executions, 4);
}

}  // namespace
}  // namespace daxsim::sim
