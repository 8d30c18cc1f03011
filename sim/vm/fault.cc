// Fault dispatch. Mirrors: mm/memory.c __handle_mm_fault(), create_huge_pmd(), wp_huge_pmd(),
// handle_pte_fault(), do_fault() (do_read_fault / do_cow_fault / do_shared_fault),
// do_wp_page() (wp_pfn_shared / wp_page_copy) (v6.1), for VM_MIXEDMAP DAX VMAs.
// Scheduling points: the lockless page-table reads; the PTE lock in do_wp_page; everything the
// filesystem's handlers do.
#include "sim/check.h"
#include "sim/vm/vm_ops.h"

namespace daxsim::vm {

using sim::Access;

sim::Task<uint32_t> Vm::HandleMmFault(Vma* vma, uint64_t addr, uint32_t flags) {
  auto _ = sim_->Enter("handle_mm_fault");
  sim::CallSummary self(sim_, 0x4a3);
  Mm* mm = vma->mm;
  const bool write = flags & FAULT_FLAG_WRITE;
  co_await sim_->Point("pmd_none?", {mm->PtObject(addr), Access::kRead});
  const Pmd pmd = mm->pt.pmd(addr);
  sim_->Observed(pmd.Digest());
  if (pmd.kind == Pmd::Kind::kNone && vma->ops->HugeFaults()) {
    // create_huge_pmd()
    VmFault vmf{vma, addr & ~(PAGE_SIZE - 1), vma->PgoffOf(addr), flags, PageEntrySize::kPmd};
    sim::CallSummary huge(sim_, 0x4f6);
    const uint32_t ret = co_await vma->ops->HugeFault(vmf);
    huge.Returned(ret);
    if (!(ret & VM_FAULT_FALLBACK)) co_return ret;
  } else if (pmd.kind == Pmd::Kind::kHuge) {
    if (!write || pmd.write) co_return 0;  // spurious: huge_pmd_set_accessed()
    // wp_huge_pmd() (6.1): every file VMA with ->huge_fault tries it first, private ones too
    // (dax_iomap_pmd_fault() falls back on a private write; v5.x asked VM_SHARED first), then
    // the PMD is split and the fault goes on at PTE level.
    {
      VmFault vmf{vma, addr & ~(PAGE_SIZE - 1), vma->PgoffOf(addr), flags, PageEntrySize::kPmd};
      sim::CallSummary huge(sim_, 0x4f6);
      const uint32_t ret = co_await vma->ops->HugeFault(vmf);
      huge.Returned(ret);
      if (!(ret & VM_FAULT_FALLBACK)) co_return ret;
    }
    // __split_huge_pmd() of a file-backed PMD just zaps it.
    co_await ZapRange(vma, addr & PMD_MASK, (addr & PMD_MASK) + PMD_SIZE, false);
  }
  // handle_pte_fault(): from here on nothing but the arguments matters (the PMD path that fell
  // back is forgotten).
  self.LoopHead(0);
  co_await sim_->Point("pte_none?", {mm->PtObject(addr), Access::kRead});
  const Pte* pte = mm->pt.pte(addr);
  // 6.1: the PTE is read (FAULT_FLAG_ORIG_PTE_VALID) unless the PMD is still none.
  const bool table = mm->pt.pmd(addr).kind == Pmd::Kind::kTable;
  if (table) flags |= FAULT_FLAG_ORIG_PTE_VALID;
  sim_->Observed((pte == nullptr ? 0 : (write && !pte->write) ? 1 : 2) | (table ? 4 : 0));
  if (pte == nullptr) co_return co_await DoFault(vma, addr, flags);
  if (write && !pte->write) co_return co_await DoWpPage(vma, addr, flags);
  co_return 0;  // spurious: another thread fixed it
}

sim::Task<uint32_t> Vm::DoFault(Vma* vma, uint64_t addr, uint32_t flags) {
  VmFault vmf{vma, addr & ~(PAGE_SIZE - 1), vma->PgoffOf(addr), flags, PageEntrySize::kPte};
  if (!(flags & FAULT_FLAG_WRITE)) {
    auto _ = sim_->Enter("do_read_fault");
    if (PreallocPteFails(flags)) co_return VM_FAULT_OOM;
    co_return co_await vma->ops->Fault(vmf);
  }
  if (!vma->shared) {
    auto _ = sim_->Enter("do_cow_fault");
    if (sim_->FailAlloc("alloc_page_vma")) co_return VM_FAULT_OOM;
    if (PreallocPteFails(flags)) co_return VM_FAULT_OOM;
    vmf.cow_page = phys_->AllocAnon();
    sim_->AlsoObserved(vmf.cow_page);
    sim::CallSummary fault(sim_, 0xf17);
    uint32_t ret = co_await vma->ops->Fault(vmf);
    fault.Returned(sim::Mix(ret, vmf.Digest()));
    if (vmf.cow_copied) ret = co_await InstallAnon(vma, addr, vmf.cow_page);  // finish_fault
    if (!(ret & VM_FAULT_DONE_COW)) phys_->FreeAnon(vmf.cow_page);
    co_return ret & ~VM_FAULT_DONE_COW;
  }
  auto _ = sim_->Enter("do_shared_fault");
  if (PreallocPteFails(flags)) co_return VM_FAULT_OOM;
  co_return co_await vma->ops->Fault(vmf);
}

// __do_fault() (6.1): while the PMD is none (as handle_pte_fault() saw it: no
// FAULT_FLAG_ORIG_PTE_VALID), a PTE table is preallocated before ->fault, which DAX leaves
// unused (insert_pfn() allocates its own); its failure is VM_FAULT_OOM.
bool Vm::PreallocPteFails(uint32_t flags) {
  return !(flags & FAULT_FLAG_ORIG_PTE_VALID) && sim_->FailAlloc("pte_alloc_one");
}

sim::Task<uint32_t> Vm::DoWpPage(Vma* vma, uint64_t addr, uint32_t flags) {
  auto _ = sim_->Enter("do_wp_page");
  Mm* mm = vma->mm;
  VmFault vmf{vma, addr & ~(PAGE_SIZE - 1), vma->PgoffOf(addr), flags, PageEntrySize::kPte};
  if (vma->shared) {
    // wp_pfn_shared(): ->pfn_mkwrite makes the PTE writable under the DAX entry lock.
    vmf.flags |= FAULT_FLAG_MKWRITE;
    co_return co_await vma->ops->PfnMkwrite(vmf);
  }
  // wp_page_copy(): private mapping of a file (or zero) page: copy into an anonymous page.
  if (sim_->FailAlloc("alloc_page_vma")) co_return VM_FAULT_OOM;
  const Pfn copy = phys_->AllocAnon();
  sim_->AlsoObserved(copy);
  sim::Spinlock& ptl = mm->pte_lock(addr);
  co_await ptl.Lock();
  co_await sim_->Point("wp_page_copy", {mm->PtObject(addr), Access::kWrite});
  Pte* pte = mm->pt.mutable_pte(addr);
  if (pte == nullptr || pte->write) {  // changed under us: nothing to do
    co_await ptl.Unlock();
    phys_->FreeAnon(copy);
    co_return 0;
  }
  if (bugs_(Bug::kTestCowMapsFile)) {  // test-only: the file's page made writable, no copy
    pte->write = true;
    co_await ptl.Unlock();
    phys_->FreeAnon(copy);
    co_return 0;
  }
  // __wp_page_copy_user(): vm_normal_page() is NULL for a DAX PTE (devmap), so the copy is
  // made from the user address; if it faults (a media error under the page) twice, 6.1 warns
  // and clears the page: the process gets zeroes, not SIGBUS ("Live with it").
  if (!phys_->CopyPage(copy, pte->pfn)) {
    sim_->Emit("WARNING: __wp_page_copy_user: the copy faulted; zero-filled");
    if (on_cow_copy_zero_filled) on_cow_copy_zero_filled();
  }
  *pte = Pte{copy, true, true, false};
  co_await ptl.Unlock();
  co_return 0;
}

}  // namespace daxsim::vm
