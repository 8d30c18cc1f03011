// Removing and write-protecting mappings. Mirrors: mm/memory.c zap_page_range_single(),
// zap_pmd_range()/zap_huge_pmd(), unmap_mapping_pages() (i_mmap walk under i_mmap_lock_read),
// and the DAX rmap walk of fs/dax.c dax_entry_mkclean() (v6.1).
// Scheduling points: i_mmap_rwsem, pmd_lock / PTE lock, each page-table write.
#include <algorithm>

#include "sim/check.h"
#include "sim/vm/vm_ops.h"

namespace daxsim::vm {

using sim::Access;

sim::Task<void> Vm::ZapRange(Vma* vma, uint64_t start, uint64_t end, bool even_cows) {
  auto _ = sim_->Enter("zap_page_range");
  sim::CallSummary self(sim_, 0x2a9);  // callers keep nothing of it
  Mm* mm = vma->mm;
  start = std::max(start, vma->start);
  end = std::min(end, vma->end);
  for (uint64_t pmd_addr = start & PMD_MASK; pmd_addr < end; pmd_addr += PMD_SIZE) {
    self.LoopHead(pmd_addr);
    const uint64_t lo = std::max(start, pmd_addr), hi = std::min(end, pmd_addr + PMD_SIZE);
    co_await sim_->Point("zap_pmd_range", {mm->PtObject(pmd_addr), Access::kRead});
    const Pmd::Kind kind = mm->pt.pmd(pmd_addr).kind;
    sim_->Observed(static_cast<uint64_t>(kind));
    if (kind == Pmd::Kind::kNone) continue;
    if (kind == Pmd::Kind::kHuge) {
      // zap_huge_pmd(): a partial range splits the PMD; for file DAX PMDs that clears it.
      co_await mm->pmd_lock.Lock();
      co_await sim_->Point("zap_huge_pmd", {mm->PtObject(pmd_addr), Access::kWrite});
      Pmd& pmd = mm->pt.mutable_pmd(pmd_addr);
      if (pmd.kind == Pmd::Kind::kHuge) pmd = Pmd{};
      co_await mm->pmd_lock.Unlock();
      if (mm->pt.pmd(pmd_addr).kind != Pmd::Kind::kTable) continue;
    }
    sim::Spinlock& ptl = mm->pte_lock(pmd_addr);
    co_await ptl.Lock();
    co_await sim_->Point("zap_pte_range", {mm->PtObject(pmd_addr), Access::kWrite});
    for (uint64_t a = lo; a < hi; a += PAGE_SIZE) {
      const Pte* pte = mm->pt.pte(a);
      if (pte == nullptr) continue;
      if (IsAnonPfn(pte->pfn)) {
        if (!even_cows) continue;  // private COW copies survive a hole punch's unmap
        phys_->FreeAnon(pte->pfn);
      }
      mm->pt.ClearPte(a);
    }
    co_await ptl.Unlock();
  }
  self.Returned(0);
}

sim::Task<void> Vm::UnmapMappingPages(AddressSpace* mapping, uint64_t first, uint64_t nr,
                                      bool even_cows) {
  auto _ = sim_->Enter("unmap_mapping_pages");
  sim::CallSummary self(sim_, 0x0a9);  // callers keep nothing of it
  co_await mapping->i_mmap_rwsem.DownRead();
  const uint64_t last = nr == 0 ? UINT64_MAX : first + nr - 1;
  const std::vector<Vma*> vmas = mapping->i_mmap;  // stable under i_mmap_rwsem
  for (Vma* vma : vmas) {
    const uint64_t vma_first = vma->pgoff;
    const uint64_t vma_last = vma->pgoff + ((vma->end - vma->start) >> PAGE_SHIFT) - 1;
    if (last < vma_first || first > vma_last) continue;
    const uint64_t lo = vma->AddrOf(std::max(first, vma_first));
    const uint64_t hi = vma->AddrOf(std::min(last, vma_last)) + PAGE_SIZE;
    co_await ZapRange(vma, lo, hi, even_cows);
  }
  co_await mapping->i_mmap_rwsem.UpRead();
  self.Returned(0);
}

sim::Task<void> Vm::MkcleanMappingPages(AddressSpace* mapping, uint64_t first, uint64_t last) {
  auto _ = sim_->Enter("dax_entry_mkclean");
  sim::CallSummary self(sim_, 0xc1e);  // callers keep nothing of it
  co_await mapping->i_mmap_rwsem.DownRead();
  const std::vector<Vma*> vmas = mapping->i_mmap;
  for (Vma* vma : vmas) {
    if (!vma->shared) continue;  // only shared mappings can dirty the file
    const uint64_t vma_first = vma->pgoff;
    const uint64_t vma_last = vma->pgoff + ((vma->end - vma->start) >> PAGE_SHIFT) - 1;
    if (last < vma_first || first > vma_last) continue;
    const uint64_t lo = vma->AddrOf(std::max(first, vma_first));
    const uint64_t hi = vma->AddrOf(std::min(last, vma_last)) + PAGE_SIZE;
    Mm* mm = vma->mm;
    for (uint64_t pmd_addr = lo & PMD_MASK; pmd_addr < hi; pmd_addr += PMD_SIZE) {
      co_await sim_->Point("follow_pte_pmd", {mm->PtObject(pmd_addr), Access::kRead});
      const Pmd::Kind kind = mm->pt.pmd(pmd_addr).kind;
      sim_->Observed(static_cast<uint64_t>(kind));
      if (kind == Pmd::Kind::kHuge) {
        co_await mm->pmd_lock.Lock();
        co_await sim_->Point("pmdp_invalidate (wrprotect, mkclean)",
                             {mm->PtObject(pmd_addr), Access::kWrite});
        Pmd& pmd = mm->pt.mutable_pmd(pmd_addr);
        if (pmd.kind == Pmd::Kind::kHuge) {
          // Bug kPmdMkcleanWritable (pre-f729c8c9b24f): the PMD is cleaned but stays writable.
          if (!bugs_(Bug::kPmdMkcleanWritable)) pmd.write = false;
          pmd.dirty = false;
        }
        co_await mm->pmd_lock.Unlock();
      } else if (kind == Pmd::Kind::kTable) {
        sim::Spinlock& ptl = mm->pte_lock(pmd_addr);
        co_await ptl.Lock();
        co_await sim_->Point("ptep_clear_flush (wrprotect, mkclean)",
                             {mm->PtObject(pmd_addr), Access::kWrite});
        for (uint64_t a = std::max(lo, pmd_addr); a < std::min(hi, pmd_addr + PMD_SIZE);
             a += PAGE_SIZE) {
          if (Pte* pte = mm->pt.mutable_pte(a)) {
            if (IsAnonPfn(pte->pfn)) continue;
            pte->write = false;
            pte->dirty = false;
          }
        }
        co_await ptl.Unlock();
      }
    }
  }
  co_await mapping->i_mmap_rwsem.UpRead();
  self.Returned(0);
}

}  // namespace daxsim::vm
