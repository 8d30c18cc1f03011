// get_user_pages of one page: the lockless fast walk and the slow path under mmap_lock.
// Mirrors: mm/gup.c (6.1) internal_get_user_pages_fast() -> lockless_pages_from_mm() ->
// gup_pte_range() / gup_huge_pmd() / __gup_device_huge_pmd(), falling back to
// get_user_pages_unlocked() -> __get_user_pages(): check_vma_flags(), follow_page_mask() ->
// follow_page_pte() / follow_devmap_pmd() / follow_trans_huge_pmd(), faultin_page(),
// vm_fault_to_errno(). Every VMA of the model is a filesystem-DAX file mapping (vma_is_fsdax()):
// never VM_IO/VM_PFNMAP, and no caller passes FOLL_FORCE.
// Scheduling points: the fast walk (one step: interrupts are off, so no TLB shootdown
// completes under it; the kernel's re-read of the PTE/PMD after the grab is the footprint's
// re-check), mmap_lock, follow_page_mask's look at the table, everything faults do.
#include <cerrno>

#include "sim/check.h"
#include "sim/vm/vm_ops.h"

namespace daxsim::vm {

using sim::Access;

namespace {

// check_vma_flags() (6.1) for a filesystem-DAX VMA. FOLL_LONGTERM is refused before the
// permission check: a long-term pin of fsdax pages would block truncate forever.
int CheckVmaFlags(const Vma& vma, uint32_t gup_flags) {
  if (gup_flags & FOLL_LONGTERM) return -EOPNOTSUPP;  // vma_is_fsdax(vma)
  if ((gup_flags & FOLL_WRITE) && !vma.writable) return -EFAULT;
  return 0;
}

// vm_fault_to_errno() (include/linux/mm.h, 6.1); no caller here passes FOLL_HWPOISON.
int VmFaultToErrno(uint32_t fault) {
  if (fault & VM_FAULT_OOM) return -ENOMEM;
  if (fault & (VM_FAULT_HWPOISON | VM_FAULT_SIGBUS)) return -EFAULT;
  return 0;
}

}  // namespace

Vm::Translation Vm::GupFastFollow(Mm* mm, uint64_t addr, uint32_t gup_flags) const {
  const bool write = gup_flags & FOLL_WRITE;
  const bool longterm = (gup_flags & FOLL_LONGTERM) && !bugs_(Bug::kTestGupFastLongterm);
  const Pmd& pmd = mm->pt.pmd(addr);
  if (pmd.kind == Pmd::Kind::kHuge) {    // gup_huge_pmd()
    if (write && !pmd.write) return {};  // pmd_access_permitted()
    // pmd_devmap(): FOLL_LONGTERM goes slow. The huge zero page is an ordinary page: taken
    // (is_longterm_pinnable_page()).
    if (!pmd.zero && longterm) return {};
    return {true, pmd.pfn + ((addr & ~PMD_MASK) >> PAGE_SHIFT)};
  }
  const Pte* pte = mm->pt.pte(addr);                        // gup_pte_range()
  if (pte == nullptr || (write && !pte->write)) return {};  // pte_access_permitted()
  if (phys_->IsDevicePfn(pte->pfn)) {
    if (longterm) return {};  // pte_devmap() && FOLL_LONGTERM
  } else if (pte->special) {
    return {};  // the zero page: pte_special()
  }
  return {true, pte->pfn};  // an anonymous (COW) page
}

void Vm::TryGrabPage(Pfn pfn) {
  if (phys_->IsDevicePfn(pfn) || IsAnonPfn(pfn)) phys_->get_page(pfn);
}

sim::Task<int> Vm::GetUserPagesFast(Mm* mm, uint64_t addr, uint32_t gup_flags, Pfn* pfn) {
  {
    auto _ = sim_->Enter("get_user_pages_fast");
    const Translation t = GupFastFollow(mm, addr, gup_flags);
    if (t.ok) {
      co_await sim_->Point("gup_fast: try_grab_page", {mm->PtObject(addr), Access::kRead,
                                                       phys_->PageObject(t.pfn), Access::kWrite});
    } else {
      co_await sim_->Point("gup_fast", {mm->PtObject(addr), Access::kRead});
    }
    // What the walk sees is the table at this step: a page other than the one the footprint
    // names (the table changed since) is left to the slow path, as the kernel's re-check does.
    const Translation now = GupFastFollow(mm, addr, gup_flags);
    sim_->Observed(now.ok ? now.pfn : ~uint64_t{0});
    if (now.ok && now == t) {
      if ((gup_flags & FOLL_WRITE) && on_page_write) {
        on_page_write({"write pin", mm, mm->FindVma(addr), addr, t.pfn});
      }
      TryGrabPage(t.pfn);
      *pfn = t.pfn;
      co_return 0;
    }
  }
  co_return co_await GetUserPages(mm, addr, gup_flags, pfn);  // __gup_longterm_unlocked()
}

sim::Task<int> Vm::GetUserPages(Mm* mm, uint64_t addr, uint32_t gup_flags, Pfn* pfn) {
  auto _ = sim_->Enter("get_user_pages");
  co_await mm->mmap_lock.DownRead();
  const int ret = co_await GetUserPagesLocked(mm, addr, gup_flags, pfn);
  co_await mm->mmap_lock.UpRead();
  co_return ret;
}

sim::Task<int> Vm::GetUserPagesLocked(Mm* mm, uint64_t addr, uint32_t gup_flags, Pfn* pfn) {
  Vma* vma = mm->FindVma(addr);  // find_extend_vma()
  if (vma == nullptr) co_return -EFAULT;
  if (const int err = CheckVmaFlags(*vma, gup_flags); err != 0) co_return err;
  const bool write = gup_flags & FOLL_WRITE;
  const int64_t retries_max = FaultRetriesMax(*sim_);
  sim::CallSummary retry(sim_, 0x9e9);  // as in UserAccess
  for (int64_t attempt = 0; attempt < retries_max; ++attempt) {
    retry.LoopHead(retries_max == INT64_MAX ? 0 : static_cast<uint64_t>(attempt));
    // follow_page_mask(): a present PTE or PMD, writable for FOLL_WRITE (follow_page_pte's
    // can_follow_write_pte, follow_devmap_pmd's pmd_write); the zero page is returned too.
    const Translation t = Translate(mm, addr, write);
    if (t.ok) {
      co_await sim_->Point(
          "follow_page_mask + try_grab_page",
          {mm->PtObject(addr), Access::kRead, phys_->PageObject(t.pfn), Access::kWrite});
      if (!(Translate(mm, addr, write) == t)) {
        sim_->Observed(0xc4a9);
        continue;
      }
      sim_->Observed(t.pfn);
      if (write && on_page_write) on_page_write({"write pin", mm, vma, addr, t.pfn});
      TryGrabPage(t.pfn);
      *pfn = t.pfn;
      co_return 0;
    }
    // faultin_page(): FAULT_FLAG_WRITE for FOLL_WRITE (a private page is copied).
    auto f = sim_->Enter("faultin_page");
    const uint32_t fault =
        co_await HandleMmFault(vma, addr, kGupFaultFlags | (write ? FAULT_FLAG_WRITE : 0));
    if (fault & VM_FAULT_ERROR) co_return VmFaultToErrno(fault);
  }
  sim_->AbandonUnfair("get_user_pages at " + std::to_string(addr) + " faulted " +
                      std::to_string(retries_max) + " times without a usable mapping");
  co_await sim_->Point("starved", {});
  co_return -EFAULT;
}

}  // namespace daxsim::vm
