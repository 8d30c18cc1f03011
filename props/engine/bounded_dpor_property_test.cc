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
  c.complete = r.complete;
  c.executions = r.executions;
  return c;
}

RC_GTEST_PROP(BoundedDporProperty, SameClassesAndViolationsAsBoundedDfs, ()) {
  const Program p =
      *rc::gen::container<Program>(static_cast<size_t>(*rc::gen::inRange(2, 4)), GenActor());
  const sim::Target t = MakeTarget(p);
  for (int bound = 0; bound <= 3; ++bound) {
    const Census dfs = Count(t, sim::StrategyKind::kDfs, bound);
    RC_PRE(dfs.complete);
    const Census dpor = Count(t, sim::StrategyKind::kDpor, bound);
    RC_ASSERT(dpor.complete);
    RC_ASSERT(dpor.violations == dfs.violations);
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
    RC_ASSERT(dpor.executions <= dfs.executions);
  }
}

}  // namespace
}  // namespace daxsim::props
