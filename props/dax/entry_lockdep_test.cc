// The DAX entry lock as lockdep's pseudo-class "dax_entry" (sim/dax/entry_lock.cc): a model
// whose memory failure takes i_mmap_rwsem before the entry lock (test-only switch
// Bug::kTestMfImmapBeforeEntry), against writeback's entry lock -> i_mmap_rwsem
// (dax_entry_mkclean()), is reported by one actor's sequence, which cannot deadlock; 6.1's
// order, and the ext4 jbd2 handle -> entry order of its faults, report nothing.
#include <string>

#include "props/dax/test_target.h"

namespace daxsim::props {
namespace {

using test_target::Dpor;
using test_target::With;
using test_target::WorkloadTarget;

constexpr const char* kMsyncThenPoison = R"(workload msync_then_poison
file f size=8K written=0-8K fill=0xaa
actor A
  mmap m f len=8K
  store m 0 len=8 val=0x11
  msync m 0 len=4K
  poison m 0
)";

TEST(EntryLockdep, AnInversionIsReportedFromOneActor) {
  const sim::ExploreResult r =
      Dpor(WorkloadTarget("xfs", kMsyncThenPoison, With(Bug::kTestMfImmapBeforeEntry)), 0, 10);
  ASSERT_TRUE(r.first.has_value());
  const std::string& m = r.first->violation.message;
  EXPECT_NE(m.find("possible circular locking dependency"), std::string::npos) << m;
  EXPECT_NE(m.find("dax_entry"), std::string::npos) << m;
  EXPECT_NE(m.find("i_mmap_rwsem"), std::string::npos) << m;
}

TEST(EntryLockdep, TheKernelsOrderReportsNothing) {
  for (const char* model : {"xfs", "ext4", "ext2", "xipfs"}) {
    const sim::ExploreResult r = Dpor(WorkloadTarget(model, kMsyncThenPoison), 0, 10);
    EXPECT_FALSE(r.first.has_value()) << model << ": " << r.first->violation.message;
  }
}

}  // namespace
}  // namespace daxsim::props
