// Scenario tests of the DAX world with asserted outcomes, and exhaustive DPOR over small
// concurrent workloads (no violation in the correct model).
#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>

#include "absl/strings/str_format.h"
#include "models/dax_world/configs.h"
#include "models/dax_world/target.h"
#include "models/dax_world/test_world.h"
#include "models/dax_world/world.h"
#include "models/workload/library.h"
#include "models/workload/workload.h"
#include "props/dax/props.h"
#include "sim/explore/explorer.h"
#include "sim/explore/simple.h"
#include "sim/explore/token.h"

namespace daxsim::models {
namespace {

using test_world::Parse;
using test_world::WorldRun;

TEST(DaxWorldTest, ReadOfAHoleMapsTheZeroPage) {
  WorldRun r(R"(workload t
file f size=4K
actor A
  mmap m f len=4K
  load m 0 len=8 expect=0
)");
  ASSERT_TRUE(r.sim.completed()) << r.sim.violation().message;
  const vm::Mm* mm = r.world->mm("A");
  const vm::Pte* pte = mm->pt.pte(mm->vmas[0]->start);
  ASSERT_NE(pte, nullptr);
  EXPECT_EQ(pte->pfn, vm::kZeroPfn);
  EXPECT_FALSE(pte->write);
  const auto slot = r.world->fs().Find("f")->mapping().i_pages.Load(0);
  ASSERT_TRUE(slot.has_value());
  EXPECT_TRUE(dax::dax_is_zero_entry(slot->value));
  EXPECT_TRUE(r.Emitted("dax_load_hole:"));
}

DaxModelConfig Ext4Config() {
  DaxModelConfig c;
  c.model = "ext4";
  c.fs.kind = fs::FsKind::kExt4;
  return c;
}

// ext4's allocator returns ENOSPC while the only free space is frees that wait for a journal
// commit; ext4_dax_huge_fault() stops its handle and retries after ext4_should_retry_alloc()
// committed them. The model applied xfs's busy-extent log force inside the allocation, with the
// fault's jbd2 handle held: "possible recursive locking: jbd2_handle" (a false positive).
TEST(DaxWorldTest, Ext4WriteFaultRetriesEnospcAfterTheFreesCommit) {
  WorldRun r(Ext4Config(), R"(workload ext4_enospc_pending_frees
file f size=4M written=0-4M
file g size=8K
actor A
  falloc g 0x1000 len=12M
  falloc g 0xc01000 len=1984K
  falloc g 0xdf1000 len=4K expect=ENOSPC
  punch f 0 len=4M
  mmap m g off=0 len=8K shared
  store m 0 len=8 val=0x22
  load m 0 len=8 expect=0x22
)");
  ASSERT_TRUE(r.sim.completed()) << r.sim.violation().message;
  EXPECT_TRUE(r.Emitted("jbd2_journal_commit_transaction"));
  EXPECT_TRUE(r.Emitted("MAJOR|NOPAGE"));  // the store's fault allocated
}

// ext4_iomap_alloc(): write(2) allocates inside a jbd2 handle of its own (xfs has none).
TEST(DaxWorldTest, Ext4WriteAllocatesInAJournalHandle) {
  const std::string text = R"(workload t
file f size=8K
actor A
  write f 0 len=8 val=0x22
)";
  WorldRun e(Ext4Config(), text);
  ASSERT_TRUE(e.sim.completed()) << e.sim.violation().message;
  EXPECT_TRUE(e.Emitted("down_read jbd2_handle"));
  WorldRun x(text);
  ASSERT_TRUE(x.sim.completed()) << x.sim.violation().message;
  EXPECT_FALSE(x.Emitted("jbd2_handle"));
}

// The per-step mapping pass looks block owners up in an index (Filesystem::OwnerIndex); it
// must answer as the linear Filesystem::BlockOwner() does, for every block of the device, over
// files with several extents (written, unwritten, PMD-sized, fragmented by a punch).
TEST(DaxWorldTest, OwnerIndexAnswersAsBlockOwner) {
  WorldRun r(R"(workload t
file f size=4M written=0-8K fill=0x11 unwritten=12K-16K
file g size=4M written=2M-4M fill=0x22
actor A
  write f 20K len=4K val=0x33
  write g 4K len=4K val=0x44
  punch g 3M len=8K
  write f 1M len=4K val=0x55
)");
  ASSERT_TRUE(r.sim.completed()) << r.sim.violation().message;
  const fs::Filesystem& fs = r.world->fs();
  const fs::Filesystem::OwnerIndex index(fs);
  int owned = 0;
  for (uint64_t b = 0; b < fs.allocator().blocks() + 16; ++b) {
    const std::optional<fs::Filesystem::Owner> want = fs.BlockOwner(b);
    const std::optional<fs::Filesystem::Owner> got = index.Find(b);
    ASSERT_EQ(want.has_value(), got.has_value()) << "block " << b;
    if (!want) continue;
    ++owned;
    EXPECT_EQ(got->inode, want->inode) << "block " << b;
    EXPECT_EQ(got->fsb, want->fsb) << "block " << b;
    EXPECT_EQ(got->unwritten, want->unwritten) << "block " << b;
  }
  EXPECT_GT(owned, 512);
}

TEST(DaxWorldTest, WriteFaultReplacesTheZeroPageInEveryMapping) {
  WorldRun r(R"(workload t
file f size=4K
actor A mm=P1
  mmap m f len=4K
  load m 0 len=8 expect=0
actor B mm=P2
  mmap m f len=4K
  store m 0 len=8 val=0x5a
actor C mm=P1
  load m 0 len=8 expect=0x5a
)");
  ASSERT_TRUE(r.sim.completed()) << r.sim.violation().message;
  // A's zero-page PTE was zapped by B's allocation; C (A's thread) refaulted the real block.
  const vm::Mm* p1 = r.world->mm("P1");
  const vm::Pte* pte = p1->pt.pte(p1->vmas[0]->start);
  ASSERT_NE(pte, nullptr);
  EXPECT_TRUE(r.world->pmem().OwnsPfn(pte->pfn));
}

TEST(DaxWorldTest, StoreBeyondEofAfterTruncateGetsSigbus) {
  WorldRun r(R"(workload t
file f size=8K written=0-8K fill=0x11
actor A
  mmap m f len=8K
  store m 0x1000 len=8 val=0x22
  truncate f 4K
  store m 0x1000 len=8 val=0x33
  load m 0 len=8 expect=0x11
)");
  ASSERT_TRUE(r.sim.completed()) << r.sim.violation().message;
  EXPECT_TRUE(r.Emitted("store m 0x1000 -> ok"));
  EXPECT_TRUE(r.Emitted("store m 0x1000 -> SIGBUS"));
  EXPECT_TRUE(r.Emitted(
      "dax_pte_fault_done: dev 259:0 ino 0x80 shared "
      "WRITE|ALLOW_RETRY|KILLABLE|USER|INTERRUPTIBLE|0x800 address 0x40001000 pgoff 0x1 SIGBUS"));
  // The first store's fault found no page table: 6.1 sets FAULT_FLAG_ORIG_PTE_VALID only after.
  EXPECT_TRUE(
      r.Emitted("dax_pte_fault: dev 259:0 ino 0x80 shared "
                "WRITE|ALLOW_RETRY|KILLABLE|USER|INTERRUPTIBLE address 0x40001000"));
}

TEST(DaxWorldTest, PmdFaultOverPteEntriesFallsBack) {
  WorldRun r(R"(workload t
file f size=2M written=0-2M fill=0x11
actor A mm=P1
  mmap a f len=4K
  load a 0 len=8
actor B mm=P2
  mmap m f len=2M
  load m 0x1000 len=8 expect=0x11
)");
  ASSERT_TRUE(r.sim.completed()) << r.sim.violation().message;
  EXPECT_TRUE(r.Emitted("dax_pmd_fault_done"));
  EXPECT_TRUE(r.Emitted("FALLBACK"));
  const vm::Mm* p2 = r.world->mm("P2");
  EXPECT_EQ(p2->pt.pmd(p2->vmas[0]->start).kind, vm::Pmd::Kind::kTable);
}

TEST(DaxWorldTest, PmdFaultOnAnAlignedExtentMapsAHugePage) {
  WorldRun r(R"(workload t
file f size=2M written=0-2M fill=0x11
actor B
  mmap m f len=2M
  store m 0x1000 len=8 val=0x22
  load m 0x1000 len=8 expect=0x22
)");
  ASSERT_TRUE(r.sim.completed()) << r.sim.violation().message;
  const vm::Mm* mm = r.world->mm("B");
  const vm::Pmd& pmd = mm->pt.pmd(mm->vmas[0]->start);
  EXPECT_EQ(pmd.kind, vm::Pmd::Kind::kHuge);
  EXPECT_TRUE(pmd.write);
}

// 6.1's thp_get_unmapped_area(): a mapping at file offset 4K that covers the aligned 2 MiB at
// file offset 2M is placed at an address congruent to 4K modulo 2 MiB, so that 2 MiB is one
// PMD. With addr= (MAP_FIXED_NOREPLACE) at an address of another colour, the same fault finds
// the file offset and the address misaligned and falls back to PTEs.
TEST(DaxWorldTest, PlacementFollowsTheFileOffsetAndAddrOverridesIt) {
  const char* kText = R"(workload t
file f size=4M written=0-4M fill=0x11 phys=0
actor B
  mmap m f off=4K len=4092K%s
  load m 0x1ff000 len=8 expect=0x11
)";
  const std::string placed = absl::StrFormat(kText, "");
  WorldRun r(placed);
  ASSERT_TRUE(r.sim.completed()) << r.sim.violation().message;
  const vm::Mm* mm = r.world->mm("B");
  const uint64_t start = mm->vmas[0]->start;
  EXPECT_EQ(start % vm::PMD_SIZE, 0x1000u);
  EXPECT_EQ(mm->pt.pmd(start + 0x1ff000).kind, vm::Pmd::Kind::kHuge);
  EXPECT_TRUE(r.Emitted("dax_pmd_fault_done"));
  EXPECT_FALSE(r.Emitted("FALLBACK"));

  WorldRun fixed(absl::StrFormat(kText, " addr=0x40200000"));
  ASSERT_TRUE(fixed.sim.completed()) << fixed.sim.violation().message;
  const vm::Mm* fm = fixed.world->mm("B");
  EXPECT_EQ(fm->vmas[0]->start, 0x40200000u);
  EXPECT_NE(fm->pt.pmd(0x40400000).kind, vm::Pmd::Kind::kHuge);
  EXPECT_NE(fm->pt.pmd(0x40200000).kind, vm::Pmd::Kind::kHuge);
  EXPECT_TRUE(fixed.Emitted("FALLBACK"));
}

TEST(DaxWorldTest, FsyncThenPowerFailureKeepsTheData) {
  // Every crash image (each choice value) keeps the fsynced store.
  for (int choice = 0; choice < 2; ++choice) {
    WorldRun r(R"(workload t
file f size=4K
actor A
  mmap m f len=4K
  store m 0 len=8 val=0x42
  fsync f
  crash
)",
               choice);
    ASSERT_TRUE(r.sim.completed()) << r.sim.violation().message;
    std::vector<uint8_t> page = r.world->ReadFilePage(*r.world->fs().Find("f"), 0);
    EXPECT_EQ(page[0], 0x42) << "choice " << choice;
  }
}

TEST(DaxWorldTest, StoreWithoutFsyncMayBeLostAndThatIsNoBug) {
  // Explore every crash image: some lose the store, none is a violation.
  const workload::Workload w = Parse(R"(workload t
file f size=4K written=0-4K fill=0x11
actor A
  mmap m f len=4K
  store m 0 len=8 val=0x42
  crash
)");
  std::set<int> first_bytes;
  sim::Target t;
  t.name = "xfs/@t";
  t.build = [&w](sim::Sim& s) -> std::unique_ptr<sim::World> {
    return BuildDaxWorld(s, DaxModelConfig{}, w);
  };
  sim::ExploreOptions o;
  o.strategy = sim::StrategyKind::kDfs;
  o.stop_on_first = false;
  o.on_execution = [&](const sim::Sim& s) {
    EXPECT_FALSE(s.violation().found()) << s.violation().message;
  };
  // Inspect the outcomes through the world: rebuild per execution via the hook is not possible,
  // so run the two crash choices directly.
  const sim::ExploreResult res = sim::Explore(t, o);
  EXPECT_TRUE(res.complete);
  EXPECT_EQ(res.violations, 0);
  EXPECT_GE(res.executions, 2);
  for (int choice = 0; choice < 2; ++choice) {
    WorldRun r(FormatWorkload(w), choice);
    first_bytes.insert(r.world->ReadFilePage(*r.world->fs().Find("f"), 0)[0]);
  }
  EXPECT_EQ(first_bytes, (std::set<int>{0x11, 0x42}));
}

// Exhaustive DPOR over small concurrent workloads: complete, and no violation.
class DporClean : public ::testing::TestWithParam<std::string> {};

TEST_P(DporClean, CompletesWithoutViolation) {
  absl::StatusOr<sim::Target> t = MakeDaxTarget("xfs", GetParam(), "");
  ASSERT_TRUE(t.ok()) << t.status();
  sim::ExploreOptions o;
  o.strategy = sim::StrategyKind::kDpor;
  // The largest, pfn_mkwrite_vs_fsync, takes 123 072 executions. fault_vs_punch runs with the
  // state cache (5 908 executions; stateful_property_test proves it sound against plain DPOR):
  // plain DPOR takes 1 125 387 (165 s) since 6.1's read faults mark entries DIRTY, so punch's
  // writeback races every fault (220 020 before; steps visible to one every-step invariant are
  // ordered both ways: sim::Sim::AddInvariant).
  o.state_cache = GetParam() == "fault_vs_punch";
  o.budget_executions = 300000;
  const sim::ExploreResult r = sim::Explore(*t, o);
  EXPECT_FALSE(r.first.has_value()) << r.first->violation.message << "\n" << r.first->token;
  EXPECT_TRUE(r.complete) << GetParam() << ": " << r.executions << " executions";
  RecordProperty("executions", static_cast<int>(r.executions));
}

INSTANTIATE_TEST_SUITE_P(Workloads, DporClean,
                         ::testing::Values("fault_vs_truncate", "fault_vs_punch",
                                           "two_write_faults_hole", "read_fault_hole_then_write",
                                           "write_vs_read_fault_hole", "three_readers_hole",
                                           "pfn_mkwrite_vs_fsync", "writeback_vs_store",
                                           "pin_vs_truncate", "cow_private_vs_truncate",
                                           "store_beyond_eof", "fsync_then_crash",
                                           "store_no_fsync_crash", "poison_shared_mapping",
                                           "pmd_fault_vs_pte_fault", "pmd_hole_vs_pte_write"));

// The finding of README "Findings": concurrent fsyncs can lose a store covered by a returned
// msync. DPOR finds it, with a minimal schedule of 2 preemptions, and the token replays it.
TEST(DaxWorldFinding, ConcurrentFsyncTowriteRace) {
  absl::StatusOr<sim::Target> t = MakeDaxTarget("xfs", "fsync_vs_msync", "");
  ASSERT_TRUE(t.ok());
  sim::ExploreOptions o;
  o.strategy = sim::StrategyKind::kDpor;
  const sim::ExploreResult r = sim::Explore(*t, o);
  ASSERT_TRUE(r.first.has_value());
  EXPECT_EQ(r.first->violation.key, "durability: fsynced data lost");
  EXPECT_LE(r.first->preemptions, 2);
  absl::StatusOr<sim::Token> tok = sim::DecodeToken(r.first->token);
  ASSERT_TRUE(tok.ok());
  absl::StatusOr<sim::Target> again = DaxTargetFromToken(tok->target, tok->params);
  ASSERT_TRUE(again.ok());
  sim::Sim replay;
  ASSERT_TRUE(
      sim::Replay(*again, sim::SimOptions{.steps_max = tok->steps_max}, tok->decisions, &replay)
          .ok());
  EXPECT_EQ(replay.violation().Signature(), r.first->violation.Signature());
}

// 6.1's dax_writeback_one() skips an entry its TOWRITE walk finds locked
// (get_unlocked_entry()'s xas_find_conflict() returns NULL on the walk's positioned xa_state):
// T2's read fault holds the entry while T3's fsync walks it, so T1's store, made before the
// fsync started, is not flushed and a power failure loses it. One preemption; clean when
// writeback waits (locked_entries=2, what the model did before it followed 6.1).
TEST(DaxWorldFinding, WritebackSkipsAnEntryAFaultHoldsLocked) {
  const std::string text = R"(workload wbskip
file f size=4K written=0-4K fill=0x11
actor T1
  mmap m1 f off=0 len=4K shared
  store m1 0 len=8 val=0x22
  barrier stored
actor T2
  mmap m2 f off=0 len=4K shared
  barrier stored
  load m2 0 len=8
actor T3
  barrier stored
  fsync f
  crash
)";
  for (const char* model : {"xfs", "ext4"}) {
    test_world::ExpectKnownFinding(
        model, text, 1,
        "durability: page 0 of f differs after power failure and recovery from its content when "
        "a completed fsync started (a writeback skipped its entry while it was locked)");
    test_world::ExpectClean(model, text, 2, "locked_entries=2");
  }
}

// 6.1's dax_layout_busy_page_range() skips an entry it finds locked without looking at its pins:
// F's fsync holds the pinned page's entry (dax_writeback_one) while truncate's busy-page scan
// walks it, so truncate frees the block under T1's DMA pin (I8). Fixed in v6.15
// (wait_entry_unlocked_exclusive(); locked_entries=1). Two preemptions.
TEST(DaxWorldFinding, BusyPageScanSkipsAnEntryWritebackHoldsLocked) {
  const std::string text = R"(workload busyskip
file f size=4K written=0-4K fill=0x11
actor T1
  mmap m1 f len=4K shared
  pin m1 0 len=4K
  unpin m1 0 len=4K val=0x33
actor F
  fsync f
actor T3
  truncate f 0
)";
  for (const char* model : {"xfs", "ext4"}) {
    test_world::ExpectKnownFinding(
        model, text, 2,
        "pinned for DMA (f page 0) was freed (dax_layout_busy_page_range skipped its locked "
        "entry)");
    for (const char* params : {"locked_entries=1", "locked_entries=2"}) {
      test_world::ExpectClean(model, text, 2, params);
    }
  }
}

// The populate_pfns design copies dax_iomap_rw()'s order for a write fault that allocates
// (allocate, then invalidate the zero-page entries over the new blocks), so it inherits 6.1's
// write(2) finding: a write(2) into the new block completes while a read fault still maps the
// zero page. Found by props/gen (a RapidCheck-shrunk workload); the load carries the zero-page
// marker, so it is the known finding and not a new violation.
// 6.1's dax_insert_pfn_mkwrite() accepts any PTE-order entry, an empty one too: a MAP_SYNC
// write fault whose clean entry write(2)'s IOMAP_F_NEW invalidation deleted, and over which a
// copy-on-write fault left an empty entry, marks that empty entry dirty and maps its PFN over it
// (found by the first 100 000-workload fuzz campaign; README "Findings"). One preemption.
TEST(DaxWorldFinding, SyncFaultMkwriteMapsOverAnEmptyEntry) {
  const sim::ExploreResult r = test_world::ExploreDpor("xfs", R"(workload sync_mkwrite_empty
file f size=2M
actor T1
  mmap m1 f off=0 len=8K sync
  store m1 0 len=8 val=0x18
actor T3 mm=T1
  mmap m3 f off=0 len=8K private
  write f 0 len=8 val=0x38
actor T4 mm=T1
  store m3 0 len=8 val=0x4a
)",
                                                       1, "");
  ASSERT_TRUE(r.first.has_value());
  EXPECT_NE(r.first->violation.message.find("I2 mapping without its entry: T1 m1 0"),
            std::string::npos)
      << r.first->violation.message;
  EXPECT_TRUE(IsKnownFinding("xfs", r.first->violation.message)) << r.first->violation.message;
}

// README "Findings": between write(2)'s allocation (IOMAP_F_NEW) and its
// invalidate_inode_pages2_range(), T1's write pin faults the new block in and F5's fsync cleans
// the entry; the invalidation deletes the clean entry of the pinned page, so truncate's
// dax_layout_busy_page_range() finds nothing busy and frees the block under the pin (I8). Two
// preemptions, on xfs and ext4 alike; one is not enough.
TEST(DaxWorldFinding, WriteInvalidationDeletesAPinnedPagesCleanEntry) {
  const std::string text = R"(workload write_new_deletes_pinned_entry
file f size=2M
actor T3
  write f 0 len=8 val=0x38
  truncate f 0
actor T1
  mmap m1 f off=0 len=4K shared
  pin m1 0 len=4K
  unpin m1 0 len=4K val=0x18
actor F5
  fsync f
)";
  for (const char* model : {"xfs", "ext4"}) {
    test_world::ExpectClean(model, text, 1);
    test_world::ExpectKnownFinding(
        model, text, 2,
        "pinned for DMA (f page 0) was freed (its clean entry was deleted by "
        "invalidate_inode_pages2_range)");
  }
}

// The same window with a PMD entry (the 2026 campaign's shard 18, xfs): F5's huge write fault
// allocates the 2 MiB that T3's write(2) found a hole; xfs_direct_write_iomap_begin() still
// reports IOMAP_F_NEW after xfs_iomap_write_direct() mapped nothing new, the invalidation of
// page 0 deletes the whole clean PMD entry and unmap_mapping_pages() unmaps only page 0: T1's
// PTE of page 1 outlives its entry (I2). ext4 reports IOMAP_F_NEW only when it allocated
// (EXT4_MAP_NEW), so there the race is clean. T1's read fault marks the PMD entry DIRTY again
// (6.1's dax_insert_entry()), so it must come before F5's fsync cleans the entry: two
// preemptions (one was enough while read faults left entries clean).
TEST(DaxWorldFinding, XfsWriteNewAfterARacingHugeFaultLeavesAPteWithoutItsEntry) {
  const std::string text = R"(workload write_new_partial_unmap
file f size=2M
actor T3
  write f 0 len=8 val=0x38
actor F5
  mmap m5 f off=0 len=2M shared
  store m5 0 len=8 val=0x13
  fsync f
actor T1
  mmap m1 f off=0 len=8K shared
  load m1 0x1000 len=8
)";
  const sim::ExploreResult one = test_world::ExploreDpor("xfs", text, 1, "");
  EXPECT_TRUE(one.complete);
  EXPECT_FALSE(one.first.has_value()) << one.first->violation.message;
  const sim::ExploreResult x = test_world::ExploreDpor("xfs", text, 2, "");
  ASSERT_TRUE(x.first.has_value());
  EXPECT_NE(x.first->violation.message.find("I2 mapping without its entry: T1 m1 0x1000 -> block "),
            std::string::npos)
      << x.first->violation.message;
  EXPECT_TRUE(IsKnownFinding("xfs", x.first->violation.message)) << x.first->violation.message;
  test_world::ExpectClean("ext4", text, 2);
}

// A truncate that waited for i_rwsem while another actor extended the file and fsynced also
// removes the pages of that extension: the fsync's snapshot of them no longer binds the oracle
// (the 2026 campaign's shard 18, ext2-043618: "after recovery f is 0 bytes, but page 686 was
// fsynced", a false alarm on every filesystem; one preemption).
TEST(DaxWorldTest, ATruncateRemovesThePagesAnExtensionAddedWhileItWaited) {
  const std::string text = R"(workload truncate_waits_out_an_extension
file f size=2M
actor T4
  truncate f 0x2ae064
  fsync f
actor F5
  truncate f 0
  fsync f
  crash
)";
  for (const char* model : {"xfs", "ext4", "ext2"}) {
    test_world::ExpectClean(model, text, 2);
  }
}

// An fsync that starts while a truncate grows the file (after its i_size_write, before its
// transaction commits) need not make the new size durable: the truncate has not returned. The
// oracle held the fsync to the new page (the 2026 campaign's shard 29, on every model).
TEST(DaxWorldTest, AnFsyncDuringAGrowingTruncateNeedNotKeepTheNewSize) {
  const std::string text = R"(workload fuzz53979
file f size=8K
actor T1
  mmap m1 f off=0 len=4K shared ro
actor T4 mm=T1
  store m1 0 len=8 val=0x46
  fsync f
  crash
actor T5 mm=T2
  truncate f 0x2064
)";
  for (const char* model : {"xfs", "ext4", "ext2", "xipfs"}) {
    test_world::ExpectClean(model, text, 2);
  }
}

// A bad block injected between a copy-on-write fault's dax_direct_access() and its copy: the
// fault must fail (SIGBUS, excused by the semantics), not give the process a private copy of
// zeroes (found by the fuzz campaign as an unexplained load of 0 after write(2) of 0x3a).
TEST(DaxWorldTest, CowCopyOfAPageThatTurnedBadFailsTheFault) {
  const sim::ExploreResult r = test_world::ExploreDpor("xfs", R"(workload cow_badblock
file f size=4K
actor T1
  badblock f 0
actor T3
  mmap m3 f off=0 len=4K private
  write f 0 len=8 val=0x3a
  store m3 0xff8 len=8 val=0x36
  load m3 0 len=8
)",
                                                       1, "");
  EXPECT_TRUE(r.complete);
  EXPECT_FALSE(r.first.has_value()) << r.first->violation.message;
}

// A private store whose copy-on-write fault failed (SIGBUS: T5's memory failure poisoned the
// page) made no private copy, so a later load of that mapping reads the file: the recorder
// leaves such a fault's copy-on-write event running (it may not have happened) instead of
// asserting the copy (the fuzz campaign's workload, as it shrank it; 0 preemptions).
TEST(DaxWorldTest, FailedCowStoreLeavesNoPrivateCopyInTheHistory) {
  const sim::ExploreResult r = test_world::ExploreDpor("xfs", R"(workload failed_cow
file f size=4K
file g size=2M
actor T1
  mmap m1 f off=0 len=4M shared ro
  punch f 0 len=4K
actor T2 mm=T1
  mmap m2 f off=0 len=2M private
  sfence
  store m3 0 len=8 val=0x23
actor T3 mm=T1
  mmap m3 f off=0 len=2M sync
  load m2 0 len=8
  load m4 0 len=8
actor T4 mm=T1
  mmap m4 f off=0 len=8K shared ro
  store m2 0 len=8 val=0x45
  load m2 0 len=8
  badblock f 0
actor T5
  mmap m5 f off=0 len=2M shared
  store m5 0 len=8 val=0x55
  store m5 0 len=8 val=0x59
  poison m5 0
)",
                                                       0, "");
  EXPECT_TRUE(r.complete);
  EXPECT_FALSE(r.first.has_value()) << r.first->violation.message;
}

// MADV_DONTNEED (mmap_lock for read) zaps while another thread's copy-on-write fault is between
// its copy (taken before write(2) landed) and its install: 6.1 installs the copy after the zap,
// so the later load sees zeroes where the file has 0x25. The reference semantics takes the copy
// and the install as two points (the fuzz campaign's workload 6368; a false alarm before).
TEST(DaxWorldTest, CowFaultCopiedBeforeADontneedInstallsAfterIt) {
  const sim::ExploreResult r = test_world::ExploreDpor("xfs", R"(workload cow_vs_dontneed
file f size=4M
actor T2
  write f 0 len=16 val=0x25
  madvise_dontneed m2 0 len=4M
  load m2 0 len=4K
actor T4 mm=T2
  mmap m2 f off=0 len=4M private
  store m2 0 len=8 val=0x49
)",
                                                       2);
  EXPECT_GT(r.executions, 100);
  EXPECT_FALSE(r.first.has_value()) << r.first->violation.message;
}

TEST(DaxWorldFinding, PopulatePfnsAllocatingWriteFaultInheritsTheZeroPageWindow) {
  const sim::ExploreResult r = test_world::ExploreDpor("xfs", R"(workload populate_zero_window
file f size=8K
actor T1
  mmap m1 f off=0 len=4K shared
  write f 0 len=8 val=0x11
  load m1 0 len=8
actor T2 mm=T1
  poison m1 0
  falloc f 0 len=4K
  store m1 0 len=8 val=0x22
)",
                                                       1, "api=populate_pfns");
  ASSERT_TRUE(r.first.has_value());
  EXPECT_NE(r.first->violation.message.find("linearizability"), std::string::npos)
      << r.first->violation.message;
  EXPECT_TRUE(IsKnownFinding("xfs", r.first->violation.message)) << r.first->violation.message;
}

}  // namespace
}  // namespace daxsim::models

namespace daxsim::models {
namespace {

// DAX.md §9: what Linux 6.1 xfs prints for this workload (fs_dax events, abridged to event
// name, fault flags, pgoff and result). The model must print the same sequence.
TEST(DaxWorldTrace, MatchesTheRealKernelTraceOfSection9) {
  absl::StatusOr<sim::Target> t = MakeDaxTarget("xfs", "kernel_trace_pmd_fallback", "align=0");
  ASSERT_TRUE(t.ok());
  sim::Sim sim(sim::SimOptions{.trace = true});
  auto world = t->build(sim);
  sim::FirstEnabled s;
  sim.Run(s);
  ASSERT_TRUE(sim.completed()) << sim.violation().message;
  std::vector<std::string> got;
  for (const auto& e : sim.trace()) {
    if (e.step_echo || e.text.rfind("dax_", 0) != 0) continue;
    std::string line = e.text.substr(0, e.text.find(':'));
    if (e.text.find(" WRITE|") != std::string::npos) line += " WRITE";
    const size_t pg = e.text.find(" pgoff ");
    if (pg != std::string::npos) line += e.text.substr(pg, e.text.find(' ', pg + 7) - pg);
    for (const char* r : {" NOPAGE", " FALLBACK", " pglen 0x1"}) {
      if (e.text.find(r) != std::string::npos) line += r;
    }
    got.push_back(line);
  }
  const std::vector<std::string> want = {
      "dax_pmd_fault pgoff 0x0",
      "dax_pmd_load_hole",
      "dax_pmd_fault_done pgoff 0x0 NOPAGE",
      "dax_pmd_fault WRITE pgoff 0x1",
      "dax_pmd_fault_done WRITE pgoff 0x1 FALLBACK",
      "dax_pte_fault WRITE pgoff 0x1",
      "dax_pte_fault_done WRITE pgoff 0x1 NOPAGE",
      "dax_pmd_fault WRITE pgoff 0x200",
      "dax_pmd_fault_done WRITE pgoff 0x200 FALLBACK",
      "dax_pte_fault WRITE pgoff 0x200",
      "dax_pte_fault_done WRITE pgoff 0x200 NOPAGE",
      "dax_writeback_range pgoff 0x0-0x3ff",
      "dax_writeback_one pgoff 0x1 pglen 0x1",
      "dax_writeback_one pgoff 0x200 pglen 0x1",
      // 6.1 prints the XArray cursor after the marked walk (sim/vm/xa_cursor): the walk leaves
      // the two-level tree (indices 0..0xfff) at its end, 0x1000.
      "dax_writeback_range_done pgoff 0x1000-0x3ff",
  };
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace daxsim::models

namespace daxsim::models {
namespace {

// The linearizability check can fail: a read that completes after a write and still sees the
// old value has no explanation; overlapping in time, it has one.
TEST(Linearizability, ReadAfterCompletedWriteMustSeeIt) {
  sim::Sim sim;
  const workload::Workload w = Parse(R"(workload t
file f size=4K
actor A
  write f 0 len=1 val=0x22
)");
  auto world = BuildDaxWorld(sim, DaxModelConfig{}, w);
  const uint64_t ino = world->fs().Find("f")->ino();
  auto op = [ino](workload::OpCode code, uint8_t v, int64_t start, int64_t end) {
    DaxWorld::HistoryOp h;
    h.code = code;
    h.ino = ino;
    h.length = 1;
    if (code == workload::OpCode::kWrite) {
      h.value = v;
    } else {
      h.result = {v};
    }
    h.start = start;
    h.end = end;
    return h;
  };
  world->history = {op(workload::OpCode::kWrite, 0x22, 0, 5),
                    op(workload::OpCode::kRead, 0x00, 6, 8)};
  EXPECT_TRUE(props::CheckLinearizable(*world).has_value());
  world->history[1].result = {0x22};
  EXPECT_FALSE(props::CheckLinearizable(*world).has_value());
  world->history[1] = op(workload::OpCode::kRead, 0x00, 3, 8);  // overlaps the write
  EXPECT_FALSE(props::CheckLinearizable(*world).has_value());
  world->history[1] = op(workload::OpCode::kRead, 0x00, 6, -1);  // never completed: no result
  world->history[1].result.clear();
  EXPECT_FALSE(props::CheckLinearizable(*world).has_value());
}

}  // namespace
}  // namespace daxsim::models

namespace daxsim::models {
namespace {

// A page pinned twice holds two references: one unpin leaves one, and the actor's end releases
// it, so the truncate that waits for the page to be unpinned (xfs_break_dax_layouts) goes on.
// Found by `daxsim fuzz`: the executor kept one pin per page, the second pin's reference was
// never dropped and the truncate slept forever (a false deadlock).
TEST(DaxWorldTest, PinsOfOnePageAreReleasedOneByOne) {
  const workload::Workload w = Parse(R"(workload pin_twice
file f size=8K written=0-8K
actor T1
  mmap m f len=8K
  pin m 0x1000 len=4K
  pin m 0x1000 len=4K
  unpin m 0x1000 len=4K val=0x33
actor T2
  truncate f 0
)");
  absl::StatusOr<sim::Target> t = MakeDaxTargetFromWorkload("xfs", w, "");
  ASSERT_TRUE(t.ok()) << t.status();
  sim::ExploreOptions o;
  o.strategy = sim::StrategyKind::kDpor;
  const sim::ExploreResult r = sim::Explore(*t, o);
  EXPECT_FALSE(r.first.has_value()) << r.first->violation.message << "\n" << r.first->token;
  EXPECT_TRUE(r.complete);
}

// A read pin (pin ro: get_user_pages without FOLL_WRITE, an O_DIRECT write from the mapping)
// is allowed through a read-only mapping, copies no private page, holds its block as a write
// pin does (the racing truncate waits for it, I8) and receives no data (the unpin's val= lands
// nowhere); the private store after it copies the file's page. A write pin through the
// read-only mapping fails (check_vma_flags(): -EFAULT).
TEST(DaxWorldTest, ReadPinsHoldTheBlockAndCopyNothing) {
  const workload::Workload w = Parse(R"(workload read_pins
file f size=8K written=0-8K fill=0xaa
actor T1
  mmap m f len=8K ro
  mmap p f len=8K private
  pin m 0x1000 len=4K ro
  pin m 0 len=4K ro expect=ok
  pin p 0 len=4K ro expect=ok
  pin m 0 len=4K expect=EFAULT
  store p 0 len=8 val=0x11
  load p 0 len=8 expect=0x11
  unpin m 0 len=8K
  unpin p 0 len=4K val=0x22
  read f 0 len=8 expect=0xaa
actor T2
  truncate f 4K
  size f expect=4K
)");
  absl::StatusOr<sim::Target> t = MakeDaxTargetFromWorkload("xfs", w, "");
  ASSERT_TRUE(t.ok()) << t.status();
  sim::ExploreOptions o;
  o.strategy = sim::StrategyKind::kDpor;
  const sim::ExploreResult r = sim::Explore(*t, o);
  EXPECT_FALSE(r.first.has_value()) << r.first->violation.message << "\n" << r.first->token;
  EXPECT_TRUE(r.complete);
  EXPECT_GT(r.executions, 1);
}

// read(2) and write(2) whose buffer is a mapping (to=/from=): the copy faults inside the call
// with its locks held (on a mapping of the same file too), a private destination is copied on
// write, a read-only one or a page beyond the mapped file's EOF ends the copy (EFAULT or a short
// count). Racing truncate (which may drop the private copy), a store by another thread and
// write(2): no deadlock, every result
// explained by the reference semantics.
TEST(DaxWorldTest, MappingsAsSystemCallBuffersFaultInsideTheCall) {
  const workload::Workload w = Parse(R"(workload userbuf
file f size=8K written=0-8K fill=0xaa
file g size=8K written=0-8K fill=0xbb
actor A
  mmap m f len=8K
  mmap p f len=8K private
  mmap r g len=8K ro
  write f 0x1000 len=4K from=m+0
  read f 0 len=8K to=m+0
  read g 0 len=4K to=p+0x1000
  load p 0x1000 len=8
  read g 0 len=8 to=r+0 expect=EFAULT
  write g 0 len=8K from=p+0
actor B
  truncate f 4K
  write f 0x1000 len=8 val=0x22
actor C mm=A
  store m 0 len=8 val=0x33
)");
  for (const char* model : {"xfs", "ext4"}) {
    absl::StatusOr<sim::Target> t = MakeDaxTargetFromWorkload(model, w, "");
    ASSERT_TRUE(t.ok()) << t.status();
    sim::ExploreOptions o;
    o.strategy = sim::StrategyKind::kDpor;
    o.preemptions_max = 1;
    const sim::ExploreResult r = sim::Explore(*t, o);
    EXPECT_FALSE(r.first.has_value()) << model << ": " << r.first->violation.message;
    EXPECT_TRUE(r.complete) << model;
    EXPECT_GT(r.executions, 100) << model;
  }
}

// The buffer is a mapping of the same file, over a hole, so the copy's fault allocates inside
// the call. 6.1: read(2) holds i_rwsem shared (ext4_dax_read_iter(), xfs's IOLOCK_SHARED)
// across dax_iomap_rw(), and copy_to_user()'s write fault takes the invalidate lock shared,
// then (ext4) starts its own jbd2 handle and allocates; write(2) holds i_rwsem exclusive and
// its copy_from_user() read-faults the hole (the zero page). No lock-order report, no
// deadlock, and every outcome is linearizable.
TEST(DaxWorldTest, ASameFileBufferAllocatesInsideTheCall) {
  const std::string text = R"(workload userbuf_same_file
file f size=16K written=0-4K fill=0xaa
actor A mm=P
  mmap m f len=16K
  read f 0 len=4K to=m+0x2000
  write f 0x3000 len=4K from=m+0x1000
  load m 0x2000 len=8
actor B mm=P
  store m 0x1000 len=8 val=0x11
actor C
  truncate f 8K
)";
  for (const char* model : {"xfs", "ext4"}) test_world::ExpectClean(model, text, 1);
}

// With tallies on, the explorer says what the linearizability oracle judged: one history per
// counted execution, and by operation the results it checked (with two jobs too: partitioned
// DPOR may run more executions, each tallied once).
TEST(Linearizability, TalliesSayWhichResultsWereChecked) {
  absl::StatusOr<sim::Target> t = MakeDaxTarget("xfs", "write_vs_read_fault_hole", "");
  ASSERT_TRUE(t.ok()) << t.status();
  sim::ExploreOptions o;
  o.strategy = sim::StrategyKind::kDpor;
  o.preemptions_max = 1;
  o.budget_executions = 300;
  o.sim.tally = true;
  const sim::ExploreResult r = sim::Explore(*t, o);
  ASSERT_FALSE(r.first.has_value()) << r.first->violation.message;
  const auto count = [&r](const std::string& k) {
    auto it = r.tallies.find(k);
    return it == r.tallies.end() ? int64_t{0} : it->second;
  };
  EXPECT_EQ(count("histories.linearizable") + count("histories.inconclusive"), r.executions);
  EXPECT_GE(count("results.load.checked"), 2 * r.executions);  // two loads per execution
  EXPECT_GE(count("results.write.checked"), r.executions);
  EXPECT_EQ(count("results.load.unchecked"), 0);
  o.jobs = 2;
  const sim::ExploreResult two = sim::Explore(*t, o);
  EXPECT_EQ(two.tallies.at("histories.linearizable"), two.executions);
  EXPECT_EQ(two.tallies.at("results.write.checked"), two.executions);
  o.jobs = 1;
  o.sim.tally = false;
  EXPECT_TRUE(sim::Explore(*t, o).tallies.empty());
}

// Workloads whose full space is too large for exhaustive DPOR in a test (fault retries loop):
// complete up to 2 preemptions (bounded POR), with no violation.
class DporBounded : public ::testing::TestWithParam<std::string> {};

TEST_P(DporBounded, CompleteUpToTwoPreemptionsWithoutViolation) {
  absl::StatusOr<sim::Target> t = MakeDaxTarget("xfs", GetParam(), "");
  ASSERT_TRUE(t.ok()) << t.status();
  sim::ExploreOptions o;
  o.strategy = sim::StrategyKind::kDpor;
  o.preemptions_max = 2;
  o.budget_executions = 100000;
  const sim::ExploreResult r = sim::Explore(*t, o);
  EXPECT_FALSE(r.first.has_value()) << r.first->violation.message << "\n" << r.first->token;
  EXPECT_TRUE(r.complete) << GetParam() << ": " << r.executions << " executions";
  EXPECT_EQ(r.bound, 2);
}

INSTANTIATE_TEST_SUITE_P(Workloads, DporBounded,
                         ::testing::Values("pmd_waits_on_pte_entry", "pmd_vs_pte_same_range",
                                           "write_invalidation_vs_faults", "map_sync_crash",
                                           "faults_wait_vs_truncate", "badblock_vs_fault",
                                           "invalidate_dirty_entry", "zero_length_pmd"));

}  // namespace
}  // namespace daxsim::models

namespace daxsim::models {
namespace {

// The unzeroed-block checks can fail: with the bug switch on, a fault maps an unzeroed block
// (I6), and after a power failure a file shows a block's stale content (recovery check).
TEST(BugSwitch, UnzeroedNewBlocksAreFound) {
  struct Case {
    std::string text, key;
  };
  for (const Case& c : {Case{R"(workload t
file f size=4K
actor A
  mmap m f len=4K
  store m 0x800 len=8 val=1
)",
                             "I1/I2/I5/I6 mappings"},
                        Case{R"(workload t
file f size=4K
actor A
  write f 0 len=8 val=0x22
  fsync f
  crash
)",
                             "recovery: stale data exposed"}}) {
    for (int bug : {0, 1}) {
      const std::string path = ::testing::TempDir() + "/t.wl";
      FILE* f = std::fopen(path.c_str(), "w");
      std::fputs(c.text.c_str(), f);
      std::fclose(f);
      absl::StatusOr<sim::Target> t =
          MakeDaxTarget("xfs", path, "bug_unzeroed_new_blocks=" + std::to_string(bug));
      ASSERT_TRUE(t.ok()) << t.status();
      sim::ExploreOptions o;
      o.strategy = sim::StrategyKind::kDpor;
      const sim::ExploreResult r = sim::Explore(*t, o);
      if (bug == 0) {
        EXPECT_FALSE(r.first.has_value()) << r.first->violation.message;
      } else {
        ASSERT_TRUE(r.first.has_value()) << c.key;
        EXPECT_EQ(r.first->violation.key, c.key) << r.first->violation.message;
      }
    }
  }
}

}  // namespace
}  // namespace daxsim::models

namespace daxsim::models {
namespace {

// S21: a latent media error under a mapped page: a load machine-checks (SIGBUS) while the page
// stays mapped; after the scrub publishes it, read(2) gets EIO and a fresh fault SIGBUSes
// without mapping it.
TEST(DaxWorldTest, MediaErrorFoundByScrub) {
  WorldRun r(R"(workload t
file f size=8K written=0-8K fill=0x11
actor A
  mmap m f len=8K
  load m 0 len=8 expect=0x11
  badblock f 0
  load m 0 len=8
  read f 0 len=8
  scrub
  read f 0 len=8
  load m 0x1000 len=8 expect=0x11
  madvise_dontneed m 0 len=8K
  load m 0 len=8
)");
  ASSERT_TRUE(r.sim.completed()) << r.sim.violation().message;
  std::vector<std::string> results;
  for (const auto& e : r.sim.trace()) {
    if (!e.step_echo && (e.text.rfind("load ", 0) == 0 || e.text.rfind("read ", 0) == 0)) {
      results.push_back(e.text);
    }
  }
  EXPECT_EQ(results, (std::vector<std::string>{"load m 0 -> ok 0x11", "load m 0 -> SIGBUS",
                                               "read f 0 -> -5", "read f 0 -> -5",
                                               "load m 0x1000 -> ok 0x11", "load m 0 -> SIGBUS"}));
  EXPECT_TRUE(r.Emitted("scrub -> 1 bad blocks"));
}

}  // namespace
}  // namespace daxsim::models

namespace daxsim::models {
namespace {

// Expected results (`expect=SIGBUS`, `expect=ERRNO|ok`, `ret=N`, `size f expect=N`): met ones
// pass, and each kind unmet is an I9 violation naming the op's line.
// madvise(MADV_HWPOISON) of a DAX page on 6.1 (mf_generic_kill_procs()): every process's mapping
// of the page is zapped (a PMD one whole), COW copies stay, and nothing later checks the
// poison: loads refault and read the data, a COW copy copies it, read(2) returns it. The same
// workload on Debian's 6.1 under qemu (tools/kernel/testdata/findings/poison_seq.wl, ext4) gave
// these results. The campaign's first false alarms came from a model that made such a page
// machine-check (zeroes in a COW copy, SIGBUS on loads).
TEST(DaxWorldTest, InjectedMemoryFailureZapsEveryMappingAndTheDataStaysReadable) {
  WorldRun r(R"(workload t
file f size=2M written=0-2M fill=0x11
actor Q mm=Q
  mmap h f len=2M
  mmap c f len=8K private
  load h 0x1000 len=8 expect=0x11
  store c 0x1000 len=8 val=0x44
  barrier mapped
  barrier poisoned
actor A
  mmap m f len=8K
  mmap p f len=8K private
  load m 0x1000 len=8 expect=0x11
  load p 0x1000 len=8 expect=0x11
  barrier mapped
  poison m 0x1000 expect=ok
  barrier poisoned
  load m 0x1000 len=8 expect=0x11
  store p 0x1010 len=8 val=0x22
  load p 0x1000 len=8 expect=0x11
  read f 0x1000 len=8 expect=0x11 ret=8
)");
  ASSERT_TRUE(r.sim.completed()) << r.sim.violation().message;
  vm::Mm* q = r.world->mm("Q");
  const vm::Vma* h = q->FindVmaByName("h");
  const vm::Vma* c = q->FindVmaByName("c");
  ASSERT_NE(h, nullptr);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(q->pt.pmd(h->start).kind, vm::Pmd::Kind::kNone);  // the whole 2 MiB, not one page
  const vm::Pte* copy = q->pt.pte(c->start + 0x1000);
  ASSERT_NE(copy, nullptr);  // the COW copy survives (even_cows = false)
  EXPECT_TRUE(vm::IsAnonPfn(copy->pfn));
}

// After truncate disassociated the page, memory failure finds no entry mapping it
// (dax_lock_page() returns 0) and madvise() fails with EBUSY. The page reference GUP took keeps
// truncate waiting in dax_layout_busy_page() until memory_failure_dev_pagemap() drops it, so one
// interleaving lets truncate in first.
TEST(DaxWorldTest, MemoryFailureAfterTruncateDisassociatedThePageIsEbusy) {
  const char* kText = R"(workload t
file f size=4K written=0-4K fill=0x11
actor P
  mmap m f len=4K
  load m 0 len=8
  poison m 0 expect=EBUSY
actor T
  truncate f 0
)";
  const sim::ExploreResult r = test_world::ExploreDpor("ext4", kText, 2);
  ASSERT_TRUE(r.first.has_value());  // some interleavings poison first: ok, not EBUSY
  EXPECT_NE(r.first->violation.message.find("poison m got ret=0, expected err=EBUSY"),
            std::string::npos)
      << r.first->violation.message;
  std::string ok = kText;
  ok.replace(ok.find("expect=EBUSY"), 12, "expect=ok");
  const sim::ExploreResult r2 = test_world::ExploreDpor("ext4", ok, 2);
  ASSERT_TRUE(r2.first.has_value());  // and some give EBUSY
  EXPECT_NE(r2.first->violation.message.find("expected ok"), std::string::npos)
      << r2.first->violation.message;
}

// A private store to a DAX page already mapped read-only whose block then got a media error:
// wp_page_copy() copies from the user address (vm_normal_page() is NULL for a devmap PTE), the
// copy faults, and 6.1's __wp_page_copy_user() warns and zero-fills it; the process reads
// zeroes where the file had data, without SIGBUS. Found by the 2026-12-06 campaign
// (xfs-061360); a known finding, marked in the linearizability message.
TEST(DaxWorldFinding, CowCopyOfAPageWithAMediaErrorIsZeroFilled) {
  WorldRun r(R"(workload t
file f size=4K written=0-4K fill=0x11
actor A
  mmap p f len=4K private
  load p 0 len=8
  badblock f 0
  store p 0x10 len=8 val=0x22
  load p 0 len=8
)");
  ASSERT_FALSE(r.sim.completed());
  EXPECT_TRUE(r.Emitted("WARNING: __wp_page_copy_user: the copy faulted; zero-filled"));
  EXPECT_TRUE(r.Emitted("load p 0 -> ok 0"));
  const std::string& m = r.sim.violation().message;
  EXPECT_NE(m.find("[copy-on-write of a page with a media error, zero-filled]"), std::string::npos)
      << m;
  EXPECT_TRUE(IsKnownFinding("xfs", m)) << m;
}

TEST(DaxWorldTest, ExpectedResultsThatHoldPass) {
  WorldRun r(R"(workload t
file f size=8K written=0-8K fill=0x11
actor A
  mmap m f len=8K
  size f expect=8K
  truncate f 4K expect=ok
  size f expect=4K
  store m 0x1000 len=8 val=0x33 expect=SIGBUS
  load m 0 len=8 expect=ok
  read f 0 len=8K expect=0x11 ret=4K
  write f 4K len=4K val=0x22 ret=4K
  size f expect=8K
  fsync f expect=ok
)");
  ASSERT_TRUE(r.sim.completed()) << r.sim.violation().message;
  EXPECT_TRUE(r.Emitted("size f -> 4096"));
}

TEST(DaxWorldTest, EachUnmetExpectedResultIsAViolation) {
  const char* kHead =
      "workload t\nfile f size=8K written=0-8K fill=0x11\nactor A\n"
      "  mmap m f len=8K\n  truncate f 4K\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"  store m 0x1000 len=8 val=0x33 expect=ok\n", "store m got SIGBUS, expected ok"},
      {"  load m 0 len=8 expect=SIGBUS\n", "load m got ok, expected SIGBUS"},
      {"  size f expect=8K\n", "size f got size=4096, expected size=8192"},
      {"  read f 0 len=8K ret=8K\n", "read f got ret=4096, expected ret=8192"},
      {"  fsync f expect=EIO\n", "fsync f got ret=0, expected err=EIO"},
  };
  for (const auto& [op, message] : cases) {
    WorldRun r(std::string(kHead) + op);
    ASSERT_FALSE(r.sim.completed()) << op;
    EXPECT_NE(r.sim.violation().message.find(message), std::string::npos)
        << op << r.sim.violation().message;
    EXPECT_NE(r.sim.violation().message.find("(workload line 6)"), std::string::npos)
        << r.sim.violation().message;
  }
}

}  // namespace
}  // namespace daxsim::models

namespace daxsim::models {
namespace {

// A pinned layout decides PMD versus PTE as the kernel's layout did: a 2 MiB extent at a
// 2 MiB-aligned device offset maps a huge page, the same extent one page off falls back.
TEST(DaxWorldTest, PhysPinsASetupExtentAndDecidesThePmdFault) {
  for (const auto& [phys, huge] :
       std::vector<std::pair<std::string, bool>>{{"0x400000", true}, {"0x401000", false}}) {
    WorldRun r("workload t\nfile f size=2M written=0-2M fill=0x11 phys=" + phys +
               "\nactor B\n  mmap m f len=2M\n  load m 0x1000 len=8 expect=0x11\n");
    ASSERT_TRUE(r.sim.completed()) << r.sim.violation().message;
    const auto e = r.world->fs().Find("f")->Lookup(0);
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->second.block, std::stoull(phys, nullptr, 16) / vm::PAGE_SIZE);
    const vm::Mm* mm = r.world->mm("B");
    EXPECT_EQ(mm->pt.pmd(mm->vmas[0]->start).kind == vm::Pmd::Kind::kHuge, huge) << phys;
  }
}

// place=: blocks allocated during the run come from the recorded list, where free; a placed
// run that is taken already falls back to the allocator.
TEST(DaxWorldTest, PlaceDecidesWhereRunTimeAllocationsGo) {
  WorldRun r(R"(workload t
file f size=4M place=0-2M@0x801000 place=2M-4M@0x1000000
file g size=4K written=0-4K phys=0x1000000
actor B
  falloc f 0 len=4M
)");
  ASSERT_TRUE(r.sim.completed()) << r.sim.violation().message;
  const fs::Inode* f = r.world->fs().Find("f");
  auto block = [f](uint64_t fsb) {
    const auto e = f->Lookup(fsb);
    return e ? e->second.block + (fsb - e->first) : 0;
  };
  EXPECT_EQ(block(0), 0x801000 / vm::PAGE_SIZE);
  EXPECT_EQ(block(511), 0x801000 / vm::PAGE_SIZE + 511);
  const uint64_t second = block(512);
  EXPECT_NE(second, 0x1000000 / vm::PAGE_SIZE);  // g holds it: the allocator chose
  EXPECT_EQ(r.world->fs().Find("g")->Lookup(0)->second.block, 0x1000000 / vm::PAGE_SIZE);
}

}  // namespace
}  // namespace daxsim::models

namespace daxsim::models {
namespace {

// A barrier orders the actors that meet it: in every interleaving DPOR explores, the store
// before it is seen by the load after it; without the barrier some interleaving loads 0x00.
TEST(DaxWorldTest, BarrierOrdersEveryInterleaving) {
  const std::string with = R"(workload t
file f size=4K written=0-4K
actor A
  write f 0 len=8 val=0x11
  barrier x
actor B
  barrier x
  read f 0 len=8 expect=0x11
)";
  const sim::ExploreResult ordered = test_world::ExploreDpor("xfs", with, -1);
  EXPECT_FALSE(ordered.first.has_value()) << ordered.first->violation.message;
  EXPECT_TRUE(ordered.complete);
  std::string without = with;
  for (int i = 0; i < 2; ++i) without.erase(without.find("  barrier x\n"), 12);
  const sim::ExploreResult racy = test_world::ExploreDpor("xfs", without, -1);
  ASSERT_TRUE(racy.first.has_value());
  EXPECT_NE(racy.first->violation.message.find("I9"), std::string::npos);
}

// After an unbind (6.1, seen on ext4 and xfs: tools/kernel/testdata/findings/unbind_seq.wl),
// fsync's cache flush goes to a deleted disk: EIO on both. A log force then fails too: xfs
// shuts down (xlog_force_shutdown(SHUTDOWN_LOG_IO_ERROR)) and fstat, read(2) and a second fsync
// get EIO (xfs_vn_getattr(), xfs_file_read_iter()); ext4's jbd2 aborts and fstat still works.
// The truncate is there to pin the inode in the log, so that fsync forces it.
TEST(DaxWorldTest, FsyncAfterUnbindFailsAndAFailedLogWriteShutsXfsDown) {
  const std::string common = R"(file f size=8K written=0-8K fill=0x11
actor A
  unbind
  fsync f expect=EIO
  truncate f 4K
  fsync f expect=EIO
)";
  for (const std::string fs : {"xfs", "ext4"}) {
    const std::string tail = fs == "xfs" ? "  size f expect=EIO\n  read f 0 len=8 expect=EIO\n"
                                         : "  size f expect=4K\n  read f 0 len=8 expect=ENXIO\n";
    const sim::ExploreResult r =
        test_world::ExploreDpor(fs, "workload unbind_fsync\n" + common + tail, 2);
    EXPECT_FALSE(r.first.has_value()) << fs << ": " << r.first->violation.message;
    EXPECT_TRUE(r.complete) << fs;
  }
}

}  // namespace
}  // namespace daxsim::models
