// Tests the VM's digests for stateful exploration: Xarray, PageTable, Mm, AddressSpace, PhysMem
// and Vm. Equal states reached in different orders digest equally (empty entries as never made);
// every kind of state changes the digest; ObjectDigest answers only for the object's own ids and
// changes only with the state that object stands for.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "sim/nvdimm/pmem.h"
#include "sim/sim.h"
#include "sim/vm/mm.h"
#include "sim/vm/page_table.h"
#include "sim/vm/phys_mem.h"
#include "sim/vm/vm_ops.h"
#include "sim/vm/xarray.h"

namespace daxsim::vm {
namespace {

constexpr uint64_t kA = Mm::kMmapBase;  // first address of the first VMA
constexpr uint64_t kDevBasePfn = 0x100000;

// ---- Xarray ----

TEST(XarrayDigestTest, StoresInEitherOrderDigestEqually) {
  sim::Sim s1, s2;
  Xarray a(s1, "a"), b(s2, "b");
  a.Store(3, 0, 0x30);
  a.Store(1024, PMD_ORDER, 0x400);
  b.Store(1024, PMD_ORDER, 0x400);
  b.Store(3, 0, 0x30);
  EXPECT_EQ(a.Digest(), b.Digest());
  a.Store(7, 0, 0x70);
  a.Erase(7);
  EXPECT_EQ(a.Digest(), b.Digest());  // stored and erased = never stored
}

TEST(XarrayDigestTest, SlotsAndMarksChangeTheDigest) {
  sim::Sim s;
  Xarray x(s, "x");
  x.Store(3, 0, 0x30);
  std::set<uint64_t> seen = {x.Digest()};
  const auto expect_new = [&](const char* what) {
    EXPECT_TRUE(seen.insert(x.Digest()).second) << what;
  };
  x.Store(3, 0, 0x31);
  expect_new("a value");
  x.Store(4, 0, 0x31);
  expect_new("another index");
  x.SetMark(3, XaMark::kDirty);
  expect_new("a DIRTY mark");
  x.SetMark(3, XaMark::kTowrite);
  expect_new("a TOWRITE mark");
  x.ClearMark(3, XaMark::kDirty);
  expect_new("only TOWRITE");
  x.Store(512, PMD_ORDER, 0x200);
  expect_new("a PMD entry");
  Xarray pte(s, "pte"), pmd(s, "pmd");
  pte.Store(0, 0, 1);
  pmd.Store(0, PMD_ORDER, 1);
  EXPECT_NE(pte.Digest(), pmd.Digest());  // the order
}

// ---- PageTable ----

TEST(PageTableDigestTest, EmptyEntriesDigestAsNeverMade) {
  PageTable a, b;
  const uint64_t fresh = a.Digest();
  const uint64_t slot = a.SlotDigest(static_cast<int>(PageTable::PmdIndex(kA)));
  a.mutable_pmd(kA);  // made, still none
  a.SetPte(kA + PAGE_SIZE, Pte{0x1234, true, true, false});
  a.ClearPte(kA + PAGE_SIZE);
  EXPECT_EQ(a.Digest(), fresh);
  EXPECT_EQ(a.SlotDigest(static_cast<int>(PageTable::PmdIndex(kA))), slot);
  a.SetPte(kA, Pte{1});
  a.SetPte(kA + PMD_SIZE, Pte{2});
  b.SetPte(kA + PMD_SIZE, Pte{2});
  b.SetPte(kA, Pte{1});
  EXPECT_EQ(a.Digest(), b.Digest());
}

// The slots (of the first three after kA) whose SlotDigest `op` changes; also checks that the
// whole table's digest changes.
template <typename Op>
std::vector<int> ChangedSlots(PageTable& t, Op op) {
  const int first = static_cast<int>(PageTable::PmdIndex(kA));
  std::vector<uint64_t> before;
  for (int i = 0; i < 3; ++i) before.push_back(t.SlotDigest(first + i));
  const uint64_t digest = t.Digest();
  op(t);
  EXPECT_NE(t.Digest(), digest);
  std::vector<int> out;
  for (int i = 0; i < 3; ++i) {
    if (t.SlotDigest(first + i) != before[i]) out.push_back(i);
  }
  return out;
}

TEST(PageTableDigestTest, SlotDigestChangesOnlyForItsSlot) {
  PageTable t;
  using V = std::vector<int>;
  EXPECT_EQ(ChangedSlots(t, [](PageTable& x) { x.SetPte(kA, Pte{1}); }), V{0});
  EXPECT_EQ(ChangedSlots(t, [](PageTable& x) { x.mutable_pte(kA)->write = true; }), V{0});
  EXPECT_EQ(ChangedSlots(t, [](PageTable& x) { x.mutable_pte(kA)->dirty = true; }), V{0});
  EXPECT_EQ(ChangedSlots(t, [](PageTable& x) { x.mutable_pte(kA)->special = true; }), V{0});
  EXPECT_EQ(ChangedSlots(t, [](PageTable& x) { x.mutable_pte(kA)->pfn = 2; }), V{0});
  EXPECT_EQ(ChangedSlots(t, [](PageTable& x) { x.mutable_pmd(kA) = Pmd{Pmd::Kind::kTable}; }),
            V{0});
  const uint64_t b = kA + PMD_SIZE, c = kA + 2 * PMD_SIZE;
  EXPECT_EQ(ChangedSlots(t, [b](PageTable& x) { x.SetPte(b + 511 * PAGE_SIZE, Pte{3}); }), V{1});
  EXPECT_EQ(ChangedSlots(t,
                         [c](PageTable& x) {
                           x.mutable_pmd(c) = Pmd{Pmd::Kind::kHuge, 0x200, false, false, true};
                         }),
            V{2});
  EXPECT_EQ(ChangedSlots(t, [c](PageTable& x) { x.mutable_pmd(c).write = true; }), V{2});
  EXPECT_EQ(ChangedSlots(t, [c](PageTable& x) { x.mutable_pmd(c).dirty = true; }), V{2});
  EXPECT_EQ(ChangedSlots(t, [c](PageTable& x) { x.mutable_pmd(c).zero = false; }), V{2});
  EXPECT_EQ(ChangedSlots(t, [](PageTable& x) { x.FreeTable(kA); }), V{0});
}

// ---- Mm ----

Vma Proto(const char* name) {
  Vma v;
  v.name = name;
  return v;
}

TEST(MmDigestTest, EqualHistoriesDigestEqually) {
  sim::Sim s1, s2;
  Mm a(s1, "P1"), b(s2, "P1");
  EXPECT_EQ(a.Digest(), b.Digest());
  a.InsertVma(Proto("m"), PAGE_SIZE);
  b.InsertVma(Proto("m"), PAGE_SIZE);
  a.pt.SetPte(kA, Pte{1});
  a.pt.SetPte(kA + PAGE_SIZE, Pte{2});
  b.pt.SetPte(kA + PAGE_SIZE, Pte{2});
  b.pt.SetPte(kA, Pte{1});
  EXPECT_EQ(a.Digest(), b.Digest());
  uint64_t da = 0, db = 0;
  ASSERT_TRUE(a.ObjectDigest(a.PtObject(kA), &da));
  ASSERT_TRUE(b.ObjectDigest(b.PtObject(kA), &db));
  EXPECT_EQ(da, db);
  EXPECT_NE(Mm(s1, "P2").Digest(), Mm(s2, "P1").Digest());  // the name
}

TEST(MmDigestTest, VmasAndPageTableChangeTheDigest) {
  sim::Sim s;
  Mm mm(s, "P1");
  std::set<uint64_t> seen = {mm.Digest()};
  uint64_t vmas = 0;
  ASSERT_TRUE(mm.ObjectDigest(mm.mmap_lock.id(), &vmas));
  Vma* v = mm.InsertVma(Proto("m"), 2 * PAGE_SIZE);
  EXPECT_TRUE(seen.insert(mm.Digest()).second);
  uint64_t now = 0;
  ASSERT_TRUE(mm.ObjectDigest(mm.mmap_lock.id(), &now));
  EXPECT_NE(now, vmas);
  for (auto change : {+[](Vma* x) { x->sync = true; }, +[](Vma* x) { x->writable = false; },
                      +[](Vma* x) { x->shared = false; }, +[](Vma* x) { x->pgoff = 9; },
                      +[](Vma* x) { x->name = "n"; }, +[](Vma* x) { x->end += PAGE_SIZE; }}) {
    change(v);
    EXPECT_TRUE(seen.insert(mm.Digest()).second);
  }
  sim::Sim s2;
  AddressSpace file(s2, "f", 0x80);
  v->mapping = &file;
  EXPECT_TRUE(seen.insert(mm.Digest()).second);
  uint64_t pmd_before = 0;
  ASSERT_TRUE(mm.ObjectDigest(mm.pmd_lock.id(), &pmd_before));
  mm.pt.SetPte(kA, Pte{1});
  EXPECT_TRUE(seen.insert(mm.Digest()).second);
  ASSERT_TRUE(mm.ObjectDigest(mm.pmd_lock.id(), &now));
  EXPECT_NE(now, pmd_before);  // pmd_lock guards the whole table
  mm.RemoveVma(v);
  EXPECT_TRUE(seen.insert(mm.Digest()).second);
}

TEST(MmDigestTest, SlotObjectsAndPteLocks) {
  sim::Sim s;
  Mm mm(s, "P1");
  const uint64_t b = kA + PMD_SIZE;
  const uint64_t fresh = mm.Digest();
  uint64_t pt_a = 0, pt_b = 0;
  ASSERT_TRUE(mm.ObjectDigest(mm.PtObject(kA), &pt_a));
  ASSERT_TRUE(mm.ObjectDigest(mm.PtObject(b), &pt_b));
  EXPECT_NE(pt_a, pt_b);
  const sim::ObjectId ptl_a = mm.pte_lock(kA).id(), ptl_b = mm.pte_lock(b).id();
  EXPECT_EQ(mm.Digest(), fresh);  // a PTE lock made and free = never made
  uint64_t lock_a = 0, lock_b = 0;
  ASSERT_TRUE(mm.ObjectDigest(ptl_a, &lock_a));
  ASSERT_TRUE(mm.ObjectDigest(ptl_b, &lock_b));
  mm.pt.SetPte(b, Pte{7});
  uint64_t now = 0;
  ASSERT_TRUE(mm.ObjectDigest(mm.PtObject(kA), &now));
  EXPECT_EQ(now, pt_a);
  ASSERT_TRUE(mm.ObjectDigest(mm.PtObject(b), &now));
  EXPECT_NE(now, pt_b);
  ASSERT_TRUE(mm.ObjectDigest(ptl_a, &now));
  EXPECT_EQ(now, lock_a);
  ASSERT_TRUE(mm.ObjectDigest(ptl_b, &now));
  EXPECT_NE(now, lock_b);  // a PTE lock guards its slot's PTEs
  // Foreign ids: another object, another mm's slot.
  Mm other(s, "P2");
  EXPECT_FALSE(mm.ObjectDigest(s.NewObject("foreign"), &now));
  EXPECT_FALSE(mm.ObjectDigest(other.PtObject(kA), &now));
  EXPECT_FALSE(mm.ObjectDigest(other.mmap_lock.id(), &now));
  EXPECT_FALSE(mm.ObjectDigest(sim::kNoObject, &now));
}

// Steps first-enabled, recording a digest before every step.
class Recorder : public sim::Strategy {
 public:
  explicit Recorder(const Mm* mm) : mm_(mm) {}
  sim::ActorId PickActor(const sim::Sim& s) override {
    uint64_t d = 0;
    EXPECT_TRUE(mm_->ObjectDigest(mm_->pmd_lock.id(), &d));
    seen.push_back({mm_->Digest(), d});
    return s.enabled().front();
  }
  int PickChoice(const sim::Sim&, int, const char*) override { return 0; }
  std::vector<std::pair<uint64_t, uint64_t>> seen;

 private:
  const Mm* mm_;
};

sim::Task<void> HoldPmdLock(sim::Sim& s, Mm* mm) {
  co_await mm->pmd_lock.Lock();
  co_await s.Point("held", {});
  co_await mm->pmd_lock.Unlock();
}

// The holder is part of the mm's digest, never of the lock's object digest (what a step that
// takes the lock observes: the state it protects, sim::StateModel).
TEST(MmDigestTest, ALockHolderChangesTheDigestNotTheObjectDigest) {
  sim::Sim s;
  Mm mm(s, "P1");
  uint64_t free_lock = 0;
  ASSERT_TRUE(mm.ObjectDigest(mm.pmd_lock.id(), &free_lock));
  const std::pair<uint64_t, uint64_t> free = {mm.Digest(), free_lock};
  Recorder r(&mm);
  s.Spawn("A", HoldPmdLock(s, &mm));
  s.Run(r);
  ASSERT_TRUE(s.completed()) << s.violation().message;
  EXPECT_EQ(std::make_pair(mm.Digest(), free_lock), free);
  int held = 0;
  for (const auto& d : r.seen) {
    if (d.first == free.first) continue;
    ++held;
    EXPECT_EQ(d.second, free.second);
  }
  EXPECT_GT(held, 0);
}

// ---- AddressSpace ----

TEST(AddressSpaceDigestTest, TreeLocksAndIMmapOrder) {
  sim::Sim s;
  AddressSpace as(s, "f", 0x80);
  Mm p1(s, "P1"), p2(s, "P2");
  Vma* v1 = p1.InsertVma(Proto("m"), PAGE_SIZE);
  Vma* v2 = p2.InsertVma(Proto("m"), PAGE_SIZE);
  uint64_t xa = 0, rw = 0, now = 0;
  ASSERT_TRUE(as.ObjectDigest(as.i_pages.xa_lock.id(), &xa));
  ASSERT_TRUE(as.ObjectDigest(as.i_mmap_rwsem.id(), &rw));
  EXPECT_FALSE(as.ObjectDigest(p1.mmap_lock.id(), &now));
  EXPECT_FALSE(as.ObjectDigest(s.NewObject("foreign"), &now));
  std::set<uint64_t> seen = {as.Digest()};
  as.i_pages.Store(0, 0, 0x10);
  EXPECT_TRUE(seen.insert(as.Digest()).second);
  ASSERT_TRUE(as.ObjectDigest(as.i_pages.xa_lock.id(), &now));
  EXPECT_EQ(now, xa);  // the tree's reads observe what they return (xarray.h), not the lock
  ASSERT_TRUE(as.ObjectDigest(as.i_mmap_rwsem.id(), &now));
  EXPECT_EQ(now, rw);
  as.i_mmap = {v1, v2};
  EXPECT_TRUE(seen.insert(as.Digest()).second);
  ASSERT_TRUE(as.ObjectDigest(as.i_mmap_rwsem.id(), &now));
  EXPECT_NE(now, rw);
  as.i_mmap = {v2, v1};
  EXPECT_TRUE(seen.insert(as.Digest()).second);  // the order counts
}

TEST(AddressSpaceDigestTest, VmasAreIdentifiedByMmNameAndStart) {
  sim::Sim s1, s2;
  AddressSpace a(s1, "f", 0x80), b(s2, "f", 0x80);
  Mm ma(s1, "P1"), mb(s2, "P1");
  a.i_mmap = {ma.InsertVma(Proto("m"), PAGE_SIZE)};
  b.i_mmap = {mb.InsertVma(Proto("m"), PAGE_SIZE)};
  EXPECT_EQ(a.Digest(), b.Digest());
}

// ---- PhysMem and Vm ----

TEST(PhysMemDigestTest, DevicePagesAnonPagesAndReferences) {
  sim::Sim s;
  nvdimm::Pmem pmem(kDevBasePfn, 4);
  PhysMem phys(s, &pmem);
  const Pfn d0 = kDevBasePfn, d1 = kDevBasePfn + 1;
  const auto object = [&phys](Pfn pfn) {
    uint64_t d = 0;
    EXPECT_TRUE(phys.ObjectDigest(phys.PageObject(pfn), &d));
    return d;
  };
  uint64_t now = 0;
  EXPECT_FALSE(phys.ObjectDigest(s.NewObject("foreign"), &now));
  EXPECT_FALSE(phys.ObjectDigest(sim::kNoObject, &now));
  const uint64_t fresh = phys.Digest(), o0 = object(d0), o1 = object(d1);
  const uint8_t byte = 0x5a;
  phys.Store(d1, 0, &byte, 1);
  EXPECT_EQ(phys.Digest(), fresh);  // the Pmem is the world's to digest
  EXPECT_EQ(object(d0), o0);
  EXPECT_NE(object(d1), o1);
  const uint64_t o1_stored = object(d1);
  phys.get_page(d0);
  EXPECT_NE(phys.Digest(), fresh);
  EXPECT_NE(object(d0), o0);
  EXPECT_EQ(object(d1), o1_stored);
  phys.put_page(d0);
  EXPECT_EQ(phys.Digest(), fresh);
  EXPECT_EQ(object(d0), o0);
  // Anonymous pages: allocation, content, a pin, freed while pinned.
  const Pfn anon = kAnonPfnBase;
  const uint64_t a0 = object(anon);
  std::set<uint64_t> seen = {phys.Digest()};
  ASSERT_EQ(phys.AllocAnon(), anon);
  EXPECT_TRUE(seen.insert(phys.Digest()).second);
  const uint64_t a1 = object(anon);
  EXPECT_NE(a1, a0);
  phys.Store(anon, 4095, &byte, 1);
  EXPECT_TRUE(seen.insert(phys.Digest()).second);
  EXPECT_NE(object(anon), a1);
  const uint64_t a2 = object(anon);
  phys.get_page(anon);
  EXPECT_TRUE(seen.insert(phys.Digest()).second);
  phys.FreeAnon(anon);
  EXPECT_TRUE(seen.insert(phys.Digest()).second);
  EXPECT_NE(object(anon), a2);
  phys.put_page(anon);  // freed now: the world is as before the allocation, which reuses it
  EXPECT_EQ(phys.Digest(), fresh);
  EXPECT_EQ(object(anon), a0);
  ASSERT_EQ(phys.AllocAnon(), anon);
  EXPECT_EQ(object(anon), a1);
  EXPECT_EQ(object(d0), o0);
}

TEST(VmDigestTest, AVmHasNoStateOfItsOwn) {
  sim::Sim s1, s2;
  nvdimm::Pmem pmem(kDevBasePfn, 4);
  PhysMem p1(s1, &pmem), p2(s2, &pmem);
  BugSet bugs;
  EXPECT_EQ(Vm(s1, p1).Digest(), Vm(s2, p2, bugs).Digest());
}

}  // namespace
}  // namespace daxsim::vm
