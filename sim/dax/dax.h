// The DAX core (fs/dax.c, XArray era, 6.1 semantics): the entry lock and its hashed wait
// table, grab_mapping_entry, the PTE and PMD fault paths through ->iomap_begin, hole loading
// with the (huge) zero page, copy-on-write for private mappings, MAP_SYNC's NEEDDSYNC protocol,
// writeback (tag, mkclean, flush, clean), layout breaking, entry deletion and invalidation, and
// read/write(2) through iomap. Emits the fs_dax tracepoints.
// Scheduling points: xa_lock, every wait on a locked entry (prepare_to_wait_exclusive,
// schedule, finish_wait), the wake-ups, i_size reads, and everything the VM and the filesystem
// do underneath.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "sim/bugs.h"
#include "sim/dax/entry.h"
#include "sim/dax/get_block.h"
#include "sim/dax/iomap.h"
#include "sim/dax/populate.h"
#include "sim/nvdimm/pmem.h"
#include "sim/sim.h"
#include "sim/sync/wait_queue.h"
#include "sim/vm/mm.h"
#include "sim/vm/vm_ops.h"

namespace daxsim::dax {

enum class WakeMode { kAll, kNext };

// dax_fault_return(): the VM_FAULT code for an -errno (0: NOPAGE).
uint32_t DaxFaultReturn(int err);

// What dax_writeback_one() and dax_layout_busy_page_range() do with an entry their xas walk
// finds locked. Both call get_unlocked_entry(), whose xas_find_conflict() on an xa_state the walk
// has positioned returns NULL at once (xa_sibs is 0, or xa_node is NULL for a lone head entry):
// in 6.1 neither waits, both skip the entry.
enum class LockedEntries {
  kSkip61,         // 6.1: both skip it
  kBusyScanWaits,  // v6.15 (Popple, "fs/dax: don't skip locked entries when scanning entries"):
                   // the busy-page scan waits (wait_entry_unlocked_exclusive); writeback skips
  kWait,           // a proposed fix: writeback waits too (what the model did before issue 13)
};

class Dax {
 public:
  static constexpr int kWaitTableBitsDefault = 12;  // DAX_WAIT_TABLE_BITS

  Dax(sim::Sim& sim, vm::Vm& vm, nvdimm::Pmem& pmem, int wait_table_bits = kWaitTableBitsDefault,
      BugSet bugs = {});
  const BugSet& bugs() const { return bugs_; }
  void set_locked_entries(LockedEntries l) { locked_entries_ = l; }

  // dax_iomap_fault(): PTE or PMD fault on `inode` through `ops`. On VM_FAULT_NEEDDSYNC, *pfnp
  // is the pfn to map writable after the filesystem made the metadata durable.
  sim::Task<uint32_t> IomapFault(vm::VmFault& vmf, vm::Pfn* pfnp, DaxInode& inode, IomapOps& ops);
  // dax_fault() with a get_block_t (v4.8 structure, with the API-independent fixes of later
  // kernels: entry lock around pfn_mkwrite, zeroed new blocks). PTE faults only: the v4.8 PMD
  // path was disabled (CONFIG_FS_DAX_PMD depended on BROKEN), so PMD faults fall back.
  sim::Task<uint32_t> GetBlockFault(vm::VmFault& vmf, DaxInode& inode, GetBlockOps& ops);
  // The proposed populate_pfns front end: map from the entry tree; on a miss, unlock the entry,
  // call ->populate_pfns, and look again. MAP_SYNC as with iomap (VM_FAULT_NEEDDSYNC).
  sim::Task<uint32_t> PopulateFault(vm::VmFault& vmf, vm::Pfn* pfnp, DaxInode& inode,
                                    PopulatePfnsOps& ops);
  // dax_create_pfns(): for a block filesystem's populate_pfns. `extent` describes mapped blocks
  // (an iomap, or a buffer_head translated to one); DAX does the direct access for the whole of
  // [index, index + nr_pages) and inserts the entries (a PMD entry when nr_pages is a PMD).
  // 0 or -errno (-EINVAL: the PFNs cannot back a PMD).
  sim::Task<int> CreatePfns(DaxInode& inode, uint64_t index, uint64_t nr_pages,
                            const Iomap& extent);
  // dax_insert_pfns(): for a filesystem without a block device: insert entries for PFNs it found
  // itself, [pfn, pfn + nr_pages) at [index, ...). The first page (the one faulted on) goes
  // through the entry lock protocol; the rest of a PTE window is fault-around: unlocked entries
  // stored, under one xa_lock hold, where the tree holds nothing. With `nolock` (a bug switch)
  // every entry is stored without waiting for or taking the entry lock.
  sim::Task<int> InsertPfns(DaxInode& inode, uint64_t index, uint64_t nr_pages, vm::Pfn pfn,
                            bool nolock);
  // The fault-around half of dax_insert_pfns(): [index, index + count) where nothing is stored.
  sim::Task<void> InsertPfnsAround(DaxInode& inode, uint64_t index, uint64_t count, vm::Pfn pfn);
  // dax_insert_hole(): for populate_pfns on a hole: insert a zero-page entry (PMD-sized with
  // nr_pages == PTRS_PER_PMD) where the tree holds nothing, while the filesystem still holds the
  // lock that keeps the hole a hole. The fault then maps the zero page from the tree.
  sim::Task<int> InsertHole(DaxInode& inode, uint64_t index, uint64_t nr_pages);
  // dax_insert_pfn_mkwrite(), the second half of dax_finish_sync_fault().
  sim::Task<uint32_t> InsertPfnMkwrite(vm::VmFault& vmf, vm::Pfn pfn, unsigned order,
                                       DaxInode& inode);
  // dax_writeback_mapping_range() for WB_SYNC_ALL over file bytes [start, end].
  sim::Task<int> WritebackMappingRange(DaxInode& inode, uint64_t start, uint64_t end);
  // dax_layout_busy_page_range(): unmaps [start, end] from every process and returns a pfn
  // whose page is pinned (refcount > 1), or 0.
  sim::Task<vm::Pfn> LayoutBusyPage(DaxInode& inode, uint64_t start, uint64_t end);
  // dax_delete_mapping_entry() (truncate) / dax_invalidate_mapping_entry_sync(): 1 if removed.
  sim::Task<int> DeleteMappingEntry(DaxInode& inode, uint64_t index);
  sim::Task<int> InvalidateMappingEntrySync(DaxInode& inode, uint64_t index);
  // truncate_inode_pages_range() for DAX: delete every entry over file pages [first, last].
  sim::Task<void> TruncateInodePagesRange(DaxInode& inode, uint64_t first, uint64_t last);
  // invalidate_inode_pages2_range() for DAX: invalidate clean entries, then unmap the range.
  sim::Task<int> InvalidateInodePages2Range(DaxInode& inode, uint64_t first, uint64_t last);
  // dax_invalidate_mapping_entry_sync() deleted a clean entry holding PFNs [pfn, pfn + count):
  // its pages may still be mapped beyond the range the caller unmaps, or pinned. Called for the
  // oracle's messages (the README finding: xfs write(2)'s IOMAP_F_NEW invalidation of blocks a
  // racing fault mapped).
  std::function<void(vm::Pfn pfn, uint64_t count)> on_invalidate_pfn_entry;
  // dax_writeback_one() skipped a DIRTY entry because it was locked (LockedEntries::kSkip61 and
  // kBusyScanWaits): its cache lines were not written back by this writeback. For the oracle's
  // messages (the README finding).
  std::function<void(DaxInode& inode, uint64_t index)> on_writeback_skip;
  // dax_layout_busy_page_range() skipped a locked entry holding PFNs [pfn, pfn + count) without
  // looking at its pages' pins (LockedEntries::kSkip61). For the oracle's messages.
  std::function<void(vm::Pfn pfn, uint64_t count)> on_busy_scan_skip;
  // dax_iomap_rw(): read(2)/write(2) of [pos, pos + len) (caller holds i_rwsem). Returns bytes
  // done or -errno.
  // The user buffer's copy may fault (vm::Vm::CopyUser); one that fails ends the call with the
  // bytes done, or -EFAULT if none.
  sim::Task<int64_t> IomapRw(DaxInode& inode, IomapOps& ops, uint64_t pos, uint64_t len, bool write,
                             const vm::UserBuffer& buf);
  // dax_lock_page()/dax_unlock_page() of the entry at (inode, index) for memory failure of `pfn`:
  // returns the locked entry, or 0 when no entry there maps pfn (dax_lock_page() finds
  // page->mapping NULL once truncate's dax_disassociate_entry() ran).
  sim::Task<uint64_t> LockEntryForMemoryFailure(DaxInode& inode, uint64_t index, vm::Pfn pfn);
  sim::Task<void> UnlockEntry(DaxInode& inode, uint64_t index, uint64_t entry);

  sim::WaitTable& wait_table() { return wait_table_; }
  // For StateModel implementations: the wait table is Dax's only mutable state (the entries
  // live in each inode's mapping, digested by the filesystem).
  uint64_t Digest() const;
  // A wait-table bucket's object -> its queue's digest; false for any other id.
  bool ObjectDigest(sim::ObjectId id, uint64_t* out) const;
  nvdimm::Pmem& pmem() { return *pmem_; }
  vm::Vm& vm() { return *vm_; }

  // Trace plumbing (fs_dax tracepoints, kernel text format).
  void TracePte(const char* event, DaxInode& inode, const vm::VmFault& vmf, uint32_t result);
  void TracePmd(const char* event, DaxInode& inode, const vm::VmFault& vmf, uint64_t max_pgoff,
                uint32_t result, bool with_result);
  void TracePmdHole(const char* event, DaxInode& inode, const vm::VmFault& vmf, bool zero_page,
                    uint64_t entry);
  void TraceWritebackRange(const char* event, DaxInode& inode, uint64_t start, uint64_t end);
  void TraceWritebackOne(DaxInode& inode, uint64_t pgoff, uint64_t pglen);

 private:
  // A grabbed entry, or the VM_FAULT code grab_mapping_entry() returned instead.
  struct Grabbed {
    uint64_t entry = 0;
    uint32_t error = 0;  // VM_FAULT_FALLBACK / OOM / SIGBUS
    uint64_t Digest() const { return sim::Mix(sim::Mix(entry, error), 0x96ab); }
  };
  // find_get_entries(): up to 15 entries of [first, last], in one step. REQUIRES: xa_lock.
  std::vector<vm::Xarray::Slot> FindEntries(vm::Xarray& xa, uint64_t first, uint64_t last);
  // What get_unlocked_entry() found: nothing, a conflict (smaller order), or an entry.
  struct Found {
    std::optional<uint64_t> entry;
    bool conflict = false;
    uint64_t index = 0;  // where the entry is stored
    uint64_t Digest() const {
      const uint64_t e = entry ? sim::Mix(*entry, 1) : 0;
      return sim::Mix(sim::Mix(sim::Mix(e, conflict), index), 0xf0d);
    }
  };

  // ---- entry locking (caller holds xa_lock unless noted) ----
  Found Lookup(vm::Xarray& xa, uint64_t index, unsigned order) const;
  sim::Task<Found> GetUnlockedEntry(vm::Xarray& xa, uint64_t index, unsigned order);
  // dax_layout_busy_page_range()'s look at one slot, and dax_busy_page().
  sim::Task<Found> BusyScanEntry(vm::Xarray& xa, const vm::Xarray::Slot& s);
  sim::Task<vm::Pfn> DaxBusyPage(uint64_t entry);
  sim::WaitQueue& EntryWaitqueue(vm::Xarray& xa, uint64_t index, uint64_t entry, uint64_t* key);
  sim::Task<void> WakeEntry(vm::Xarray& xa, uint64_t index, uint64_t entry, WakeMode mode);
  sim::Task<void> PutUnlockedEntry(vm::Xarray& xa, uint64_t index, const Found& f, WakeMode mode);
  void LockEntry(vm::Xarray& xa, uint64_t index, uint64_t entry);
  // The entry lock as lockdep's pseudo-class "dax_entry": noted held once the actor has locked
  // an entry it waited to find unlocked (after dropping xa_lock, under which the lock bit is
  // set: xa_lock is not ordered against it), released by dax_unlock_entry() or by its holder
  // deleting the entry. An inversion against the sleeping locks is then reported whether or
  // not the schedule deadlocks, and an actor that ends holding one is reported.
  void NoteEntryLocked(vm::Xarray& xa, uint64_t index, uint64_t entry);
  void NoteEntryUnlocked(vm::Xarray& xa, uint64_t index, uint64_t entry);
  // dax_unlock_entry(): takes xa_lock itself.
  sim::Task<void> UnlockEntryAt(vm::Xarray& xa, uint64_t index, uint64_t entry);
  sim::Task<Grabbed> GrabMappingEntry(DaxInode& inode, uint64_t index, unsigned order);
  sim::Task<void> DowngradePmdEntry(vm::AddressSpace& mapping, uint64_t index, uint64_t entry);
  // dax_insert_entry(): returns the entry now in the tree (still locked there).
  sim::Task<uint64_t> InsertEntry(DaxInode& inode, vm::VmFault& vmf, uint64_t index, uint64_t entry,
                                  vm::Pfn pfn, uint64_t flags, bool dirty);

  // ---- faults ----
  sim::Task<uint32_t> PteFault(vm::VmFault& vmf, vm::Pfn* pfnp, DaxInode& inode, IomapOps& ops);
  sim::Task<uint32_t> PmdFault(vm::VmFault& vmf, vm::Pfn* pfnp, DaxInode& inode, IomapOps& ops);
  sim::Task<uint32_t> FaultIter(vm::VmFault& vmf, const Iomap& iomap, vm::Pfn* pfnp,
                                DaxInode& inode, uint64_t index, uint64_t* entry, bool pmd);
  // `dirty`: 6.1 marks the zero-page entry DIRTY (dax_insert_entry()); v4.8 (get_block) did not.
  sim::Task<uint32_t> LoadHole(DaxInode& inode, vm::VmFault& vmf, uint64_t index, uint64_t* entry,
                               bool dirty = true);
  sim::Task<uint32_t> PmdLoadHole(DaxInode& inode, vm::VmFault& vmf, uint64_t index, bool dirty,
                                  uint64_t* entry);
  sim::Task<uint32_t> FaultCowPage(vm::VmFault& vmf, const Iomap& iomap, uint64_t pos);
  int IomapPfn(const Iomap& iomap, uint64_t pos, uint64_t size, vm::Pfn* pfn) const;
  sim::Task<uint32_t> ReadSize(DaxInode& inode, uint64_t* size);
  // The PMD fault preconditions shared by every front end (dax_fault_check_fallback()).
  bool PmdFallback(const vm::VmFault& vmf, uint64_t max_pgoff) const;
  // Installs a PMD-fault's fallback: zaps a huge zero page left in the PMD (split_huge_pmd()).
  sim::Task<void> SplitHugePmd(vm::VmFault& vmf);
  // Replaces the empty or zero entry at `index` (locked by the caller) by a PFN entry.
  sim::Task<uint64_t> InsertPfnEntry(DaxInode& inode, uint64_t index, uint64_t entry, vm::Pfn pfn,
                                     uint64_t flags, bool dirty);

  // ---- writeback / invalidation ----
  sim::Task<int> WritebackOne(DaxInode& inode, uint64_t index, uint64_t entry);
  sim::Task<void> TagPagesForWriteback(vm::Xarray& xa, uint64_t first, uint64_t last);
  sim::Task<int> InvalidateEntry(DaxInode& inode, uint64_t index, bool trunc);

  sim::Sim* sim_;
  vm::Vm* vm_;
  nvdimm::Pmem* pmem_;
  sim::WaitTable wait_table_;
  BugSet bugs_;
  LockedEntries locked_entries_ = LockedEntries::kSkip61;
};

}  // namespace daxsim::dax
