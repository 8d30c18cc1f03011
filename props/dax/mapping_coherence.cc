// Mapping coherence: what the page tables point at must still be the file's.
//   I1  no PTE/PMD maps a block the filesystem has freed or given to another file or offset.
//       Catches: fault vs truncate/punch races that map a block the truncate then frees
//       (283307c7607d, CVE-2015-8839 ea3d7209ca01, de0e8c20ba3a), stale PMDs after a split
//       extent. Per step.
//   I10 (end) no mapping of a device pfn outlives the device's unbind (kill_dax): in-flight
//       faults must end in SIGBUS. Catches: faults that pass dax_direct_access before the unbind
//       and install after its unmap.
//   I2' (end) no page of a file mapping (DAX pfn, zero page or COW copy) lies at or beyond EOF:
//       faults there get SIGBUS and truncate unmaps even COW copies before it returns. Catches:
//       COW pages installed after truncate (bc2466e42573), PMD EOF arithmetic (957ac8c421ad).
// The per-mapping predicates run in the shared pass of mapping_pass.cc.
#include <optional>

#include "props/dax/props.h"

namespace daxsim::props {

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%#llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string InvalidatedMarker(const DaxWorld& w, vm::Pfn pfn) {
  return w.invalidated_pfns.contains(pfn)
             ? " (its clean entry was deleted by invalidate_inode_pages2_range)"
             : "";
}

std::string BusySkippedMarker(const DaxWorld& w, vm::Pfn pfn) {
  return w.busy_skipped_pfns.contains(pfn)
             ? " (dax_layout_busy_page_range skipped its locked entry)"
             : "";
}

void InvolveMapping(DaxWorld* w, const Mapping& m) {
  sim::Sim& sim = w->sim();
  sim.Involve(models::PteKey(m.mm.name(), m.addr, m.pmd));
  auto* ip = const_cast<fs::Inode*>(static_cast<const fs::Inode*>(m.vma.ops));
  sim.Involve(models::EntryKeyAt(*ip, m.vma.PgoffOf(m.addr)));
  if (w->pmem().OwnsPfn(m.pfn)) sim.Involve(models::BlockKey(w->pmem().PfnToPgoff(m.pfn)));
}

void InvolveFilePage(DaxWorld* w, fs::Inode& ip, uint64_t page) {
  w->sim().Involve(models::EntryKeyAt(ip, page));
  if (auto e = ip.Lookup(page))
    w->sim().Involve(models::BlockKey(e->second.block + page - e->first));
}

std::string Where(const Mapping& m) {
  return m.mm.name() + " " + m.vma.name + " " + Hex(m.addr - m.vma.start) + (m.pmd ? " (PMD)" : "");
}

Result CheckMappingCoherence(DaxWorld* w, const Mapping& m) {
  if (!w->pmem().alive() && w->sim_end) {
    return "I10 mapping outlives the device: " + Where(m) + " maps pfn " + Hex(m.pfn) +
           " after unbind (kill_dax)";
  }
  const auto* ip = static_cast<const fs::Inode*>(m.vma.ops);
  const uint64_t page = m.vma.PgoffOf(m.addr);
  const uint64_t block = w->pmem().PfnToPgoff(m.pfn);
  // Built only for a message: this runs for every mapped page after every step.
  auto where = [&] { return Where(m) + " -> block " + std::to_string(block); };
  auto owner_of = [w](uint64_t b) {
    return w->owners != nullptr ? w->owners->Find(b) : w->fs().BlockOwner(b);
  };
  const std::optional<fs::Filesystem::Owner> owner = owner_of(block);
  if (!owner) return "I1 stale mapping: " + where() + " which is free";
  if (owner->inode != ip || owner->fsb != page) {
    return "I1 stale mapping: " + where() + " which now belongs to " + owner->inode->name() +
           " page " + std::to_string(owner->fsb);
  }
  if (m.pmd) {  // the rest of the 2 MiB: one extent, consecutive file pages
    const uint64_t n = vm::PTRS_PER_PMD;
    const std::optional<fs::Filesystem::Owner> last = owner_of(block + n - 1);
    if (!last || last->inode != ip || last->fsb != page + n - 1 ||
        ip->Lookup(page)->second.len < n - (page - ip->Lookup(page)->first)) {
      return "I1 stale mapping: " + where() + " whose 2 MiB are no longer this file's extent";
    }
  }
  return std::nullopt;
}

void RegisterMappingCoherence(DaxWorld* w) {
  sim::Sim& sim = w->sim();
  RegisterMappingPass(w);
  sim.AddInvariant(
      "I2 mapping beyond EOF",
      [w]() -> Result {
        Result bad;
        ForEachMapping(w, [&](const Mapping& m) {
          const auto* ip = static_cast<const fs::Inode*>(m.vma.ops);
          const uint64_t last = m.vma.PgoffOf(m.addr) + (m.pmd ? vm::PTRS_PER_PMD - 1 : 0);
          const uint64_t eof_pages = (ip->i_size() + vm::PAGE_SIZE - 1) / vm::PAGE_SIZE;
          if (last < eof_pages) return true;
          InvolveMapping(w, m);
          w->sim().Involve(models::SizeKey(ip->name()));
          bad = "I2 mapping beyond EOF: " + Where(m) + " maps file page " + std::to_string(last) +
                " of " + ip->name() + ", whose size is " + std::to_string(ip->i_size());
          return false;
        });
        return bad;
      },
      /*every_step=*/false);
}

void RegisterAll(DaxWorld* w) {
  RegisterMappingCoherence(w);
  RegisterEntryTree(w);
  RegisterLocking(w);
  RegisterExposure(w);
  RegisterPins(w);
  RegisterDurability(w);
  RegisterResults(w);
  RegisterWritePermission(w);
}

}  // namespace daxsim::props
