// The page cache's XArray as DAX uses it: value entries by index, multi-index (order 9)
// entries for PMDs, and the DIRTY / TOWRITE marks; guarded by xa_lock (a spinlock whose
// acquisition orders every access in the model). Plain data under the lock.
// Mirrors: include/linux/xarray.h xa_load/xas_store/xas_set_mark/xas_get_mark (multi-order
// entries stored at the aligned index).
// Stateful search: every read an actor makes tells its continuation what it returned
// (sim::Sim::AlsoObserved), so a step under xa_lock observes the entries it looked at, not the
// whole tree (xa_lock's object digest is then nothing: sim/vm/mm.cc).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "sim/digest.h"
#include "sim/sim.h"
#include "sim/sync/spinlock.h"
#include "sim/vm/vm.h"

namespace daxsim::vm {

enum class XaMark : uint8_t { kDirty, kTowrite };

class Xarray {
 public:
  struct Slot {
    uint64_t index;  // first index covered
    unsigned order;  // 0 or PMD_ORDER
    uint64_t value;
  };

  // Indexes whose DAX entry lock has an object of its own (files up to 128 MiB).
  static constexpr int kEntryLockObjects = 1 << 15;
  Xarray(sim::Sim& sim, const char* name)
      : xa_lock(sim, name, "xa_lock"),
        sim_(&sim),
        entry_locks_(sim.NewObjects("dax_entry", kEntryLockObjects)) {}
  // The file whose mapping holds it (names only: reports and `daxsim explain`).
  void set_owner(std::string owner) { owner_ = std::move(owner); }
  const std::string& owner() const { return owner_; }
  // How reports name an entry: "entry FILE[INDEX]" (models/dax_world/objects.h).
  static std::string EntryName(const std::string& owner, uint64_t index) {
    return "entry " + owner + "[" + std::to_string(index) + "]";
  }
  // The object standing for the lock bit of the entry whose first index is `key`, for lockdep
  // (a pseudo-lock: the kernel's is a bit in the entry, which lockdep does not see).
  sim::ObjectId EntryLockObject(uint64_t key) const;

  // The entry covering `index` (a PTE-size entry there, or a PMD entry over its 2 MiB range).
  std::optional<Slot> Load(uint64_t index) const;
  // Entries of any order intersecting [first, last], in index order.
  std::vector<Slot> Range(uint64_t first, uint64_t last) const;
  // Stores `value` with `order` at index (aligned down); replaces whatever was there.
  void Store(uint64_t index, unsigned order, uint64_t value);
  // xas_create() for a store of a new entry of `order` at `index`: how many nodes it must
  // allocate (0: the slot's node path exists, or the entry fits in the head). Unobserved: the
  // caller's step under xa_lock observes what it decides from it.
  int NodesToStore(uint64_t index, unsigned order) const;
  // Removes the entry covering index (if any), with its marks.
  void Erase(uint64_t index);
  void SetMark(uint64_t index, XaMark m);
  void ClearMark(uint64_t index, XaMark m);
  bool GetMark(uint64_t index, XaMark m) const;
  std::vector<uint64_t> Marked(XaMark m, uint64_t first, uint64_t last) const;
  bool AnyMarked(XaMark m) const;  // xa_marked(): some entry carries m
  size_t size() const;
  // The indexes each mutation of a slot or mark may have changed, in order (never part of a
  // digest); see vm::PageTable::changes().
  const std::vector<IndexRange>& changes() const { return changes_; }
  // Value bits that are a lock, not content (DAX's DAX_LOCKED; set by the filesystem's inode):
  // a store that changes only those is also counted in lock_changes(), so that a reader who
  // ignores the lock (the every-step invariants: DaxWorld::InputChanges) can tell.
  void set_lock_bits(uint64_t bits) { lock_bits_ = bits; }
  size_t lock_changes() const { return lock_changes_; }
  // Unobserved: for checks and the crash, never for a decision an actor keeps.
  // A B-tree (cache-friendly lookups: the per-step mapping pass asks once per mapped page).
  const absl::btree_map<uint64_t, Slot>& slots() const { return slots_; }
  // The first indexes of the multi-order (PMD) slots: a per-step check walks these, not all.
  const absl::btree_set<uint64_t>& multi_order() const { return multi_order_; }
  // Whether the slot whose first index is `key` carries m (unobserved, as slots()).
  bool SlotMarked(uint64_t key, XaMark m) const {
    return (m == XaMark::kDirty ? dirty_ : towrite_).count(key) > 0;
  }
  // Every slot (index, order, value) and every DIRTY / TOWRITE mark, in index order; not xa_lock.
  uint64_t Digest() const;

  sim::Spinlock xa_lock;

 private:
  absl::btree_map<uint64_t, Slot>::const_iterator Find(uint64_t index) const;
  std::optional<uint64_t> Key(uint64_t index) const;
  std::vector<Slot> RangeOf(uint64_t first, uint64_t last) const;
  sim::Sim* sim_;
  sim::ObjectId entry_locks_;
  std::string owner_;                      // set_owner()
  absl::btree_map<uint64_t, Slot> slots_;  // by first index
  absl::btree_set<uint64_t> dirty_, towrite_;
  absl::btree_set<uint64_t> multi_order_;  // keys of slots_ with order > 0
  void NoteSlot(uint64_t key);             // the range of the slot at key
  std::vector<IndexRange> changes_;
  uint64_t lock_bits_ = 0;
  size_t lock_changes_ = 0;
};

}  // namespace daxsim::vm
