// I8 (props/dax/pins.cc) re-checks the pins only after a step that changed the pins or the
// filesystem's block map (Filesystem::block_map_version), and looks owners up in one
// OwnerIndex when many pages are pinned. This test shows the reduction changes no verdict: on
// workloads drawn with pins, correct and with layout-breaking bugs switched on, bounded DPOR
// finds exactly the same first violation (message and token) after exactly as many executions
// and steps as with I8 checking every pin after every step.
#include <gtest/gtest.h>

#include <iterator>
#include <memory>
#include <string>

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

sim::ExploreResult ExploreWith(sim::Target t, bool every_step) {
  auto build = t.build;
  t.build = [build, every_step](sim::Sim& s) -> std::unique_ptr<sim::World> {
    std::unique_ptr<sim::World> w = build(s);
    auto* dw = dynamic_cast<DaxWorld*>(w.get());
    if (dw != nullptr) dw->pin_check_every_step = every_step;
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

// Pins on filesystems that break layouts (clean), on ext2 (no layout breaking: I8 fires) and
// with the layout-breaking fix switched off.
const Case kCases[] = {
    {"xfs", ""},
    {"ext4", ""},
    {"ext2", ""},
    {"xfs", "bug_no_layout_break=1"},
    {"ext4", "bug_no_layout_break=1"},
};

// A random workload around pins: a DMA actor pins and unpins pages of a shared mapping (its
// other ops load and store), others truncate, punch, write and allocate the same or another
// file, so blocks are freed and reused while pinned.
Workload DrawPinWorkload(sim::Rng& rng) {
  const auto page = [&rng] { return std::to_string(rng.Uniform(4) * 4) + "K"; };
  std::string text = "workload pins\nfile f size=16K written=0-16K\nfile g size=8K\nactor D\n";
  text += "  mmap m f len=16K\n";
  for (uint64_t i = 0, n = 1 + rng.Uniform(2); i < n; ++i) {
    const std::string at = page();
    if (rng.Uniform(2) == 0) text += "  load m " + at + " len=8\n";
    text += "  pin m " + at + " len=4K\n";
    text += "  unpin m " + at + " len=4K val=0x44\n";
  }
  const char* kOthers[] = {"  truncate f 0\n",
                           "  truncate f 8K\n",
                           "  punch f 0 len=8K\n",
                           "  fsync f\n",
                           "  write g 0 len=8K val=0x33\n",
                           "  falloc g 0 len=8K\n",
                           "  write f 4K len=4K val=0x55\n"};
  for (int a = 0; a < 2; ++a) {
    text += "actor T" + std::to_string(a) + "\n";
    for (uint64_t i = 0, n = 1 + rng.Uniform(3); i < n; ++i) {
      text += kOthers[rng.Uniform(static_cast<uint32_t>(std::size(kOthers)))];
    }
  }
  absl::StatusOr<Workload> w = models::workload::ParseWorkload(text, "pins");
  EXPECT_TRUE(w.ok()) << w.status() << "\n" << text;
  return w.ok() ? *w : Workload{};
}

TEST(PinsTest, CheckingOnlyAfterPinOrBlockMapChangesKeepsEveryVerdict) {
  int compared = 0, violations = 0;
  for (const Case& c : kCases) {
    sim::Rng rng(0x1808 + compared);
    GenOptions g;
    g.max_actors = 3;
    for (int i = 0; i < 40; ++i) {
      // Half drawn by the generator (pins among everything else), half around pins.
      const Workload w = i % 2 == 0 ? DrawWorkload(rng, g, "pins") : DrawPinWorkload(rng);
      absl::StatusOr<sim::Target> t = models::MakeDaxTargetFromWorkload(c.model, w, c.params);
      if (!t.ok()) continue;
      const std::string where =
          std::string(c.model) + " " + c.params + " workload:\n" + FormatWorkload(w);
      const sim::ExploreResult every = ExploreWith(*t, true);
      const sim::ExploreResult r = ExploreWith(*t, false);
      ASSERT_EQ(r.executions, every.executions) << where;
      ASSERT_EQ(r.steps, every.steps) << where;
      ASSERT_EQ(r.violations, every.violations) << where;
      ASSERT_EQ(r.first.has_value(), every.first.has_value())
          << where << (r.first ? r.first->violation.message : every.first->violation.message);
      ++compared;
      if (!r.first) continue;
      ASSERT_EQ(r.first->violation.message, every.first->violation.message) << where;
      ASSERT_EQ(r.first->token, every.first->token) << where;
      violations += every.first->violation.message.find("I8 ") != std::string::npos ? 1 : 0;
    }
  }
  // The comparison covered enough workloads, I8 violations among them.
  EXPECT_GE(compared, 180);
  EXPECT_GE(violations, 10);
}

}  // namespace
}  // namespace daxsim::props
