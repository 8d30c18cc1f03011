#include "sim/vm/xarray.h"

#include <algorithm>

#include "sim/check.h"
#include "sim/vm/vm.h"

namespace daxsim::vm {

// The slot covering `index`: an order-0 entry at index, else a PMD entry at the aligned index.
// One descent in the common case (the greatest key <= index is index itself, or is the PMD).
absl::btree_map<uint64_t, Xarray::Slot>::const_iterator Xarray::Find(uint64_t index) const {
  const uint64_t aligned = index & ~(PTRS_PER_PMD - 1);
  auto it = slots_.upper_bound(index);
  if (it == slots_.begin()) return slots_.end();
  --it;
  if (it->first == index) return it;
  if (it->first != aligned) it = slots_.find(aligned);  // a PTE entry inside a PMD's range
  if (it != slots_.end() && it->first == aligned && it->second.order == PMD_ORDER) return it;
  return slots_.end();
}

std::optional<uint64_t> Xarray::Key(uint64_t index) const {
  auto it = Find(index);
  if (it == slots_.end()) return std::nullopt;
  return it->first;
}

namespace {
uint64_t MixSlot(uint64_t h, const Xarray::Slot& s) {
  return sim::Mix(sim::Mix(sim::Mix(h, s.index), s.order), s.value);
}
}  // namespace

std::optional<Xarray::Slot> Xarray::Load(uint64_t index) const {
  auto it = Find(index);
  if (it == slots_.end()) {
    sim_->AlsoObserved(0x1d1e);
    return std::nullopt;
  }
  if (sim_->observing()) sim_->AlsoObserved(MixSlot(0x1d, it->second));
  return it->second;
}

std::vector<Xarray::Slot> Xarray::Range(uint64_t first, uint64_t last) const {
  std::vector<Slot> out = RangeOf(first, last);
  if (sim_->observing()) {
    uint64_t h = sim::Mix(0x4a9, out.size());
    for (const Slot& s : out) h = MixSlot(h, s);
    sim_->AlsoObserved(h);
  }
  return out;
}

// 6.1 lib/xarray.c with XA_CHUNK_SHIFT 6: a node holds 64 slots of 1 << shift indexes; an
// entry of order o sits in a node of shift o - o % 6 (a PMD entry: 8 sibling slots of a shift-6
// node); the tree is as tall as its highest entry needs (xas_expand() grows it above the old
// root, xas_shrink() drops a top node whose only child is slot 0); a lone order-0 entry at index
// 0 is the head itself; a node lives while an entry lies under it (xas_delete_node()).
int Xarray::NodesToStore(uint64_t index, unsigned order) const {
  constexpr unsigned kChunk = 6;
  auto slot_shift = [](unsigned o) { return o - o % kChunk; };
  auto top_for = [](uint64_t last, unsigned shift) {
    while ((last >> (shift + kChunk)) != 0) shift += kChunk;
    return static_cast<int>(shift);
  };
  auto last_of = [](const Slot& e) { return e.index + (uint64_t{1} << e.order) - 1; };
  if (auto it = slots_.find(index); it != slots_.end() && it->second.order == order) return 0;
  if (slots_.empty() && index == 0 && order == 0) return 0;
  const bool head_only =
      slots_.size() == 1 && slots_.begin()->second.index == 0 && slots_.begin()->second.order == 0;
  int top_old = -1;  // the root node's shift; -1: no node
  if (!head_only) {
    for (const auto& [key, e] : slots_)
      top_old = std::max(top_old, top_for(last_of(e), slot_shift(e.order)));
  }
  const unsigned shift = slot_shift(order);
  const int top_new =
      std::max({top_old, top_for(index + (uint64_t{1} << order) - 1, shift), head_only ? 0 : -1});
  // The nodes that exist before the store, or that xas_expand() adds on index 0's path.
  auto exists = [&](unsigned s, uint64_t prefix) {
    if (static_cast<int>(s) > top_old) return prefix == 0 && top_old >= 0;  // expansion
    const uint64_t first = prefix << (s + kChunk), last = first + (uint64_t{1} << (s + kChunk)) - 1;
    for (auto it = slots_.lower_bound(first & ~((uint64_t{1} << PMD_ORDER) - 1));
         it != slots_.end() && it->first <= last; ++it) {
      if (slot_shift(it->second.order) <= s && last_of(it->second) >= first) return true;
    }
    return false;
  };
  int nodes = 0;
  if (top_old >= 0) nodes += (top_new - top_old) / static_cast<int>(kChunk);
  if (head_only) nodes += top_new / static_cast<int>(kChunk) + 1;  // index 0's path, from 0
  for (unsigned s = shift; static_cast<int>(s) <= top_new; s += kChunk) {
    const uint64_t prefix = index >> (s + kChunk);
    const bool counted =  // by the expansion above
        prefix == 0 && (head_only || (top_old >= 0 && static_cast<int>(s) > top_old));
    if (!counted && !exists(s, prefix)) ++nodes;
  }
  return nodes;
}

sim::ObjectId Xarray::EntryLockObject(uint64_t key) const {
  DAXSIM_CHECK(key < static_cast<uint64_t>(kEntryLockObjects));
  return entry_locks_ + static_cast<sim::ObjectId>(key);
}

size_t Xarray::size() const {
  sim_->AlsoObserved(sim::Mix(0x512e, slots_.size()));
  return slots_.size();
}

std::vector<Xarray::Slot> Xarray::RangeOf(uint64_t first, uint64_t last) const {
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
  changes_.push_back({first, first + (uint64_t{1} << order) - 1});
  if (const auto it = slots_.find(first); it != slots_.end() && it->second.order == order &&
                                          it->second.value != value &&
                                          ((it->second.value ^ value) & ~lock_bits_) == 0) {
    lock_changes_++;
  }
  if (order != 0) {
    // A multi-index store replaces every entry in its range (xas_store semantics).
    for (const Slot& s : RangeOf(first, first + PTRS_PER_PMD - 1)) {
      if (s.index != first) Erase(s.index);
    }
  }
  slots_[first] = Slot{first, order, value};
  if (order != 0) {
    multi_order_.insert(first);
  } else {
    multi_order_.erase(first);
  }
}

void Xarray::NoteSlot(uint64_t key) {
  changes_.push_back({key, key + (uint64_t{1} << slots_.at(key).order) - 1});
}

void Xarray::Erase(uint64_t index) {
  const std::optional<uint64_t> k = Key(index);
  if (!k) return;
  NoteSlot(*k);
  slots_.erase(*k);
  multi_order_.erase(*k);
  dirty_.erase(*k);
  towrite_.erase(*k);
}

void Xarray::SetMark(uint64_t index, XaMark m) {
  const std::optional<uint64_t> k = Key(index);
  DAXSIM_CHECK(k.has_value());
  NoteSlot(*k);
  (m == XaMark::kDirty ? dirty_ : towrite_).insert(*k);
}

void Xarray::ClearMark(uint64_t index, XaMark m) {
  const std::optional<uint64_t> k = Key(index);
  if (!k) return;
  NoteSlot(*k);
  (m == XaMark::kDirty ? dirty_ : towrite_).erase(*k);
}

bool Xarray::GetMark(uint64_t index, XaMark m) const {
  const std::optional<uint64_t> k = Key(index);
  const bool set = k && (m == XaMark::kDirty ? dirty_ : towrite_).count(*k) > 0;
  sim_->AlsoObserved(sim::Mix(0x6a7, set));
  return set;
}

bool Xarray::AnyMarked(XaMark m) const {
  const bool any = !(m == XaMark::kDirty ? dirty_ : towrite_).empty();
  if (sim_->observing()) sim_->AlsoObserved(sim::Mix(0x3a5, any));
  return any;
}

std::vector<uint64_t> Xarray::Marked(XaMark m, uint64_t first, uint64_t last) const {
  const absl::btree_set<uint64_t>& set = m == XaMark::kDirty ? dirty_ : towrite_;
  std::vector<uint64_t> out;
  for (auto it = set.lower_bound(first & ~(PTRS_PER_PMD - 1)); it != set.end() && *it <= last;
       ++it) {
    const Slot& s = slots_.at(*it);
    if (s.index + (uint64_t{1} << s.order) - 1 >= first) out.push_back(*it);
  }
  if (sim_->observing()) {
    uint64_t h = sim::Mix(0x3a4, out.size());
    for (uint64_t index : out) h = sim::Mix(h, index);
    sim_->AlsoObserved(h);
  }
  return out;
}

uint64_t Xarray::Digest() const {
  uint64_t h = sim::Mix(0x78617272, slots_.size());
  for (const auto& [key, s] : slots_) {
    h = sim::Mix(sim::Mix(sim::Mix(sim::Mix(h, key), s.index), s.order), s.value);
  }
  for (const absl::btree_set<uint64_t>* marks : {&dirty_, &towrite_}) {
    h = sim::Mix(h, marks->size());
    for (uint64_t index : *marks) h = sim::Mix(h, index);
  }
  return h;
}

}  // namespace daxsim::vm
