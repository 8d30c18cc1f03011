// Partitioning: the union of the shards is the unsharded run (same executions for random and
// PCT, same Mazurkiewicz classes and complete executions for DFS and DPOR).
#include <set>

#include "props/engine/common.h"
#include "sim/explore/trace.h"

namespace daxsim::props {
namespace {

using sim::StrategyKind;

std::multiset<uint64_t> Traces(const sim::Target& t, sim::ExploreOptions o, bool classes) {
  std::multiset<uint64_t> out;
  o.stop_on_first = false;
  o.shrink = false;
  o.sim.trace = true;
  o.on_execution = [&](const sim::Sim& s) {
    if (s.completed() || s.violation().found()) {
      out.insert(classes ? sim::TraceClassHash(s) : sim::TraceHash(s));
    }
  };
  sim::Explore(t, o);
  return out;
}

TEST(Partition, UnionOfShardsIsTheUnshardedRun) {
  const sim::Target t = Scenario("lastzero", "n=3");
  for (StrategyKind k :
       {StrategyKind::kRandom, StrategyKind::kPct, StrategyKind::kDfs, StrategyKind::kDpor}) {
    const bool exhaustive = k == StrategyKind::kDfs || k == StrategyKind::kDpor;
    sim::ExploreOptions o = Options(k, exhaustive ? 0 : 600);
    o.split_depth = exhaustive ? 3 : -1;
    const std::multiset<uint64_t> whole = Traces(t, o, exhaustive);
    ASSERT_GT(whole.size(), 10u);
    for (uint64_t n : {2, 3, 5}) {
      std::multiset<uint64_t> merged;
      for (uint64_t i = 0; i < n; ++i) {
        o.shard = sim::Partition{i, n};
        const std::multiset<uint64_t> part = Traces(t, o, exhaustive);
        if (!exhaustive) {
          EXPECT_FALSE(part.empty()) << sim::StrategyName(k) << " shard " << i << "/" << n;
        }
        merged.insert(part.begin(), part.end());
      }
      o.shard = sim::Partition{};
      EXPECT_EQ(merged, whole) << sim::StrategyName(k) << " over " << n << " shards";
    }
  }
}

TEST(Partition, ShardedDporStillOneExecutionPerClass) {
  const sim::Target t = Scenario("lastzero", "n=3");
  sim::ExploreOptions o = Options(StrategyKind::kDpor);
  const std::multiset<uint64_t> whole = Traces(t, o, true);
  EXPECT_EQ(std::set<uint64_t>(whole.begin(), whole.end()).size(), whole.size());
  std::multiset<uint64_t> merged;
  for (uint64_t i = 0; i < 4; ++i) {
    o.shard = sim::Partition{i, 4};
    const std::multiset<uint64_t> part = Traces(t, o, true);
    merged.insert(part.begin(), part.end());
  }
  // Same classes; the split may cost redundancy but never a duplicate complete execution.
  EXPECT_EQ(std::set<uint64_t>(merged.begin(), merged.end()),
            std::set<uint64_t>(whole.begin(), whole.end()));
  EXPECT_EQ(merged.size(), whole.size());
}

}  // namespace
}  // namespace daxsim::props
