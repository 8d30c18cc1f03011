// Write tracking: writeback can only flush what the tree says is dirty.
//   I5 a writable PTE/PMD of a shared mapping only over a DIRTY-tagged entry; otherwise stores
//      through it are invisible to the next fsync. Catches: pfn_mkwrite making the PTE writable
//      outside the entry lock (2f89dc12a25d), mkclean leaving PMDs writable (f729c8c9b24f).
//      Per step.
#include "props/dax/props.h"

namespace daxsim::props {

Result CheckWriteTracking(DaxWorld* w, const Mapping& m) {
  if (!m.writable || !m.vma.shared) return std::nullopt;
  const auto* ip = static_cast<const fs::Inode*>(m.vma.ops);
  const uint64_t page = m.vma.PgoffOf(m.addr);
  if (const_cast<fs::Inode*>(ip)->mapping().i_pages.GetMark(page, vm::XaMark::kDirty)) {
    return std::nullopt;
  }
  return "I5 writable mapping over a clean entry: " + Where(m) + " -> block " +
         std::to_string(w->pmem().PfnToPgoff(m.pfn));
}

}  // namespace daxsim::props
