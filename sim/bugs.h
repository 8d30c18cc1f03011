// Switchable mutants: historical DAX bugs (and two design mistakes of the populate_pfns front
// end) re-created on the fixed model. The model layers (sim/vm, sim/dax, sim/fs) test a BugSet
// passed to them at construction; every bug is off in the correct model. What each one reverts,
// which invariant it breaks and the workload that reaches it: models/bugs/catalog.cc.
#pragma once

#include <bitset>
#include <cstddef>

namespace daxsim {

enum class Bug : size_t {
  kFaultTruncateRace,      // 283307c7607d: faults not serialised with truncate (no MMAPLOCK)
  kPunchFaultRace,         // ea3d7209ca01/de0e8c20ba3a: punch hole without MMAPLOCK exclusive
  kUnzeroedNewBlocks,      // 1ca191576fc8: new blocks mapped without being zeroed
  kCowTruncateRace,        // bc2466e42573: COW page installed after the entry lock was dropped
  kInvalidateDirty,        // c6dcf52c23d2: invalidation drops DIRTY entries
  kMkwriteUnlocked,        // 2f89dc12a25d: pfn_mkwrite makes the PTE writable outside the lock
  kPmdMkcleanWritable,     // f729c8c9b24f: mkclean leaves PMD mappings writable
  kWriteZeroPageRace,      // e3fce68cdbed: write(2) invalidates before it allocates (racy)
  kPmdWaitWrongBucket,     // 23c84eb78375: PMD fault sleeps on its own index's bucket
  kPutUnlockedNoWake,      // 61c30c98ef17: put_unlocked_entry stops passing wake-ups on
  kInvalidateWakeNext,     // 237388320def: deleting an entry wakes one waiter instead of all
  kNoLayoutBreak,          // 5fac7408d828: truncate/punch do not wait for DMA pins
  kZeroLengthPmd,          // 957ac8c421ad: PMD fault EOF check underflows for i_size 0
  kPmdOverPtes,            // 0e40de0338d0: a PMD entry lookup misses PTE entries in its range
  kPmdPteCollision,        // generic/437 fix: no page-table re-check under the entry lock
  kFaultIomapBeforeEntry,  // 13e451fdc1af: a PTE fault calls ->iomap_begin before the entry lock
  kPopulateNoLock,         // design: populate_pfns stores PFN entries without the entry lock
  kPopulateHoleUnlocked,   // design: populate_pfns reports holes instead of inserting zero entries
  // Test-only (not in the catalog, no bug_ parameter): the regression of issue 10, a
  // dax_lock_page() retry loop that keeps i_pages locked while it sleeps. Bounded DPOR once
  // reported "complete up to 2 preemptions" on poison_shared_mapping with it switched on.
  kTestMfRetryLocked,
  // Test-only: a write fault on a private mapping's read-only file page makes that page
  // writable instead of copying it (the class of "Dirty COW"); shows that I11 can fail.
  kTestCowMapsFile,
  // Test-only: __dax_invalidate_entry() subtracts the entry's order from nrpages instead of the
  // pages it covers (as "Simplify mapping_needs_writeback()" was first posted); shows that the
  // nrpages invariant can fail.
  kTestNrpagesOrder,
  // Test-only: GUP-fast takes a device (fsdax) page under FOLL_LONGTERM instead of leaving it
  // to the slow path's check_vma_flags(); shows that I8's long-term pin check can fail.
  kTestGupFastLongterm,
  // Test-only: grab_mapping_entry() adds the new entry's pages to nrpages before knowing that
  // xas_store() stored it (6.1 checks xas_error() first); visible only when a node allocation
  // fails (alloc_failures), through the nrpages invariant.
  kTestNrpagesBeforeStore,
  // Test-only: memory failure takes i_mmap_rwsem before dax_lock_page() (6.1 locks the entry,
  // then collect_procs_fsdax() takes i_mmap_rwsem, as writeback's dax_entry_mkclean() does);
  // shows that lockdep's "dax_entry" class reports the inversion from one actor's sequence.
  kTestMfImmapBeforeEntry,
  kCount,
};

class BugSet {
 public:
  bool operator()(Bug b) const { return on_[static_cast<size_t>(b)]; }
  void Set(Bug b, bool on = true) { on_[static_cast<size_t>(b)] = on; }
  bool any() const { return on_.any(); }

 private:
  std::bitset<static_cast<size_t>(Bug::kCount)> on_;
};

}  // namespace daxsim
