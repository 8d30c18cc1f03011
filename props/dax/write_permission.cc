// Writes that must not happen.
//   I11 every write that reaches a page through the page tables is permitted: a user store
//      through a writable mapping of a VMA with PROT_WRITE, into the file's page for a shared
//      mapping and into the process's own copy for a private one, never into the zero page;
//      a write pin (get_user_pages with FOLL_WRITE) likewise, its DMA checked when the device
//      writes. Filesystem writes (write(2), zeroing, fallocate) go to the media, not through
//      page tables, and are always permitted. Reported at the write. Catches: faults that
//      install a writable entry for a read fault or in a read-only VMA, COW faults that map the
//      file's page writable in a private mapping (the class of CVE-2016-5195 "Dirty COW"),
//      pins that write through read-only mappings.
#include "props/dax/props.h"

namespace daxsim::props {

std::optional<std::string> ForbiddenWrite(const vm::Vma* vma, vm::Pfn pfn) {
  if (vma == nullptr) return "outside any mapping";
  if (!vma->writable) return "through a read-only mapping";
  if (vm::IsZeroPfn(pfn)) return "into the zero page";
  if (!vma->shared && !vm::IsAnonPfn(pfn)) return "into the file's page through a private mapping";
  return std::nullopt;
}

void RegisterWritePermission(DaxWorld* w) {
  w->vm().on_page_write = [w](const vm::Vm::PageWrite& pw) {
    const std::optional<std::string> why = ForbiddenWrite(pw.vma, pw.pfn);
    if (!why) return;
    const std::string where = pw.mm->name() + " " + Hex(pw.addr) + " -> pfn " + Hex(pw.pfn);
    if (std::string(pw.how) == "write pin") {
      w->forbidden_pins[pw.pfn] = *why + " (" + where + ")";
      return;
    }
    w->sim().Report(sim::ViolationKind::kInvariant, "I11 forbidden write",
                    "I11 forbidden write: a " + std::string(pw.how) + " " + *why + ": " + where);
  };
  w->on_dma_write = [w](vm::Pfn pfn, const std::string& where) {
    auto it = w->forbidden_pins.find(pfn);
    if (it == w->forbidden_pins.end()) return;
    const std::string why = it->second;
    w->forbidden_pins.erase(it);
    w->sim().Report(
        sim::ViolationKind::kInvariant, "I11 forbidden write",
        "I11 forbidden write: a DMA write through a pin taken " + why + ", unpin " + where);
  };
}

}  // namespace daxsim::props
