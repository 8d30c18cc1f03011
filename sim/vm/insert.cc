// Installing pfns in page tables. Mirrors: mm/memory.c insert_pfn() (vmf_insert_mixed,
// vmf_insert_mixed_mkwrite), __pte_alloc(), finish_fault(); mm/huge_memory.c insert_pfn_pmd()
// (vmf_insert_pfn_pmd) (v6.1): no page table for a PMD leaf (arch_needs_pgtable_deposit() is
// false on x86). Scheduling points: pmd_lock / PTE lock, the page-table write.
#include "sim/check.h"
#include "sim/vm/vm_ops.h"

namespace daxsim::vm {

using sim::Access;

sim::Task<bool> Vm::PteAlloc(Mm* mm, uint64_t addr, bool may_fail) {
  co_await sim_->Point("pte_alloc: pmd_none?", {mm->PtObject(addr), Access::kRead});
  const Pmd::Kind kind = mm->pt.pmd(addr).kind;
  sim_->Observed(static_cast<uint64_t>(kind));
  if (kind != Pmd::Kind::kNone) co_return true;
  if (may_fail && sim_->FailAlloc("__pte_alloc")) co_return false;  // pte_alloc_one()
  co_await mm->pmd_lock.Lock();
  co_await sim_->Point("pmd_populate", {mm->PtObject(addr), Access::kWrite});
  Pmd& pmd = mm->pt.mutable_pmd(addr);
  if (pmd.kind == Pmd::Kind::kNone) pmd = Pmd{Pmd::Kind::kTable};
  co_await mm->pmd_lock.Unlock();
  co_return true;
}

sim::Task<uint32_t> Vm::InsertPfn(Vma* vma, uint64_t addr, Pfn pfn, bool mkwrite, bool special) {
  auto _ = sim_->Enter(mkwrite ? "vmf_insert_mixed_mkwrite" : "vmf_insert_mixed");
  Mm* mm = vma->mm;
  addr &= ~(PAGE_SIZE - 1);
  // get_locked_pte(): no check for a huge PMD, as in the kernel; a failed table allocation is
  // insert_pfn()'s VM_FAULT_OOM (the entry stays as the caller made it).
  const bool table = co_await PteAlloc(mm, addr, /*may_fail=*/true);
  if (!table) co_return VM_FAULT_OOM;
  sim::Spinlock& ptl = mm->pte_lock(addr);
  co_await ptl.Lock();
  co_await sim_->Point("insert_pfn", {mm->PtObject(addr), Access::kWrite});
  if (Pte* pte = mm->pt.mutable_pte(addr)) {
    if (mkwrite && pte->pfn == pfn) {
      pte->write = vma->writable;  // maybe_mkwrite(pte_mkdirty(pte_mkyoung(entry)))
      pte->dirty = true;
    }
    // A different pfn (the zero page not unmapped first) stays: WARN_ON_ONCE in the kernel.
  } else {
    mm->pt.SetPte(addr, Pte{pfn, mkwrite && vma->writable, mkwrite, special});
  }
  co_await ptl.Unlock();
  co_return VM_FAULT_NOPAGE;
}

sim::Task<uint32_t> Vm::InsertPfnPmd(Vma* vma, uint64_t addr, Pfn pfn, bool write, bool zero) {
  auto _ = sim_->Enter("vmf_insert_pfn_pmd");
  Mm* mm = vma->mm;
  addr &= PMD_MASK;
  co_await mm->pmd_lock.Lock();
  co_await sim_->Point("insert_pfn_pmd", {mm->PtObject(addr), Access::kWrite});
  Pmd& pmd = mm->pt.mutable_pmd(addr);
  if (pmd.kind == Pmd::Kind::kNone) {
    pmd = Pmd{Pmd::Kind::kHuge, pfn, write && vma->writable, write, zero};
  } else if (pmd.kind == Pmd::Kind::kHuge && write && pmd.pfn == pfn) {
    pmd.write = vma->writable;
    pmd.dirty = true;
  }
  co_await mm->pmd_lock.Unlock();
  co_return VM_FAULT_NOPAGE;
}

sim::Task<uint32_t> Vm::InstallAnon(Vma* vma, uint64_t addr, Pfn pfn) {
  auto _ = sim_->Enter("finish_fault");
  Mm* mm = vma->mm;
  addr &= ~(PAGE_SIZE - 1);
  co_await PteAlloc(mm, addr, /*may_fail=*/false);  // __do_fault()'s preallocated table
  sim::Spinlock& ptl = mm->pte_lock(addr);
  co_await ptl.Lock();
  co_await sim_->Point("set_pte (anon)", {mm->PtObject(addr), Access::kWrite});
  uint32_t ret = VM_FAULT_DONE_COW;
  if (mm->pt.pte(addr) == nullptr) {
    mm->pt.SetPte(addr, Pte{pfn, true, true, false});
  } else {
    ret = VM_FAULT_NOPAGE;  // raced with another fault: the copy is dropped
  }
  co_await ptl.Unlock();
  co_return ret;
}

}  // namespace daxsim::vm
