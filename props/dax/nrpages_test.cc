// The nrpages invariant (entry_tree.cc): it fails on a model whose invalidation subtracts an
// entry's order instead of its pages (test-only switch Bug::kTestNrpagesOrder), and the fixed
// model's accounting holds through PTE and PMD entries, a PMD downgrade, hole punch and truncate.
#include <gtest/gtest.h>

#include "props/dax/test_target.h"

namespace daxsim::props {
namespace {

sim::Target NrpagesTarget(const char* model, bool bug) {
  return test_target::WorkloadTarget(model, R"(workload nrpages
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
                                     test_target::With(Bug::kTestNrpagesOrder, bug));
}

sim::ExploreResult Explore(const sim::Target& t) { return test_target::Dpor(t, 1, 20000); }

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
