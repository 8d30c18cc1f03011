#include "models/bugs/catalog.h"

namespace daxsim::models {

const std::vector<BugInfo>& Bugs() {
  static const auto* const b = new std::vector<BugInfo>{
      {"fault_truncate_race", Bug::kFaultTruncateRace,
       "mm: fix XIP fault vs truncate race (283307c7607d)",
       "I2 no mapping beyond EOF (the freed block stays mapped)", "fault_vs_truncate", "xfs", "",
       "the fault looks up the block; truncate unmaps and frees it; the fault maps the freed "
       "block (faults do not take the MMAPLOCK)"},
      {"punch_fault_race", Bug::kPunchFaultRace,
       "ext4: fix races between page faults and hole punching (ea3d7209ca01, CVE-2015-8839); "
       "xfs: introduce mmap/truncate lock (de0e8c20ba3a)",
       "I1 no mapping of a freed block", "fault_vs_punch", "xfs", "",
       "punch unmaps the range; a fault re-maps the old block; punch frees it; another file "
       "gets the block (punch does not take the MMAPLOCK exclusive)"},
      {"unzeroed_new_blocks", Bug::kUnzeroedNewBlocks,
       "xfs: Don't use unwritten extents for DAX (1ca191576fc8): new blocks zeroed in the "
       "allocating transaction (XFS_BMAPI_ZERO)",
       "I6 no block reaches a mapping before it is zeroed", "read_fault_hole_then_write", "xfs", "",
       "one write fault allocates a block and maps it without zeroing it"},
      {"cow_truncate_race", Bug::kCowTruncateRace,
       "dax: Use radix tree entry lock to protect cow faults (bc2466e42573)",
       "I2 no mapping beyond EOF after truncate", "cow_fault_vs_truncate", "xfs", "",
       "a private write fault copies the page and drops the entry lock; truncate unmaps and "
       "deletes the entry; the fault installs its COW page beyond the new EOF"},
      {"invalidate_dirty", Bug::kInvalidateDirty,
       "mm: Invalidate DAX radix tree entries only if appropriate (c6dcf52c23d2)",
       "durability after fsync", "invalidate_dirty_entry", "xfs", "",
       "a store dirties the entry; munmap; write(2) invalidates its range (as v4.10 did) and "
       "drops the DIRTY entry; fsync flushes nothing; power failure loses the store"},
      {"mkwrite_unlocked", Bug::kMkwriteUnlocked,
       "dax: protect PTE modification on WP fault by radix tree entry lock (2f89dc12a25d)",
       "I5 a writable mapping only over a DIRTY entry", "pfn_mkwrite_vs_fsync", "xfs", "",
       "pfn_mkwrite marks the entry DIRTY and unlocks it; fsync cleans and write-protects; the "
       "fault then makes the PTE writable over the clean entry"},
      {"pmd_mkclean_writable", Bug::kPmdMkcleanWritable,
       "dax: wrprotect pmd_t in dax_mapping_entry_mkclean (f729c8c9b24f)",
       "I5 a writable mapping only over a DIRTY entry", "pmd_fsync_twice", "xfs",
       // v4.15's radix-tree dax_writeback_one() waited for a locked entry
       // (get_unlocked_mapping_entry()); on 6.1's skip the workload shows that finding first.
       "locked_entries=2",
       "fsync cleans a PMD entry but leaves the huge mapping writable; the next store does not "
       "fault and the next fsync flushes nothing"},
      {"write_zero_page_race", Bug::kWriteZeroPageRace,
       "dax: Avoid page invalidation races and unnecessary radix tree traversals (e3fce68cdbed)",
       "I7 no zero page over an allocated block", "write_vs_read_fault_hole", "xfs", "",
       "write(2) invalidates its range, then allocates and fills the block; a read fault "
       "between the two maps the hole's zero page, which nothing removes: the mapping keeps "
       "reading zeroes"},
      {"pmd_wait_wrong_bucket", Bug::kPmdWaitWrongBucket,
       "dax: Fix missed wakeup with PMD faults (23c84eb78375)",
       "I4 every waiter on an entry is woken", "pmd_waits_on_pte_entry", "xfs", "",
       "a PMD fault finds a locked PTE entry and sleeps on its own PMD index's bucket; the "
       "unlock wakes the PTE index's bucket; the PMD fault sleeps forever"},
      {"put_unlocked_no_wake", Bug::kPutUnlockedNoWake,
       "dax: Fix missed wakeup in put_unlocked_entry() (61c30c98ef17)",
       "I4 every waiter on an entry is woken", "write_invalidation_vs_faults", "xfs", "",
       "a read fault holds a hole's zero-page entry; write(2)'s IOMAP_F_NEW invalidation and a "
       "second read fault wait; the invalidation is woken, deletes the entry and (inverted "
       "test) passes no wake-up on; the second fault sleeps forever"},
      {"invalidate_wake_next", Bug::kInvalidateWakeNext,
       "dax: Wake up all waiters after invalidating dax entry (237388320def)",
       "I4 every waiter on an entry is woken", "fsyncs_wait_vs_truncate", "xfs",
       // It needs two exclusive waiters that pass no wake-up on when they find no entry. On 6.1
       // ext4/xfs the candidates exclude each other (i_rwsem, MMAPLOCK) or do not wait (6.1's
       // writeback skips a locked entry); the commit met it on virtiofs's unlocked
       // invalidate_inode_pages2(). With writeback that waits (the fix of the 6.1 finding,
       // locked_entries=2) it is reachable again, and 237388320def is what keeps it correct.
       "locked_entries=2",
       "writeback holds the entry; truncate and two fsyncs wait; truncate deletes it and wakes "
       "one fsync, which finds no entry and wakes nobody; the other sleeps forever"},
      {"no_layout_break", Bug::kNoLayoutBreak,
       "mm, fs, dax: handle layout changes to pinned dax mappings (5fac7408d828)",
       "I8 a pinned block is never freed", "pin_vs_truncate", "xfs", "",
       "an O_DIRECT read pins a mapped page; truncate frees its block under the DMA"},
      {"zero_length_pmd", Bug::kZeroLengthPmd,
       "dax: fix PMD faults on zero-length files (957ac8c421ad)", "I2 no mapping beyond EOF",
       "zero_length_pmd", "xfs", "",
       "a store to a 2 MiB mapping of an empty file: the PMD EOF check underflows, the fault "
       "allocates and maps instead of SIGBUS"},
      {"pmd_over_ptes", Bug::kPmdOverPtes, "dax: Fix huge page faults (0e40de0338d0)",
       "I3 no PMD entry over PTE entries", "pmd_fault_vs_pte_fault", "xfs", "",
       "a PTE entry exists in the 2 MiB range; the PMD fault's lookup misses it and stores a "
       "PMD entry over it"},
      {"pmd_pte_collision", Bug::kPmdPteCollision,
       "dax: fix race between colliding PMD & PTE entries (xfstests generic/437)",
       "I3 no PTE under a huge PMD", "pmd_vs_pte_same_range", "xfs", "",
       "a PTE fault passes mm's pmd_none() check; a PMD fault installs a huge PMD; the PTE "
       "fault, not re-checking under the entry lock, installs a PTE under it"},
      {"fault_iomap_before_entry", Bug::kFaultIomapBeforeEntry,
       "dax: fix data corruption when fault races with write (13e451fdc1af)",
       "I7 no zero page over an allocated block", "write_vs_read_fault_hole", "xfs", "",
       "a read fault's ->iomap_begin sees a hole; write(2) allocates and fills the block and its "
       "IOMAP_F_NEW invalidation finds no entry to wait for; the fault then locks a new entry "
       "and maps the zero page over the data"},
      {"populate_nolock", Bug::kPopulateNoLock, "design: dax_insert_pfns without the entry lock",
       "I4 entry lock protocol (BUG_ON in dax_unlock_entry), I7", "two_write_faults_hole", "xipfs",
       "",
       "a fault holds the empty entry locked; populate_pfns of another fault stores a PFN "
       "entry over it; the holder's unlock finds it unlocked",
       true},
      {"populate_hole", Bug::kPopulateHoleUnlocked,
       "design: populate_pfns reports a hole instead of dax_insert_hole under its lock",
       "linearizability (a read sees zeroes after write(2) returned), I7",
       "write_vs_read_fault_hole", "xipfs", "",
       "populate_pfns sees a hole and returns; write(2) allocates and fills the block; the "
       "fault maps the zero page",
       true},
  };
  return *b;
}

std::optional<BugInfo> FindBug(const std::string& name) {
  for (const BugInfo& b : Bugs()) {
    if (b.name == name) return b;
  }
  return std::nullopt;
}

}  // namespace daxsim::models
