// Tests the XArray's lookups (Load, GetMark) against a plain reading of its slots: the entry
// covering an index is the order-0 entry at it, else an order-9 entry at the aligned index.
// Random stores of both orders, including order-0 stores inside a PMD entry's range (the
// overlap a buggy model can make, which I3 reports), erases and marks.
#include "sim/vm/xarray.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <optional>

#include "sim/sim.h"
#include "sim/vm/vm.h"

namespace daxsim::vm {
namespace {

std::optional<Xarray::Slot> PlainLoad(const Xarray& xa, uint64_t index) {
  if (auto it = xa.slots().find(index); it != xa.slots().end()) return it->second;
  auto it = xa.slots().find(index & ~(PTRS_PER_PMD - 1));
  if (it != xa.slots().end() && it->second.order == PMD_ORDER) return it->second;
  return std::nullopt;
}

RC_GTEST_PROP(XarrayTest, LoadFindsTheEntryAPlainReadingOfTheSlotsFinds, ()) {
  sim::Sim s;
  Xarray xa(s, "xa");
  const uint64_t span = 4 * PTRS_PER_PMD;
  const int ops = *rc::gen::inRange(0, 60);
  for (int i = 0; i < ops; ++i) {
    const uint64_t index = *rc::gen::inRange<uint64_t>(0, span);
    switch (*rc::gen::inRange(0, 5)) {
      case 0:
        xa.Store(index, 0, index + 1);
        break;
      case 1:  // at a PMD boundary: replaces a PMD entry there
        xa.Store(index & ~(PTRS_PER_PMD - 1), 0, index + 3);
        break;
      case 2:
        xa.Store(index, PMD_ORDER, index + 7);
        break;
      case 3:
        xa.Erase(index);
        break;
      default:
        if (PlainLoad(xa, index)) xa.SetMark(index, XaMark::kDirty);
    }
  }
  for (uint64_t index = 0; index < span; ++index) {
    const std::optional<Xarray::Slot> want = PlainLoad(xa, index);
    const std::optional<Xarray::Slot> got = xa.Load(index);
    RC_ASSERT(got.has_value() == want.has_value());
    if (!want) {
      RC_ASSERT(!xa.GetMark(index, XaMark::kDirty));
      continue;
    }
    RC_ASSERT(got->index == want->index);
    RC_ASSERT(got->order == want->order);
    RC_ASSERT(got->value == want->value);
  }
  // multi_order() (the per-step I3 check walks it) is exactly the slots of order > 0.
  absl::btree_set<uint64_t> multi;
  for (const auto& [key, slot] : xa.slots()) {
    if (slot.order != 0) multi.insert(key);
  }
  RC_ASSERT(xa.multi_order() == multi);
}

TEST(XarrayTest, APteEntryInsideAPmdRangeIsFoundAtItsIndexAndThePmdElsewhere) {
  sim::Sim s;
  Xarray xa(s, "xa");
  xa.Store(PTRS_PER_PMD, PMD_ORDER, 5);
  xa.Store(PTRS_PER_PMD + 3, 0, 9);
  EXPECT_EQ(xa.Load(PTRS_PER_PMD + 3)->value, 9u);
  EXPECT_EQ(xa.Load(PTRS_PER_PMD + 4)->value, 5u);
  EXPECT_EQ(xa.Load(PTRS_PER_PMD + 2)->index, PTRS_PER_PMD);
  EXPECT_FALSE(xa.Load(2 * PTRS_PER_PMD).has_value());
  xa.SetMark(PTRS_PER_PMD + 100, XaMark::kDirty);
  EXPECT_TRUE(xa.GetMark(PTRS_PER_PMD, XaMark::kDirty));
  EXPECT_FALSE(xa.GetMark(PTRS_PER_PMD + 3, XaMark::kDirty));
}

// xas_create()'s allocations as 6.1's XArray (64 slots a node) would make them: the head holds
// a lone entry at 0; a node per 64 indexes at the bottom, per 4096 above (where PMD entries sit);
// the tree grows above its root only as far as the highest index needs; empty nodes are freed.
TEST(XarrayTest, NodesToStoreCountsTheMissingLevels) {
  sim::Sim s;
  Xarray xa(s, "xa");
  EXPECT_EQ(xa.NodesToStore(0, 0), 0);             // the head
  EXPECT_EQ(xa.NodesToStore(5, 0), 1);             // one shift-0 node
  EXPECT_EQ(xa.NodesToStore(0, PMD_ORDER), 1);     // one shift-6 node (8 sibling slots)
  EXPECT_EQ(xa.NodesToStore(4096, 0), 3);          // shifts 0 and 6 under a shift-12 root
  EXPECT_EQ(xa.NodesToStore(4096, PMD_ORDER), 2);  // shift 6 under a shift-12 root
  xa.Store(0, 0, 0x10);                            // head only
  EXPECT_EQ(xa.NodesToStore(0, 0), 0);             // a replacement
  EXPECT_EQ(xa.NodesToStore(5, 0), 1);             // one node holds both
  EXPECT_EQ(xa.NodesToStore(64, 0), 3);            // root 6, the head's node, 64's node
  xa.Store(5, 0, 0x10);
  EXPECT_EQ(xa.NodesToStore(63, 0), 0);
  EXPECT_EQ(xa.NodesToStore(64, 0), 2);  // a new shift-6 root, then 64's shift-0 node
  xa.Store(64, 0, 0x10);
  EXPECT_EQ(xa.NodesToStore(100, 0), 0);
  EXPECT_EQ(xa.NodesToStore(512, PMD_ORDER), 0);  // into the shift-6 root
  EXPECT_EQ(xa.NodesToStore(4096, 0), 3);         // root 12, shift 6 and 0 under it
  xa.Erase(0);
  xa.Erase(5);
  xa.Erase(64);
  xa.Store(2 * PTRS_PER_PMD, PMD_ORDER, 0x10);
  EXPECT_EQ(xa.NodesToStore(PTRS_PER_PMD + 1, 0), 1);  // beside the PMD entry: a shift-0 node
  EXPECT_EQ(xa.NodesToStore(0, PMD_ORDER), 0);
}

}  // namespace
}  // namespace daxsim::vm
