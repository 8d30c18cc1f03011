#include "sim/vm/mm.h"

#include <algorithm>
#include <iterator>

#include "sim/check.h"
#include "sim/digest.h"

namespace daxsim::vm {
namespace {

using sim::Mix;

// A none PMD that was never written, or was cleared to Pmd{}: the code reads it as absent.
bool IsNonePmd(const Pmd& p) {
  return p.kind == Pmd::Kind::kNone && p.pfn == 0 && !p.write && !p.dirty && !p.zero;
}

uint64_t MixPmd(uint64_t h, const Pmd& p) {
  h = Mix(h, static_cast<uint64_t>(p.kind) | uint64_t{p.write} << 8 | uint64_t{p.dirty} << 9);
  return Mix(Mix(h, p.zero), p.pfn);
}

uint64_t MixPte(uint64_t h, const Pte& p) {
  return Mix(Mix(h, p.pfn), p.write | uint64_t{p.dirty} << 1 | uint64_t{p.special} << 2);
}

}  // namespace

const Pmd PageTable::kNonePmd{};

void PageTable::FreeTable(uint64_t addr) {
  NotePmd(addr);
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

void Mm::Reserve(uint64_t start, uint64_t end) {
  DAXSIM_CHECK(start >= kMmapBase && end > start && (start & (PAGE_SIZE - 1)) == 0);
  DAXSIM_CHECK(PageTable::PmdIndex(end - 1 - kMmapBase) < static_cast<uint64_t>(kPmdSlots));
  reserved_.emplace_back(start, end);
}

Vma* Mm::InsertVma(const Vma& proto, uint64_t len) {
  auto v = std::make_unique<Vma>(proto);
  v->mm = this;
  if (proto.start != 0) {  // MAP_FIXED_NOREPLACE inside a reserved range
    v->end = proto.start + len;
    DAXSIM_CHECK(std::any_of(reserved_.begin(), reserved_.end(), [&](const auto& r) {
      return r.first <= v->start && v->end <= r.second;
    }));
  } else {
    const uint64_t colour = ThpColour(proto.pgoff, len);
    v->start = PickMappingAddress(next_addr_, colour, len, reserved_);
    v->end = v->start + len;
    // The next picked mapping starts in a fresh PMD slot, with a guard gap.
    next_addr_ = ((v->end + PMD_SIZE - 1) & PMD_MASK) + PMD_SIZE;
  }
  DAXSIM_CHECK(PageTable::PmdIndex(std::max(next_addr_, v->end) - 1 - kMmapBase) <
               static_cast<uint64_t>(kPmdSlots));
  vmas.push_back(std::move(v));
  ++vma_version_;
  return vmas.back().get();
}

void Mm::RemoveVma(Vma* vma) {
  vmas.erase(std::remove_if(vmas.begin(), vmas.end(),
                            [vma](const std::unique_ptr<Vma>& v) { return v.get() == vma; }),
             vmas.end());
  ++vma_version_;
}

void Mm::ClearVmas() {
  vmas.clear();
  ++vma_version_;
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

uint64_t PageTable::Digest() const {
  uint64_t pmds = 0;
  for (const auto& e : pmds_) pmds += IsNonePmd(e.second) ? 0 : 1;
  uint64_t h = Mix(0x7074, pmds);
  for (const auto& [index, p] : pmds_) {
    if (!IsNonePmd(p)) h = MixPmd(Mix(h, index), p);
  }
  h = Mix(h, ptes_.size());
  for (const auto& [vpn, p] : ptes_) h = MixPte(Mix(h, vpn), p);
  return h;
}

uint64_t PageTable::SlotDigest(int pmd_slot) const {
  DAXSIM_CHECK(pmd_slot >= 0);
  const uint64_t slot = static_cast<uint64_t>(pmd_slot);
  auto pmd = pmds_.find(slot);
  uint64_t h = Mix(0x736c6f74, slot);
  h = pmd == pmds_.end() ? MixPmd(h, kNonePmd) : MixPmd(h, pmd->second);
  const auto begin = ptes_.lower_bound(slot * PTRS_PER_PMD);
  const auto end = ptes_.lower_bound((slot + 1) * PTRS_PER_PMD);
  h = Mix(h, static_cast<uint64_t>(std::distance(begin, end)));
  for (auto it = begin; it != end; ++it) h = MixPte(Mix(h, it->first), it->second);
  return h;
}

uint64_t AddressSpace::IMmapDigest() const {
  uint64_t h = Mix(0x696d6d6170, i_mmap.size());
  for (const Vma* v : i_mmap) h = Mix(sim::MixString(h, v->mm->name()), v->start);
  return h;
}

uint64_t AddressSpace::Digest() const {
  const uint64_t h = Mix(Mix(Mix(ino_, i_pages.Digest()), i_pages.xa_lock.Digest()), nrpages);
  return Mix(Mix(h, i_mmap_rwsem.Digest()), IMmapDigest());
}

bool AddressSpace::ObjectDigest(sim::ObjectId id, uint64_t* out) const {
  if (id == i_pages.xa_lock.id()) {
    *out = 0x78617272;  // its reads observe what they return (xarray.h)
  } else if (id == i_mmap_rwsem.id()) {
    *out = IMmapDigest();
  } else {
    return false;
  }
  return true;
}

// Left out: Vma::ops (fixed by the mapping's filesystem; a pointer) and Vma::mm (always this).
uint64_t Mm::VmaListDigest() const {
  uint64_t h = Mix(0x766d61, vmas.size());
  for (const auto& v : vmas) {
    h = Mix(Mix(Mix(h, v->start), v->end), v->pgoff);
    h = Mix(h, uint64_t{v->shared} | uint64_t{v->writable} << 1 | uint64_t{v->sync} << 2);
    h = sim::MixString(Mix(h, v->mapping != nullptr ? v->mapping->ino() : 0), v->name);
  }
  return Mix(h, next_addr_);
}

int Mm::PmdIndexOfSlot(int slot) {
  return static_cast<int>(PageTable::PmdIndex(kMmapBase)) + slot;  // as PtObject(), pte_lock()
}

uint64_t Mm::Digest() const {
  uint64_t h = Mix(Mix(sim::MixString(0x6d6d, name_), VmaListDigest()), pt.Digest());
  h = Mix(Mix(h, mmap_lock.Digest()), pmd_lock.Digest());
  for (const auto& [slot, lock] : pte_locks_) {  // held ones: a free lock is as none
    if (lock.owner() != sim::kNoActor) h = Mix(Mix(h, slot), lock.Digest());
  }
  return h;
}

bool Mm::ObjectDigest(sim::ObjectId id, uint64_t* out) const {
  if (id >= pt_first_ && id - pt_first_ < static_cast<sim::ObjectId>(kPmdSlots)) {
    *out = pt.SlotDigest(PmdIndexOfSlot(static_cast<int>(id - pt_first_)));
  } else if (id >= ptl_first_ && id - ptl_first_ < static_cast<sim::ObjectId>(kPmdSlots)) {
    const int slot = static_cast<int>(id - ptl_first_);
    *out = pt.SlotDigest(PmdIndexOfSlot(slot));  // a lock: the slot it guards (sim::StateModel)
  } else if (id == pmd_lock.id()) {
    *out = pt.Digest();
  } else if (id == mmap_lock.id()) {
    *out = VmaListDigest();
  } else {
    return false;
  }
  return true;
}

}  // namespace daxsim::vm
