// The property library of the DAX world: one file per invariant family, each invariant stated
// with the kernel bug class it catches. RegisterAll() installs them on a world: per-step
// predicates over the page tables (one pass shared by the families that look at each mapping),
// end-of-execution checks, and the executor's hooks for user-visible results and crash recovery.
//   mapping_pass.cc       the per-step pass over every mapping (incremental), for the families
//                         below that check each mapping
//   mapping_coherence.cc  I1 stale mappings, I10 mappings of a dead device, I2 beyond EOF
//   entry_tree.cc         I2 every mapping has its entry, I3 no PMD/PTE overlap
//   locking.cc            I4 entry locks and wake-ups
//   write_tracking.cc     I5 writable implies DIRTY
//   exposure.cc           I6 no unzeroed block reaches a mapping, I7 no zero page over data
//   pins.cc               I8 no pinned block freed or reused
//   durability.cc         fsync/msync durability and recovery after a power failure
//   results.cc            I9 user-visible results, no spurious SIGBUS, linearizability
//   write_permission.cc   I11 no write through a mapping or pin that does not permit it
// Each family has a test (props/dax/props_test.cc) in which a catalog bug (models/bugs) breaks it
// and the correct model does not.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include "models/dax_world/objects.h"
#include "models/dax_world/world.h"
#include "props/spec/linearize.h"

namespace daxsim::props {

using Result = std::optional<std::string>;
using models::DaxWorld;

// One user mapping: a PTE, or a huge PMD visited once at its first page (its 512 pages are
// contiguous by construction).
struct Mapping {
  const vm::Mm& mm;
  const vm::Vma& vma;
  uint64_t addr;
  vm::Pfn pfn;
  bool writable;
  bool pmd;
};

std::string Hex(uint64_t v);
std::string Where(const Mapping& m);  // "mm vma +offset (PMD)"
// Names the mapping's PTE (or PMD), the file's entry at its page and the block it maps as what
// the violation being reported is about (Sim::Involve, models/dax_world/objects.h).
void InvolveMapping(DaxWorld* w, const Mapping& m);
// Names page `page` of the file's entry and the block that holds it, if any.
void InvolveFilePage(DaxWorld* w, fs::Inode& ip, uint64_t page);
// " (its clean entry was deleted by invalidate_inode_pages2_range)" if `pfn`'s was (the README
// finding of xfs write(2)'s IOMAP_F_NEW invalidation), else "".
std::string InvalidatedMarker(const DaxWorld& w, vm::Pfn pfn);
// " (dax_layout_busy_page_range skipped its locked entry)" if 6.1's busy-page scan skipped a
// locked entry holding pfn (DaxWorld::busy_skipped_pfns), else "".
std::string BusySkippedMarker(const DaxWorld& w, vm::Pfn pfn);

// The mappings of `vma` that touch virtual pages [vpns.first, vpns.last]: huge PMDs whose
// 2 MiB do (at their first page, which must lie in the VMA), then PTEs, in address order.
// False as soon as `f` returns false.
template <typename F>
bool ForEachMappingIn(const vm::Mm& mm, const vm::Vma& vma, vm::IndexRange vpns, F&& f) {
  const auto& pmds = mm.pt.pmds();
  for (auto it = pmds.lower_bound(vpns.first / vm::PTRS_PER_PMD);
       it != pmds.end() && it->first <= vpns.last / vm::PTRS_PER_PMD; ++it) {
    if (it->second.kind != vm::Pmd::Kind::kHuge) continue;
    const uint64_t addr = it->first << vm::PMD_SHIFT;
    if (addr < vma.start || addr >= vma.end) continue;
    if (!f(Mapping{mm, vma, addr, it->second.pfn, it->second.write, true})) return false;
  }
  const auto& ptes = mm.pt.ptes();
  for (auto it = ptes.lower_bound(std::max(vpns.first, vma.start >> vm::PAGE_SHIFT));
       it != ptes.end() && it->first <= vpns.last && (it->first << vm::PAGE_SHIFT) < vma.end;
       ++it) {
    if (!f(Mapping{mm, vma, it->first << vm::PAGE_SHIFT, it->second.pfn, it->second.write,
                   false})) {
      return false;
    }
  }
  return true;
}

template <typename F>
void ForEachMapping(const DaxWorld* w, F&& f) {
  for (const auto& [name, mm] : w->mms()) {
    for (const auto& vma : mm->vmas) {
      if (!ForEachMappingIn(*mm, *vma, {0, UINT64_MAX}, f)) return;
    }
  }
}

// Per-mapping predicates of a DAX (device) pfn, run in one pass after every step, in this order.
Result CheckMappingCoherence(DaxWorld* w, const Mapping& m);  // I1, I10 (at the end)
Result CheckExposure(DaxWorld* w, const Mapping& m);          // I6
Result CheckEntryOfMapping(DaxWorld* w, const Mapping& m);    // I2
Result CheckWriteTracking(DaxWorld* w, const Mapping& m);     // I5

void RegisterMappingCoherence(DaxWorld* w);
// The shared per-step pass that runs the per-mapping predicates above (mapping_pass.cc).
void RegisterMappingPass(DaxWorld* w);
void RegisterEntryTree(DaxWorld* w);
void RegisterLocking(DaxWorld* w);
void RegisterExposure(DaxWorld* w);
void RegisterPins(DaxWorld* w);
void RegisterDurability(DaxWorld* w);
void RegisterResults(DaxWorld* w);
void RegisterWritePermission(DaxWorld* w);
// Why a write through `vma` into `pfn` is not permitted (nullopt: it is); write_permission.cc.
std::optional<std::string> ForbiddenWrite(const vm::Vma* vma, vm::Pfn pfn);
void RegisterAll(DaxWorld* w);

// The end-of-execution linearizability check (results.cc): the world's history against the
// reference semantics (props/spec); CheckLinearizable is nullopt unless it is a violation.
spec::Verdict CheckHistory(const DaxWorld& world);
std::optional<std::string> CheckLinearizable(const DaxWorld& world);

}  // namespace daxsim::props
