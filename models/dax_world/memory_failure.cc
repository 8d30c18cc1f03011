// Mirrors: mm/memory-failure.c memory_failure_dev_pagemap(), mf_generic_kill_procs(),
// collect_procs_file(), dev_pagemap_mapping_shift() and unmap_and_kill() (6.1).
// Scheduling points: the DAX entry lock, i_mmap_rwsem, each page-table read, the unmap.
#include "models/dax_world/memory_failure.h"

#include <algorithm>
#include <vector>

#include "sim/dax/entry.h"

namespace daxsim::models {

using sim::Access;

namespace {

// dev_pagemap_mapping_shift(): the size a VMA maps `addr` with, read from its page table without
// the page-table locks: a DAX PMD leaf, a DAX PTE, or nothing (0; a hole's zero page or a COW copy
// is not a devmap page).
sim::Task<unsigned> MappingShift(sim::Sim& sim, vm::Vma* vma, uint64_t addr) {
  vm::Mm* mm = vma->mm;
  co_await sim.Point("dev_pagemap_mapping_shift", {mm->PtObject(addr), Access::kRead});
  const vm::Pmd& pmd = mm->pt.pmd(addr);
  unsigned shift = 0;
  if (pmd.kind == vm::Pmd::Kind::kHuge) {
    shift = pmd.zero ? 0 : vm::PMD_SHIFT;
  } else if (const vm::Pte* pte = mm->pt.pte(addr)) {
    shift = pte->special || vm::IsAnonPfn(pte->pfn) ? 0 : vm::PAGE_SHIFT;
  }
  sim.Observed(shift);
  co_return shift;
}

// collect_procs_file() + unmap_and_kill()'s size: the largest mapping size of file page `index`
// over every VMA of the file (each process is a task with an mm).
sim::Task<uint64_t> CollectProcs(sim::Sim& sim, vm::AddressSpace& mapping, uint64_t index) {
  auto _ = sim.Enter("collect_procs");
  co_await mapping.i_mmap_rwsem.DownRead();
  const std::vector<vm::Vma*> vmas = mapping.i_mmap;  // stable under i_mmap_rwsem
  uint64_t size = 0;
  for (vm::Vma* vma : vmas) {
    const uint64_t pages = (vma->end - vma->start) >> vm::PAGE_SHIFT;
    if (index < vma->pgoff || index >= vma->pgoff + pages) continue;
    const unsigned shift = co_await MappingShift(sim, vma, vma->AddrOf(index));
    if (shift != 0) size = std::max(size, uint64_t{1} << shift);
  }
  co_await mapping.i_mmap_rwsem.UpRead();
  co_return size;
}

}  // namespace

sim::Task<int> MemoryFailureDevPagemap(sim::Sim& sim, vm::Vm& vm, dax::Dax& dax, nvdimm::Pmem& pmem,
                                       dax::DaxInode& inode, uint64_t index, vm::Pfn pfn) {
  auto _ = sim.Enter("memory_failure_dev_pagemap");
  co_await sim.Point("put_page", {vm.phys().PageObject(pfn), sim::Access::kWrite});
  vm.phys().put_page(pfn);  // MF_COUNT_INCREASED: madvise's reference
  const bool inverted = dax.bugs()(Bug::kTestMfImmapBeforeEntry);
  if (inverted) co_await inode.mapping().i_mmap_rwsem.DownRead();
  const uint64_t cookie = co_await dax.LockEntryForMemoryFailure(inode, index, pfn);
  if (inverted) co_await inode.mapping().i_mmap_rwsem.UpRead();
  if (cookie == 0) co_return -16;  // -EBUSY
  pmem.Poison(pfn);                // SetPageHWPoison()
  const uint64_t size = co_await CollectProcs(sim, inode.mapping(), index);
  if (size != 0) {
    const uint64_t pages = size >> vm::PAGE_SHIFT;
    co_await vm.UnmapMappingPages(&inode.mapping(), index & ~(pages - 1), pages, false);
  }
  co_await dax.UnlockEntry(inode, index, cookie & ~dax::DAX_LOCKED);
  co_return 0;
}

}  // namespace daxsim::models
