// One test per rule of the reference semantics (spec.cc), each with an outcome it accepts and
// one it refuses.
#include "props/spec/spec.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace daxsim::props::spec {
namespace {

constexpr uint64_t kIno = 7;

State FileOf(uint64_t size, uint8_t fill = 0) {
  State s;
  s.files[kIno].size = size;
  s.files[kIno].bytes.Fill(0, (size + kPage - 1) / kPage * kPage, fill);
  return s;
}

Call Map(Kind k, uint64_t map, uint64_t off, uint64_t len, uint8_t val = 0) {
  Call c;
  c.kind = k;
  c.ino = kIno;
  c.map = map;
  c.offset = off;
  c.length = len;
  c.value = val;
  return c;
}

Call Mmap(uint64_t map, uint64_t off, uint64_t len, bool shared, bool writable = true) {
  Call c = Map(Kind::kMmap, map, off, len);
  c.shared = shared;
  c.writable = writable;
  return c;
}

Call FileCall(Kind k, uint64_t off, uint64_t len = 0, uint8_t val = 0) {
  Call c;
  c.kind = k;
  c.ino = kIno;
  c.offset = off;
  c.length = len;
  c.value = val;
  return c;
}

Outcome Bytes_(size_t n, uint8_t v) {
  Outcome o;
  o.bytes.assign(n, v);
  return o;
}
Outcome Sig(Outcome::Signal s) {
  Outcome o;
  o.signal = s;
  return o;
}
Outcome Ret(int64_t r) {
  Outcome o;
  o.ret = r;
  return o;
}

bool Ok(State& s, const Call& c, const Outcome& o) { return Step(s, c, o); }

TEST(Spec, SharedMappingSeesTheFile) {
  State s = FileOf(8192, 0xaa);
  ASSERT_TRUE(Ok(s, Mmap(1, 0, 8192, true), {}));
  EXPECT_TRUE(Ok(s, Map(Kind::kLoad, 1, 4096, 8), Bytes_(8, 0xaa)));
  ASSERT_TRUE(Ok(s, FileCall(Kind::kWrite, 4096, 8, 0x11), {}));
  State t = s;
  EXPECT_FALSE(Ok(t, Map(Kind::kLoad, 1, 4096, 8), Bytes_(8, 0xaa)));
  EXPECT_TRUE(Ok(s, Map(Kind::kLoad, 1, 4096, 8), Bytes_(8, 0x11)));
}

TEST(Spec, PrivateMappingCopiesOnWriteAndKeepsItsCopy) {
  State s = FileOf(8192, 0xaa);
  ASSERT_TRUE(Ok(s, Mmap(1, 0, 8192, false), {}));
  ASSERT_TRUE(Ok(s, Mmap(2, 0, 8192, true), {}));
  ASSERT_TRUE(Ok(s, Map(Kind::kStore, 1, 8, 1, 0x33), {}));
  // The shared mapping and the file do not see the private store.
  EXPECT_TRUE(Ok(s, Map(Kind::kLoad, 2, 8, 1), Bytes_(1, 0xaa)));
  ASSERT_TRUE(Ok(s, FileCall(Kind::kWrite, 0, 16, 0x44), {}));
  EXPECT_TRUE(Ok(s, Map(Kind::kLoad, 1, 0, 1), Bytes_(1, 0xaa)));  // the copy's other bytes
  EXPECT_TRUE(Ok(s, Map(Kind::kLoad, 1, 8, 1), Bytes_(1, 0x33)));
  // An untouched page of the private mapping still shows the file.
  EXPECT_TRUE(Ok(s, Map(Kind::kLoad, 1, 4096, 1), Bytes_(1, 0xaa)));
  ASSERT_TRUE(Ok(s, FileCall(Kind::kWrite, 4096, 1, 0x55), {}));
  EXPECT_TRUE(Ok(s, Map(Kind::kLoad, 1, 4096, 1), Bytes_(1, 0x55)));
}

TEST(Spec, PunchKeepsPrivateCopiesTruncateDropsThoseBeyondEof) {
  State s = FileOf(8192, 0xaa);
  ASSERT_TRUE(Ok(s, Mmap(1, 0, 8192, false), {}));
  ASSERT_TRUE(Ok(s, Map(Kind::kStore, 1, 0, 1, 0x33), {}));
  ASSERT_TRUE(Ok(s, Map(Kind::kStore, 1, 4096, 1, 0x34), {}));
  ASSERT_TRUE(Ok(s, FileCall(Kind::kPunch, 0, 8192), Ret(0)));
  EXPECT_TRUE(Ok(s, Map(Kind::kLoad, 1, 0, 1), Bytes_(1, 0x33)));
  ASSERT_TRUE(Ok(s, FileCall(Kind::kTruncate, 100), Ret(0)));
  EXPECT_TRUE(Ok(s, Map(Kind::kLoad, 1, 0, 1), Bytes_(1, 0x33)));  // the EOF page keeps it
  EXPECT_TRUE(Ok(s, Map(Kind::kLoad, 1, 4096, 1), Sig(Outcome::kSigbus)));
  ASSERT_TRUE(Ok(s, FileCall(Kind::kTruncate, 8192), Ret(0)));
  State t = s;
  EXPECT_FALSE(Ok(t, Map(Kind::kLoad, 1, 4096, 1), Bytes_(1, 0x34)));  // the copy is gone
  EXPECT_TRUE(Ok(s, Map(Kind::kLoad, 1, 4096, 1), Bytes_(1, 0)));
}

TEST(Spec, SigbusAtPageGranularityBeyondEof) {
  State s = FileOf(100);
  ASSERT_TRUE(Ok(s, Mmap(1, 0, 8192, true), {}));
  State t = s;
  EXPECT_TRUE(Ok(t, Map(Kind::kStore, 1, 200, 1, 0x1), {}));  // inside the EOF page
  t = s;
  EXPECT_FALSE(Ok(t, Map(Kind::kLoad, 1, 0, 1), Sig(Outcome::kSigbus)));
  t = s;
  EXPECT_FALSE(Ok(t, Map(Kind::kLoad, 1, 4096, 1), Bytes_(1, 0)));
  t = s;
  EXPECT_TRUE(Ok(t, Map(Kind::kLoad, 1, 4096, 1), Sig(Outcome::kSigbus)));
  Outcome excused = Sig(Outcome::kSigbus);
  excused.excused = true;  // a bad block, a dead device, ENOSPC
  t = s;
  EXPECT_TRUE(Ok(t, Map(Kind::kLoad, 1, 0, 1), excused));
}

TEST(Spec, StoresPastEofInTheEofPageAreZeroedByTruncate) {
  State s = FileOf(100);
  ASSERT_TRUE(Ok(s, Mmap(1, 0, 4096, true), {}));
  ASSERT_TRUE(Ok(s, Map(Kind::kStore, 1, 200, 1, 0x7), {}));
  State t = s;
  EXPECT_TRUE(Ok(t, Map(Kind::kLoad, 1, 200, 1), Bytes_(1, 0x7)));
  ASSERT_TRUE(Ok(s, FileCall(Kind::kTruncate, 50), Ret(0)));
  ASSERT_TRUE(Ok(s, FileCall(Kind::kTruncate, 300), Ret(0)));
  t = s;
  EXPECT_FALSE(Ok(t, Map(Kind::kLoad, 1, 200, 1), Bytes_(1, 0x7)));
}

TEST(Spec, GrowingLeavesTheOldTailUnknownUntilObserved) {
  State s = FileOf(100);
  ASSERT_TRUE(Ok(s, Mmap(1, 0, 4096, true), {}));
  ASSERT_TRUE(Ok(s, Map(Kind::kStore, 1, 200, 1, 0x7), {}));
  ASSERT_TRUE(Ok(s, FileCall(Kind::kTruncate, 4096), Ret(0)));
  State t = s;
  EXPECT_TRUE(Ok(t, Map(Kind::kLoad, 1, 200, 1), Bytes_(1, 0x7)));  // ext4 keeps it
  t = s;
  ASSERT_TRUE(Ok(t, Map(Kind::kLoad, 1, 200, 1), Bytes_(1, 0)));     // xfs zeroes it
  EXPECT_FALSE(Ok(t, Map(Kind::kLoad, 1, 200, 1), Bytes_(1, 0x7)));  // fixed once seen
}

TEST(Spec, ReadShortCountsEndAtEof) {
  State s = FileOf(6000, 0xaa);
  Outcome full = Bytes_(4096, 0xaa);
  State t = s;
  EXPECT_TRUE(Ok(t, FileCall(Kind::kRead, 0, 4096), full));
  Outcome tail = Bytes_(1904, 0xaa);
  tail.eof = true;
  t = s;
  EXPECT_TRUE(Ok(t, FileCall(Kind::kRead, 4096, 1904), tail));
  Outcome early = Bytes_(1000, 0xaa);
  early.eof = true;
  t = s;
  EXPECT_FALSE(Ok(t, FileCall(Kind::kRead, 4096, 1000), early));  // short inside EOF
  Outcome past = Bytes_(4096, 0xaa);
  t = s;
  EXPECT_FALSE(Ok(t, FileCall(Kind::kRead, 4096, 4096), past));  // bytes past EOF
  Outcome none;
  none.eof = true;
  t = s;
  EXPECT_TRUE(Ok(t, FileCall(Kind::kRead, 8192, 0), none));
}

TEST(Spec, WriteExtendsAndZeroesTheGap) {
  State s = FileOf(0);
  ASSERT_TRUE(Ok(s, FileCall(Kind::kWrite, 8192, 10, 0x5), {}));
  EXPECT_EQ(s.files[kIno].size, 8202u);
  Outcome zeros = Bytes_(8192, 0);
  EXPECT_TRUE(Ok(s, FileCall(Kind::kRead, 0, 8192), zeros));
}

TEST(Spec, FallocateGrowsAndModesMayBeUnsupported) {
  State s = FileOf(4096, 0xaa);
  ASSERT_TRUE(Ok(s, FileCall(Kind::kFallocate, 0, 16384), Ret(0)));
  EXPECT_EQ(s.files[kIno].size, 16384u);
  State t = s;
  EXPECT_TRUE(Ok(t, FileCall(Kind::kZeroRange, 0, 4096), Ret(-95)));
  EXPECT_TRUE(Ok(t, FileCall(Kind::kRead, 0, 1), Bytes_(1, 0xaa)));
  t = s;
  EXPECT_FALSE(Ok(t, FileCall(Kind::kTruncate, 0), Ret(-95)));
  t = s;
  EXPECT_FALSE(Ok(t, FileCall(Kind::kPunch, 0, 4096), Ret(-28)));  // ENOSPC unexcused
  ASSERT_TRUE(Ok(s, FileCall(Kind::kZeroRange, 10, 10), Ret(0)));
  EXPECT_TRUE(Ok(s, FileCall(Kind::kRead, 9, 1), Bytes_(1, 0xaa)));
  EXPECT_TRUE(Ok(s, FileCall(Kind::kRead, 10, 10), Bytes_(10, 0)));
}

TEST(Spec, WritesThroughReadOnlyOrDeadMappingsFault) {
  State s = FileOf(4096);
  ASSERT_TRUE(Ok(s, Mmap(1, 0, 4096, true, /*writable=*/false), {}));
  State t = s;
  EXPECT_FALSE(Ok(t, Map(Kind::kStore, 1, 0, 1, 0x9), {}));
  t = s;
  EXPECT_TRUE(Ok(t, Map(Kind::kStore, 1, 0, 1, 0x9), Sig(Outcome::kSigsegv)));
  t = s;
  EXPECT_FALSE(Ok(t, Map(Kind::kLoad, 1, 0, 1), Sig(Outcome::kSigsegv)));
  ASSERT_TRUE(Ok(s, Map(Kind::kMunmap, 1, 0, 0), {}));
  EXPECT_TRUE(Ok(s, Map(Kind::kLoad, 1, 0, 1), Sig(Outcome::kSigsegv)));
}

TEST(Spec, DmaLandsInTheFileUnlessTheBlockWasFreed) {
  State s = FileOf(8192);
  ASSERT_TRUE(Ok(s, Mmap(1, 0, 8192, true), {}));
  Call pin = Map(Kind::kPin, 1, 0, kPage);
  pin.pin = 1;
  ASSERT_TRUE(Ok(s, pin, {}));
  Call unpin = Map(Kind::kUnpin, 1, 0, kPage, 0x66);
  unpin.pin = 1;
  State t = s;
  ASSERT_TRUE(Ok(t, unpin, {}));
  EXPECT_TRUE(Ok(t, FileCall(Kind::kRead, 0, 4), Bytes_(4, 0x66)));
  ASSERT_TRUE(Ok(s, FileCall(Kind::kPunch, 0, 4096), Ret(0)));
  ASSERT_TRUE(Ok(s, unpin, {}));
  EXPECT_TRUE(Ok(s, FileCall(Kind::kRead, 0, 4), Bytes_(4, 0)));
}

// A read pin (no FOLL_WRITE) faults as a load: allowed through a read-only mapping, EFAULT past
// EOF, no copy-on-write of a private page (the file's page is pinned, later private stores copy
// it); its unpin, like one without data, writes nothing. A write pin of the read-only mapping
// gets EFAULT (check_vma_flags()).
TEST(Spec, ReadPinsFaultAsLoadsAndReceiveNoData) {
  State s = FileOf(4096, 0xaa);
  ASSERT_TRUE(Ok(s, Mmap(1, 0, 8192, true, /*writable=*/false), {}));
  ASSERT_TRUE(Ok(s, Mmap(2, 0, 4096, false), {}));
  Call write_pin = Map(Kind::kPin, 1, 0, kPage);
  write_pin.pin = 1;
  State t = s;
  EXPECT_FALSE(Ok(t, write_pin, {}));
  t = s;
  EXPECT_TRUE(Ok(t, write_pin, Ret(-EFAULT)));
  Call read_pin = write_pin;
  read_pin.writable = false;
  t = s;
  EXPECT_FALSE(Ok(t, read_pin, Ret(-EFAULT)));
  t = s;
  ASSERT_TRUE(Ok(t, read_pin, {}));
  Call beyond = Map(Kind::kPin, 1, kPage, kPage);
  beyond.writable = false;
  State u = s;
  EXPECT_FALSE(Ok(u, beyond, {}));
  EXPECT_TRUE(Ok(s, beyond, Ret(-EFAULT)));
  Call private_pin = Map(Kind::kPin, 2, 0, kPage);
  private_pin.writable = false;
  private_pin.pin = 2;
  ASSERT_TRUE(Ok(s, private_pin, {}));
  EXPECT_TRUE(s.maps.at(2).cow.empty());
  Call unpin = Map(Kind::kUnpin, 2, 0, kPage, 0x66);
  unpin.pin = 2;
  unpin.writable = false;
  ASSERT_TRUE(Ok(s, unpin, {}));
  EXPECT_TRUE(s.pins.empty());
  EXPECT_TRUE(Ok(s, Map(Kind::kLoad, 2, 0, 4), Bytes_(4, 0xaa)));
  EXPECT_TRUE(Ok(s, FileCall(Kind::kRead, 0, 4), Bytes_(4, 0xaa)));
}

// FOLL_LONGTERM on fsdax: the slow path refuses it (EOPNOTSUPP) whatever the page; GUP-fast
// may take a page it finds first (an anonymous copy), so there success is allowed too. Without
// FOLL_LONGTERM, EOPNOTSUPP is wrong; an unmapped range is EFAULT before the VMA is checked.
TEST(Spec, LongTermPinsOfFsdaxAreRefused) {
  State s = FileOf(4096, 0xaa);
  ASSERT_TRUE(Ok(s, Mmap(1, 0, 4096, true), {}));
  Call slow = Map(Kind::kPin, 1, 0, kPage);
  slow.pin = 1;
  slow.longterm = true;
  slow.fast = false;
  State t = s;
  EXPECT_FALSE(Ok(t, slow, {}));
  t = s;
  EXPECT_TRUE(Ok(t, slow, Ret(-EOPNOTSUPP)));
  t = s;
  EXPECT_FALSE(Ok(t, slow, Ret(-EFAULT)));
  Call fast = slow;
  fast.fast = true;
  t = s;
  EXPECT_TRUE(Ok(t, fast, Ret(-EOPNOTSUPP)));
  t = s;
  EXPECT_TRUE(Ok(t, fast, {}));
  EXPECT_EQ(t.pins.size(), 1u);
  Call plain = fast;
  plain.longterm = false;
  t = s;
  EXPECT_FALSE(Ok(t, plain, Ret(-EOPNOTSUPP)));
  ASSERT_TRUE(Ok(s, Map(Kind::kMunmap, 1, 0, 0), {}));
  t = s;
  EXPECT_FALSE(Ok(t, slow, Ret(-EOPNOTSUPP)));
  EXPECT_TRUE(Ok(s, slow, Ret(-EFAULT)));
}

// A store or write(2) whose outcome carries bytes (a copy through a user buffer in a mapping)
// puts those bytes, not `value`.
TEST(Spec, CopiesThroughUserBuffersPutTheirBytes) {
  State s = FileOf(8192);
  ASSERT_TRUE(Ok(s, Mmap(1, 0, 8192, true), {}));
  Outcome data;
  data.bytes = {1, 2, 2, 3};
  ASSERT_TRUE(Ok(s, FileCall(Kind::kWrite, 8, 4), data));
  State t = s;
  EXPECT_FALSE(Ok(t, FileCall(Kind::kRead, 8, 4), Bytes_(4, 0)));
  Outcome back;
  back.bytes = {1, 2, 2, 3};
  t = s;
  EXPECT_TRUE(Ok(t, FileCall(Kind::kRead, 8, 4), back));
  ASSERT_TRUE(Ok(s, Map(Kind::kStore, 1, 0x1000, 4), data));
  EXPECT_TRUE(Ok(s, Map(Kind::kLoad, 1, 0x1000, 4), back));
}

TEST(Spec, DontneedDropsPrivateCopies) {
  State s = FileOf(4096, 0xaa);
  ASSERT_TRUE(Ok(s, Mmap(1, 0, 4096, false), {}));
  ASSERT_TRUE(Ok(s, Map(Kind::kStore, 1, 0, 1, 0x1), {}));
  ASSERT_TRUE(Ok(s, Map(Kind::kDontneed, 1, 0, 4096), {}));
  EXPECT_TRUE(Ok(s, Map(Kind::kLoad, 1, 0, 1), Bytes_(1, 0xaa)));
}

// A write fault's copy taken before a MADV_DONTNEED is installed after it (the zap found an
// empty PTE); one taken after a write(2) sees it; one whose install finds another copy, or a
// page truncated away, installs nothing.
TEST(Spec, CowCopyThenInstallSurvivesAConcurrentDontneed) {
  State s = FileOf(8192, 0xaa);
  ASSERT_TRUE(Ok(s, Mmap(1, 0, 8192, false), {}));
  ASSERT_TRUE(Ok(s, Map(Kind::kCowCopy, 1, 0, 0), {}));
  ASSERT_TRUE(Ok(s, FileCall(Kind::kWrite, 0, 16, 0x25), {}));
  ASSERT_TRUE(Ok(s, Map(Kind::kDontneed, 1, 0, 8192), {}));
  State before_install = s;
  EXPECT_TRUE(Ok(before_install, Map(Kind::kLoad, 1, 0, 1), Bytes_(1, 0x25)));  // the file
  ASSERT_TRUE(Ok(s, Map(Kind::kCow, 1, 0, 0), {}));
  State t = s;
  EXPECT_FALSE(Ok(t, Map(Kind::kLoad, 1, 8, 1), Bytes_(1, 0x25)));
  EXPECT_TRUE(Ok(s, Map(Kind::kLoad, 1, 8, 1), Bytes_(1, 0xaa)));  // the copy, taken before
  ASSERT_TRUE(Ok(s, Map(Kind::kStore, 1, 0, 8, 0x49), {}));
  EXPECT_TRUE(Ok(s, Map(Kind::kLoad, 1, 0, 1), Bytes_(1, 0x49)));
  // Truncated away between copy and install: nothing installed, the store copies afresh.
  ASSERT_TRUE(Ok(s, Map(Kind::kCowCopy, 1, 4096, 0), {}));
  ASSERT_TRUE(Ok(s, FileCall(Kind::kTruncate, 4096), Ret(0)));
  ASSERT_TRUE(Ok(s, FileCall(Kind::kTruncate, 8192), Ret(0)));
  ASSERT_TRUE(Ok(s, Map(Kind::kCow, 1, 4096, 0), {}));
  EXPECT_TRUE(Ok(s, Map(Kind::kLoad, 1, 4096, 1), Bytes_(1, 0)));
  // Another copy got there first (finish_fault() sees a PTE): it stays.
  State u = FileOf(4096, 0xaa);
  ASSERT_TRUE(Ok(u, Mmap(1, 0, 4096, false), {}));
  ASSERT_TRUE(Ok(u, Map(Kind::kCowCopy, 1, 0, 0), {}));
  ASSERT_TRUE(Ok(u, Map(Kind::kStore, 1, 0, 1, 0x77), {}));
  ASSERT_TRUE(Ok(u, Map(Kind::kCow, 1, 0, 0), {}));
  EXPECT_TRUE(Ok(u, Map(Kind::kLoad, 1, 0, 1), Bytes_(1, 0x77)));
}

TEST(Spec, SyncFailsOnlyWhenExcused) {
  State s = FileOf(4096);
  EXPECT_TRUE(Ok(s, FileCall(Kind::kSync, 0), Ret(0)));
  EXPECT_FALSE(Ok(s, FileCall(Kind::kSync, 0), Ret(-5)));
  Outcome eio = Ret(-5);
  eio.excused = true;
  EXPECT_TRUE(Ok(s, FileCall(Kind::kSync, 0), eio));
}

// fstat reports i_size; it fails (EIO: xfs shut down after its device went away) only when
// the call is excused.
TEST(Spec, StatFailsOnlyWhenExcused) {
  State s = FileOf(4096);
  EXPECT_TRUE(Ok(s, FileCall(Kind::kStat, 0), Ret(4096)));
  EXPECT_FALSE(Ok(s, FileCall(Kind::kStat, 0), Ret(8192)));
  EXPECT_FALSE(Ok(s, FileCall(Kind::kStat, 0), Ret(-5)));
  Outcome eio = Ret(-5);
  eio.excused = true;
  EXPECT_TRUE(Ok(s, FileCall(Kind::kStat, 0), eio));
}

}  // namespace
}  // namespace daxsim::props::spec
