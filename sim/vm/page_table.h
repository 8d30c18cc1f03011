// A process's page tables: PMD slots (none, pointer to a PTE table, or a huge leaf) and PTEs,
// with the bits the DAX path cares about. Plain data: callers hold the page-table locks (Mm's
// pmd_lock / pte_lock) and declare the footprint (Mm::PtObject) at their scheduling points.
// Mirrors: the pmd_none/pmd_trans_huge/pmd_devmap and pte_present/pte_write/pte_dirty views.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "sim/vm/vm.h"

namespace daxsim::vm {

struct Pte {
  Pfn pfn = 0;
  bool write = false;
  bool dirty = false;
  bool special = false;      // pte_special: the zero page (or a pfn without struct page)
  uint64_t Digest() const {  // sim::Sim::Observed()
    return (pfn << 3) | uint64_t{write} | uint64_t{dirty} << 1 | uint64_t{special} << 2;
  }
};

struct Pmd {
  enum class Kind : uint8_t { kNone, kTable, kHuge };
  Kind kind = Kind::kNone;
  Pfn pfn = 0;  // huge leaves: first pfn of the 2 MiB extent
  bool write = false;
  bool dirty = false;
  bool zero = false;         // the huge zero page
  uint64_t Digest() const {  // sim::Sim::Observed()
    return (pfn << 5) | static_cast<uint64_t>(kind) | uint64_t{write} << 2 | uint64_t{dirty} << 3 |
           uint64_t{zero} << 4;
  }
};

class PageTable {
 public:
  static uint64_t PmdIndex(uint64_t addr) { return addr >> PMD_SHIFT; }
  static uint64_t Vpn(uint64_t addr) { return addr >> PAGE_SHIFT; }

  const Pmd& pmd(uint64_t addr) const {
    auto it = pmds_.find(PmdIndex(addr));
    return it == pmds_.end() ? kNonePmd : it->second;
  }
  // Every mutator notes what it may change in changes() (a pointer or reference it returns is
  // written in the same step, before the next scheduling point).
  Pmd& mutable_pmd(uint64_t addr) {
    NotePmd(addr);
    return pmds_[PmdIndex(addr)];
  }
  const Pte* pte(uint64_t addr) const {
    auto it = ptes_.find(Vpn(addr));
    return it == ptes_.end() ? nullptr : &it->second;
  }
  Pte* mutable_pte(uint64_t addr) {
    auto it = ptes_.find(Vpn(addr));
    if (it == ptes_.end()) return nullptr;
    NotePte(addr);
    return &it->second;
  }
  void SetPte(uint64_t addr, const Pte& pte) {
    NotePte(addr);
    ptes_[Vpn(addr)] = pte;
  }
  void ClearPte(uint64_t addr) {
    NotePte(addr);
    ptes_.erase(Vpn(addr));
  }
  // Frees the PTE table under a PMD (free_pgtables on munmap).
  void FreeTable(uint64_t addr);
  // Every table gone (a power failure).
  void Clear() {
    changes_.push_back({0, UINT64_MAX});
    pmds_.clear();
    ptes_.clear();
  }

  const std::map<uint64_t, Pmd>& pmds() const { return pmds_; }
  const std::map<uint64_t, Pte>& ptes() const { return ptes_; }
  // Every PMD that is not none and every present PTE, in address order.
  uint64_t Digest() const;
  // One PMD slot (pmd_slot: PmdIndex(addr), a key of pmds()) and the PTEs under it.
  uint64_t SlotDigest(int pmd_slot) const;
  // The virtual page numbers each mutation may have changed, in order (never part of a digest:
  // two equal tables may have different histories). A check that remembers how many it has
  // seen re-examines only what changed since (props/dax/mapping_coherence.cc).
  const std::vector<IndexRange>& changes() const { return changes_; }

 private:
  static const Pmd kNonePmd;
  std::map<uint64_t, Pmd> pmds_;  // by PMD index
  std::map<uint64_t, Pte> ptes_;  // by virtual page number (present PTEs only)
  void NotePte(uint64_t addr) { changes_.push_back({Vpn(addr), Vpn(addr)}); }
  void NotePmd(uint64_t addr) {
    const uint64_t first = Vpn(addr & PMD_MASK);
    changes_.push_back({first, first + PTRS_PER_PMD - 1});
  }
  std::vector<IndexRange> changes_;
};

}  // namespace daxsim::vm
