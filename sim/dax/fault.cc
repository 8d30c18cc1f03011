// The fault paths. Mirrors: fs/dax.c dax_iomap_fault(), dax_iomap_pte_fault(),
// dax_iomap_pmd_fault(), dax_fault_check_fallback(), dax_fault_iter(), dax_load_hole(),
// dax_pmd_load_hole(), dax_fault_cow_page(), dax_iomap_pfn(), dax_insert_pfn_mkwrite()
// (6.1: dax_insert_entry() marks an entry DIRTY for every fault that is not synchronous).
// Scheduling points: i_size read, the entry lock, the lockless PMD checks, ->iomap_begin and
// ->iomap_end, and the insertions.
#include "sim/check.h"
#include "sim/dax/dax.h"

namespace daxsim::dax {

using sim::Access;
using namespace vm;  // the kernel's VM_FAULT_* / PAGE_* names

namespace {
constexpr int kEinval = -22;

// What dax_fault_iter() gives back to its caller (sim::CallSummary): the result, the entry it
// leaves locked, the pfn (MAP_SYNC) and the vm_fault it may have changed.
uint64_t IterDigest(uint32_t ret, uint64_t entry, Pfn pfn, const VmFault& vmf) {
  return sim::Mix(sim::Mix(sim::Mix(ret, entry), pfn), vmf.Digest());
}
}  // namespace

uint32_t DaxFaultReturn(int err) {
  if (err == 0) return VM_FAULT_NOPAGE;
  if (err == -12) return VM_FAULT_OOM;        // -ENOMEM
  if (err == -133) return VM_FAULT_HWPOISON;  // -EHWPOISON
  return VM_FAULT_SIGBUS;
}

const char* IomapTypeName(IomapType t) {
  switch (t) {
    case IomapType::kHole:
      return "HOLE";
    case IomapType::kMapped:
      return "MAPPED";
    case IomapType::kUnwritten:
      return "UNWRITTEN";
  }
  return "?";
}

sim::Task<uint32_t> Dax::ReadSize(DaxInode& inode, uint64_t* size) {
  co_await sim_->Point("i_size_read", {inode.size_object(), Access::kRead});
  *size = inode.i_size();
  co_return 0;
}

sim::Task<uint32_t> Dax::IomapFault(VmFault& vmf, Pfn* pfnp, DaxInode& inode, IomapOps& ops) {
  if (vmf.pe_size == PageEntrySize::kPmd) co_return co_await PmdFault(vmf, pfnp, inode, ops);
  co_return co_await PteFault(vmf, pfnp, inode, ops);
}

int Dax::IomapPfn(const Iomap& iomap, uint64_t pos, uint64_t size, Pfn* pfn) const {
  const uint64_t pgoff = iomap.block + ((pos - iomap.offset) >> PAGE_SHIFT);
  const int64_t nr = static_cast<int64_t>(size >> PAGE_SHIFT);
  const nvdimm::Pmem::DirectAccessResult r = pmem_->DirectAccess(pgoff, nr);
  if (r.err < 0) return r.err;
  if (r.avail < nr) return kEinval;
  if (size > PAGE_SIZE && (r.pfn & (PTRS_PER_PMD - 1)) != 0) return kEinval;  // !pfn_t aligned
  *pfn = r.pfn;
  return 0;
}

sim::Task<uint32_t> Dax::PteFault(VmFault& vmf, Pfn* pfnp, DaxInode& inode, IomapOps& ops) {
  auto _ = sim_->Enter("dax_iomap_pte_fault");
  vm::Xarray& xa = inode.mapping().i_pages;
  const uint64_t pos = vmf.pgoff << PAGE_SHIFT;
  uint32_t ret = 0;
  TracePte("dax_pte_fault", inode, vmf, 0);
  uint64_t size = 0;
  co_await ReadSize(inode, &size);
  if (pos >= size) {
    ret = VM_FAULT_SIGBUS;
  } else {
    const uint32_t flags =
        IOMAP_FAULT | IOMAP_DAX | (vmf.Write() && !vmf.cow_page ? IOMAP_WRITE : 0);
    // Bug kFaultIomapBeforeEntry (pre-13e451fdc1af): ->iomap_begin runs before the entry is
    // locked, so a write(2) that allocates and invalidates in between finds no entry to wait
    // for, and the fault goes on to map the hole it saw.
    Iomap iomap;
    int err = 0;
    const bool iomap_first = bugs_(Bug::kFaultIomapBeforeEntry);
    if (iomap_first) {
      sim::CallSummary begin(sim_, 0x10b);
      err = co_await ops.IomapBegin(inode, pos, PAGE_SIZE, flags, &iomap);
      begin.Returned(sim::Mix(static_cast<uint64_t>(err), iomap.Digest()));
    }
    sim::CallSummary grab(sim_, 0x96ab);
    Grabbed g;
    if (err >= 0) g = co_await GrabMappingEntry(inode, vmf.pgoff, 0);
    grab.Returned(g.Digest());
    if (err < 0) {
      vmf.iomap_err = err;
      ret = DaxFaultReturn(err);
    } else if (g.error) {
      ret = g.error;
    } else {
      uint64_t entry = g.entry;
      Mm* mm = vmf.vma->mm;
      co_await sim_->Point("pmd_trans_huge?", {mm->PtObject(vmf.address), Access::kRead});
      // Bug kPmdPteCollision: no re-check of the PMD under the entry lock.
      const Pmd::Kind kind = mm->pt.pmd(vmf.address).kind;
      sim_->Observed(static_cast<uint64_t>(kind));
      if (kind == Pmd::Kind::kHuge && !bugs_(Bug::kPmdPteCollision)) {
        ret = VM_FAULT_NOPAGE;  // raced with a PMD fault: the access is retried
      } else {
        if (!iomap_first) {
          sim::CallSummary begin(sim_, 0x10b);
          err = co_await ops.IomapBegin(inode, pos, PAGE_SIZE, flags, &iomap);
          begin.Returned(sim::Mix(static_cast<uint64_t>(err), iomap.Digest()));
        }
        if (err < 0) {
          vmf.iomap_err = err;
          ret = DaxFaultReturn(err);
        } else if (iomap.length < PAGE_SIZE) {
          ret = VM_FAULT_SIGBUS;
        } else {
          sim::CallSummary iter(sim_, 0x17e);
          ret = co_await FaultIter(vmf, iomap, pfnp, inode, vmf.pgoff, &entry, false);
          iter.Returned(IterDigest(ret, entry, *pfnp, vmf));
          if (ret != VM_FAULT_SIGBUS && (iomap.flags & IOMAP_F_NEW)) ret |= VM_FAULT_MAJOR;
          if (!(ret & VM_FAULT_ERROR)) {
            sim::CallSummary end(sim_, 0x10e);
            end.Returned(static_cast<uint64_t>(
                co_await ops.IomapEnd(inode, pos, PAGE_SIZE, PAGE_SIZE, flags, iomap)));
          }
        }
      }
      if (entry != 0) co_await UnlockEntryAt(xa, vmf.pgoff, entry);
    }
  }
  TracePte("dax_pte_fault_done", inode, vmf, ret);
  co_return ret;
}

sim::Task<uint32_t> Dax::PmdFault(VmFault& vmf, Pfn* pfnp, DaxInode& inode, IomapOps& ops) {
  auto _ = sim_->Enter("dax_iomap_pmd_fault");
  vm::Xarray& xa = inode.mapping().i_pages;
  const uint64_t index = vmf.pgoff & ~(PTRS_PER_PMD - 1);
  const uint64_t pmd_addr = vmf.address & PMD_MASK;
  const bool write = vmf.Write();
  const uint32_t flags = IOMAP_FAULT | IOMAP_DAX | (write ? IOMAP_WRITE : 0);
  uint32_t ret = VM_FAULT_FALLBACK;
  uint64_t size = 0;
  co_await ReadSize(inode, &size);
  uint64_t max_pgoff = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
  // Bug kZeroLengthPmd (pre-957ac8c421ad): the last page index, (size - 1) >> PAGE_SHIFT, which
  // underflows for an empty file, compared with '>'.
  if (bugs_(Bug::kZeroLengthPmd)) max_pgoff = ((size - 1) >> PAGE_SHIFT) + 1;
  TracePmd("dax_pmd_fault", inode, vmf, max_pgoff, 0, false);
  if (index >= max_pgoff) {
    ret = VM_FAULT_SIGBUS;
    TracePmd("dax_pmd_fault_done", inode, vmf, max_pgoff, ret, true);
    co_return ret;
  }
  if (!PmdFallback(vmf, max_pgoff)) {
    sim::CallSummary grab(sim_, 0x96ab);
    const Grabbed g = co_await GrabMappingEntry(inode, vmf.pgoff, PMD_ORDER);
    grab.Returned(g.Digest());
    if (g.error) {
      ret = g.error;
    } else {
      uint64_t entry = g.entry;
      Mm* mm = vmf.vma->mm;
      co_await sim_->Point("pmd_none?", {mm->PtObject(pmd_addr), Access::kRead});
      const Pmd::Kind kind = mm->pt.pmd(pmd_addr).kind;
      sim_->Observed(static_cast<uint64_t>(kind));
      if (kind == Pmd::Kind::kTable && !bugs_(Bug::kPmdPteCollision)) {
        ret = 0;  // raced with a PTE fault: retried
      } else {
        Iomap iomap;
        const uint64_t pos = index << PAGE_SHIFT;
        sim::CallSummary begin(sim_, 0x10b);
        const int err = co_await ops.IomapBegin(inode, pos, PMD_SIZE, flags, &iomap);
        begin.Returned(sim::Mix(static_cast<uint64_t>(err), iomap.Digest()));
        if (err == 0 && iomap.offset + iomap.length >= pos + PMD_SIZE && iomap.offset <= pos) {
          sim::CallSummary iter(sim_, 0x17e);
          ret = co_await FaultIter(vmf, iomap, pfnp, inode, index, &entry, true);
          iter.Returned(IterDigest(ret, entry, *pfnp, vmf));
          if (ret != VM_FAULT_FALLBACK) {
            sim::CallSummary end(sim_, 0x10e);
            end.Returned(static_cast<uint64_t>(
                co_await ops.IomapEnd(inode, pos, PMD_SIZE, PMD_SIZE, flags, iomap)));
          }
        }
      }
      co_await UnlockEntryAt(xa, index, entry);
    }
  }
  if (ret == VM_FAULT_FALLBACK) co_await SplitHugePmd(vmf);
  TracePmd("dax_pmd_fault_done", inode, vmf, max_pgoff, ret, true);
  co_return ret;
}

bool Dax::PmdFallback(const VmFault& vmf, uint64_t max_pgoff) const {
  const uint64_t index = vmf.pgoff & ~(PTRS_PER_PMD - 1);
  const uint64_t pmd_addr = vmf.address & PMD_MASK;
  return (vmf.pgoff & (PTRS_PER_PMD - 1)) != ((vmf.address >> PAGE_SHIFT) & (PTRS_PER_PMD - 1)) ||
         (vmf.Write() && !vmf.vma->shared) || pmd_addr < vmf.vma->start ||
         pmd_addr + PMD_SIZE > vmf.vma->end || (index | (PTRS_PER_PMD - 1)) >= max_pgoff;
}

sim::Task<void> Dax::SplitHugePmd(VmFault& vmf) {
  // split_huge_pmd(): a file-backed huge PMD (e.g. the huge zero page) is simply zapped.
  Mm* mm = vmf.vma->mm;
  const uint64_t pmd_addr = vmf.address & PMD_MASK;
  co_await sim_->Point("split_huge_pmd", {mm->PtObject(pmd_addr), Access::kRead});
  const Pmd::Kind kind = mm->pt.pmd(pmd_addr).kind;
  sim_->Observed(static_cast<uint64_t>(kind));
  if (kind == Pmd::Kind::kHuge) {
    co_await vm_->ZapRange(vmf.vma, pmd_addr, pmd_addr + PMD_SIZE, false);
  }
}

sim::Task<uint32_t> Dax::FaultIter(VmFault& vmf, const Iomap& iomap, Pfn* pfnp, DaxInode& inode,
                                   uint64_t index, uint64_t* entry, bool pmd) {
  const uint64_t size = pmd ? PMD_SIZE : PAGE_SIZE;
  const uint64_t pos = index << PAGE_SHIFT;
  const bool write = vmf.Write();
  const bool sync = write && vmf.vma->sync && (iomap.flags & IOMAP_F_DIRTY);
  if (!pmd && vmf.cow_page) co_return co_await FaultCowPage(vmf, iomap, pos);
  if (!write && (iomap.type == IomapType::kUnwritten || iomap.type == IomapType::kHole)) {
    if (!pmd) co_return co_await LoadHole(inode, vmf, index, entry);
    co_return co_await PmdLoadHole(inode, vmf, index, /*dirty=*/true, entry);
  }
  if (iomap.type != IomapType::kMapped) co_return pmd ? VM_FAULT_FALLBACK : VM_FAULT_SIGBUS;
  Pfn pfn = 0;
  const int err = IomapPfn(iomap, pos, size, &pfn);
  if (err < 0) co_return pmd ? VM_FAULT_FALLBACK : DaxFaultReturn(err);
  const bool existing = !dax_is_empty_entry(*entry) && !dax_is_zero_entry(*entry);
  sim::CallSummary insert(sim_, 0x1e5);
  // 6.1's dax_insert_entry(): `dirty = !dax_fault_is_synchronous(iter, vma)`, so read faults
  // mark their entries DIRTY too (an msync after reads writes back); upstream restored
  // `write && ...` for 6.2 ("fsdax,xfs: fix warning messages at dax_[dis]associate_entry()",
  // S. Ruan, 2022-11-24).
  *entry = co_await InsertEntry(inode, vmf, index, *entry, pfn, pmd ? DAX_PMD : 0, !sync);
  insert.Returned(*entry);
  if (bugs_(Bug::kMkwriteUnlocked) && !pmd && write && !sync && existing) {
    // Pre-2f89dc12a25d dax_pfn_mkwrite(): mark DIRTY, release the entry, then let the VM make
    // the PTE writable (wp_pfn_shared) outside the entry lock.
    co_await UnlockEntryAt(inode.mapping().i_pages, index, *entry);
    *entry = 0;  // released: the caller must not unlock it again
  }
  if (sync) {
    *pfnp = pfn;
    co_return VM_FAULT_NEEDDSYNC;
  }
  if (pmd) co_return co_await vm_->InsertPfnPmd(vmf.vma, vmf.address, pfn, write, false);
  co_return co_await vm_->InsertPfn(vmf.vma, vmf.address, pfn, write, false);
}

sim::Task<uint32_t> Dax::LoadHole(DaxInode& inode, VmFault& vmf, uint64_t index, uint64_t* entry,
                                  bool dirty) {
  auto _ = sim_->Enter("dax_load_hole");
  sim::CallSummary insert(sim_, 0x1e5);
  // 6.1: DIRTY, as every entry a fault that is not synchronous inserts (FaultIter).
  *entry = co_await InsertEntry(inode, vmf, index, *entry, kZeroPfn, DAX_ZERO_PAGE, dirty);
  insert.Returned(*entry);
  const uint32_t ret = co_await vm_->InsertPfn(vmf.vma, vmf.address, kZeroPfn, false, true);
  TracePte("dax_load_hole", inode, vmf, ret);
  co_return ret;
}

sim::Task<uint32_t> Dax::PmdLoadHole(DaxInode& inode, VmFault& vmf, uint64_t index, bool dirty,
                                     uint64_t* entry) {
  auto _ = sim_->Enter("dax_pmd_load_hole");
  Mm* mm = vmf.vma->mm;
  const uint64_t pmd_addr = vmf.address & PMD_MASK;
  sim::CallSummary insert(sim_, 0x1e5);
  *entry =
      co_await InsertEntry(inode, vmf, index, *entry, kHugeZeroPfn, DAX_PMD | DAX_ZERO_PAGE, dirty);
  insert.Returned(*entry);
  co_await mm->pmd_lock.Lock();
  co_await sim_->Point("set_pmd_at (huge zero page)", {mm->PtObject(pmd_addr), Access::kWrite});
  Pmd& pmd = mm->pt.mutable_pmd(pmd_addr);
  if (pmd.kind != Pmd::Kind::kNone) {
    co_await mm->pmd_lock.Unlock();
    TracePmdHole("dax_pmd_load_hole_fallback", inode, vmf, true, *entry);
    co_return VM_FAULT_FALLBACK;
  }
  pmd = Pmd{Pmd::Kind::kHuge, kHugeZeroPfn, false, false, true};
  co_await mm->pmd_lock.Unlock();
  TracePmdHole("dax_pmd_load_hole", inode, vmf, true, *entry);
  co_return VM_FAULT_NOPAGE;
}

sim::Task<uint32_t> Dax::FaultCowPage(VmFault& vmf, const Iomap& iomap, uint64_t pos) {
  auto _ = sim_->Enter("dax_fault_cow_page");
  if (iomap.type == IomapType::kMapped) {
    Pfn src = 0;
    const int err = IomapPfn(iomap, pos, PAGE_SIZE, &src);
    if (err < 0) co_return DaxFaultReturn(err);
    co_await sim_->Point("copy_cow_page_dax", {vm_->phys().PageObject(src), Access::kRead});
    // A media error that appeared after dax_direct_access() checked the bad blocks: 6.1 copies
    // with copy_user_page(), and the machine check on the source is fatal to the kernel; the
    // model fails the fault with SIGBUS instead (README "The DAX world"), which the semantics
    // excuses, rather than handing the process a private copy it did not read (found by the
    // 100 000-workload fuzz campaign: the copy kept zeroes and a load returned them).
    if (!vm_->phys().CopyPage(vmf.cow_page, src)) co_return VM_FAULT_SIGBUS;
  }  // hole / unwritten: the anonymous page is already clear
  if (bugs_(Bug::kCowTruncateRace)) {
    vmf.cow_copied = true;  // installed by do_cow_fault after the locks are gone
    co_return VM_FAULT_NOPAGE;
  }
  co_return co_await vm_->InstallAnon(vmf.vma, vmf.address, vmf.cow_page);
}

sim::Task<uint32_t> Dax::InsertPfnMkwrite(VmFault& vmf, Pfn pfn, unsigned order, DaxInode& inode) {
  auto _ = sim_->Enter("dax_insert_pfn_mkwrite");
  vm::Xarray& xa = inode.mapping().i_pages;
  co_await xa.xa_lock.Lock();
  sim::CallSummary get(sim_, 0x6e7);
  const Found f = co_await GetUnlockedEntry(xa, vmf.pgoff, order);
  get.Returned(f.Digest());
  if (!f.entry || f.conflict || (order == 0 && !dax_is_pte_entry(*f.entry))) {
    co_await PutUnlockedEntry(xa, vmf.pgoff, f, WakeMode::kNext);
    co_await xa.xa_lock.Unlock();
    TracePte("dax_insert_pfn_mkwrite_no_entry", inode, vmf, VM_FAULT_NOPAGE);
    co_return VM_FAULT_NOPAGE;
  }
  const uint64_t entry = *f.entry;
  xa.SetMark(vmf.pgoff, vm::XaMark::kDirty);
  LockEntry(xa, vmf.pgoff, entry);
  co_await xa.xa_lock.Unlock();
  NoteEntryLocked(xa, vmf.pgoff, entry);
  uint32_t ret;
  if (order == 0) {
    ret = co_await vm_->InsertPfn(vmf.vma, vmf.address, pfn, true, false);
  } else {
    ret = co_await vm_->InsertPfnPmd(vmf.vma, vmf.address, pfn, true, false);
  }
  co_await UnlockEntryAt(xa, vmf.pgoff, entry);
  TracePte("dax_insert_pfn_mkwrite", inode, vmf, ret);
  co_return ret;
}

}  // namespace daxsim::dax
