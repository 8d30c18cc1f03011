// The per-step mapping pass (I1/I2/I5/I6, props/dax/mapping_pass.cc) re-checks only the mappings
// whose inputs a step may have changed (DaxWorld::MappingPass::kChanged). This test shows that
// the reduction changes no verdict: on workloads drawn by the generator, correct and with bugs
// of the families the pass checks switched on, bounded DPOR finds exactly the same first
// violation (message and token), after exactly as many executions and steps, as with the whole
// pass after every step (kEveryStep); and kVerified, which runs the whole pass after each
// incremental one, never finds a violation the incremental one missed.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "models/dax_world/target.h"
#include "models/dax_world/world.h"
#include "models/workload/workload.h"
#include "props/gen/sketch.h"
#include "sim/explore/explorer.h"
#include "sim/rng.h"

namespace daxsim::props {
namespace {

using models::DaxWorld;
using models::workload::FormatWorkload;
using models::workload::Workload;

sim::ExploreResult ExploreWith(sim::Target t, DaxWorld::MappingPass pass) {
  auto build = t.build;
  t.build = [build, pass](sim::Sim& s) -> std::unique_ptr<sim::World> {
    std::unique_ptr<sim::World> w = build(s);
    auto* dw = dynamic_cast<DaxWorld*>(w.get());
    if (dw != nullptr) dw->mapping_pass = pass;
    return w;
  };
  sim::ExploreOptions o;
  o.strategy = sim::StrategyKind::kDpor;
  o.preemptions_max = 1;
  o.budget_executions = 60;
  o.shrink_executions_max = 0;
  return sim::Explore(t, o);
}

struct Case {
  const char* model;
  const char* params;
};

// Bugs whose violations the mapping pass reports (I1, I2, I5, I6), and none.
const Case kCases[] = {
    {"xfs", ""},
    {"ext4", ""},
    {"ext2", ""},
    {"xipfs", ""},
    {"xfs", "bug_punch_fault_race=1"},
    {"ext4", "bug_punch_fault_race=1"},
    {"xfs", "bug_unzeroed_new_blocks=1"},
    {"xfs", "bug_mkwrite_unlocked=1"},
    {"xfs", "bug_pmd_mkclean_writable=1"},
    {"ext2", "bug_fault_truncate_race=1"},
    {"xfs", "bug_cow_truncate_race=1"},
    {"xipfs", "bug_populate_nolock=1"},
};

TEST(MappingPassTest, SkippingUnchangedStepsKeepsEveryVerdict) {
  int compared = 0, violations = 0;
  for (const Case& c : kCases) {
    sim::Rng rng(0x6d70 + compared);
    GenOptions g;
    g.max_actors = 3;
    for (int i = 0; i < 30; ++i) {
      const Workload w = DrawWorkload(rng, g, "mapping_pass");
      absl::StatusOr<sim::Target> t = models::MakeDaxTargetFromWorkload(c.model, w, c.params);
      if (!t.ok()) continue;
      const std::string where =
          std::string(c.model) + " " + c.params + " workload:\n" + FormatWorkload(w);
      const sim::ExploreResult every = ExploreWith(*t, DaxWorld::MappingPass::kEveryStep);
      for (DaxWorld::MappingPass pass :
           {DaxWorld::MappingPass::kChanged, DaxWorld::MappingPass::kVerified}) {
        const sim::ExploreResult r = ExploreWith(*t, pass);
        ASSERT_EQ(r.executions, every.executions) << where;
        ASSERT_EQ(r.steps, every.steps) << where;
        ASSERT_EQ(r.violations, every.violations)
            << static_cast<int>(pass) << " " << (r.first ? r.first->violation.message : "")
            << where;
        ASSERT_EQ(r.first.has_value(), every.first.has_value())
            << where << (r.first ? r.first->violation.message : every.first->violation.message);
        if (!r.first) continue;
        ASSERT_EQ(r.first->violation.message, every.first->violation.message) << where;
        ASSERT_EQ(r.first->token, every.first->token) << where;
      }
      ++compared;
      violations += every.first ? 1 : 0;
    }
  }
  // The comparison covered enough workloads, violations among them.
  EXPECT_GE(compared, 250);
  EXPECT_GE(violations, 10);
}

}  // namespace
}  // namespace daxsim::props
