// The nrpages invariant (entry_tree.cc): it fails on a model whose invalidation subtracts an
// entry's order instead of its pages (test-only switch Bug::kTestNrpagesOrder), and the fixed
// model's accounting holds through PTE and PMD entries, a PMD downgrade, hole punch and truncate.
#include <gtest/gtest.h>

#include <memory>

#include "models/dax_world/world.h"
#include "props/dax/props.h"
#include "sim/explore/explorer.h"
#include "sim/fs/personality.h"

namespace daxsim::props {
namespace {

sim::Target NrpagesTarget(const char* model, bool bug) {
  auto w = std::make_shared<models::workload::Workload>();
  absl::StatusOr<models::workload::Workload> parsed =
      models::workload::ParseWorkload(R"(workload nrpages
file f size=4M written=0-2M fill=0xaa
actor A
  mmap m f len=4M
  load m 0x200000 len=8           # a PMD zero-page entry over the hole at 2M
  store m 0x201000 len=8 val=0x11 # its downgrade to PTE entries
  store m 0 len=8 val=0x22        # a PMD entry
actor B
  mmap n f len=4M
  load n 0x1000 len=8
  punch f 0x200000 len=4K
  truncate f 0x1000
)",
                                      "test");
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  *w = *parsed;
  models::DaxModelConfig config;
  fs::ParseFsKind(model, &config.fs.kind);
  config.model = model;
  config.bugs.Set(Bug::kTestNrpagesOrder, bug);
  config.fs.bugs = config.bugs;
  sim::Target t;
  t.name = std::string(model) + "/nrpages";
  t.build = [config, w](sim::Sim& sim) -> std::unique_ptr<sim::World> {
    return models::BuildDaxWorld(sim, config, *w);
  };
  return t;
}

sim::ExploreResult Explore(const sim::Target& t) {
  sim::ExploreOptions o;
  o.strategy = sim::StrategyKind::kDpor;
  o.preemptions_max = 1;
  o.budget_executions = 20000;
  return sim::Explore(t, o);
}

TEST(Nrpages, AnInvalidationThatSubtractsTheOrderIsCaught) {
  const sim::ExploreResult r = Explore(NrpagesTarget("xfs", true));
  ASSERT_TRUE(r.first.has_value());
  EXPECT_NE(r.first->violation.message.find("nrpages: f's mapping counts"), std::string::npos)
      << r.first->violation.message;
}

TEST(Nrpages, AccountingHoldsOnTheFixedModels) {
  for (const char* model : {"xfs", "ext4", "ext2", "xipfs"}) {
    const sim::ExploreResult r = Explore(NrpagesTarget(model, false));
    EXPECT_FALSE(r.first.has_value()) << model << ": " << r.first->violation.message;
    EXPECT_TRUE(r.complete) << model;
  }
}

}  // namespace
}  // namespace daxsim::props
