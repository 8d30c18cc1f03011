// The CPU side: loads and stores through the page tables (faulting as the arch fault handler
// does: mmap_lock for read, handle_mm_fault, retry), DMA completion of pinned pages (the pins:
// gup.cc), and the mmap/munmap/madvise(DONTNEED)/msync system calls. Mirrors: arch/x86/mm/fault.c
// do_user_addr_fault(), mm/mmap.c, mm/madvise.c, mm/msync.c (v6.1). Scheduling points: the access
// itself (one step naming the page table and the page: translation and access cannot be split),
// mmap_lock, and everything faults do.
#include <algorithm>

#include "sim/check.h"
#include "sim/vm/vm_ops.h"

namespace daxsim::vm {

using sim::Access;

Vm::Translation Vm::Translate(Mm* mm, uint64_t addr, bool write) const {
  const Pmd& pmd = mm->pt.pmd(addr);
  if (pmd.kind == Pmd::Kind::kHuge) {
    if (write && !pmd.write) return {};
    return {true, pmd.pfn + ((addr & ~PMD_MASK) >> PAGE_SHIFT)};
  }
  const Pte* pte = mm->pt.pte(addr);
  if (pte == nullptr || (write && !pte->write)) return {};
  return {true, pte->pfn};
}

sim::Task<AccessResult> Vm::FaultIn(Mm* mm, uint64_t addr, bool write, uint32_t flags) {
  auto _ = sim_->Enter("do_user_addr_fault");
  co_await mm->mmap_lock.DownRead();
  AccessResult r;
  Vma* vma = mm->FindVma(addr);
  if (vma == nullptr || (write && !vma->writable)) {
    r.kind = AccessResult::kSigsegv;
  } else {
    r.fault = co_await HandleMmFault(vma, addr, flags | (write ? FAULT_FLAG_WRITE : 0));
    if (r.fault & VM_FAULT_ERROR) r.kind = AccessResult::kSigbus;
  }
  co_await mm->mmap_lock.UpRead();
  co_return r;
}

sim::Task<AccessResult> Vm::UserAccess(Mm* mm, uint64_t addr, uint8_t* data, uint64_t len,
                                       bool write, uint32_t fault_flags) {
  DAXSIM_CHECK((addr & (PAGE_SIZE - 1)) + len <= PAGE_SIZE);
  // Stateful search: an attempt carries nothing but its number (the fault's history ends with
  // the fault; its result only decided to try again), and what the head reads (the
  // translation) the pending step names: its footprint, or the fault path it takes. Without a
  // bound the number matters to nothing, so an attempt that changed nothing returns to the
  // state it started from.
  const int64_t retries_max = FaultRetriesMax(*sim_);
  sim::CallSummary retry(sim_, 0x05e);
  for (int64_t attempt = 0; attempt < retries_max; ++attempt) {
    retry.LoopHead(retries_max == INT64_MAX ? 0 : static_cast<uint64_t>(attempt));
    const Translation t = Translate(mm, addr, write);
    if (t.ok) {
      co_await sim_->Point(write ? "user store" : "user load",
                           {mm->PtObject(addr), Access::kRead, phys_->PageObject(t.pfn),
                            write ? Access::kWrite : Access::kRead});
      // The step observes the translation and the bytes it loads, not the whole page table
      // slot and page its footprint names (stateful search).
      if (!(Translate(mm, addr, write) == t)) {  // changed since the step was declared
        sim_->Observed(0xc4a9);
        continue;
      }
      const uint64_t off = addr & (PAGE_SIZE - 1);
      if (write) {
        if (on_page_write) on_page_write({"user store", mm, mm->FindVma(addr), addr, t.pfn});
        phys_->Store(t.pfn, off, data, len);
        sim_->Observed(t.pfn);
        co_return AccessResult{};
      }
      const bool ok = phys_->Load(t.pfn, off, data, len);
      if (sim_->observing()) sim_->Observed(sim::MixBytes(sim::Mix(t.pfn, ok), data, len));
      if (!ok) co_return AccessResult{AccessResult::kSigbus};
      co_return AccessResult{};
    }
    const AccessResult f = co_await FaultIn(mm, addr, write, fault_flags);
    // VM_FAULT_OOM from a user access: pagefault_out_of_memory() (6.1: no OOM kill from the
    // fault; a memcg OOM completes) and the instruction faults again. From a kernel access
    // (copy_from_user): the exception fixup, the copy comes up short.
    if ((f.fault & VM_FAULT_OOM) && (fault_flags & FAULT_FLAG_USER)) continue;
    if (f.kind != AccessResult::kOk) co_return f;
  }
  // Another thread kept undoing the fault (zap, truncate): a starving schedule, not a bug.
  sim_->AbandonUnfair("the access at " + std::to_string(addr) + " faulted " +
                      std::to_string(retries_max) + " times without a usable mapping");
  co_await sim_->Point("starved", {});
  co_return AccessResult{AccessResult::kSigbus};
}

sim::Task<uint64_t> Vm::CopyUser(const UserBuffer& buf, uint64_t offset, uint64_t len,
                                 bool to_user) {
  if (!buf.access) co_return len;
  auto _ = sim_->Enter(to_user ? "copy_to_user" : "copy_from_user");
  uint64_t done = 0;
  while (done < len) {
    const uint64_t addr = buf.addr + offset + done;
    const uint64_t n = std::min(len - done, PAGE_SIZE - (addr & (PAGE_SIZE - 1)));
    AccessResult r = co_await buf.access(offset + done, n, to_user);
    // write(2) copies in with dax_copy_from_iter() -> _copy_from_iter_flushcache() (pmem sets
    // DAXDEV_NOCACHE) -> x86's __copy_user_nocache (arch/x86/lib/copy_user_64.S), whose fault
    // fixup jumps to .Lcopy_user_handle_tail: `rep movsb` of the rest, which faults on the same
    // page again (seen on 6.1: two faults). read(2) copies out with dax_copy_to_iter() ->
    // _copy_mc_to_iter() (DAXDEV_NOMC) -> copy_mc_to_user(), whose fixup returns the uncopied
    // count at once: one fault. (drivers/dax/super.c, drivers/nvdimm/pmem.c, 6.1.)
    if (r.kind != AccessResult::kOk && !to_user) r = co_await buf.access(offset + done, n, false);
    if (r.kind != AccessResult::kOk) break;
    done += n;
  }
  co_return done;
}

sim::Task<void> Vm::UnpinUserPage(Pfn pfn, uint64_t offset, const uint8_t* data, uint64_t len) {
  auto _ = sim_->Enter("dma complete + unpin_user_page");
  co_await sim_->Point("dma write + put_page", {phys_->PageObject(pfn), Access::kWrite});
  if (len > 0 && !IsZeroPfn(pfn)) phys_->Store(pfn, offset, data, len);
  if (phys_->IsDevicePfn(pfn) || IsAnonPfn(pfn)) phys_->put_page(pfn);
}

sim::Task<Vma*> Vm::Mmap(Mm* mm, const Vma& proto, uint64_t len) {
  auto _ = sim_->Enter("mmap_region");
  co_await mm->mmap_lock.DownWrite();
  Vma* vma = mm->InsertVma(proto, len);
  co_await vma->mapping->i_mmap_rwsem.DownWrite();
  vma->mapping->i_mmap.push_back(vma);  // vma_interval_tree_insert
  co_await vma->mapping->i_mmap_rwsem.UpWrite();
  co_await mm->mmap_lock.UpWrite();
  co_return vma;
}

sim::Task<void> Vm::Munmap(Mm* mm, Vma* vma) {
  auto _ = sim_->Enter("__do_munmap");
  co_await mm->mmap_lock.DownWrite();
  co_await ZapRange(vma, vma->start, vma->end, /*even_cows=*/true);
  co_await mm->pmd_lock.Lock();
  co_await sim_->Point("free_pgtables", {mm->PtObject(vma->start), Access::kWrite});
  for (uint64_t a = vma->start & PMD_MASK; a < vma->end; a += PMD_SIZE) mm->pt.FreeTable(a);
  co_await mm->pmd_lock.Unlock();
  AddressSpace* mapping = vma->mapping;
  co_await mapping->i_mmap_rwsem.DownWrite();
  std::erase(mapping->i_mmap, vma);
  co_await mapping->i_mmap_rwsem.UpWrite();
  mm->RemoveVma(vma);
  co_await mm->mmap_lock.UpWrite();
}

sim::Task<void> Vm::MadviseDontneed(Mm* mm, Vma* vma, uint64_t start, uint64_t end) {
  auto _ = sim_->Enter("madvise_dontneed");
  co_await mm->mmap_lock.DownRead();
  co_await ZapRange(vma, start, end, /*even_cows=*/true);
  co_await mm->mmap_lock.UpRead();
}

sim::Task<int> Vm::Msync(Mm* mm, Vma* vma, uint64_t start, uint64_t end) {
  auto _ = sim_->Enter("msync");
  co_await mm->mmap_lock.DownRead();
  const bool shared = vma->shared;
  VmOperations* ops = vma->ops;
  const uint64_t first = vma->PgoffOf(start) << PAGE_SHIFT;
  const uint64_t last = (vma->PgoffOf(end - 1) << PAGE_SHIFT) + PAGE_SIZE - 1;
  co_await mm->mmap_lock.UpRead();
  if (!shared) co_return 0;
  co_return co_await ops->Fsync(first, last);  // vfs_fsync_range() outside mmap_lock
}

}  // namespace daxsim::vm
