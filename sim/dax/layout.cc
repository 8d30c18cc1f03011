// Layout breaking and entry removal. Mirrors: fs/dax.c dax_layout_busy_page_range(),
// __dax_invalidate_entry(), dax_delete_mapping_entry(), dax_invalidate_mapping_entry_sync(),
// dax_lock_page()/dax_unlock_page(); mm/truncate.c truncate_inode_pages_range() and
// invalidate_inode_pages2_range() for DAX mappings (6.1).
// Scheduling points: the whole-range unmap, xa_lock, waits on locked entries, the wake-ups.
#include "sim/check.h"
#include "sim/dax/dax.h"

namespace daxsim::dax {

using namespace vm;

namespace {
constexpr uint64_t kXaCheckSched = 4096;  // XA_CHECK_SCHED
}  // namespace

sim::Task<Pfn> Dax::LayoutBusyPage(DaxInode& inode, uint64_t start, uint64_t end) {
  auto _ = sim_->Enter("dax_layout_busy_page_range");
  vm::AddressSpace& mapping = inode.mapping();
  vm::Xarray& xa = mapping.i_pages;
  co_await mapping.i_mmap_rwsem.DownRead();
  const bool mapped = !mapping.i_mmap.empty();  // mapping_mapped()
  co_await mapping.i_mmap_rwsem.UpRead();
  if (!mapped) co_return 0;
  const uint64_t first = start >> PAGE_SHIFT, last = end >> PAGE_SHIFT;
  co_await vm_->UnmapMappingPages(&mapping, first, last - first + 1, false);
  co_await xa.xa_lock.Lock();
  Pfn busy = 0;
  uint64_t next = first;
  uint64_t scanned = 0;
  for (;;) {
    const std::vector<Xarray::Slot> slots = xa.Range(next, last);
    if (slots.empty()) break;
    const Xarray::Slot s = slots.front();
    next = s.index + (uint64_t{1} << s.order);
    const Found f = co_await BusyScanEntry(xa, s);
    if (f.entry) busy = co_await DaxBusyPage(*f.entry);
    co_await PutUnlockedEntry(xa, s.index, f, WakeMode::kNext);
    if (busy != 0 || next > last) break;
    if (++scanned % kXaCheckSched != 0) continue;
    // xas_pause(); xas_unlock_irq(); cond_resched(); xas_lock_irq().
    co_await xa.xa_lock.Unlock();
    co_await sim_->Point("cond_resched", {});
    co_await xa.xa_lock.Lock();
  }
  co_await xa.xa_lock.Unlock();
  co_return busy;
}

// The entry dax_layout_busy_page_range() looks at for slot `s` (xa_lock held): the slot's own if
// unlocked; for a locked one, nothing in 6.1 (get_unlocked_entry() returns NULL on the walk's
// positioned xa_state, so the entry's pages are not looked at), or the entry once unlocked
// (v6.15's wait_entry_unlocked_exclusive(); also LockedEntries::kWait).
sim::Task<Dax::Found> Dax::BusyScanEntry(Xarray& xa, const Xarray::Slot& s) {
  Found f;
  f.entry = s.value;
  f.index = s.index;
  if (!dax_is_locked(s.value)) co_return f;
  if (locked_entries_ != LockedEntries::kSkip61)
    co_return co_await GetUnlockedEntry(xa, s.index, 0);
  if (on_busy_scan_skip && !dax_is_zero_entry(s.value) && !dax_is_empty_entry(s.value)) {
    on_busy_scan_skip(dax_to_pfn(s.value), uint64_t{1} << dax_entry_order(s.value));
  }
  co_return Found{};
}

// dax_busy_page(): a page of the entry with an elevated refcount (a GUP pin), or 0.
sim::Task<Pfn> Dax::DaxBusyPage(uint64_t entry) {
  if (dax_is_zero_entry(entry) || dax_is_empty_entry(entry)) co_return 0;
  const Pfn pfn = dax_to_pfn(entry);
  const uint64_t count = uint64_t{1} << dax_entry_order(entry);
  for (uint64_t i = 0; i < count; ++i) {
    co_await sim_->Point("page_ref_count", {vm_->phys().PageObject(pfn + i), sim::Access::kRead});
    const bool pinned = vm_->phys().page_ref_count(pfn + i) > 1;
    sim_->Observed(pinned);  // not the page's contents
    if (pinned) co_return pfn + i;
  }
  co_return 0;
}

sim::Task<int> Dax::InvalidateEntry(DaxInode& inode, uint64_t index, bool trunc) {
  auto _ = sim_->Enter(trunc ? "dax_delete_mapping_entry" : "dax_invalidate_mapping_entry_sync");
  vm::Xarray& xa = inode.mapping().i_pages;
  int ret = 0;
  co_await xa.xa_lock.Lock();
  sim::CallSummary get(sim_, 0x6e7);
  const Found f = co_await GetUnlockedEntry(xa, index, 0);
  get.Returned(f.Digest());
  const bool clean = !xa.GetMark(index, XaMark::kDirty) && !xa.GetMark(index, XaMark::kTowrite);
  // Bug kInvalidateDirty (pre-c6dcf52c23d2): invalidation also drops DIRTY/TOWRITE entries.
  if (f.entry && (trunc || bugs_(Bug::kInvalidateDirty) || clean)) {
    if (!trunc && clean && on_invalidate_pfn_entry && !dax_is_zero_entry(*f.entry) &&
        !dax_is_empty_entry(*f.entry)) {
      on_invalidate_pfn_entry(dax_to_pfn(*f.entry), uint64_t{1} << dax_entry_order(*f.entry));
    }
    xa.Erase(index);
    const unsigned order = dax_entry_order(*f.entry);
    inode.mapping().nrpages -= bugs_(Bug::kTestNrpagesOrder) ? order : uint64_t{1} << order;
    ret = 1;
  }
  // Bug kInvalidateWakeNext (pre-237388320def): one waiter woken; it finds no entry and does not
  // pass the wake-up on.
  co_await PutUnlockedEntry(xa, index, f,
                            bugs_(Bug::kInvalidateWakeNext) ? WakeMode::kNext : WakeMode::kAll);
  co_await xa.xa_lock.Unlock();
  co_return ret;
}

sim::Task<int> Dax::DeleteMappingEntry(DaxInode& inode, uint64_t index) {
  co_return co_await InvalidateEntry(inode, index, true);
}

sim::Task<int> Dax::InvalidateMappingEntrySync(DaxInode& inode, uint64_t index) {
  co_return co_await InvalidateEntry(inode, index, false);
}

// find_get_entries() / find_lock_entries(): up to a folio batch (PAGEVEC_SIZE, 15) of the
// entries in [first, last], read in one step (the kernel walks them under RCU); the step
// observes only them.
std::vector<Xarray::Slot> Dax::FindEntries(Xarray& xa, uint64_t first, uint64_t last) {
  constexpr size_t kPagevecSize = 15;
  std::vector<Xarray::Slot> slots = xa.Range(first, last);
  if (slots.size() > kPagevecSize) slots.resize(kPagevecSize);
  uint64_t seen = slots.size();
  for (const Xarray::Slot& s : slots)
    seen = sim::Mix(seen, sim::Mix(sim::Mix(s.index, s.order), s.value));
  sim_->Observed(seen);
  return slots;
}

sim::Task<void> Dax::TruncateInodePagesRange(DaxInode& inode, uint64_t first, uint64_t last) {
  auto _ = sim_->Enter("truncate_inode_pages_range");
  sim::CallSummary self(sim_, 0x7a9);  // callers keep nothing of it
  vm::Xarray& xa = inode.mapping().i_pages;
  uint64_t next = first;
  for (;;) {
    self.LoopHead(next);
    // find_lock_entries(): value entries are collected, not locked.
    co_await xa.xa_lock.Lock();
    const std::vector<Xarray::Slot> batch = FindEntries(xa, next, last);
    co_await xa.xa_lock.Unlock();
    if (batch.empty()) break;
    for (const Xarray::Slot& s : batch) {
      co_await DeleteMappingEntry(inode, std::max(s.index, first));
      next = s.index + (uint64_t{1} << s.order);
    }
    if (next > last) break;
  }
  self.Returned(0);
}

sim::Task<int> Dax::InvalidateInodePages2Range(DaxInode& inode, uint64_t first, uint64_t last) {
  auto _ = sim_->Enter("invalidate_inode_pages2_range");
  vm::Xarray& xa = inode.mapping().i_pages;
  sim::CallSummary self(sim_, 0x1a2);
  int ret = 0;
  uint64_t next = first;
  for (;;) {
    self.LoopHead(sim::Mix(next, static_cast<uint64_t>(ret)));
    co_await xa.xa_lock.Lock();
    const std::vector<Xarray::Slot> batch = FindEntries(xa, next, last);
    co_await xa.xa_lock.Unlock();
    if (batch.empty()) break;
    for (const Xarray::Slot& s : batch) {
      if (co_await InvalidateMappingEntrySync(inode, std::max(s.index, first)) == 0) ret = -16;
      next = s.index + (uint64_t{1} << s.order);
    }
    if (next > last) break;
  }
  // For DAX the page tables are invalidated after the entries.
  co_await vm_->UnmapMappingPages(&inode.mapping(), first, last - first + 1, false);
  co_return ret;
}

sim::Task<uint64_t> Dax::LockEntryForMemoryFailure(DaxInode& inode, uint64_t index, vm::Pfn pfn) {
  auto _ = sim_->Enter("dax_lock_page");
  vm::Xarray& xa = inode.mapping().i_pages;
  co_await xa.xa_lock.Lock();
  sim::RetryLoop retry(sim_, 0xdb1);
  for (;;) {
    retry.Head();
    const Found f = Lookup(xa, index, 0);
    const bool associated = f.entry && !dax_is_zero_entry(*f.entry) &&
                            !dax_is_empty_entry(*f.entry) && pfn >= dax_to_pfn(*f.entry) &&
                            pfn < dax_to_pfn(*f.entry) + (uint64_t{1} << dax_entry_order(*f.entry));
    if (!associated) {
      co_await xa.xa_lock.Unlock();
      co_return 0;
    }
    if (!dax_is_locked(*f.entry)) {
      LockEntry(xa, index, *f.entry);
      co_await xa.xa_lock.Unlock();
      NoteEntryLocked(xa, index, *f.entry);
      co_return *f.entry;
    }
    // wait_entry_unlocked(): a non-exclusive wait, since this path may never lock the entry and
    // so never pass a wake-up on; then look again.
    uint64_t key = 0;
    sim::WaitQueue& wq = EntryWaitqueue(xa, index, *f.entry, &key);
    co_await wq.PrepareToWait(/*exclusive=*/false, key);
    const bool keep_locked = bugs_(Bug::kTestMfRetryLocked);
    if (!keep_locked) co_await xa.xa_lock.Unlock();
    co_await sim_->Schedule(wq.id(), [this, &xa, index] {
      const Found now = Lookup(xa, index, 0);
      return !now.entry || !dax_is_locked(*now.entry);
    });
    co_await wq.FinishWait();
    if (!keep_locked) co_await xa.xa_lock.Lock();
  }
}

sim::Task<void> Dax::UnlockEntry(DaxInode& inode, uint64_t index, uint64_t entry) {
  if (entry != 0) co_await UnlockEntryAt(inode.mapping().i_pages, index, entry);
}

}  // namespace daxsim::dax
