// The VM's operations, each a coroutine with its scheduling points: fault dispatch
// (mm/memory.c __handle_mm_fault, do_fault, do_wp_page), pfn insertion (insert_pfn,
// insert_pfn_pmd), zapping (zap_page_range, unmap_mapping_range), user loads and stores through
// the page tables, get_user_pages pins and their release, and the mmap/munmap/madvise/msync
// system calls. Page-table words are read under the footprint Mm::PtObject and changed only under
// pmd_lock / the PTE lock.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/bugs.h"
#include "sim/sim.h"
#include "sim/vm/mm.h"
#include "sim/vm/phys_mem.h"

namespace daxsim::vm {

struct AccessResult {
  enum Kind { kOk, kSigbus, kSigsegv } kind = kOk;
  uint32_t fault = 0;  // the last fault's vm_fault_t
};

// The buffer of a read(2)/write(2): `data` holds the bytes on the kernel's side (write: what
// copy_from_user brought in; read: what is copied out). With `access`, the buffer is user
// memory: access(offset, len, to_user) moves [offset, offset + len) (within one user page)
// between `data` and it as a kernel-mode access (UserAccess with FAULT_FLAG_DEFAULT), and
// returns the access's result (the caller keeps its books on it).
struct UserBuffer {
  uint8_t* data = nullptr;
  std::function<sim::Task<AccessResult>(uint64_t offset, uint64_t len, bool to_user)> access;
  uint64_t addr = 0;  // the user address of data[0] (page boundaries), with `access`
};

// SimOptions::fault_retries_max as a loop bound (0: unbounded).
inline int64_t FaultRetriesMax(const sim::Sim& sim) {
  const int n = sim.options().fault_retries_max;
  return n > 0 ? n : INT64_MAX;
}

class Vm {
 public:
  Vm(sim::Sim& sim, PhysMem& phys, BugSet bugs = {}) : sim_(&sim), phys_(&phys), bugs_(bugs) {}
  const BugSet& bugs() const { return bugs_; }
  sim::Sim& sim() { return *sim_; }
  PhysMem& phys() { return *phys_; }
  // A constant: a Vm holds no mutable state (sim, phys and bugs are fixed at construction).
  uint64_t Digest() const { return 0x566d; }

  // Writes through the page tables, for the write-permission invariant (props/dax): a user
  // store as it lands, a write pin as get_user_pages grants it (the device's DMA writes through
  // the pin later). Called with the VMA and the page the MMU resolved.
  struct PageWrite {
    const char* how;  // "user store", "write pin"
    const Mm* mm;
    const Vma* vma;
    uint64_t addr;
    Pfn pfn;
  };
  std::function<void(const PageWrite&)> on_page_write;
  // wp_page_copy()'s copy of a DAX page machine-checked and __wp_page_copy_user() zero-filled
  // it (6.1: a PFN mapping is copied from the user address, then WARN_ON_ONCE + clear_page);
  // called in the faulting actor, for the oracle's messages.
  std::function<void()> on_cow_copy_zero_filled;

  // ---- fault dispatch (caller holds mmap_lock for read) ----
  sim::Task<uint32_t> HandleMmFault(Vma* vma, uint64_t addr, uint32_t flags);

  // ---- insertion (mm/memory.c, mm/huge_memory.c) ----
  // vmf_insert_mixed / vmf_insert_mixed_mkwrite: REQUIRES the PMD is not huge (callers check
  // under the DAX entry lock; a PTE installed under a huge PMD is a modelled kernel bug).
  sim::Task<uint32_t> InsertPfn(Vma* vma, uint64_t addr, Pfn pfn, bool mkwrite, bool special);
  // vmf_insert_pfn_pmd: installs a huge leaf if the PMD slot is empty (or upgrades write).
  sim::Task<uint32_t> InsertPfnPmd(Vma* vma, uint64_t addr, Pfn pfn, bool write, bool zero);
  // do_cow_fault's finish: install an anonymous page writable (finish_fault).
  sim::Task<uint32_t> InstallAnon(Vma* vma, uint64_t addr, Pfn pfn);

  // ---- zapping ----
  // Zaps [start, end) of one VMA (zap_page_range_single); even_cows also drops COW copies.
  sim::Task<void> ZapRange(Vma* vma, uint64_t start, uint64_t end, bool even_cows);
  // unmap_mapping_pages(): every VMA of `mapping` over file pages [first, first + nr).
  sim::Task<void> UnmapMappingPages(AddressSpace* mapping, uint64_t first, uint64_t nr,
                                    bool even_cows);
  // Write-protects and cleans every PTE/PMD mapping file pages [first, last] of `mapping`
  // (dax_entry_mkclean's rmap walk, page_mkclean_one for DAX).
  sim::Task<void> MkcleanMappingPages(AddressSpace* mapping, uint64_t first, uint64_t last);

  // ---- user accesses (the CPU, faulting as needed) ----
  // Within one page. `data` is read (store) or filled (load). A kernel-mode access
  // (copy_from_user) faults with FAULT_FLAG_DEFAULT, a user one adds FAULT_FLAG_USER.
  sim::Task<AccessResult> UserAccess(Mm* mm, uint64_t addr, uint8_t* data, uint64_t len, bool write,
                                     uint32_t fault_flags = kUserFaultFlags);
  // copy_from_user (to_user false: user memory -> buf.data) or copy_to_user of
  // [offset, offset + len) of a system call's buffer, page by page, stopping at the first
  // access that fails. Returns the bytes copied. A buffer without `access` is the kernel's
  // own: nothing to copy, all of it "copied".
  sim::Task<uint64_t> CopyUser(const UserBuffer& buf, uint64_t offset, uint64_t len, bool to_user);

  // ---- get_user_pages, one page (mm/gup.c) ----
  // Each returns 0 with a page reference in *pfn, or -errno: EFAULT (no VMA, a write to a
  // read-only one, a fault that failed), EOPNOTSUPP (FOLL_LONGTERM on a filesystem-DAX VMA),
  // ENOMEM (VM_FAULT_OOM).
  // get_user_pages_fast(): the lockless walk takes a present page it may (pte_access_permitted;
  // not the zero page's special PTE; not a device page under FOLL_LONGTERM) without mmap_lock,
  // else falls back to GetUserPages.
  sim::Task<int> GetUserPagesFast(Mm* mm, uint64_t addr, uint32_t gup_flags, Pfn* pfn);
  // get_user_pages_unlocked(): __get_user_pages() under mmap_lock for read: check_vma_flags(),
  // then follow_page_mask() and faultin_page() until the page is there.
  sim::Task<int> GetUserPages(Mm* mm, uint64_t addr, uint32_t gup_flags, Pfn* pfn);
  // The DMA into a pinned page completes (`data` lands in it) and the pin is released.
  sim::Task<void> UnpinUserPage(Pfn pfn, uint64_t offset, const uint8_t* data, uint64_t len);

  // ---- system calls ----
  sim::Task<Vma*> Mmap(Mm* mm, const Vma& proto, uint64_t len);
  sim::Task<void> Munmap(Mm* mm, Vma* vma);
  sim::Task<void> MadviseDontneed(Mm* mm, Vma* vma, uint64_t start, uint64_t end);
  sim::Task<int> Msync(Mm* mm, Vma* vma, uint64_t start, uint64_t end);

 private:
  struct Translation {
    bool ok = false;
    Pfn pfn = 0;
    bool operator==(const Translation& o) const { return ok == o.ok && pfn == o.pfn; }
  };
  // What the MMU would do now for an access at addr (read/write permission).
  Translation Translate(Mm* mm, uint64_t addr, bool write) const;
  sim::Task<uint32_t> DoFault(Vma* vma, uint64_t addr, uint32_t flags);
  sim::Task<uint32_t> DoWpPage(Vma* vma, uint64_t addr, uint32_t flags);
  sim::Task<AccessResult> FaultIn(Mm* mm, uint64_t addr, bool write, uint32_t flags);
  // __pte_alloc() under a none PMD; false if the table allocation failed (may_fail).
  sim::Task<bool> PteAlloc(Mm* mm, uint64_t addr, bool may_fail);
  bool PreallocPteFails(uint32_t flags);
  // gup_pte_range() / gup_huge_pmd() for the page at addr: whether the lockless walk takes it.
  Translation GupFastFollow(Mm* mm, uint64_t addr, uint32_t gup_flags) const;
  sim::Task<int> GetUserPagesLocked(Mm* mm, uint64_t addr, uint32_t gup_flags, Pfn* pfn);
  // try_grab_page(): device and anonymous pages take the reference (the zero pages need none).
  void TryGrabPage(Pfn pfn);

  sim::Sim* sim_;
  PhysMem* phys_;
  BugSet bugs_;
};

}  // namespace daxsim::vm
