// Tests the filesystem's and DAX's state digests (Filesystem/Inode/BlockAllocator/Dax::Digest
// and ObjectDigest): equal for identical construction, moved by each kind of state change (a
// file, an extent, i_size, an allocation, a held lock, the log), and object digests for known
// and unknown ids. A small world (pmem, VM, DAX, filesystem) is built directly, without models/.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>

#include "sim/dax/dax.h"
#include "sim/fs/alloc.h"
#include "sim/fs/fs.h"
#include "sim/nvdimm/pmem.h"
#include "sim/sim.h"
#include "sim/vm/phys_mem.h"
#include "sim/vm/vm_ops.h"

namespace daxsim::fs {
namespace {

constexpr uint64_t kBasePfn = 0x100000;  // 4 GiB, PMD aligned
constexpr uint64_t kPages = 2048;

struct TestFs {
  explicit TestFs(FsKind kind = FsKind::kXfs)
      : pmem(kBasePfn, kPages),
        phys(sim, &pmem),
        vm(sim, phys),
        dax(sim, vm, pmem),
        fs(sim, vm, dax, pmem, FsParams{.kind = kind}) {}
  sim::Sim sim;
  nvdimm::Pmem pmem;
  vm::PhysMem phys;
  vm::Vm vm;
  dax::Dax dax;
  Filesystem fs;
};

class First : public sim::Strategy {
 public:
  sim::ActorId PickActor(const sim::Sim& sim) override { return sim.enabled().front(); }
  int PickChoice(const sim::Sim&, int, const char*) override { return 0; }
};

void RunAlone(sim::Sim& sim, sim::Task<void> body) {
  sim.Spawn("t", std::move(body));
  First first;
  sim.Run(first);
  ASSERT_TRUE(sim.completed()) << sim.violation().message;
}

// What a truncate, then an fsync, change: recorded after each.
struct TruncateDigests {
  uint64_t size_object = 0, fs = 0, alloc = 0, handle = 0;
};

void Record(Filesystem* fs, Inode* ip, TruncateDigests* d) {
  EXPECT_TRUE(ip->ObjectDigest(ip->size_object(), &d->size_object));
  EXPECT_TRUE(fs->ObjectDigest(fs->journal_handle().id(), &d->handle));
  d->fs = fs->Digest();
  d->alloc = fs->allocator().Digest();
}

sim::Task<void> TruncateThenFsync(Filesystem* fs, Inode* ip, uint64_t size, TruncateDigests* out) {
  co_await fs->Truncate(ip, size);
  Record(fs, ip, &out[0]);
  co_await fs->Fsync(ip, 0, UINT64_MAX >> 1);
  Record(fs, ip, &out[1]);
}

struct LockDigests {
  uint64_t fs_held = 0, object_held = 0;
};

sim::Task<void> HoldIRwsem(Filesystem* fs, Inode* ip, LockDigests* out) {
  co_await ip->i_rwsem.DownWrite();
  out->fs_held = fs->Digest();
  EXPECT_TRUE(ip->ObjectDigest(ip->i_rwsem.id(), &out->object_held));
  co_await ip->i_rwsem.UpWrite();
}

TEST(FsDigestTest, SameConstructionSameDigest) {
  TestFs a, b;
  EXPECT_EQ(a.fs.Digest(), b.fs.Digest());
  EXPECT_EQ(a.dax.Digest(), b.dax.Digest());
  for (TestFs* t : {&a, &b}) {
    Inode* ip = t->fs.CreateFile("f", 3 * vm::PAGE_SIZE);
    t->fs.SetupExtent(ip, 0, 2 * vm::PAGE_SIZE, /*unwritten=*/false, 0xaa);
  }
  EXPECT_EQ(a.fs.Digest(), b.fs.Digest());
  EXPECT_EQ(a.fs.inodes()[0]->Digest(), b.fs.inodes()[0]->Digest());
  EXPECT_EQ(a.fs.allocator().Digest(), b.fs.allocator().Digest());
}

TEST(FsDigestTest, DigestDependsOnKind) {
  TestFs xfs(FsKind::kXfs), ext4(FsKind::kExt4);
  EXPECT_NE(xfs.fs.Digest(), ext4.fs.Digest());
}

TEST(FsDigestTest, FilesAndExtentsMoveTheDigest) {
  TestFs t;
  const uint64_t empty = t.fs.Digest();
  Inode* ip = t.fs.CreateFile("f", 4 * vm::PAGE_SIZE);
  const uint64_t created = t.fs.Digest();
  EXPECT_NE(created, empty);
  const uint64_t inode0 = ip->Digest(), alloc0 = t.fs.allocator().Digest();
  t.fs.SetupExtent(ip, 0, vm::PAGE_SIZE, /*unwritten=*/false, 0x11);
  EXPECT_NE(t.fs.Digest(), created);
  EXPECT_NE(ip->Digest(), inode0);
  EXPECT_NE(t.fs.allocator().Digest(), alloc0);

  // Same layout, but the extent unwritten: a different inode digest.
  TestFs u;
  Inode* uip = u.fs.CreateFile("f", 4 * vm::PAGE_SIZE);
  u.fs.SetupExtent(uip, 0, vm::PAGE_SIZE, /*unwritten=*/true, 0x11);
  EXPECT_NE(uip->Digest(), ip->Digest());

  // Another name for the same file: the namespace is in the digest.
  TestFs n;
  Inode* nip = n.fs.CreateFile("g", 4 * vm::PAGE_SIZE);
  n.fs.SetupExtent(nip, 0, vm::PAGE_SIZE, /*unwritten=*/false, 0x11);
  EXPECT_EQ(nip->Digest(), ip->Digest());
  EXPECT_NE(n.fs.Digest(), t.fs.Digest());
}

TEST(FsDigestTest, ISizeObjectAndLogFollowTruncate) {
  TestFs t;
  Inode* ip = t.fs.CreateFile("f", 4 * vm::PAGE_SIZE);
  t.fs.SetupExtent(ip, 0, 4 * vm::PAGE_SIZE, /*unwritten=*/false, 0x22);
  TruncateDigests before, after[2];
  Record(&t.fs, ip, &before);
  RunAlone(t.sim, TruncateThenFsync(&t.fs, ip, vm::PAGE_SIZE, after));
  ASSERT_EQ(ip->i_size(), vm::PAGE_SIZE);
  EXPECT_NE(after[0].size_object, before.size_object);
  uint64_t via_fs = 0;
  ASSERT_TRUE(t.fs.ObjectDigest(ip->size_object(), &via_fs));
  EXPECT_EQ(via_fs, after[1].size_object);
  EXPECT_NE(after[0].fs, before.fs);
  EXPECT_NE(after[0].alloc, before.alloc);  // freed blocks, busy until the log force
  // The truncate committed to the CIL: the log state (seen through the jbd2 handle) moved.
  EXPECT_NE(after[0].handle, before.handle);
  // The log force makes it durable, clears the busy extents and unpins the inode.
  EXPECT_NE(after[1].fs, after[0].fs);
  EXPECT_NE(after[1].alloc, after[0].alloc);
  EXPECT_NE(after[1].handle, after[0].handle);
  EXPECT_EQ(after[1].size_object, after[0].size_object);
}

// A held lock moves the filesystem's digest; its object digest is what it protects.
TEST(FsDigestTest, HeldLockMovesDigestNotObjectDigest) {
  TestFs t;
  Inode* ip = t.fs.CreateFile("f", vm::PAGE_SIZE);
  const uint64_t before = t.fs.Digest();
  uint64_t object_before = 0;
  ASSERT_TRUE(t.fs.ObjectDigest(ip->i_rwsem.id(), &object_before));
  LockDigests held;
  RunAlone(t.sim, HoldIRwsem(&t.fs, ip, &held));
  EXPECT_NE(held.fs_held, before);
  EXPECT_EQ(held.object_held, object_before);
  EXPECT_EQ(t.fs.Digest(), before);  // released: back to the same state
}

TEST(FsDigestTest, UnknownObjectIsNotOurs) {
  TestFs t;
  t.fs.CreateFile("f", vm::PAGE_SIZE);
  const sim::ObjectId other = t.sim.NewObject("unrelated");
  uint64_t out = 0;
  EXPECT_FALSE(t.fs.ObjectDigest(other, &out));
  EXPECT_FALSE(t.fs.inodes()[0]->ObjectDigest(other, &out));
  EXPECT_FALSE(t.fs.allocator().ObjectDigest(other, &out));
  EXPECT_FALSE(t.dax.ObjectDigest(other, &out));
  EXPECT_TRUE(t.fs.ObjectDigest(t.fs.allocator().object(), &out));
  EXPECT_EQ(out, t.fs.allocator().Digest());
}

TEST(AllocatorDigestTest, AllocFreeAndClearBusy) {
  sim::Sim sim;
  BlockAllocator a(sim, 16, 1024, /*pmd_align=*/true);
  const uint64_t d0 = a.Digest();
  const std::optional<uint64_t> b = a.Alloc(4);
  ASSERT_TRUE(b.has_value());
  const uint64_t d1 = a.Digest();
  EXPECT_NE(d1, d0);
  a.Free(*b, 4);
  const uint64_t d2 = a.Digest();  // free again, but busy
  EXPECT_NE(d2, d1);
  EXPECT_NE(d2, d0);
  a.ClearBusy();
  EXPECT_EQ(a.Digest(), d0);
  a.set_track_busy(false);
  EXPECT_NE(a.Digest(), d0);
}

TEST(AllocatorDigestTest, BitmapRunsAreDistinguished) {
  EXPECT_NE(MixBitmap(0, {true, false, false}), MixBitmap(0, {true, true, false}));
  EXPECT_NE(MixBitmap(0, {false, false}), MixBitmap(0, {false, false, false}));
  EXPECT_EQ(MixBitmap(7, {false, true}), MixBitmap(7, {false, true}));
}

}  // namespace
}  // namespace daxsim::fs
