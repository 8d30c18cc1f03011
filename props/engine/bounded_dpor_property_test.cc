// Property (issue 10): bounded DPOR is sound. On random programs built from the kernel's
// synchronisation vocabulary (mutexes, a spinlock, an rw_semaphore, a wait queue with keyed
// exclusive and non-exclusive waiters, a re-check-and-wait retry loop that re-takes the spinlock,
// choices, two-object steps, assertions), DPOR bounded to K preemptions reaches exactly the
// Mazurkiewicz classes that DFS bounded to K reaches, and reports the same violations (kind and
// key), for K = 0..3. Every class with a representative within K preemptions is explored.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "props/engine/random_program.h"
#include "sim/explore/explorer.h"
#include "sim/explore/trace.h"

namespace daxsim::props {
namespace {

using namespace random_program;  // NOLINT: the programs of random_program.h

struct Census {
  std::set<uint64_t> classes;
  std::map<uint64_t, std::string> traces;  // a representative of each class (for the report)
  std::set<std::string> violations;
  bool complete = false;
  int64_t executions = 0;
};

Census Count(const sim::Target& t, sim::StrategyKind k, int bound) {
  Census c;
  sim::ExploreOptions o = WholeSpace(k, bound);
  o.on_execution = [&](const sim::Sim& s) {
    if (s.abandoned()) return;
    const uint64_t h = sim::TraceClassHash(s);
    if (c.classes.insert(h).second) c.traces[h] = sim::FormatSwimlane(s);
    if (s.violation().found()) c.violations.insert(s.violation().Signature());
  };
  const sim::ExploreResult r = sim::Explore(t, o);
  c.complete = r.exhausted;
  c.executions = r.executions;
  return c;
}

// With world invariants over state that independent steps change (random_program::Watch),
// bounded and unbounded: the same violations as DFS, whose every state is visited. Without
// visibility in the reduction (Sim::AddInvariant) DPOR misses states between independent steps
// (the first failing program: one actor writes var[0], another var[1]; DPOR runs them in one
// order and never visits the state with only the second write done).
// DFS runs every schedule, so DPOR's violations are among DFS's, and DPOR finds one iff DFS
// does. Which ones an execution meets first depends on the order of steps that are independent
// for every check (an execution stops at its first violation): with several checks, DFS may
// find more kinds.
void SameVerdict(const Census& dfs, const Census& dpor, int bound) {
  std::string d, e;
  for (const auto& v : dfs.violations) d += v + "; ";
  for (const auto& v : dpor.violations) e += v + "; ";
  const std::string found =
      "bound " + std::to_string(bound) + ": DFS found {" + d + "}, DPOR {" + e + "}";
  if (dfs.violations.empty() != dpor.violations.empty()) RC_FAIL(found);
  for (const auto& v : dpor.violations) {
    if (!dfs.violations.count(v)) RC_FAIL(found);
  }
}

// Both searches of `t` within `bound`, each exhausted (DFS within the budget, else the program
// is discarded), with the same verdict and DPOR never running more executions.
std::pair<Census, Census> CompareWithDfs(const sim::Target& t, int bound) {
  Census dfs = Count(t, sim::StrategyKind::kDfs, bound);
  RC_PRE(dfs.complete);
  Census dpor = Count(t, sim::StrategyKind::kDpor, bound);
  RC_ASSERT(dpor.complete);
  SameVerdict(dfs, dpor, bound);
  RC_ASSERT(dpor.executions <= dfs.executions);
  return {std::move(dfs), std::move(dpor)};
}

RC_GTEST_PROP(BoundedDporProperty, SameWorldInvariantViolationsAsDfs, ()) {
  const Program p =
      *rc::gen::container<Program>(static_cast<size_t>(*rc::gen::inRange(2, 4)), GenActor());
  const Watch watch = *GenWatch();
  const sim::Target t = MakeTarget(p, false, true, watch);
  for (int bound = -1; bound <= 3; ++bound) CompareWithDfs(t, bound);
}

RC_GTEST_PROP(BoundedDporProperty, SameClassesAndViolationsAsBoundedDfs, ()) {
  const Program p =
      *rc::gen::container<Program>(static_cast<size_t>(*rc::gen::inRange(2, 4)), GenActor());
  const sim::Target t = MakeTarget(p);
  for (int bound = 0; bound <= 3; ++bound) {
    const auto [dfs, dpor] = CompareWithDfs(t, bound);
    // An execution stops at a violation, so the classes compare only in clean spaces.
    if (!dfs.violations.empty()) continue;
    for (uint64_t h : dfs.classes) {
      if (!dpor.classes.count(h)) {
        RC_FAIL("bound " + std::to_string(bound) + ": DPOR misses the class of\n" +
                dfs.traces.at(h) + "DPOR explored:\n" + [&] {
                  std::string all;
                  for (const auto& [k, v] : dpor.traces) all += v + "--\n";
                  return all;
                }());
      }
    }
    RC_ASSERT(dpor.classes == dfs.classes);
  }
}

}  // namespace
}  // namespace daxsim::props
