// Address spaces: an Mm (mm_struct) with its VMAs, page tables and their locks; the
// AddressSpace of a file (struct address_space: the entry XArray and the i_mmap list of VMAs
// that map it); VmFault (struct vm_fault) and VmOperations (struct vm_operations_struct), the
// interface through which the VM calls a filesystem's fault handlers.
// Scheduling points: none here; see fault.h, user.h and zap.h.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sim/sim.h"
#include "sim/sync/rwsem.h"
#include "sim/sync/spinlock.h"
#include "sim/vm/page_table.h"
#include "sim/vm/vm.h"
#include "sim/vm/xarray.h"

namespace daxsim::vm {

class Mm;
class VmOperations;

// struct address_space of a file: the DAX entry tree and the mappings of the file.
class AddressSpace {
 public:
  AddressSpace(sim::Sim& sim, std::string name, uint64_t ino)
      : i_pages(sim, "i_pages.xa_lock"),
        i_mmap_rwsem(sim, "i_mmap_rwsem", "i_mmap_rwsem"),
        name_(std::move(name)),
        ino_(ino) {
    i_pages.set_owner(name_);
  }
  Xarray i_pages;
  // mapping->nrpages: 6.1 counts a DAX entry as the pages it covers (grab_mapping_entry() adds
  // them with the new entry, the PMD downgrade and __dax_invalidate_entry() take them off); under
  // xa_lock. clear_inode() BUG_ONs if it is not 0 once the last entry is gone.
  uint64_t nrpages = 0;
  sim::RwSem i_mmap_rwsem;  // i_mmap_lock_read/write
  std::vector<struct Vma*> i_mmap;
  const std::string& name() const { return name_; }
  uint64_t ino() const { return ino_; }
  // i_pages, xa_lock, i_mmap_rwsem and the i_mmap list in order (a VMA as its mm's name, start).
  uint64_t Digest() const;
  // xa_lock: with the tree it protects; i_mmap_rwsem: with the i_mmap list; false for others.
  bool ObjectDigest(sim::ObjectId id, uint64_t* out) const;

 private:
  uint64_t IMmapDigest() const;  // the i_mmap list, in order
  std::string name_;
  uint64_t ino_;
};

struct Vma {
  Mm* mm = nullptr;
  uint64_t start = 0, end = 0;  // [start, end)
  uint64_t pgoff = 0;           // file page of `start`
  bool shared = true;           // VM_SHARED
  bool writable = true;         // VM_WRITE
  bool sync = false;            // VM_SYNC (MAP_SYNC)
  AddressSpace* mapping = nullptr;
  VmOperations* ops = nullptr;
  std::string name;  // the workload's mapping name
  uint64_t PgoffOf(uint64_t addr) const { return pgoff + ((addr - start) >> PAGE_SHIFT); }
  uint64_t AddrOf(uint64_t page) const { return start + ((page - pgoff) << PAGE_SHIFT); }
};

// __thp_get_unmapped_area() (6.1) for a DAX file mapping of `len` bytes at file page `pgoff`:
// the offset within a 2 MiB page the mapping's address gets (congruent to the file offset when
// [pgoff, pgoff + len) covers a whole PMD-aligned 2 MiB of the file; else 0: no alignment asked).
inline uint64_t ThpColour(uint64_t pgoff, uint64_t len) {
  const uint64_t off = pgoff << PAGE_SHIFT;
  const uint64_t off_align = (off + PMD_SIZE - 1) & PMD_MASK;
  const bool thp = off + len > off_align && off + len - off_align >= PMD_SIZE;
  return thp ? off & (PMD_SIZE - 1) : 0;
}

// The address thp-style placement picks for `len` bytes of colour `colour` (ThpColour) at or
// after PMD slot `slot`, stepping past every range of `taken` ([start, end), with a free PMD
// slot after it). Mm::InsertVma and the real-kernel harness's address pinning share it.
inline uint64_t PickMappingAddress(uint64_t slot, uint64_t colour, uint64_t len,
                                   const std::vector<std::pair<uint64_t, uint64_t>>& taken) {
  for (bool moved = true; moved;) {
    moved = false;
    for (const auto& [start, end] : taken) {
      if (start < slot + colour + len && slot + colour < end) {
        slot = ((end + PMD_SIZE - 1) & PMD_MASK) + PMD_SIZE;
        moved = true;
      }
    }
  }
  return slot + colour;
}

enum class PageEntrySize { kPte, kPmd };

// struct vm_fault
struct VmFault {
  Vma* vma = nullptr;
  uint64_t address = 0;  // faulting address, page aligned (PMD aligned for PMD faults)
  uint64_t pgoff = 0;
  uint32_t flags = 0;  // FAULT_FLAG_*
  PageEntrySize pe_size = PageEntrySize::kPte;
  Pfn cow_page = 0;  // anonymous page for a private write fault (do_cow_fault), 0 if none
  // Bug kCowTruncateRace (pre-bc2466e42573): the handler only copies into cow_page and sets
  // cow_copied; do_cow_fault installs it after ->fault returned, outside every lock.
  bool cow_copied = false;
  // dax_iomap_fault()'s iomap_errp: the error ->iomap_begin returned (ext4_dax_huge_fault()
  // retries an -ENOSPC after a journal commit).
  int iomap_err = 0;
  bool Write() const { return flags & FAULT_FLAG_WRITE; }
  // What a handler may change (sim::CallSummary results): the rest is fixed at creation.
  uint64_t Digest() const {
    return sim::Mix(
        sim::Mix(sim::Mix(sim::Mix(flags, static_cast<uint64_t>(pe_size)), cow_page), cow_copied),
        static_cast<uint64_t>(iomap_err));
  }
};

// struct vm_operations_struct (the subset DAX filesystems implement) + the file's fsync.
class VmOperations {
 public:
  virtual ~VmOperations() = default;
  virtual sim::Task<uint32_t> Fault(VmFault& vmf) = 0;
  virtual sim::Task<uint32_t> HugeFault(VmFault& vmf) = 0;
  virtual sim::Task<uint32_t> PageMkwrite(VmFault& vmf) = 0;
  virtual sim::Task<uint32_t> PfnMkwrite(VmFault& vmf) = 0;
  virtual bool HugeFaults() const = 0;  // the VMA may map PMDs (VM_HUGEPAGE + DAX)
  // vfs_fsync_range() for msync(MS_SYNC): returns 0 or -errno.
  virtual sim::Task<int> Fsync(uint64_t start, uint64_t end) = 0;
};

// mm_struct: VMAs, page tables, mmap_lock, and the page-table locks (pmd_lock per mm, a PTE lock
// per PTE table, i.e. per 2 MiB of address space, as with split PTE locks).
class Mm {
 public:
  static constexpr uint64_t kMmapBase = uint64_t{1} << 30;  // first mmap address (PMD aligned)
  static constexpr int kPmdSlots = 256;                     // 512 MiB of address space

  Mm(sim::Sim& sim, std::string name);
  const std::string& name() const { return name_; }

  Vma* FindVma(uint64_t addr);
  Vma* FindVmaByName(const std::string& name);
  // Inserts a VMA of `len` bytes (caller holds mmap_lock for write): at proto.start if it is
  // set (MAP_FIXED_NOREPLACE; the range must be free and reserved), else at an address it picks
  // as thp_get_unmapped_area() does for a DAX file (6.1): when [pgoff, pgoff + len) covers a
  // whole PMD-aligned 2 MiB of the file, the address is congruent to the file offset modulo
  // 2 MiB (so that range can be a PMD mapping); otherwise PMD aligned. Each picked mapping starts
  // in a fresh PMD slot past the previous one and every reserved range, with a free slot after it.
  Vma* InsertVma(const Vma& proto, uint64_t len);
  // Keeps [start, end) for fixed mappings (the workload's addr=): InsertVma never picks it.
  void Reserve(uint64_t start, uint64_t end);
  void RemoveVma(Vma* vma);
  void ClearVmas();  // a power failure
  // Moves on whenever the VMA list changes (a VMA's fields are fixed once inserted); never part
  // of a digest.
  uint64_t vma_version() const { return vma_version_; }

  // The footprint object for the page-table entries covering addr (the PMD slot and its PTEs).
  sim::ObjectId PtObject(uint64_t addr) const;
  sim::Spinlock& pte_lock(uint64_t addr);  // pte_lockptr()

  // Name, VMAs, page table, mmap_lock, pmd_lock, held PTE locks and the next mmap address.
  uint64_t Digest() const;
  // A "pt" or "pte_lock" slot, pmd_lock or mmap_lock, with what it protects; false for others.
  bool ObjectDigest(sim::ObjectId id, uint64_t* out) const;

  sim::RwSem mmap_lock;
  sim::Spinlock pmd_lock;  // pmd_lock()
  PageTable pt;
  // Changed only by InsertVma, RemoveVma and ClearVmas (vma_version).
  std::vector<std::unique_ptr<Vma>> vmas;

 private:
  uint64_t VmaListDigest() const;       // the VMAs in order and next_addr_ (under mmap_lock)
  static int PmdIndexOfSlot(int slot);  // the PageTable PMD index of footprint slot `slot`

  sim::Sim* sim_;
  uint64_t vma_version_ = 0;
  std::string name_;
  sim::ObjectId pt_first_;
  sim::ObjectId ptl_first_;
  std::map<uint64_t, sim::Spinlock> pte_locks_;  // by PMD index, made on first use
  uint64_t next_addr_ = kMmapBase;
  std::vector<std::pair<uint64_t, uint64_t>> reserved_;  // [start, end), fixed at set-up
};

}  // namespace daxsim::vm
