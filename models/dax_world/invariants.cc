// The invariants of the DAX world, checked after every step (I1-I8) or at the end:
// I1 no PTE/PMD maps the pfn of a block the fs has freed or given to another offset or file;
// I2 every writable DAX PTE/PMD has a matching entry in the mapping's tree, and at the end every
//    DAX mapping does (read-only ones may briefly outlive a clean entry: the kernel's
//    invalidate_inode_pages2_range() deletes clean entries before it unmaps);
// I3 no PMD entry overlaps PTE entries in a tree, and no huge PMD has PTEs under it;
// I4 entry locks: one holder by construction (a bit); sleepers are checked at quiescence by
//    the engine's lost-wake-up and deadlock detection;
// I5 a writable PTE/PMD of a shared mapping only over a DIRTY-tagged entry;
// I6 no block reaches a user mapping before it is zeroed or written;
// I7 (end) no zero-page mapping survives the allocation of a real block at its offset;
// I8 a pinned page's block is never freed or given to another file or offset;
// I10 (end) no mapping of a device pfn outlives the device's unbind.
#include <string>

#include "models/dax_world/world.h"

namespace daxsim::models {

namespace {

using Result = std::optional<std::string>;

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%#llx", static_cast<unsigned long long>(v));
  return buf;
}

// Visits every user mapping: (mm, vma, address, pfn, writable, is_pmd). A huge PMD is visited
// once, at its first page: the checks below extend to its 512 pages (contiguous by
// construction of a PMD mapping).
template <typename F>
void ForEachMapping(DaxWorld* w, F&& f) {
  for (const auto& [name, mm] : w->mms()) {
    for (const auto& vma : mm->vmas) {
      for (const auto& [idx, pmd] : mm->pt.pmds()) {
        if (pmd.kind != vm::Pmd::Kind::kHuge) continue;
        const uint64_t addr = idx << vm::PMD_SHIFT;
        if (addr < vma->start || addr >= vma->end) continue;
        if (!f(*mm, *vma, addr, pmd.pfn, pmd.write, true)) return;
      }
      const auto& ptes = mm->pt.ptes();
      for (auto it = ptes.lower_bound(vma->start >> vm::PAGE_SHIFT);
           it != ptes.end() && (it->first << vm::PAGE_SHIFT) < vma->end; ++it) {
        if (!f(*mm, *vma, it->first << vm::PAGE_SHIFT, it->second.pfn, it->second.write, false))
          return;
      }
    }
  }
}

}  // namespace

void RegisterInvariants(DaxWorld* w) {
  sim::Sim& sim = w->sim();
  // I1, I2, I5, I6 in one pass over the page tables.
  auto mappings = [w]() -> Result {
    Result bad;
    ForEachMapping(w, [&](const vm::Mm& mm, const vm::Vma& vma, uint64_t addr, vm::Pfn pfn,
                          bool writable, bool pmd) {
      if (!w->pmem().OwnsPfn(pfn)) return true;  // zero page, anonymous COW page
      if (!w->pmem().alive() && w->sim_end) {
        bad = "I10 mapping outlives the device: " + mm.name() + " " + vma.name + " " +
              Hex(addr - vma.start) + " maps pfn " + Hex(pfn) + " after unbind (kill_dax)";
        return false;
      }
      const auto* ip = static_cast<const fs::Inode*>(vma.ops);
      const uint64_t page = vma.PgoffOf(addr);
      const uint64_t block = w->pmem().PfnToPgoff(pfn);
      const std::string where = mm.name() + " " + vma.name + " " + Hex(addr - vma.start) +
                                (pmd ? " (PMD)" : "") + " -> block " + std::to_string(block);
      const uint64_t n = pmd ? vm::PTRS_PER_PMD : 1;
      const std::optional<fs::Filesystem::Owner> owner = w->fs().BlockOwner(block);
      if (!owner) {
        bad = "I1 stale mapping: " + where + " which is free";
        return false;
      }
      if (owner->inode != ip || owner->fsb != page) {
        bad = "I1 stale mapping: " + where + " which now belongs to " + owner->inode->name() +
              " page " + std::to_string(owner->fsb);
        return false;
      }
      if (pmd) {  // the rest of the 2 MiB: one extent, consecutive file pages
        const std::optional<fs::Filesystem::Owner> last = w->fs().BlockOwner(block + n - 1);
        if (!last || last->inode != ip || last->fsb != page + n - 1 ||
            ip->Lookup(page)->second.len < n - (page - ip->Lookup(page)->first)) {
          bad = "I1 stale mapping: " + where + " whose 2 MiB are no longer this file's extent";
          return false;
        }
      }
      for (uint64_t b = block; b < block + n; ++b) {
        if (!w->fs().BlockInitialized(b)) {
          bad = "I6 unzeroed block exposed: " + where + " (block " + std::to_string(b) + ")";
          return false;
        }
      }
      vm::Xarray& xa = const_cast<fs::Inode*>(ip)->mapping().i_pages;
      const std::optional<vm::Xarray::Slot> slot = xa.Load(page);
      if (!slot || dax::dax_is_empty_entry(slot->value) || dax::dax_is_zero_entry(slot->value) ||
          dax::dax_to_pfn(slot->value) + (page - slot->index) != pfn) {
        if (!writable && !w->sim_end) return true;
        bad = "I2 mapping without its entry: " + where;
        return false;
      }
      if (writable && vma.shared && !xa.GetMark(page, vm::XaMark::kDirty)) {
        bad = "I5 writable mapping over a clean entry: " + where;
        return false;
      }
      return true;
    });
    return bad;
  };
  sim.AddInvariant("I1/I2/I5/I6 mappings", mappings);
  sim.AddInvariant(
      "mappings at the end (I2, I10)",
      [w, mappings]() -> Result {
        w->sim_end = true;
        Result r = mappings();
        w->sim_end = false;
        return r;
      },
      /*every_step=*/false);
  sim.AddInvariant("I3 PMD/PTE overlap", [w]() -> Result {
    for (const auto& ip : w->fs().inodes()) {
      const vm::Xarray& xa = ip->mapping().i_pages;
      for (const auto& [index, slot] : xa.slots()) {
        if (slot.order == 0) continue;
        auto next = xa.slots().upper_bound(index);
        if (next != xa.slots().end() && next->first < index + vm::PTRS_PER_PMD) {
          return "I3 PMD entry at " + std::to_string(index) + " of " + ip->name() +
                 " overlaps a PTE entry at " + std::to_string(next->first);
        }
      }
    }
    for (const auto& [name, mm] : w->mms()) {
      for (const auto& [idx, pmd] : mm->pt.pmds()) {
        if (pmd.kind != vm::Pmd::Kind::kHuge) continue;
        const uint64_t vpn = idx << (vm::PMD_SHIFT - vm::PAGE_SHIFT);
        auto it = mm->pt.ptes().lower_bound(vpn);
        if (it != mm->pt.ptes().end() && it->first < vpn + vm::PTRS_PER_PMD) {
          return "I3 " + name + ": a PTE is installed under a huge PMD at " +
                 Hex(idx << vm::PMD_SHIFT);
        }
      }
    }
    return std::nullopt;
  });
  sim.AddInvariant("I8 pinned block", [w]() -> Result {
    for (const DaxWorld::Pin& p : w->pins) {
      const uint64_t block = w->pmem().PfnToPgoff(p.pfn);
      const std::optional<fs::Filesystem::Owner> owner = w->fs().BlockOwner(block);
      if (!owner || owner->inode != p.inode || owner->fsb != p.fsb) {
        return "I8 block " + std::to_string(block) + " pinned for DMA (" + p.inode->name() +
               " page " + std::to_string(p.fsb) + ") was " +
               (owner ? "given to " + owner->inode->name() + " page " + std::to_string(owner->fsb)
                      : std::string("freed"));
      }
    }
    return std::nullopt;
  });
  sim.AddInvariant(
      "linearizability", [w]() -> Result { return CheckLinearizable(*w); }, /*every_step=*/false);
  // I7 at the end: every zero-page mapping is over a hole or an unwritten extent.
  sim.AddInvariant(
      "I7 zero page over data",
      [w]() -> Result {
        Result bad;
        ForEachMapping(w, [&](const vm::Mm& mm, const vm::Vma& vma, uint64_t addr, vm::Pfn pfn,
                              bool, bool pmd) {
          if (!vm::IsZeroPfn(pfn)) return true;
          const auto* ip = static_cast<const fs::Inode*>(vma.ops);
          const uint64_t page = vma.PgoffOf(addr);
          if (auto e = ip->Lookup(page); e && !e->second.unwritten) {
            bad = "I7 zero page still mapped over an allocated block: " + mm.name() + " " +
                  vma.name + " " + Hex(addr - vma.start) + (pmd ? " (PMD)" : "");
            return false;
          }
          return true;
        });
        return bad;
      },
      /*every_step=*/false);
  // I2 at the end: no page of a file mapping (DAX pfn, zero page or COW copy) lies at or beyond
  // EOF: faults there get SIGBUS and truncate unmaps (even COW copies) before it returns.
  sim.AddInvariant(
      "I2 mapping beyond EOF",
      [w]() -> Result {
        Result bad;
        ForEachMapping(
            w, [&](const vm::Mm& mm, const vm::Vma& vma, uint64_t addr, vm::Pfn, bool, bool pmd) {
              const auto* ip = static_cast<const fs::Inode*>(vma.ops);
              const uint64_t last = vma.PgoffOf(addr) + (pmd ? vm::PTRS_PER_PMD - 1 : 0);
              const uint64_t eof_pages = (ip->i_size() + vm::PAGE_SIZE - 1) / vm::PAGE_SIZE;
              if (last >= eof_pages) {
                bad = "I2 mapping beyond EOF: " + mm.name() + " " + vma.name + " " +
                      Hex(addr - vma.start) + (pmd ? " (PMD)" : "") + " maps file page " +
                      std::to_string(last) + " of " + ip->name() + ", whose size is " +
                      std::to_string(ip->i_size());
                return false;
              }
              return true;
            });
        return bad;
      },
      /*every_step=*/false);
}

}  // namespace daxsim::models
