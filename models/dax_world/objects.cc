#include "models/dax_world/objects.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "sim/dax/entry.h"

namespace daxsim::models {

namespace {

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%#llx", static_cast<unsigned long long>(v));
  return buf;
}

// "pfn 0x100012 = block 18", "the zero page", "pfn 0x... (anonymous)".
std::string DescribePfn(DaxWorld& w, vm::Pfn pfn) {
  if (vm::IsZeroPfn(pfn)) return "the zero page";
  if (w.pmem().OwnsPfn(pfn))
    return absl::StrCat("pfn ", Hex(pfn), " = block ", w.pmem().PfnToPgoff(pfn));
  return absl::StrCat("pfn ", Hex(pfn), " (anonymous page)");
}

// "PTE entry: pfn 0x100012 = block 18, locked", "PMD entry: zero (hole)", "PTE entry: empty".
std::string DescribeDaxEntry(DaxWorld& w, uint64_t e) {
  std::string s = dax::dax_is_pmd_entry(e) ? "PMD entry: " : "PTE entry: ";
  if (dax::dax_is_empty_entry(e)) {
    s += "empty";
  } else if (dax::dax_is_zero_entry(e)) {
    s += "zero (hole)";
  } else {
    s += DescribePfn(w, dax::dax_to_pfn(e));
  }
  return s + (dax::dax_is_locked(e) ? ", locked" : "");
}

void DescribeMappings(DaxWorld& w, std::map<std::string, std::string>* out) {
  for (const auto& [name, mm] : w.mms()) {
    for (const auto& [index, pmd] : mm->pt.pmds()) {
      if (pmd.kind != vm::Pmd::Kind::kHuge) continue;
      (*out)[PteKey(name, index << vm::PMD_SHIFT, true)] =
          absl::StrCat(pmd.zero ? "the huge zero page" : DescribePfn(w, pmd.pfn),
                       pmd.write ? ", writable" : ", read-only", pmd.dirty ? ", dirty" : "");
    }
    for (const auto& [vpn, pte] : mm->pt.ptes()) {
      (*out)[PteKey(name, vpn << vm::PAGE_SHIFT, false)] =
          absl::StrCat(DescribePfn(w, pte.pfn), pte.write ? ", writable" : ", read-only",
                       pte.dirty ? ", dirty" : "");
    }
  }
}

void DescribeInode(DaxWorld& w, fs::Inode& inode, std::map<std::string, std::string>* out) {
  (*out)[SizeKey(inode.name())] = std::to_string(inode.i_size());
  const vm::Xarray& xa = inode.mapping().i_pages;
  for (const auto& [key, slot] : xa.slots()) {
    std::string marks;
    if (xa.SlotMarked(key, vm::XaMark::kDirty)) marks += ", DIRTY";
    if (xa.SlotMarked(key, vm::XaMark::kTowrite)) marks += ", TOWRITE";
    (*out)[EntryKey(inode.name(), slot.index)] = DescribeDaxEntry(w, slot.value) + marks;
  }
  for (const auto& [fsb, e] : inode.extents()) {
    for (uint64_t i = 0; i < e.len; ++i) {
      (*out)[BlockKey(e.block + i)] =
          absl::StrCat(inode.name(), " page ", fsb + i, e.unwritten ? " (unwritten)" : "",
                       w.fs().BlockInitialized(e.block + i) ? "" : " (not zeroed)");
    }
  }
}

}  // namespace

std::string PteKey(const std::string& mm, uint64_t addr, bool pmd) {
  return absl::StrCat(pmd ? "pmd " : "pte ", mm, " ", Hex(addr));
}
std::string EntryKey(const std::string& file, uint64_t index) {
  return vm::Xarray::EntryName(file, index);
}
std::string BlockKey(uint64_t block) { return absl::StrCat("block ", block); }
std::string SizeKey(const std::string& file) { return "i_size " + file; }
std::string PinsKey(uint64_t block) { return absl::StrCat("pins block ", block); }

std::string EntryKeyAt(fs::Inode& inode, uint64_t index) {
  const std::optional<vm::Xarray::Slot> s = inode.mapping().i_pages.Load(index);
  return EntryKey(inode.name(), s ? s->index : index);
}

std::map<std::string, std::string> DescribeObjects(DaxWorld& w) {
  std::map<std::string, std::string> out;
  DescribeMappings(w, &out);
  for (const auto& inode : w.fs().inodes()) DescribeInode(w, *inode, &out);
  std::map<uint64_t, std::pair<int, bool>> pins;  // block -> (count, any long-term)
  for (const DaxWorld::Pin& p : w.pins) {
    if (!w.pmem().OwnsPfn(p.pfn)) continue;
    auto& [n, longterm] = pins[w.pmem().PfnToPgoff(p.pfn)];
    n++;
    longterm |= p.longterm;
  }
  for (const auto& [block, pin] : pins) {
    out[PinsKey(block)] = absl::StrCat(pin.first, pin.first == 1 ? " pin" : " pins",
                                       pin.second ? " (FOLL_LONGTERM)" : "");
  }
  return out;
}

}  // namespace daxsim::models
