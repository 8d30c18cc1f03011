// The populate_pfns front end, as proposed: the entry tree is a cache of PFNs. A fault grabs
// the entry; a hit maps its PFN with no call into the filesystem and no direct access; a miss
// (an empty entry, or a zero-page entry under a write) unlocks the entry, calls
// a_ops->populate_pfns, and grabs the entry again. populate_pfns inserts entries through
// dax_create_pfns() (block filesystems: one direct access for the whole extent) or
// dax_insert_pfns() (filesystems without a block device), both under the entry lock protocol.
// Holes read as the zero page (dax_load_hole); private write faults copy (dax_fault_cow_page);
// MAP_SYNC write faults return VM_FAULT_NEEDDSYNC while the filesystem's metadata is dirty.
// Emits the same fs_dax fault tracepoints as the iomap path.
// Scheduling points: i_size read, the entry lock, populate_pfns and everything under it, the
// insertions.
#include "sim/dax/dax.h"

namespace daxsim::dax {

using sim::Access;
using namespace vm;

namespace {
constexpr int kMaxPopulate = 3;  // a miss after three populate_pfns calls: retry the access
}  // namespace

sim::Task<uint32_t> Dax::PopulateFault(VmFault& vmf, Pfn* pfnp, DaxInode& inode,
                                       PopulatePfnsOps& ops) {
  const bool pmd = vmf.pe_size == PageEntrySize::kPmd;
  auto _ = sim_->Enter(pmd ? "dax_populate_pmd_fault" : "dax_populate_pte_fault");
  vm::Xarray& xa = inode.mapping().i_pages;
  const unsigned order = pmd ? PMD_ORDER : 0;
  const uint64_t nr = uint64_t{1} << order;
  const uint64_t index = vmf.pgoff & ~(nr - 1);
  const bool write = vmf.Write();
  uint64_t size = 0;
  co_await ReadSize(inode, &size);
  const uint64_t max_pgoff = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
  if (pmd) {
    TracePmd("dax_pmd_fault", inode, vmf, max_pgoff, 0, false);
  } else {
    TracePte("dax_pte_fault", inode, vmf, 0);
  }
  uint32_t ret = pmd ? VM_FAULT_FALLBACK : VM_FAULT_NOPAGE;
  if (index >= max_pgoff) {
    ret = VM_FAULT_SIGBUS;
  } else if (!pmd || !PmdFallback(vmf, max_pgoff)) {
    bool hole = false;
    sim::CallSummary self(sim_, 0x909);  // an attempt carries its number and `hole`
    for (int attempt = 0;; ++attempt) {
      self.LoopHead(sim::Mix(static_cast<uint64_t>(attempt), hole));
      sim::CallSummary grab(sim_, 0x96ab);
      const Grabbed g = co_await GrabMappingEntry(inode, vmf.pgoff, order);
      grab.Returned(g.Digest());
      if (g.error) {
        ret = g.error;
        break;
      }
      uint64_t entry = g.entry;
      Mm* mm = vmf.vma->mm;
      const uint64_t pmd_addr = vmf.address & PMD_MASK;
      co_await sim_->Point(pmd ? "pmd_none?" : "pmd_trans_huge?",
                           {mm->PtObject(pmd_addr), Access::kRead});
      const Pmd::Kind kind = mm->pt.pmd(pmd_addr).kind;
      sim_->Observed(static_cast<uint64_t>(kind));
      if (pmd ? kind == Pmd::Kind::kTable : kind == Pmd::Kind::kHuge) {
        co_await UnlockEntryAt(xa, index, entry);
        ret = pmd ? VM_FAULT_FALLBACK : VM_FAULT_NOPAGE;
        break;
      }
      const bool miss =
          dax_is_empty_entry(entry) || (write && !vmf.cow_page && dax_is_zero_entry(entry));
      if (miss && !(hole && !write)) {
        co_await UnlockEntryAt(xa, index, entry);
        if (attempt == kMaxPopulate) {
          ret = VM_FAULT_NOPAGE;  // the access is retried
          break;
        }
        const PopulateResult r =
            co_await ops.PopulatePfns(inode, index, nr, write && !vmf.cow_page);
        if (r.err < 0) {
          ret = pmd && r.err == -22 ? VM_FAULT_FALLBACK : DaxFaultReturn(r.err);
          break;
        }
        hole = r.hole;
        continue;
      }
      if (vmf.cow_page) {
        Iomap m;
        m.offset = vmf.pgoff << PAGE_SHIFT;
        m.length = PAGE_SIZE;
        if (!dax_is_empty_entry(entry) && !dax_is_zero_entry(entry)) {
          m.type = IomapType::kMapped;
          m.block = pmem_->PfnToPgoff(
              dax_to_pfn(entry) + (dax_is_pmd_entry(entry) ? (vmf.pgoff & (PTRS_PER_PMD - 1)) : 0));
        }
        ret = co_await FaultCowPage(vmf, m, vmf.pgoff << PAGE_SHIFT);
      } else if (dax_is_empty_entry(entry) || dax_is_zero_entry(entry)) {
        // Clean, unlike 6.1's: a hit in the tree serves the zero page without asking the
        // filesystem, so a DIRTY zero entry that write(2)'s invalidation must keep would go on
        // serving it over the new block (props_test "user-visible results").
        ret = pmd ? co_await PmdLoadHole(inode, vmf, index, /*dirty=*/false, &entry)
                  : co_await LoadHole(inode, vmf, index, &entry, /*dirty=*/false);
      } else if (pmd && !dax_is_pmd_entry(entry)) {
        ret = VM_FAULT_FALLBACK;
      } else {
        // A PTE fault under a PMD entry maps the page of the huge extent it falls in.
        const Pfn pfn = dax_to_pfn(entry) +
                        (!pmd && dax_is_pmd_entry(entry) ? (vmf.pgoff & (PTRS_PER_PMD - 1)) : 0);
        const bool sync = write && vmf.vma->sync && ops.MetadataDirty(inode);
        if (write && !sync) {
          co_await xa.xa_lock.Lock();
          xa.SetMark(index, XaMark::kDirty);
          co_await xa.xa_lock.Unlock();
        }
        if (sync) {
          *pfnp = pfn;
          ret = VM_FAULT_NEEDDSYNC;
        } else if (pmd) {
          ret = co_await vm_->InsertPfnPmd(vmf.vma, vmf.address, pfn, write, false);
        } else {
          ret = co_await vm_->InsertPfn(vmf.vma, vmf.address, pfn, write, false);
        }
      }
      co_await UnlockEntryAt(xa, index, entry);
      break;
    }
  }
  if (pmd) {
    if (ret == VM_FAULT_FALLBACK) co_await SplitHugePmd(vmf);
    TracePmd("dax_pmd_fault_done", inode, vmf, max_pgoff, ret, true);
  } else {
    TracePte("dax_pte_fault_done", inode, vmf, ret);
  }
  co_return ret;
}

sim::Task<int> Dax::CreatePfns(DaxInode& inode, uint64_t index, uint64_t nr_pages,
                               const Iomap& extent) {
  auto _ = sim_->Enter("dax_create_pfns");
  // One dax_direct_access() for the whole range.
  const uint64_t pgoff = extent.block + (index - (extent.offset >> PAGE_SHIFT));
  const nvdimm::Pmem::DirectAccessResult r =
      pmem_->DirectAccess(pgoff, static_cast<int64_t>(nr_pages));
  if (r.err < 0) co_return r.err;
  if (r.avail < static_cast<int64_t>(nr_pages)) co_return -22;
  if (nr_pages == PTRS_PER_PMD && (r.pfn & (PTRS_PER_PMD - 1)) != 0) co_return -22;
  co_return co_await InsertPfns(inode, index, nr_pages, r.pfn, false);
}

sim::Task<int> Dax::InsertHole(DaxInode& inode, uint64_t index, uint64_t nr_pages) {
  auto _ = sim_->Enter("dax_insert_hole");
  vm::Xarray& xa = inode.mapping().i_pages;
  const bool pmd = nr_pages == PTRS_PER_PMD;
  const Grabbed g = co_await GrabMappingEntry(inode, index, pmd ? PMD_ORDER : 0);
  if (g.error == VM_FAULT_FALLBACK) co_return -22;
  if (g.error) co_return -12;
  uint64_t entry = g.entry;
  if (dax_is_empty_entry(entry)) {
    entry = co_await InsertPfnEntry(inode, index, entry, pmd ? kHugeZeroPfn : kZeroPfn,
                                    (pmd ? DAX_PMD : 0) | DAX_ZERO_PAGE, false);
  }
  co_await UnlockEntryAt(xa, index, entry);
  co_return 0;
}

sim::Task<int> Dax::InsertPfns(DaxInode& inode, uint64_t index, uint64_t nr_pages, Pfn pfn,
                               bool nolock) {
  auto _ = sim_->Enter("dax_insert_pfns");
  vm::Xarray& xa = inode.mapping().i_pages;
  const bool pmd = nr_pages == PTRS_PER_PMD;
  const unsigned order = pmd ? PMD_ORDER : 0;
  const uint64_t flags = pmd ? DAX_PMD : 0;
  const uint64_t count = pmd ? 1 : nr_pages;
  if (nolock) {
    // The bug: entries stored over whatever is there, locked or not.
    sim::CallSummary self(sim_, 0x1a5);
    for (uint64_t i = 0; i < count; ++i) {
      self.LoopHead(i);
      co_await xa.xa_lock.Lock();
      const std::optional<vm::Xarray::Slot> old = xa.Load(index + i);
      if (!old || dax_is_empty_entry(old->value) || dax_is_zero_entry(old->value)) {
        xa.Store(index + i, order, dax_make_entry(pfn + i, flags));
        if (!old) inode.mapping().nrpages += uint64_t{1} << order;
      }
      co_await xa.xa_lock.Unlock();
    }
    co_return 0;
  }
  // The page asked for goes through the entry lock protocol.
  const Grabbed g = co_await GrabMappingEntry(inode, index, order);
  if (g.error == VM_FAULT_FALLBACK) co_return -22;  // PTE entries where the PMD would go
  if (g.error) co_return -12;
  uint64_t entry = g.entry;
  if (dax_is_empty_entry(entry) || dax_is_zero_entry(entry)) {
    entry = co_await InsertPfnEntry(inode, index, entry, pfn, flags, false);
  }
  co_await UnlockEntryAt(xa, index, entry);
  if (count > 1) co_await InsertPfnsAround(inode, index + 1, count - 1, pfn + 1);
  co_return 0;
}

sim::Task<void> Dax::InsertPfnsAround(DaxInode& inode, uint64_t index, uint64_t count, Pfn pfn) {
  auto _ = sim_->Enter("dax_insert_pfns_around");
  // The rest of the window is opportunistic, as fault-around is (filemap_map_pages() skips
  // every page it cannot take without waiting): under one xa_lock hold, an unlocked PFN entry
  // goes into each slot that holds nothing. A slot with any entry (locked, zero page, PMD) is
  // left to the fault that touches it, which takes the entry lock protocol.
  vm::Xarray& xa = inode.mapping().i_pages;
  co_await xa.xa_lock.Lock();
  for (uint64_t i = 0; i < count; ++i) {
    if (!xa.Load(index + i)) {
      xa.Store(index + i, 0, dax_make_entry(pfn + i, 0));
      ++inode.mapping().nrpages;
    }
  }
  co_await xa.xa_lock.Unlock();
}

}  // namespace daxsim::dax
