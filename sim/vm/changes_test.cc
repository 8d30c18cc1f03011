// Every mutator of vm::PageTable and vm::Xarray notes the page range it may have changed
// (changes()), which the incremental mapping pass (props/dax/mapping_pass.cc) relies on: a
// mutation it missed would leave a mapping unchecked.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>

#include "sim/sim.h"
#include "sim/vm/mm.h"
#include "sim/vm/page_table.h"
#include "sim/vm/vm.h"
#include "sim/vm/xarray.h"

namespace daxsim::vm {
namespace {

constexpr uint64_t kA = uint64_t{1} << 30;  // PMD aligned
constexpr uint64_t kVpn = kA >> PAGE_SHIFT;

// The one range `mutate` noted.
IndexRange Noted(PageTable& t, const std::function<void(PageTable&)>& mutate) {
  const size_t before = t.changes().size();
  mutate(t);
  EXPECT_EQ(t.changes().size(), before + 1);
  return t.changes().back();
}

IndexRange Noted(Xarray& x, const std::function<void(Xarray&)>& mutate) {
  const size_t before = x.changes().size();
  mutate(x);
  EXPECT_EQ(x.changes().size(), before + 1);
  return x.changes().back();
}

TEST(ChangesTest, EveryPageTableMutatorNotesItsRange) {
  PageTable t;
  auto is = [](IndexRange r, uint64_t first, uint64_t last) {
    return r.first == first && r.last == last;
  };
  EXPECT_TRUE(
      is(Noted(t, [](PageTable& x) { x.SetPte(kA + 3 * PAGE_SIZE, Pte{1}); }), kVpn + 3, kVpn + 3));
  EXPECT_TRUE(is(Noted(t, [](PageTable& x) { x.mutable_pte(kA + 3 * PAGE_SIZE)->write = true; }),
                 kVpn + 3, kVpn + 3));
  EXPECT_TRUE(
      is(Noted(t, [](PageTable& x) { x.ClearPte(kA + 3 * PAGE_SIZE); }), kVpn + 3, kVpn + 3));
  EXPECT_TRUE(is(Noted(t, [](PageTable& x) { x.mutable_pmd(kA + 5 * PAGE_SIZE).write = true; }),
                 kVpn, kVpn + PTRS_PER_PMD - 1));
  EXPECT_TRUE(is(Noted(t, [](PageTable& x) { x.FreeTable(kA + PAGE_SIZE); }), kVpn,
                 kVpn + PTRS_PER_PMD - 1));
  EXPECT_TRUE(is(Noted(t, [](PageTable& x) { x.Clear(); }), 0, UINT64_MAX));
  // A lookup that finds nothing changes nothing.
  const size_t n = t.changes().size();
  EXPECT_EQ(t.mutable_pte(kA), nullptr);
  EXPECT_EQ(t.changes().size(), n);
}

TEST(ChangesTest, EveryXarrayMutatorNotesItsSlotsRange) {
  sim::Sim s;
  Xarray xa(s, "xa");
  auto is = [](IndexRange r, uint64_t first, uint64_t last) {
    return r.first == first && r.last == last;
  };
  EXPECT_TRUE(is(Noted(xa, [](Xarray& x) { x.Store(7, 0, 1); }), 7, 7));
  EXPECT_TRUE(is(Noted(xa, [](Xarray& x) { x.SetMark(7, XaMark::kDirty); }), 7, 7));
  EXPECT_TRUE(is(Noted(xa, [](Xarray& x) { x.ClearMark(7, XaMark::kDirty); }), 7, 7));
  EXPECT_TRUE(is(Noted(xa, [](Xarray& x) { x.Erase(7); }), 7, 7));
  EXPECT_TRUE(is(Noted(xa, [](Xarray& x) { x.Store(PTRS_PER_PMD + 9, PMD_ORDER, 2); }),
                 PTRS_PER_PMD, 2 * PTRS_PER_PMD - 1));
  EXPECT_TRUE(is(Noted(xa, [](Xarray& x) { x.SetMark(PTRS_PER_PMD + 9, XaMark::kTowrite); }),
                 PTRS_PER_PMD, 2 * PTRS_PER_PMD - 1));
  EXPECT_TRUE(is(Noted(xa, [](Xarray& x) { x.Erase(PTRS_PER_PMD + 100); }), PTRS_PER_PMD,
                 2 * PTRS_PER_PMD - 1));
  const size_t n = xa.changes().size();
  xa.Erase(3);  // nothing there
  xa.ClearMark(3, XaMark::kDirty);
  EXPECT_EQ(xa.changes().size(), n);
}

TEST(ChangesTest, EveryVmaListChangeMovesTheVersion) {
  sim::Sim s;
  Mm mm(s, "P1");
  uint64_t v = mm.vma_version();
  Vma* a = mm.InsertVma(Vma{}, PAGE_SIZE);
  EXPECT_GT(mm.vma_version(), v);
  v = mm.vma_version();
  mm.InsertVma(Vma{}, PAGE_SIZE);
  EXPECT_GT(mm.vma_version(), v);
  v = mm.vma_version();
  mm.RemoveVma(a);
  EXPECT_GT(mm.vma_version(), v);
  v = mm.vma_version();
  mm.ClearVmas();
  EXPECT_GT(mm.vma_version(), v);
  EXPECT_TRUE(mm.vmas.empty());
}

}  // namespace
}  // namespace daxsim::vm
