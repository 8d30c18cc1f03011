// I11 (write_permission.cc): the rules, and the invariant failing on a model that maps the
// file's page writable for a private write fault (test-only switch Bug::kTestCowMapsFile) while
// the fixed model explores clean.
#include <gtest/gtest.h>

#include "props/dax/test_target.h"

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
  return test_target::WorkloadTarget("xfs", R"(workload cow
file f size=8K written=0-8K fill=0xaa
actor P
  mmap p f len=8K private
  load p 0 len=8                  # maps the file's page read-only (its entry exists)
  store p 0 len=8 val=0x11
actor S
  mmap s f len=8K
  load s 0 len=8
)",
                                     test_target::With(Bug::kTestCowMapsFile, bug));
}

sim::ExploreResult Explore(const sim::Target& t) { return test_target::Dpor(t, -1, 20000); }

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
