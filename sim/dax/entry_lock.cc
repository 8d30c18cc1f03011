// The entry lock and its wait table. Mirrors: fs/dax.c dax_entry_waitqueue(),
// wake_exceptional_entry_func(), dax_wake_entry(), get_unlocked_entry(), put_unlocked_entry(),
// dax_lock_entry(), dax_unlock_entry(), grab_mapping_entry(), dax_insert_entry() (6.1).
// Scheduling points: xa_lock, prepare_to_wait_exclusive/schedule/finish_wait on the hashed
// bucket, the wake-ups, and the unmaps a zero-entry replacement or PMD downgrade performs.
#include <string>

#include "sim/check.h"
#include "sim/dax/dax.h"

namespace daxsim::dax {

using vm::PTRS_PER_PMD;

std::string DescribeEntry(uint64_t e) {
  std::string s = dax_is_pmd_entry(e) ? "PMD" : "PTE";
  if (dax_is_empty_entry(e)) s += " empty";
  if (dax_is_zero_entry(e)) s += " zero";
  if (!dax_is_empty_entry(e) && !dax_is_zero_entry(e)) s += " pfn " + std::to_string(dax_to_pfn(e));
  if (dax_is_locked(e)) s += " locked";
  return s;
}

Dax::Dax(sim::Sim& sim, vm::Vm& vm, nvdimm::Pmem& pmem, int wait_table_bits, BugSet bugs)
    : sim_(&sim),
      vm_(&vm),
      pmem_(&pmem),
      wait_table_(sim, "wait_table", wait_table_bits),
      bugs_(bugs) {}

// Only wait_table_ changes: sim_, vm_ and pmem_ are fixed pointers to layers that digest
// themselves, and bugs_ is fixed for the run.
uint64_t Dax::Digest() const { return wait_table_.Digest(); }

bool Dax::ObjectDigest(sim::ObjectId id, uint64_t* out) const {
  return wait_table_.ObjectDigest(id, out);
}

// xas_find_conflict() for an order-`order` request at index.
Dax::Found Dax::Lookup(vm::Xarray& xa, uint64_t index, unsigned order) const {
  Found f;
  if (order == 0) {
    if (auto s = xa.Load(index)) {
      f.entry = s->value;
      f.index = s->index;
    }
    return f;
  }
  const uint64_t first = index & ~(PTRS_PER_PMD - 1);
  for (const vm::Xarray::Slot& s : xa.Range(first, first + PTRS_PER_PMD - 1)) {
    // Bug kPmdOverPtes (pre-0e40de0338d0): the PMD lookup only sees the slot at its own index.
    if (bugs_(Bug::kPmdOverPtes) && s.order < order && s.index != first) continue;
    f.entry = s.value;
    f.index = s.index;
    f.conflict = s.order < order;
    return f;
  }
  return f;
}

sim::WaitQueue& Dax::EntryWaitqueue(vm::Xarray& xa, uint64_t index, uint64_t entry, uint64_t* key) {
  if (dax_is_pmd_entry(entry)) index &= ~(PTRS_PER_PMD - 1);
  const uint64_t xa_id = xa.xa_lock.id();
  *key = (static_cast<uint64_t>(xa_id) << 40) | (index + 1);  // (xa, entry_start); never 0
  return wait_table_.Bucket(static_cast<uint64_t>(xa_id) ^ index);
}

sim::Task<void> Dax::WakeEntry(vm::Xarray& xa, uint64_t index, uint64_t entry, WakeMode mode) {
  uint64_t key = 0;
  sim::WaitQueue& wq = EntryWaitqueue(xa, index, entry, &key);
  co_await wq.WakeUp(mode == WakeMode::kAll ? 0 : 1, key);
  sim_->Observed(0);  // __wake_up()'s count is not used: the waker keeps nothing of the step
}

sim::Task<Dax::Found> Dax::GetUnlockedEntry(vm::Xarray& xa, uint64_t index, unsigned order) {
  auto _ = sim_->Enter("get_unlocked_entry");
  sim::RetryLoop retry(sim_, 0x6e7);
  for (;;) {
    retry.Head();
    Found f = Lookup(xa, index, order);
    // Bug kPmdWaitWrongBucket (pre-23c84eb78375): no order check before the lock check: a PMD
    // request waits on a locked PTE entry, on the bucket of its own PMD-aligned index.
    const bool old_wait =
        bugs_(Bug::kPmdWaitWrongBucket) && f.conflict && f.entry && dax_is_locked(*f.entry);
    if (!f.entry || (f.conflict && !old_wait) || !dax_is_locked(*f.entry)) co_return f;
    uint64_t key = 0;
    sim::WaitQueue& wq =
        EntryWaitqueue(xa, old_wait ? index & ~(PTRS_PER_PMD - 1) : index, *f.entry, &key);
    co_await wq.PrepareToWait(/*exclusive=*/true, key);
    co_await xa.xa_lock.Unlock();
    co_await sim_->Schedule(wq.id(), [this, &xa, index, order] {
      const Found now = Lookup(xa, index, order);
      return !now.entry || now.conflict || !dax_is_locked(*now.entry);
    });
    co_await wq.FinishWait();
    co_await xa.xa_lock.Lock();
  }
}

sim::Task<void> Dax::PutUnlockedEntry(vm::Xarray& xa, uint64_t index, const Found& f,
                                      WakeMode mode) {
  // Bug kPutUnlockedNoWake (61c30c98ef17 fixed the inverted test of 23c84eb78375): only a
  // conflict passes the wake-up on.
  const bool pass_on = bugs_(Bug::kPutUnlockedNoWake) ? f.conflict : !f.conflict;
  if (f.entry && pass_on) co_await WakeEntry(xa, index, *f.entry, mode);
}

void Dax::LockEntry(vm::Xarray& xa, uint64_t index, uint64_t entry) {
  xa.Store(index, dax_entry_order(entry), entry | DAX_LOCKED);
}

namespace {
sim::ObjectId EntryLock(const vm::Xarray& xa, uint64_t index, uint64_t entry) {
  return xa.EntryLockObject(index & ~((uint64_t{1} << dax_entry_order(entry)) - 1));
}
}  // namespace

void Dax::NoteEntryLocked(vm::Xarray& xa, uint64_t index, uint64_t entry) {
  sim_->LockdepAcquire("dax_entry");
  sim_->NoteAcquire(EntryLock(xa, index, entry), "dax_entry", /*spin=*/false);
}

void Dax::NoteEntryUnlocked(vm::Xarray& xa, uint64_t index, uint64_t entry) {
  sim_->NoteRelease(EntryLock(xa, index, entry));
}

sim::Task<void> Dax::UnlockEntryAt(vm::Xarray& xa, uint64_t index, uint64_t entry) {
  auto _ = sim_->Enter("dax_unlock_entry");
  DAXSIM_CHECK(!dax_is_locked(entry));
  NoteEntryUnlocked(xa, index, entry);
  co_await xa.xa_lock.Lock();
  const std::optional<vm::Xarray::Slot> old = xa.Load(index);
  if (!old || !dax_is_locked(old->value)) {
    // BUG_ON(!dax_is_locked(old)): someone replaced a locked entry behind its holder's back.
    sim_->Involve(vm::Xarray::EntryName(xa.owner(), index));
    sim_->Report(sim::ViolationKind::kAssertion, "dax_unlock_entry: entry not locked",
                 "BUG_ON(!dax_is_locked(old)) in dax_unlock_entry: the entry at index " +
                     std::to_string(index) + " was replaced while locked");
    co_await xa.xa_lock.Unlock();
    co_return;
  }
  xa.Store(index, dax_entry_order(entry), entry);
  co_await xa.xa_lock.Unlock();
  co_await WakeEntry(xa, index, entry, WakeMode::kNext);
}

// grab_mapping_entry()'s PMD downgrade (6.1): a PTE fault over a zero or empty PMD entry
// removes it, unmapping the zero PMD first with the entry kept valid (locked) while xa_lock is
// dropped. Called and returns with xa_lock held.
sim::Task<void> Dax::DowngradePmdEntry(vm::AddressSpace& mapping, uint64_t index, uint64_t entry) {
  vm::Xarray& xa = mapping.i_pages;
  LockEntry(xa, index, entry);
  const bool unmap = dax_is_zero_entry(entry);  // xa_lock dropped, the entry lock held
  if (unmap) {
    co_await xa.xa_lock.Unlock();
    NoteEntryLocked(xa, index, entry);
    co_await vm_->UnmapMappingPages(&mapping, index & ~(PTRS_PER_PMD - 1), PTRS_PER_PMD, false);
    co_await xa.xa_lock.Lock();
  }
  xa.Erase(index);  // its holder deletes the locked entry
  if (unmap) NoteEntryUnlocked(xa, index, entry);
  co_await WakeEntry(xa, index, entry, WakeMode::kAll);
  mapping.nrpages -= PTRS_PER_PMD;  // PG_PMD_NR
}

sim::Task<Dax::Grabbed> Dax::GrabMappingEntry(DaxInode& inode, uint64_t index, unsigned order) {
  auto _ = sim_->Enter("grab_mapping_entry");
  vm::AddressSpace& mapping = inode.mapping();
  vm::Xarray& xa = mapping.i_pages;
  bool preallocated = false;  // xas_nomem() left a node for the retry
  for (;;) {                  // retry:
    co_await xa.xa_lock.Lock();
    sim::CallSummary get(sim_, 0x6e7);
    Found f = co_await GetUnlockedEntry(xa, index, order);
    get.Returned(f.Digest());
    if (f.conflict) {
      co_await xa.xa_lock.Unlock();
      co_return Grabbed{0, vm::VM_FAULT_FALLBACK};
    }
    std::optional<uint64_t> entry = f.entry;
    if (entry && order == 0 && dax_is_pmd_entry(*entry) &&
        (dax_is_zero_entry(*entry) || dax_is_empty_entry(*entry))) {
      co_await DowngradePmdEntry(mapping, index, *entry);
      entry.reset();
    }
    uint64_t value;
    if (entry) {
      value = *entry;
    } else {
      value = dax_make_entry(0, DAX_EMPTY | (order > 0 ? DAX_PMD : 0));
      // dax_lock_entry() -> xas_store() -> xas_create(): the missing nodes, GFP_NOWAIT under
      // the lock (a node xas_nomem() left is used first). On -ENOMEM nothing is stored.
      if (bugs_(Bug::kTestNrpagesBeforeStore)) mapping.nrpages += uint64_t{1} << order;
      // (Counted only when this actor may still see an allocation fail: off the fault path's
      // cost otherwise.)
      const int nodes = sim_->self().alloc_failures_left() > 0 ? xa.NodesToStore(index, order) : 0;
      if (nodes > 0) sim_->AlsoObserved(static_cast<uint64_t>(nodes));
      if (nodes > (preallocated ? 1 : 0) && sim_->FailAlloc("xas_alloc GFP_NOWAIT")) {
        co_await xa.xa_lock.Unlock();
        // out_unlock: xas_nomem() allocates one node, sleeping; if that fails too, OOM.
        if (sim_->FailAlloc("xas_nomem")) co_return Grabbed{0, vm::VM_FAULT_OOM};
        preallocated = true;
        continue;  // goto retry: the whole lookup again, the lock having been dropped
      }
      if (!bugs_(Bug::kTestNrpagesBeforeStore)) mapping.nrpages += uint64_t{1} << order;
    }
    LockEntry(xa, index, value);
    co_await xa.xa_lock.Unlock();
    NoteEntryLocked(xa, index, value);
    co_return Grabbed{value, 0};
  }
}

sim::Task<uint64_t> Dax::InsertEntry(DaxInode& inode, vm::VmFault& vmf, uint64_t index,
                                     uint64_t entry, vm::Pfn pfn, uint64_t flags, bool dirty) {
  co_return co_await InsertPfnEntry(inode, index, entry, pfn, flags, dirty);
}

sim::Task<uint64_t> Dax::InsertPfnEntry(DaxInode& inode, uint64_t index, uint64_t entry,
                                        vm::Pfn pfn, uint64_t flags, bool dirty) {
  auto _ = sim_->Enter("dax_insert_entry");
  vm::AddressSpace& mapping = inode.mapping();
  vm::Xarray& xa = mapping.i_pages;
  const uint64_t new_entry = dax_make_entry(pfn, flags);
  if (dax_is_zero_entry(entry) && !(flags & DAX_ZERO_PAGE)) {
    // Replacing a zero page with a block mapping: unmap the zero page everywhere first.
    if (dax_is_pmd_entry(entry)) {
      co_await vm_->UnmapMappingPages(&mapping, index & ~(PTRS_PER_PMD - 1), PTRS_PER_PMD, false);
    } else {
      co_await vm_->UnmapMappingPages(&mapping, index, 1, false);
    }
  }
  co_await xa.xa_lock.Lock();
  uint64_t result = entry;
  if (dax_is_zero_entry(entry) || dax_is_empty_entry(entry)) {
    // Only a zero or empty entry is replaced; a PTE insert under a real PMD entry keeps the PMD.
    LockEntry(xa, index, new_entry);
    result = new_entry;
  }
  if (dirty) xa.SetMark(index, vm::XaMark::kDirty);
  co_await xa.xa_lock.Unlock();
  co_return result;
}

}  // namespace daxsim::dax
