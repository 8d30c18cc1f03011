#include "sim/vm/phys_mem.h"

#include <cstring>

#include "sim/check.h"
#include "sim/digest.h"

namespace daxsim::vm {

PhysMem::PhysMem(sim::Sim& sim, nvdimm::Pmem* pmem)
    : pmem_(pmem),
      dev_first_(sim.NewObjects("page", static_cast<int>(pmem->pages()))),
      anon_first_(sim.NewObjects("anon", kAnonPagesMax)) {}

sim::ObjectId PhysMem::PageObject(Pfn pfn) const {
  if (IsAnonPfn(pfn)) return anon_first_ + static_cast<sim::ObjectId>(pfn - kAnonPfnBase);
  if (IsDevicePfn(pfn)) return dev_first_ + static_cast<sim::ObjectId>(pmem_->PfnToPgoff(pfn));
  return sim::kNoObject;
}

bool PhysMem::Load(Pfn pfn, uint64_t offset, uint8_t* out, uint64_t len) const {
  DAXSIM_CHECK(offset + len <= PAGE_SIZE);
  if (IsZeroPfn(pfn)) {
    std::memset(out, 0, len);
    return true;
  }
  if (IsAnonPfn(pfn)) {
    auto it = anon_.find(pfn);
    DAXSIM_CHECK_MSG(it != anon_.end(), "load from a freed anonymous page");
    std::memcpy(out, it->second.data() + offset, len);
    return true;
  }
  DAXSIM_CHECK(IsDevicePfn(pfn));
  return pmem_->LoadChecked((pfn << PAGE_SHIFT) + offset, out, len);
}

void PhysMem::Store(Pfn pfn, uint64_t offset, const uint8_t* data, uint64_t len) {
  DAXSIM_CHECK(offset + len <= PAGE_SIZE);
  DAXSIM_CHECK_MSG(!IsZeroPfn(pfn), "store to the zero page");
  if (IsAnonPfn(pfn)) {
    auto it = anon_.find(pfn);
    DAXSIM_CHECK_MSG(it != anon_.end(), "store to a freed anonymous page");
    std::memcpy(it->second.data() + offset, data, len);
    return;
  }
  DAXSIM_CHECK(IsDevicePfn(pfn));
  pmem_->Store((pfn << PAGE_SHIFT) + offset, data, len);
}

bool PhysMem::CopyPage(Pfn dst, Pfn src) {
  std::vector<uint8_t> buf(PAGE_SIZE);
  const bool ok = Load(src, 0, buf.data(), PAGE_SIZE);
  Store(dst, 0, buf.data(), PAGE_SIZE);
  return ok;
}

// The lowest free page, as a page allocator hands back what was freed: a COW fault retried
// after a zap reuses the page the zap freed, so the world returns to a state seen before
// (stateful search) instead of counting pages forever.
Pfn PhysMem::AllocAnon() {
  Pfn pfn = kAnonPfnBase;
  for (const auto& [live, bytes] : anon_) {
    if (live != pfn) break;
    pfn++;
  }
  DAXSIM_CHECK(pfn < kAnonPfnBase + kAnonPagesMax);
  anon_[pfn].assign(PAGE_SIZE, 0);
  return pfn;
}

void PhysMem::FreeAnon(Pfn pfn) {
  // A pinned anonymous page (GUP) outlives its mapping: it is freed when the last pin drops.
  if (refs_.count(pfn)) {
    unmapped_anon_.insert(pfn);
    return;
  }
  anon_.erase(pfn);
}

int PhysMem::page_ref_count(Pfn pfn) const {
  auto it = refs_.find(pfn);
  return 1 + (it == refs_.end() ? 0 : it->second);
}

void PhysMem::put_page(Pfn pfn) {
  auto it = refs_.find(pfn);
  DAXSIM_CHECK_MSG(it != refs_.end() && it->second > 0, "put_page without a reference");
  if (--it->second == 0) {
    refs_.erase(it);
    if (unmapped_anon_.erase(pfn)) anon_.erase(pfn);
  }
}

uint64_t PhysMem::PfnDigest(Pfn pfn) const {
  uint64_t h = sim::Mix(sim::Mix(pfn, static_cast<uint64_t>(page_ref_count(pfn))),
                        unmapped_anon_.count(pfn));
  auto it = anon_.find(pfn);
  if (it == anon_.end()) return sim::Mix(h, 0);  // not an anonymous page, or freed
  const std::vector<uint8_t>& bytes = it->second;
  h = sim::Mix(h, bytes.size() + 1);
  for (size_t w = 0; w < bytes.size(); w += 8) {  // little-endian words, the last zero-padded
    uint64_t v = 0;
    for (size_t i = 0; i < 8 && w + i < bytes.size(); ++i) v |= uint64_t{bytes[w + i]} << (8 * i);
    h = sim::Mix(h, v);
  }
  return h;
}

uint64_t PhysMem::Digest() const {
  uint64_t h = sim::Mix(0x7068, anon_.size());
  for (const auto& [pfn, bytes] : anon_) h = sim::Mix(h, PfnDigest(pfn));
  h = sim::Mix(h, refs_.size());
  for (const auto& [pfn, n] : refs_) h = sim::Mix(sim::Mix(h, pfn), static_cast<uint64_t>(n));
  h = sim::Mix(h, unmapped_anon_.size());
  for (Pfn pfn : unmapped_anon_) h = sim::Mix(h, pfn);
  return h;
}

bool PhysMem::ObjectDigest(sim::ObjectId id, uint64_t* out) const {
  if (id >= dev_first_ && id - dev_first_ < pmem_->pages()) {
    const uint64_t pgoff = id - dev_first_;
    *out = sim::Mix(pmem_->PageDigest(pgoff), PfnDigest(pmem_->PgoffToPfn(pgoff)));
  } else if (id >= anon_first_ && id - anon_first_ < static_cast<sim::ObjectId>(kAnonPagesMax)) {
    *out = PfnDigest(kAnonPfnBase + (id - anon_first_));
  } else {
    return false;
  }
  return true;
}

}  // namespace daxsim::vm
