// Memory failure of a filesystem-DAX page, as madvise(MADV_HWPOISON) drives it on 6.1.
#pragma once

#include <cstdint>

#include "sim/dax/dax.h"
#include "sim/nvdimm/pmem.h"
#include "sim/sim.h"
#include "sim/vm/vm_ops.h"

namespace daxsim::models {

// Mirrors: mm/memory-failure.c memory_failure() -> memory_failure_dev_pagemap() ->
// mf_generic_kill_procs() (6.1) for pmem page `pfn`, which madvise_inject_error() found at file
// page `index` of `inode` (its get_user_pages_fast() reference is dropped first, as
// MF_COUNT_INCREASED asks). The pmem driver's ->memory_failure (dax_holder_notify_failure())
// returns -EOPNOTSUPP on ext4 (no holder) and on xfs without rmapbt (mkfs.xfs 6.1's default), so
// the generic handler runs: dax_lock_page() (-EBUSY when no entry maps the page any more),
// SetPageHWPoison, collect_procs() under i_mmap_rwsem (every VMA of the file over `index`; the
// size each maps the page with, from dev_pagemap_mapping_shift()), unmap_and_kill():
// unmap_mapping_range() of the largest such size (nothing when no process maps the page, COW
// copies kept), dax_unlock_page(). Returns 0 or -EBUSY.
//
// Not modelled: the SIGBUS kill_procs() sends (BUS_MCEERR_AR to the caller, _AO to the other
// processes that mapped the page; a workload has no signal handlers to run). Nothing on 6.1's
// DAX paths reads PageHWPoison, so later faults map the page again and loads, COW copies and
// read(2) see its data (Pmem::Poison).
sim::Task<int> MemoryFailureDevPagemap(sim::Sim& sim, vm::Vm& vm, dax::Dax& dax, nvdimm::Pmem& pmem,
                                       dax::DaxInode& inode, uint64_t index, vm::Pfn pfn);

}  // namespace daxsim::models
