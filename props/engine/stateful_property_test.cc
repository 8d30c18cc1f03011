// Property (issue 10): visited-state caching is sound. On random programs built from the
// kernel's synchronisation vocabulary (random_program.h), stateful DFS reports exactly the
// violations (kind and key) that stateless DFS reports, reaches exactly the same final world
// states, and never runs more executions; unbounded and bounded to K = 0..2 preemptions. And the
// cache does cut: on programs whose critical sections commute in effect, it runs fewer.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <set>
#include <string>

#include "props/engine/random_program.h"
#include "sim/explore/explorer.h"

namespace daxsim::props {
namespace {

using namespace random_program;  // NOLINT: the programs of random_program.h

struct Outcomes {
  std::set<std::string> violations;
  std::set<uint64_t> finals;  // world digests of completed executions
  bool complete = false;
  int64_t executions = 0;
  int64_t states = 0;
};

Outcomes Explore(const sim::Target& t, sim::StrategyKind k, int bound, bool state_cache = false) {
  Outcomes out;
  sim::ExploreOptions o = WholeSpace(k, bound);
  o.state_cache = state_cache;
  o.sim.stateful = true;  // the stateless runs digest their final worlds too
  o.on_execution = [&](const sim::Sim& s) {
    if (s.violation().found()) out.violations.insert(s.violation().Signature());
    if (s.completed()) out.finals.insert(s.state_model()->WorldDigest());
  };
  const sim::ExploreResult r = sim::Explore(t, o);
  out.complete = r.complete;
  out.executions = r.executions;
  out.states = r.states;
  return out;
}

RC_GTEST_PROP(StatefulProperty, SameVerdictsAsStatelessDfs, ()) {
  const Program p =
      *rc::gen::container<Program>(static_cast<size_t>(*rc::gen::inRange(2, 4)), GenActor());
  const sim::Target t = MakeTarget(p);
  for (int bound : {-1, 0, 1, 2}) {
    const Outcomes dfs = Explore(t, sim::StrategyKind::kDfs, bound);
    RC_PRE(dfs.complete);
    const Outcomes cached = Explore(t, sim::StrategyKind::kStateful, bound);
    RC_ASSERT(cached.complete);
    RC_ASSERT(cached.states > 0);
    RC_ASSERT(cached.violations == dfs.violations);
    RC_ASSERT(cached.finals == dfs.finals);
    RC_ASSERT(cached.executions <= dfs.executions);
  }
}

// Stateful DPOR (dpor.h): a visited state's summary stands for its subtree's races.
RC_GTEST_PROP(StatefulProperty, StatefulDporSameVerdictsAsDfs, ()) {
  const Program p =
      *rc::gen::container<Program>(static_cast<size_t>(*rc::gen::inRange(2, 4)), GenActor());
  const sim::Target t = MakeTarget(p);
  const Outcomes dfs = Explore(t, sim::StrategyKind::kDfs, -1);
  RC_PRE(dfs.complete);
  const Outcomes cached = Explore(t, sim::StrategyKind::kDpor, -1, /*state_cache=*/true);
  RC_ASSERT(cached.complete);
  RC_ASSERT(cached.states > 0);
  RC_ASSERT(cached.violations == dfs.violations);
  RC_ASSERT(cached.finals == dfs.finals);
}

TEST(Stateful, ValuesReadStayInTheContinuation) {
  // A reads var[0] into a local and later stores it + 1 to var[1]; B writes var[0]. Paths
  // "A reads, B writes" and "B writes, A reads" reach the same world with A at the same step,
  // but A holds different values: the cache must keep them apart (two final var[1] values).
  const Program p = {{{OpKind::kLoadStore, 0}}, {{OpKind::kWrite, 0}}};
  const Outcomes dfs = Explore(MakeTarget(p), sim::StrategyKind::kDfs, -1);
  const Outcomes cached = Explore(MakeTarget(p), sim::StrategyKind::kStateful, -1);
  EXPECT_EQ(dfs.finals.size(), 2);
  EXPECT_EQ(cached.finals, dfs.finals);
}

// Forgetting history keeps what the caller keeps. Each program has two final values of var[t]
// (whether B's step came before or after A's read); stateful search must find both, with the
// read made inside a summarized callee (its result), under a lock the callee took (re-observed
// at the return), or narrowed to a parity (sim::Sim::Observed).
TEST(Stateful, WhatACallerKeepsStaysInTheContinuation) {
  const std::vector<Program> programs = {
      {{{OpKind::kCallPeek, 0}}, {{OpKind::kSpinBump, 0}}},
      {{{OpKind::kCallHeld, 0}}, {{OpKind::kSpinBump, 0}}},
      {{{OpKind::kParity, 0}}, {{OpKind::kWrite, 0}, {OpKind::kWrite, 0}}},  // var[0]: 0, 2, 1
  };
  for (const Program& p : programs) {
    const Outcomes dfs = Explore(MakeTarget(p), sim::StrategyKind::kDfs, -1);
    const Outcomes cached = Explore(MakeTarget(p), sim::StrategyKind::kStateful, -1);
    const Outcomes sdpor = Explore(MakeTarget(p), sim::StrategyKind::kDpor, -1, true);
    ASSERT_TRUE(dfs.complete && cached.complete && sdpor.complete);
    EXPECT_GE(dfs.finals.size(), 2u);
    EXPECT_EQ(cached.finals, dfs.finals);
    EXPECT_EQ(sdpor.finals, dfs.finals);
  }
}

TEST(Stateful, SummarizedCalleesMerge) {
  // A peeks (its callee waits a while when A's id is odd) while B and C bump: the callee's
  // history is forgotten at its return, so paths that differ only inside it meet again.
  const Program p = {{{OpKind::kSpinBump, 0}},
                     {{OpKind::kCallPeek, 1}, {OpKind::kCallPeek, 0}},
                     {{OpKind::kWrite, 1}}};
  const Outcomes dfs = Explore(MakeTarget(p), sim::StrategyKind::kDfs, -1);
  const Outcomes cached = Explore(MakeTarget(p), sim::StrategyKind::kStateful, -1);
  ASSERT_TRUE(dfs.complete && cached.complete);
  EXPECT_EQ(cached.finals, dfs.finals);
  EXPECT_EQ(cached.violations, dfs.violations);
  EXPECT_LT(cached.executions * 2, dfs.executions);
}

TEST(Stateful, CommutingCriticalSectionsAreExploredOnce) {
  // Four actors each take the spinlock, set their own flag and wake: 4! lock orders, one final
  // state. Stateless DFS runs every interleaving; the cache merges the orders.
  Program p;
  for (int a = 0; a < 4; ++a) p.push_back({{OpKind::kSetFlag, a % 2}});
  const Outcomes dfs = Explore(MakeTarget(p), sim::StrategyKind::kDfs, -1);
  const Outcomes cached = Explore(MakeTarget(p), sim::StrategyKind::kStateful, -1);
  ASSERT_TRUE(dfs.complete);
  ASSERT_TRUE(cached.complete);
  EXPECT_EQ(cached.finals, dfs.finals);
  EXPECT_LT(cached.executions * 5, dfs.executions);
  // DPOR alone explores every lock order (each is its own class); with the cache, orders that
  // reach one state are merged.
  const Outcomes dpor = Explore(MakeTarget(p), sim::StrategyKind::kDpor, -1);
  const Outcomes sdpor = Explore(MakeTarget(p), sim::StrategyKind::kDpor, -1, true);
  ASSERT_TRUE(sdpor.complete);
  EXPECT_EQ(sdpor.finals, dpor.finals);
  EXPECT_LT(sdpor.executions * 3, dpor.executions * 2);  // measured: 347 vs 576
}

}  // namespace
}  // namespace daxsim::props
