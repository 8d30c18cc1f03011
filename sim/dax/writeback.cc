// Writeback of a DAX mapping. Mirrors: fs/dax.c dax_writeback_mapping_range() (6.1: tag DIRTY
// entries TOWRITE, walk them, a cond_resched() every XA_CHECK_SCHED entries) and
// dax_writeback_one() (6.1: skip a locked entry (LockedEntries), lock it, clear TOWRITE,
// write-protect and clean every mapping (dax_entry_mkclean), flush its cache lines (dax_flush =
// clwb), unlock and clear DIRTY). The fence is the caller's (fsync ends with a flush of the
// device: nvdimm_flush). Scheduling points: xa_lock (taken apart for tagging and for the walk, as
// the kernel does), the entry lock, the mkclean rmap walk, the walk's cond_resched().
#include "sim/check.h"
#include "sim/dax/dax.h"
#include "sim/vm/xa_cursor.h"

namespace daxsim::dax {

using namespace vm;

// mm/page-writeback.c tag_pages_for_writeback(): DIRTY -> TOWRITE, under its own xa_lock hold
// (its cond_resched() every XA_CHECK_SCHED entries never happens in workloads this small: no
// workload has 4096 entries, and the loop ends whatever it tags).
sim::Task<void> Dax::TagPagesForWriteback(vm::Xarray& xa, uint64_t first, uint64_t last) {
  auto _ = sim_->Enter("tag_pages_for_writeback");
  co_await xa.xa_lock.Lock();
  for (uint64_t index : xa.Marked(XaMark::kDirty, first, last)) xa.SetMark(index, XaMark::kTowrite);
  sim_->Observed(0);  // what it read it wrote back as marks: its caller keeps nothing of it
  co_await xa.xa_lock.Unlock();
}

namespace {

constexpr uint64_t kXaCheckSched = 4096;  // XA_CHECK_SCHED

// Where 6.1's xas_for_each_marked(TOWRITE) leaves xas.xa_index, from the tree as it is now (the
// caller holds xa_lock; only the trace text reads it).
uint64_t WalkEnd(const Xarray& xa, uint64_t first, uint64_t last, std::optional<uint64_t> resume) {
  std::vector<XaEntryDesc> entries;
  for (const auto& [key, s] : xa.slots()) {
    entries.push_back(XaEntryDesc{s.index, s.order, xa.SlotMarked(key, XaMark::kTowrite)});
  }
  return XasMarkedWalkEnd(entries, first, last, resume);
}

}  // namespace

sim::Task<int> Dax::WritebackMappingRange(DaxInode& inode, uint64_t start, uint64_t end) {
  auto _ = sim_->Enter("dax_writeback_mapping_range");
  vm::Xarray& xa = inode.mapping().i_pages;
  const uint64_t first = start >> PAGE_SHIFT;
  const uint64_t last = end >> PAGE_SHIFT;
  sim::CallSummary self(sim_, 0xeb1);
  co_await xa.xa_lock.Lock();
  // The callers' filemap_fdatawrite_wbc() returns at once unless some entry of the mapping is
  // DIRTY-tagged (mapping_tagged(); 6.1 mm/filemap.c), before mapping_empty() here: every path
  // to this function (fsync, msync, MAP_SYNC's vfs_fsync_range, xfs_flush_unmap_range,
  // xfs_setattr_size) comes through it. No event then.
  const bool skip = xa.size() == 0 || !xa.AnyMarked(XaMark::kDirty);
  sim_->Observed(skip);  // nothing else is read under this hold
  co_await xa.xa_lock.Unlock();
  if (skip) co_return 0;
  TraceWritebackRange("dax_writeback_range", inode, first, last);
  co_await TagPagesForWriteback(xa, first, last);
  // xas_for_each_marked(TOWRITE) under its own xa_lock hold: a concurrent writeback can clear
  // TOWRITE on an entry this one tagged, between the two holds.
  co_await xa.xa_lock.Lock();
  int ret = 0;
  uint64_t scanned = 0;
  uint64_t stopped = first;
  std::optional<uint64_t> resume;  // the last entry the loop handled
  for (;;) {
    // An iteration carries the cursor and the result; xa_lock, held, is re-observed.
    self.LoopHead(sim::Mix(sim::Mix(stopped, static_cast<uint64_t>(ret)), scanned));
    const std::vector<uint64_t> towrite = xa.Marked(XaMark::kTowrite, stopped, last);
    if (towrite.empty()) break;
    const uint64_t index = towrite.front();
    const std::optional<Xarray::Slot> slot = xa.Load(index);
    DAXSIM_CHECK(slot.has_value());
    // xas_find_marked() goes on after the whole entry: only its first slot carries the mark.
    stopped = slot->index + (uint64_t{1} << slot->order);
    resume = index;
    ret = co_await WritebackOne(inode, index, slot->value);
    if (ret < 0) break;
    if (++scanned % kXaCheckSched != 0) continue;
    // xas_pause(); xas_unlock_irq(); cond_resched(); xas_lock_irq().
    co_await xa.xa_lock.Unlock();
    co_await sim_->Point("cond_resched", {});
    co_await xa.xa_lock.Lock();
  }
  // The tracepoint prints xas.xa_index: where the final (empty) marked search stopped, which
  // depends on the tree's node shape (XasMarkedWalkEnd), or the failed entry's index.
  const uint64_t cursor = ret < 0 ? *resume : WalkEnd(xa, first, last, resume);
  co_await xa.xa_lock.Unlock();
  TraceWritebackRange("dax_writeback_range_done", inode, cursor, last);
  co_return ret;
}

// Called and returns with xa_lock held.
sim::Task<int> Dax::WritebackOne(DaxInode& inode, uint64_t index, uint64_t entry) {
  auto _ = sim_->Enter("dax_writeback_one");
  vm::AddressSpace& mapping = inode.mapping();
  vm::Xarray& xa = mapping.i_pages;
  if (dax_is_locked(entry) && locked_entries_ != LockedEntries::kWait) {
    // 6.1: get_unlocked_entry()'s xas_find_conflict() returns NULL on the positioned xa_state;
    // "Entry got punched out / reallocated?" then returns 0 with the entry neither written back
    // nor waited for (TOWRITE and DIRTY stay). An fsync can return before a store made through
    // the entry's mapping before it started is flushed.
    if (on_writeback_skip) on_writeback_skip(inode, index);
    co_return 0;
  }
  if (dax_is_locked(entry)) {
    const uint64_t old_entry = entry;
    sim::CallSummary get(sim_, 0x6e7);
    const Found f = co_await GetUnlockedEntry(xa, index, 0);
    get.Returned(sim::Mix(f.Digest(), old_entry));
    // Punched out, reallocated, or already written back by another fsync: nothing to do.
    if (!f.entry || dax_to_pfn(old_entry) != dax_to_pfn(*f.entry) || dax_is_empty_entry(*f.entry) ||
        dax_is_zero_entry(*f.entry) || !xa.GetMark(index, XaMark::kTowrite)) {
      const bool bad = f.entry && dax_to_pfn(old_entry) == dax_to_pfn(*f.entry) &&
                       (dax_is_empty_entry(*f.entry) || dax_is_zero_entry(*f.entry));
      co_await PutUnlockedEntry(xa, index, f, WakeMode::kNext);
      co_return bad ? -5 : 0;
    }
    entry = *f.entry;
  }
  LockEntry(xa, index, entry);
  xa.ClearMark(index, XaMark::kTowrite);
  co_await xa.xa_lock.Unlock();
  NoteEntryLocked(xa, index, entry);
  const Pfn pfn = dax_to_pfn(entry);
  const uint64_t count = uint64_t{1} << dax_entry_order(entry);
  const uint64_t first = index & ~(count - 1);
  co_await vm_->MkcleanMappingPages(&mapping, first, first + count - 1);
  // dax_flush(): write back the entry's cache lines (arch_wb_cache_pmem).
  co_await sim_->Point("dax_flush", {vm_->phys().PageObject(pfn), sim::Access::kWrite});
  if (pmem_->OwnsPfn(pfn)) pmem_->Clwb(pfn << PAGE_SHIFT, count * PAGE_SIZE);
  NoteEntryUnlocked(xa, index, entry);
  co_await xa.xa_lock.Lock();
  xa.Store(index, dax_entry_order(entry), entry);  // unlock
  xa.ClearMark(index, XaMark::kDirty);
  co_await WakeEntry(xa, index, entry, WakeMode::kNext);
  TraceWritebackOne(inode, first, count);
  co_return 0;
}

}  // namespace daxsim::dax
