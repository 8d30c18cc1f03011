// The DAX API design space at model level: each front end (iomap, get_block, populate_pfns) on
// each filesystem (xfs, ext4, ext2, xipfs) serves the basic fault scenarios with the asserted
// outcome; what differs between them (PMD support, PFN caching in the tree, device calls,
// filesystem features) is asserted too; the two populate_pfns bug switches are found by DPOR and
// their correct counterparts explored exhaustively without a violation.
#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "models/dax_world/configs.h"
#include "models/dax_world/fault_cost.h"
#include "models/dax_world/target.h"
#include "models/dax_world/test_world.h"
#include "models/dax_world/world.h"
#include "sim/explore/explorer.h"
#include "sim/explore/simple.h"

namespace daxsim::models {
namespace {

using test_world::Parse;
using test_world::WorldRun;

DaxModelConfig Config(fs::FsKind kind, fs::DaxApi api) {
  DaxModelConfig c;
  c.model = fs::Traits(kind).name;
  c.fs.kind = kind;
  c.fs.api = api;
  return c;
}

using Pair = std::tuple<fs::FsKind, fs::DaxApi>;

class EveryPair : public ::testing::TestWithParam<Pair> {
 protected:
  DaxModelConfig config() const { return Config(std::get<0>(GetParam()), std::get<1>(GetParam())); }
};

TEST_P(EveryPair, HoleReadsZeroThenAWriteAllocatesAndReplacesTheZeroPage) {
  WorldRun r(config(), R"(workload t
file f size=4K
actor A
  mmap m f len=4K
  load m 0 len=8 expect=0
  store m 0 len=8 val=0x11
  load m 0 len=8 expect=0x11
)");
  ASSERT_TRUE(r.sim.completed()) << r.sim.violation().message;
  const vm::Mm* mm = r.world->mm("A");
  const vm::Pte* pte = mm->pt.pte(mm->vmas[0]->start);
  ASSERT_NE(pte, nullptr);
  EXPECT_NE(pte->pfn, vm::kZeroPfn);
  EXPECT_TRUE(pte->write);
  const fs::Inode* ip = r.world->fs().Find("f");
  ASSERT_TRUE(ip->Lookup(0).has_value());
  EXPECT_EQ(r.world->pmem().PgoffToPfn(ip->Lookup(0)->second.block), pte->pfn);
}

TEST_P(EveryPair, StoreBeyondEofAfterTruncateGetsSigbus) {
  WorldRun r(config(), R"(workload t
file f size=8K written=0-8K
actor A
  mmap m f len=8K
  store m 0x1000 len=8 val=0x11
  truncate f 4K
  store m 0x1000 len=8 val=0x22
)");
  ASSERT_TRUE(r.sim.completed()) << r.sim.violation().message;
  EXPECT_TRUE(r.Emitted("store m 0x1000 -> SIGBUS"));
}

TEST_P(EveryPair, PmdReadMapsAHugePageOnlyWherePmdFaultsExist) {
  WorldRun r(config(), R"(workload t
file f size=2M written=0-2M
actor A
  mmap m f len=2M
  load m 0 len=8
)");
  ASSERT_TRUE(r.sim.completed()) << r.sim.violation().message;
  const vm::Mm* mm = r.world->mm("A");
  const bool huge = mm->pt.pmd(mm->vmas[0]->start).kind == vm::Pmd::Kind::kHuge;
  const auto [kind, api] = GetParam();
  // get_block: the v4.8 PMD path was disabled; ext2 has no ->huge_fault.
  EXPECT_EQ(huge, api != fs::DaxApi::kGetBlock && fs::Traits(kind).huge_faults);
}

INSTANTIATE_TEST_SUITE_P(DesignSpace, EveryPair,
                         ::testing::Values(Pair{fs::FsKind::kXfs, fs::DaxApi::kIomap},
                                           Pair{fs::FsKind::kExt4, fs::DaxApi::kIomap},
                                           Pair{fs::FsKind::kExt2, fs::DaxApi::kIomap},
                                           Pair{fs::FsKind::kXfs, fs::DaxApi::kGetBlock},
                                           Pair{fs::FsKind::kExt4, fs::DaxApi::kGetBlock},
                                           Pair{fs::FsKind::kExt2, fs::DaxApi::kGetBlock},
                                           Pair{fs::FsKind::kXfs, fs::DaxApi::kPopulatePfns},
                                           Pair{fs::FsKind::kExt4, fs::DaxApi::kPopulatePfns},
                                           Pair{fs::FsKind::kExt2, fs::DaxApi::kPopulatePfns},
                                           Pair{fs::FsKind::kXip, fs::DaxApi::kPopulatePfns}));

TEST(DesignSpace, PopulatePfnsFillsTheTreeAheadSoTheNextFaultSkipsTheFilesystem) {
  WorldRun r(Config(fs::FsKind::kXfs, fs::DaxApi::kPopulatePfns), R"(workload t
file f size=8K written=0-8K
actor A
  mmap m f len=8K
  load m 0 len=8
)");
  ASSERT_TRUE(r.sim.completed()) << r.sim.violation().message;
  // One fault on page 0 inserted PFN entries for both pages of the extent.
  EXPECT_EQ(r.world->fs().Find("f")->mapping().i_pages.size(), 2u);
  absl::StatusOr<std::vector<FaultCost>> pop = MeasureFaultCosts("xfs", "api=populate_pfns");
  absl::StatusOr<std::vector<FaultCost>> iomap = MeasureFaultCosts("xfs", "api=iomap");
  ASSERT_TRUE(pop.ok() && iomap.ok());
  ASSERT_EQ((*pop)[2].probe, "pte_read_next");
  EXPECT_EQ((*pop)[2].device_calls, 0);    // a tree hit
  EXPECT_EQ((*iomap)[2].device_calls, 1);  // ->iomap_begin and dax_direct_access every time
  EXPECT_LT((*pop)[2].points, (*iomap)[2].points);
}

TEST(DesignSpace, XipfsNeverCallsTheDevice) {
  absl::StatusOr<std::vector<FaultCost>> c = MeasureFaultCosts("xipfs", "");
  ASSERT_TRUE(c.ok()) << c.status();
  for (const FaultCost& f : *c) EXPECT_EQ(f.device_calls, 0) << f.probe;
}

TEST(DesignSpace, FilesystemFeaturesAreEnforced) {
  // ext2: no MAP_SYNC (and no MAP_SYNC in the get_block era anywhere).
  for (const auto& [model, params] : std::vector<std::pair<std::string, std::string>>{
           {"ext2", "api=iomap"}, {"xfs", "api=get_block"}}) {
    absl::StatusOr<sim::Target> t = MakeDaxTarget(model, "map_sync_crash", params);
    ASSERT_FALSE(t.ok());
    EXPECT_NE(t.status().message().find("MAP_SYNC"), std::string::npos) << t.status();
  }
  // xipfs has no block device: only populate_pfns reaches it.
  EXPECT_FALSE(MakeDaxTarget("xipfs", "fault_vs_truncate", "api=iomap").ok());
  // ext2 has no fallocate.
  WorldRun r(Config(fs::FsKind::kExt2, fs::DaxApi::kIomap), R"(workload t
file f size=8K
actor A
  falloc f 0 len=4K
  punch f 0 len=4K
)");
  ASSERT_TRUE(r.sim.completed()) << r.sim.violation().message;
  EXPECT_TRUE(r.Emitted("falloc f -> -95"));
  EXPECT_TRUE(r.Emitted("punch f -> -95"));
}

sim::ExploreResult Dpor(const std::string& model, const std::string& workload,
                        const std::string& params, int64_t budget) {
  absl::StatusOr<sim::Target> t = MakeDaxTarget(model, workload, params);
  EXPECT_TRUE(t.ok()) << t.status();
  sim::ExploreOptions o;
  o.strategy = sim::StrategyKind::kDpor;
  o.budget_executions = budget;
  return sim::Explore(*t, o);
}

TEST(DesignSpace, PopulatePfnsWithoutTheEntryLockIsFound) {
  const sim::ExploreResult bug =
      Dpor("xipfs", "two_write_faults_hole", "bug_populate_nolock=1", 100000);
  ASSERT_TRUE(bug.first.has_value());
  EXPECT_LE(bug.first->preemptions, 2);
}

TEST(DesignSpace, PopulatePfnsReportingAHoleUnlockedIsFoundAndTheFixIsExhaustivelyClean) {
  const sim::ExploreResult bug =
      Dpor("xipfs", "write_vs_read_fault_hole", "bug_populate_hole=1", 100000);
  ASSERT_TRUE(bug.first.has_value());
  const sim::ExploreResult fixed = Dpor("xipfs", "write_vs_read_fault_hole", "", 100000);
  EXPECT_FALSE(fixed.first.has_value()) << fixed.first->violation.message;
  EXPECT_TRUE(fixed.complete);
}

TEST(DesignSpace, Ext2DoesNotWaitForDmaPins) {
  const sim::ExploreResult ext2 = Dpor("ext2", "pin_vs_truncate", "", 100000);
  ASSERT_TRUE(ext2.first.has_value());
  EXPECT_NE(ext2.first->violation.message.find("I8"), std::string::npos);
  const sim::ExploreResult xfs = Dpor("xfs", "pin_vs_truncate", "", 100000);
  EXPECT_FALSE(xfs.first.has_value());
  EXPECT_TRUE(xfs.complete);
}

TEST(DesignSpace, EveryConfigurationHasASuite) {
  for (const MatrixConfig& c : MatrixConfigs()) {
    for (const ConfigMember& m : c.members) {
      std::vector<std::string> skipped;
      const std::vector<SuiteItem> suite = Suite(m, &skipped);
      // At most the MAP_SYNC workload is left out (ext2, and the get_block era).
      EXPECT_GE(suite.size(), 26u) << c.name << " " << m.model;
      EXPECT_LE(skipped.size(), 1u) << c.name << " " << m.model;
    }
  }
}

}  // namespace
}  // namespace daxsim::models
