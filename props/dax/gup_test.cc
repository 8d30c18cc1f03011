// get_user_pages as 6.1 does it (sim/vm/gup.cc): the results of fast and slow, read, write and
// long-term pins; GUP-fast taking a present page without mmap_lock; I8 failing on a model whose
// GUP-fast takes fsdax pages under FOLL_LONGTERM (test-only switch Bug::kTestGupFastLongterm);
// and fast pins racing zaps, truncate and copy-on-write explored clean on every model.
#include <string>
#include <vector>

#include "props/dax/test_target.h"
#include "sim/explore/simple.h"

namespace daxsim::props {
namespace {

using test_target::Dpor;
using test_target::With;
using test_target::WorkloadTarget;

// One actor, so one schedule: every expect= is checked (an unmet one is an I9 violation).
TEST(Gup, ResultsOfFastSlowReadWriteAndLongTermPins) {
  for (const char* model : {"xfs", "ext4", "ext2", "xipfs"}) {
    const sim::ExploreResult r = Dpor(WorkloadTarget(model, R"(workload gup_results
file f size=8K written=0-8K fill=0xaa
actor A
  mmap m f len=8K
  mmap p f len=8K private
  mmap r f len=8K ro
  pin m 0 len=4K longterm expect=EOPNOTSUPP        # fast walk: not present; slow: fsdax
  load m 0 len=8
  pin m 0 len=4K ro longterm expect=EOPNOTSUPP     # present, but a devmap page
  store p 0 len=8 val=0x11
  pin p 0 len=4K longterm expect=ok                # GUP-fast takes the anonymous copy
  pin p 0 len=4K slow longterm expect=EOPNOTSUPP   # check_vma_flags() refuses the VMA first
  pin r 0 len=4K expect=EFAULT                     # FOLL_WRITE on a read-only VMA
  pin r 0 len=4K ro slow expect=ok
  pin m 0x1000 len=4K slow expect=ok               # faults in writable
  unpin p 0 len=4K
  unpin r 0 len=4K
  unpin m 0x1000 len=4K
  truncate f 4K                                    # (it would wait for pins: busy pages)
  pin m 0x1000 len=4K ro expect=EFAULT             # beyond EOF: the fault's SIGBUS
  load p 0 len=8 expect=0x11
)"),
                                      0, 10);
    EXPECT_FALSE(r.first.has_value()) << model << ": " << r.first->violation.message;
  }
}

// The trace of one run: GUP-fast grabs the present page in one step with no mmap_lock; the
// slow path takes mmap_lock around follow_page_mask.
TEST(Gup, FastPinOfAPresentPageTakesNoMmapLock) {
  const sim::Target t = WorkloadTarget("xfs", R"(workload gup_locks
file f size=8K written=0-8K fill=0xaa
actor A
  mmap m f len=8K
  load m 0 len=8
  pin m 0 len=4K ro
  pin m 0 len=4K ro slow
)");
  sim::Sim sim{sim::SimOptions{.trace = true}};
  std::unique_ptr<sim::World> world = t.build(sim);
  sim::FirstEnabled first(0);
  sim.Run(first);
  std::vector<std::string> lines;
  for (const auto& e : sim.trace()) lines.push_back(e.text);
  std::vector<size_t> pins;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find("pin m 0x0 -> ok") != std::string::npos ||
        lines[i].find("pin m 0 -> ok") != std::string::npos) {
      pins.push_back(i);
    }
  }
  ASSERT_EQ(pins.size(), 2u);
  ASSERT_GE(pins[0], 1u);
  EXPECT_NE(lines[pins[0] - 1].find("gup_fast: try_grab_page"), std::string::npos)
      << lines[pins[0] - 1];
  bool slow_locked = false;
  for (size_t i = pins[0] + 1; i < pins[1]; ++i) {
    EXPECT_EQ(lines[i].find("gup_fast"), std::string::npos) << lines[i];
    slow_locked |= lines[i].find("down_read mmap_lock") != std::string::npos;
  }
  EXPECT_TRUE(slow_locked);
}

constexpr const char* kLongTerm = R"(workload long_term
file f size=8K written=0-8K fill=0xaa
actor A
  mmap m f len=8K
  load m 0 len=8
  pin m 0 len=8K ro longterm     # page 0 present: GUP-fast's to refuse
  unpin m 0 len=8K
actor B
  truncate f 0
)";

TEST(Gup, ALongTermPinOfAPmemPageIsCaught) {
  const sim::ExploreResult r =
      Dpor(WorkloadTarget("xfs", kLongTerm, With(Bug::kTestGupFastLongterm)), 1, 5000);
  ASSERT_TRUE(r.first.has_value());
  EXPECT_NE(r.first->violation.message.find("held by a FOLL_LONGTERM pin"), std::string::npos)
      << r.first->violation.message;
}

TEST(Gup, LongTermPinsAreRefusedOnEveryModel) {
  for (const char* model : {"xfs", "ext4", "ext2", "xipfs"}) {
    const sim::ExploreResult r = Dpor(WorkloadTarget(model, kLongTerm), 1, 5000);
    EXPECT_FALSE(r.first.has_value()) << model << ": " << r.first->violation.message;
    EXPECT_TRUE(r.complete) << model;
  }
}

// GUP-fast holds no lock the zap, the truncate or the copy-on-write takes: every interleaving
// up to two preemptions keeps I8 (pinned blocks), linearizability and the rest. (ext2 breaks
// no layouts: its truncate frees pinned blocks, a known finding.)
TEST(Gup, FastPinsRacingZapTruncateAndCowAreClean) {
  for (const char* model : {"xfs", "ext4", "xipfs"}) {
    const sim::ExploreResult r = Dpor(WorkloadTarget(model, R"(workload gup_race
file f size=8K written=0-8K fill=0xaa
actor T1 mm=P
  mmap m f len=8K
  mmap p f len=8K private
  pin m 0 len=8K ro
  pin p 0x1000 len=4K
  unpin m 0 len=8K
  unpin p 0x1000 len=4K val=0x33
actor T2 mm=P
  madvise_dontneed m 0 len=8K
  store p 0x1000 len=8 val=0x11
actor T3
  truncate f 4K
)"),
                                      2, 20000);
    EXPECT_FALSE(r.first.has_value()) << model << ": " << r.first->violation.message;
  }
}

}  // namespace
}  // namespace daxsim::props
