// Zeroing and exposure: users see their data, zeroes, or nothing else.
//   I6 no block reaches a user mapping before it is zeroed or written. Catches: new blocks
//      mapped unzeroed (the XFS_BMAPI_ZERO / 1ca191576fc8 class), zeroing outside the allocating
//      transaction. Per step.
//   I7 (end) no zero-page mapping survives the allocation of a real block at its offset.
//      Catches: a read fault mapping the zero page after write(2) allocated (13e451fdc1af),
//      hole entries not invalidated, the populate_pfns hole race.
#include "props/dax/props.h"

namespace daxsim::props {

Result CheckExposure(DaxWorld* w, const Mapping& m) {
  const uint64_t block = w->pmem().PfnToPgoff(m.pfn);
  const uint64_t n = m.pmd ? vm::PTRS_PER_PMD : 1;
  for (uint64_t b = block; b < block + n; ++b) {
    if (!w->fs().BlockInitialized(b)) {
      return "I6 unzeroed block exposed: " + Where(m) + " -> block " + std::to_string(block) +
             " (block " + std::to_string(b) + ")";
    }
  }
  return std::nullopt;
}

void RegisterExposure(DaxWorld* w) {
  w->sim().AddInvariant(
      "I7 zero page over data",
      [w]() -> Result {
        Result bad;
        // After kill_dax no block's data can be read: a write fault that allocated and then
        // failed its direct access leaves the zero page, which reads as the file does.
        if (!w->pmem().alive()) return bad;
        ForEachMapping(w, [&](const Mapping& m) {
          if (!vm::IsZeroPfn(m.pfn)) return true;
          const auto* ip = static_cast<const fs::Inode*>(m.vma.ops);
          if (auto e = ip->Lookup(m.vma.PgoffOf(m.addr)); e && !e->second.unwritten) {
            InvolveMapping(w, m);
            w->sim().Involve(
                models::BlockKey(e->second.block + (m.vma.PgoffOf(m.addr) - e->first)));
            bad = "I7 zero page still mapped over an allocated block: " + Where(m);
            return false;
          }
          return true;
        });
        return bad;
      },
      /*every_step=*/false);
}

}  // namespace daxsim::props
