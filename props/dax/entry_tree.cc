// The entry tree: the mapping's XArray of DAX entries must describe what is mapped.
//   I2 every writable DAX PTE/PMD has the entry of its pfn in the tree; at the end every DAX
//      mapping does (a read-only one may briefly outlive a clean entry: the kernel's
//      invalidate_inode_pages2_range() deletes clean entries before it unmaps). Catches: entries
//      replaced or erased under a mapping (a PMD entry stored over PTE entries, 0e40de0338d0),
//      insertions that skip the tree.
//   I3 no PMD entry overlaps a PTE entry in one tree, and no huge PMD has PTEs under it.
//      Catches: colliding PMD and PTE faults (generic/437, 0e40de0338d0, 23c84eb78375's
//      predecessors). Per step.
//   nrpages (end): every mapping's nrpages equals the pages its entries cover, what
//      clear_inode()'s BUG_ON(inode->i_data.nrpages) needs once they are deleted. Catches: an
//      entry stored or erased without its accounting (a PMD downgrade, an invalidation that
//      subtracts the order instead of the pages).
#include "props/dax/props.h"

namespace daxsim::props {

Result CheckEntryOfMapping(DaxWorld* w, const Mapping& m) {
  const auto* ip = static_cast<const fs::Inode*>(m.vma.ops);
  const uint64_t page = m.vma.PgoffOf(m.addr);
  vm::Xarray& xa = const_cast<fs::Inode*>(ip)->mapping().i_pages;
  const std::optional<vm::Xarray::Slot> slot = xa.Load(page);
  if (slot && !dax::dax_is_empty_entry(slot->value) && !dax::dax_is_zero_entry(slot->value) &&
      dax::dax_to_pfn(slot->value) + (page - slot->index) == m.pfn) {
    return std::nullopt;
  }
  if (!m.writable && !w->sim_end) return std::nullopt;
  // The README finding: a MAP_SYNC write fault's dax_insert_pfn_mkwrite() takes any PTE-order
  // entry, an empty one too, marks it dirty and maps its PFN over it. Only that function marks
  // an entry dirty without storing a PFN in it, so an empty dirty entry names it.
  const bool mkwrite_over_empty =
      slot && dax::dax_is_empty_entry(slot->value) && xa.GetMark(slot->index, vm::XaMark::kDirty);
  return "I2 mapping without its entry: " + Where(m) + " -> block " +
         std::to_string(w->pmem().PfnToPgoff(m.pfn)) +
         (mkwrite_over_empty ? " (over an empty entry marked dirty: dax_insert_pfn_mkwrite)" : "") +
         InvalidatedMarker(*w, m.pfn);
}

void RegisterEntryTree(DaxWorld* w) {
  w->sim().AddInvariant(
      "nrpages",
      [w]() -> Result {
        for (const auto& ip : w->fs().inodes()) {
          uint64_t covered = 0;
          for (const auto& [key, slot] : ip->mapping().i_pages.slots()) {
            covered += uint64_t{1} << slot.order;
          }
          if (covered != ip->mapping().nrpages) {
            return "nrpages: " + ip->name() + "'s mapping counts " +
                   std::to_string(ip->mapping().nrpages) + " pages, its entries cover " +
                   std::to_string(covered) + " (clear_inode() would BUG_ON)";
          }
        }
        return std::nullopt;
      },
      /*every_step=*/false);
  w->sim().AddInvariant(
      "I3 PMD/PTE overlap",
      [w]() -> Result {
        for (const auto& ip : w->fs().inodes()) {
          const vm::Xarray& xa = ip->mapping().i_pages;
          for (const uint64_t index : xa.multi_order()) {
            auto next = xa.slots().upper_bound(index);
            if (next != xa.slots().end() && next->first < index + vm::PTRS_PER_PMD) {
              w->sim().Involve(models::EntryKey(ip->name(), index));
              w->sim().Involve(models::EntryKey(ip->name(), next->first));
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
              w->sim().Involve(models::PteKey(name, idx << vm::PMD_SHIFT, true));
              w->sim().Involve(models::PteKey(name, it->first << vm::PAGE_SHIFT, false));
              return "I3 " + name + ": a PTE is installed under a huge PMD at " +
                     Hex(idx << vm::PMD_SHIFT);
            }
          }
        }
        return std::nullopt;
      },
      /*every_step=*/true, DaxWorld::kReadsEntries | DaxWorld::kReadsMappings);
}

}  // namespace daxsim::props
