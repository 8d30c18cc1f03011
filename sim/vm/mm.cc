#include "sim/vm/mm.h"

#include <algorithm>

#include "sim/check.h"

namespace daxsim::vm {

const Pmd PageTable::kNonePmd{};

void PageTable::FreeTable(uint64_t addr) {
  const uint64_t first = Vpn(addr & PMD_MASK);
  ptes_.erase(ptes_.lower_bound(first), ptes_.lower_bound(first + PTRS_PER_PMD));
  pmds_.erase(PmdIndex(addr));
}

Mm::Mm(sim::Sim& sim, std::string name)
    : mmap_lock(sim, "mmap_lock", "mmap_lock"),
      pmd_lock(sim, "pmd_lock", "pmd_lock"),
      sim_(&sim),
      name_(std::move(name)),
      pt_first_(sim.NewObjects("pt", kPmdSlots)),
      ptl_first_(sim.NewObjects("pte_lock", kPmdSlots)) {}

Vma* Mm::FindVma(uint64_t addr) {
  for (auto& v : vmas) {
    if (addr >= v->start && addr < v->end) return v.get();
  }
  return nullptr;
}

Vma* Mm::FindVmaByName(const std::string& name) {
  for (auto& v : vmas) {
    if (v->name == name) return v.get();
  }
  return nullptr;
}

Vma* Mm::InsertVma(const Vma& proto, uint64_t len) {
  auto v = std::make_unique<Vma>(proto);
  v->mm = this;
  v->start = next_addr_;
  v->end = next_addr_ + len;
  // Keep the next mapping PMD-aligned, with a guard gap.
  next_addr_ = ((v->end + PMD_SIZE - 1) & PMD_MASK) + PMD_SIZE;
  DAXSIM_CHECK(PageTable::PmdIndex(next_addr_ - kMmapBase) < static_cast<uint64_t>(kPmdSlots));
  vmas.push_back(std::move(v));
  return vmas.back().get();
}

void Mm::RemoveVma(Vma* vma) {
  vmas.erase(std::remove_if(vmas.begin(), vmas.end(),
                            [vma](const std::unique_ptr<Vma>& v) { return v.get() == vma; }),
             vmas.end());
}

sim::ObjectId Mm::PtObject(uint64_t addr) const {
  DAXSIM_CHECK(addr >= kMmapBase);
  const uint64_t i = PageTable::PmdIndex(addr - kMmapBase);
  DAXSIM_CHECK(i < static_cast<uint64_t>(kPmdSlots));
  return pt_first_ + static_cast<sim::ObjectId>(i);
}

sim::Spinlock& Mm::pte_lock(uint64_t addr) {
  DAXSIM_CHECK(addr >= kMmapBase);
  const uint64_t i = PageTable::PmdIndex(addr - kMmapBase);
  DAXSIM_CHECK(i < static_cast<uint64_t>(kPmdSlots));
  auto it = pte_locks_.find(i);
  if (it == pte_locks_.end()) {
    it = pte_locks_
             .emplace(i, sim::Spinlock(*sim_, ptl_first_ + static_cast<sim::ObjectId>(i), "ptl"))
             .first;
  }
  return it->second;
}

}  // namespace daxsim::vm
