// I11 (write_permission.cc): the rules, and the invariant failing on a model that maps the
// file's page writable for a private write fault (test-only switch Bug::kTestCowMapsFile) while
// the fixed model explores clean.
#include <gtest/gtest.h>

#include <memory>

#include "models/dax_world/world.h"
#include "props/dax/props.h"
#include "sim/explore/explorer.h"
#include "sim/fs/personality.h"

namespace daxsim::props {
namespace {

TEST(ForbiddenWrite, Rules) {
  vm::Vma shared;
  shared.shared = true;
  shared.writable = true;
  const vm::Pfn device = 0x100010, anon = vm::kAnonPfnBase + 1;
  EXPECT_FALSE(ForbiddenWrite(&shared, device).has_value());
  EXPECT_TRUE(ForbiddenWrite(&shared, vm::kZeroPfn).has_value());
  EXPECT_TRUE(ForbiddenWrite(nullptr, device).has_value());
  vm::Vma ro = shared;
  ro.writable = false;
  EXPECT_EQ(ForbiddenWrite(&ro, device), "through a read-only mapping");
  vm::Vma priv = shared;
  priv.shared = false;
  EXPECT_FALSE(ForbiddenWrite(&priv, anon).has_value());
  EXPECT_EQ(ForbiddenWrite(&priv, device), "into the file's page through a private mapping");
}

sim::Target CowTarget(bool bug) {
  auto w = std::make_shared<models::workload::Workload>();
  absl::StatusOr<models::workload::Workload> parsed =
      models::workload::ParseWorkload(R"(workload cow
file f size=8K written=0-8K fill=0xaa
actor P
  mmap p f len=8K private
  load p 0 len=8                  # maps the file's page read-only (its entry exists)
  store p 0 len=8 val=0x11
actor S
  mmap s f len=8K
  load s 0 len=8
)",
                                      "test");
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  *w = *parsed;
  models::DaxModelConfig config;
  fs::ParseFsKind("xfs", &config.fs.kind);
  config.bugs.Set(Bug::kTestCowMapsFile, bug);
  config.fs.bugs = config.bugs;
  sim::Target t;
  t.name = "xfs/cow";
  t.build = [config, w](sim::Sim& sim) -> std::unique_ptr<sim::World> {
    return models::BuildDaxWorld(sim, config, *w);
  };
  return t;
}

sim::ExploreResult Explore(const sim::Target& t) {
  sim::ExploreOptions o;
  o.strategy = sim::StrategyKind::kDpor;
  o.budget_executions = 20000;
  return sim::Explore(t, o);
}

TEST(WritePermission, PrivateWriteIntoTheFilesPageIsCaughtAtTheStore) {
  const sim::ExploreResult r = Explore(CowTarget(true));
  ASSERT_TRUE(r.first.has_value());
  EXPECT_NE(r.first->violation.message.find("I11 forbidden write: a user store into the file's "
                                            "page through a private mapping"),
            std::string::npos)
      << r.first->violation.message;
}

TEST(WritePermission, FixedModelIsClean) {
  const sim::ExploreResult r = Explore(CowTarget(false));
  EXPECT_FALSE(r.first.has_value()) << r.first->violation.message;
  EXPECT_TRUE(r.complete);
}

}  // namespace
}  // namespace daxsim::props
