#include "sim/vm/xarray.h"

#include "sim/check.h"
#include "sim/vm/vm.h"

namespace daxsim::vm {

std::optional<uint64_t> Xarray::Key(uint64_t index) const {
  if (slots_.count(index)) return index;
  const uint64_t aligned = index & ~(PTRS_PER_PMD - 1);
  auto it = slots_.find(aligned);
  if (it != slots_.end() && it->second.order == PMD_ORDER) return aligned;
  return std::nullopt;
}

std::optional<Xarray::Slot> Xarray::Load(uint64_t index) const {
  const std::optional<uint64_t> k = Key(index);
  if (!k) return std::nullopt;
  return slots_.at(*k);
}

std::vector<Xarray::Slot> Xarray::Range(uint64_t first, uint64_t last) const {
  std::vector<Slot> out;
  auto it = slots_.lower_bound(first & ~(PTRS_PER_PMD - 1));
  for (; it != slots_.end() && it->first <= last; ++it) {
    const Slot& s = it->second;
    const uint64_t end = s.index + (uint64_t{1} << s.order) - 1;
    if (end >= first) out.push_back(s);
  }
  return out;
}

void Xarray::Store(uint64_t index, unsigned order, uint64_t value) {
  const uint64_t first = order == 0 ? index : index & ~(PTRS_PER_PMD - 1);
  if (order != 0) {
    // A multi-index store replaces every entry in its range (xas_store semantics).
    for (const Slot& s : Range(first, first + PTRS_PER_PMD - 1)) {
      if (s.index != first) Erase(s.index);
    }
  }
  slots_[first] = Slot{first, order, value};
}

void Xarray::Erase(uint64_t index) {
  const std::optional<uint64_t> k = Key(index);
  if (!k) return;
  slots_.erase(*k);
  dirty_.erase(*k);
  towrite_.erase(*k);
}

void Xarray::SetMark(uint64_t index, XaMark m) {
  const std::optional<uint64_t> k = Key(index);
  DAXSIM_CHECK(k.has_value());
  (m == XaMark::kDirty ? dirty_ : towrite_).insert(*k);
}

void Xarray::ClearMark(uint64_t index, XaMark m) {
  const std::optional<uint64_t> k = Key(index);
  if (!k) return;
  (m == XaMark::kDirty ? dirty_ : towrite_).erase(*k);
}

bool Xarray::GetMark(uint64_t index, XaMark m) const {
  const std::optional<uint64_t> k = Key(index);
  if (!k) return false;
  return (m == XaMark::kDirty ? dirty_ : towrite_).count(*k) > 0;
}

std::vector<uint64_t> Xarray::Marked(XaMark m, uint64_t first, uint64_t last) const {
  const std::set<uint64_t>& set = m == XaMark::kDirty ? dirty_ : towrite_;
  std::vector<uint64_t> out;
  for (auto it = set.lower_bound(first & ~(PTRS_PER_PMD - 1)); it != set.end() && *it <= last;
       ++it) {
    const Slot& s = slots_.at(*it);
    if (s.index + (uint64_t{1} << s.order) - 1 >= first) out.push_back(*it);
  }
  return out;
}

uint64_t Xarray::Digest() const {
  uint64_t h = sim::Mix(0x78617272, slots_.size());
  for (const auto& [key, s] : slots_) {
    h = sim::Mix(sim::Mix(sim::Mix(sim::Mix(h, key), s.index), s.order), s.value);
  }
  for (const std::set<uint64_t>* marks : {&dirty_, &towrite_}) {
    h = sim::Mix(h, marks->size());
    for (uint64_t index : *marks) h = sim::Mix(h, index);
  }
  return h;
}

}  // namespace daxsim::vm
