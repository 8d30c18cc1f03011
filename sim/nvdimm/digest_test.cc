// Tests Pmem::Digest() and Pmem::PageDigest(): equal states reached by different operation
// orders digest equally; every kind of device state (media, cache lines and their flush state,
// page fills, bad blocks, latent errors, poison, device death, the crash bound) changes the
// digest; a page's digest changes only with that page or device-wide access state.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "sim/nvdimm/pmem.h"

namespace daxsim::nvdimm {
namespace {

constexpr uint64_t kBasePfn = 0x100000;
constexpr uint64_t kPages = 8;
constexpr uint64_t kPage = Pmem::kPageSize;

uint64_t Addr(uint64_t pgoff, uint64_t off = 0) { return (kBasePfn + pgoff) * kPage + off; }

void StoreWord(Pmem& p, uint64_t paddr, uint64_t v) {
  uint8_t b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
  p.Store(paddr, b, sizeof(b));
}

std::vector<uint64_t> PageDigests(const Pmem& p) {
  std::vector<uint64_t> out;
  for (uint64_t pg = 0; pg < p.pages(); ++pg) out.push_back(p.PageDigest(pg));
  return out;
}

// The pages whose PageDigest differs between a and b.
std::vector<uint64_t> ChangedPages(const Pmem& a, const Pmem& b) {
  const std::vector<uint64_t> da = PageDigests(a), db = PageDigests(b);
  std::vector<uint64_t> out;
  for (uint64_t pg = 0; pg < da.size(); ++pg) {
    if (da[pg] != db[pg]) out.push_back(pg);
  }
  return out;
}

TEST(PmemDigestTest, FreshDevicesDigestEqually) {
  const Pmem a(kBasePfn, kPages), b(kBasePfn, kPages);
  EXPECT_EQ(a.Digest(), b.Digest());
  EXPECT_EQ(PageDigests(a), PageDigests(b));
  EXPECT_NE(a.PageDigest(0), a.PageDigest(1));  // the stale pattern differs per page
  EXPECT_NE(a.Digest(), Pmem(kBasePfn, kPages, Platform::kEadr).Digest());
}

TEST(PmemDigestTest, StoresToDifferentPagesCommute) {
  Pmem a(kBasePfn, kPages), b(kBasePfn, kPages);
  StoreWord(a, Addr(1), 0x11);
  StoreWord(a, Addr(2, 64), 0x22);
  StoreWord(b, Addr(2, 64), 0x22);
  StoreWord(b, Addr(1), 0x11);
  EXPECT_EQ(a.Digest(), b.Digest());
  a.Sfence();
  a.Clflush(Addr(1), 8);
  b.Clflush(Addr(1), 8);
  b.Sfence();
  EXPECT_EQ(a.Digest(), b.Digest());
  EXPECT_EQ(PageDigests(a), PageDigests(b));
}

TEST(PmemDigestTest, PageFillsInEitherOrderDigestEqually) {
  Pmem a(kBasePfn, kPages), b(kBasePfn, kPages);
  ASSERT_EQ(a.ZeroPageRange(1, 2), 0);
  ASSERT_EQ(b.ZeroPageRange(2, 1), 0);
  ASSERT_EQ(b.ZeroPageRange(1, 1), 0);
  EXPECT_EQ(a.Digest(), b.Digest());
  // Equal non-uniform pages written separately: their bytes count, not their shared buffers.
  std::array<uint8_t, kPage> data{};
  for (uint64_t i = 0; i < kPage; ++i) data[i] = static_cast<uint8_t>(i * 7);
  ASSERT_EQ(a.WriteClearPoison(4, data.data()), 0);
  ASSERT_EQ(b.WriteClearPoison(4, data.data()), 0);
  EXPECT_EQ(a.Digest(), b.Digest());
  const Pmem copy = a;
  EXPECT_EQ(copy.Digest(), a.Digest());
  data[100] ^= 1;
  ASSERT_EQ(b.WriteClearPoison(4, data.data()), 0);
  EXPECT_NE(a.Digest(), b.Digest());
  EXPECT_EQ(ChangedPages(a, b), std::vector<uint64_t>{4});
}

TEST(PmemDigestTest, EveryKindOfStateChangesTheDigest) {
  const Pmem fresh(kBasePfn, kPages);
  std::vector<uint64_t> seen = {fresh.Digest()};
  const auto expect_new = [&seen](const Pmem& p, const char* what) {
    for (uint64_t d : seen) EXPECT_NE(p.Digest(), d) << what;
    seen.push_back(p.Digest());
  };
  Pmem p = fresh;
  StoreWord(p, Addr(0), 0x5a);
  expect_new(p, "a dirty cache line");
  p.Clwb(Addr(0), 8);
  expect_new(p, "a captured (flushed, unfenced) line");
  p.Sfence();
  expect_new(p, "the line written to media");
  StoreWord(p, Addr(0), 0x5b);
  p.Clflush(Addr(0), 8);
  expect_new(p, "another media byte");
  ASSERT_EQ(p.ZeroPageRange(3, 1), 0);
  expect_new(p, "a pending page fill");
  p.Sfence();
  expect_new(p, "a guaranteed page fill");
  p.InjectBadBlock(5);
  expect_new(p, "a bad block");
  p.InjectLatentError(6);
  expect_new(p, "a latent error");
  p.Poison(kBasePfn + 7);
  expect_new(p, "poison");
  p.SetCrashLineChoicesMax(2);
  expect_new(p, "the crash bound");
  p.Kill();
  expect_new(p, "a killed device");
}

TEST(PmemDigestTest, PageDigestChangesOnlyForItsPage) {
  Pmem base(kBasePfn, kPages);
  base.InjectBadBlock(7);  // so that a first bad block does not change every page (DirectAccess)
  const auto changed = [&base](void (*op)(Pmem&)) {
    Pmem p = base;
    op(p);
    EXPECT_NE(p.Digest(), base.Digest());
    return ChangedPages(base, p);
  };
  using V = std::vector<uint64_t>;
  EXPECT_EQ(changed([](Pmem& p) { StoreWord(p, Addr(1, 4088), 1); }), V{1});
  EXPECT_EQ(changed([](Pmem& p) {
              StoreWord(p, Addr(1), 1);
              p.Clflush(Addr(1), 8);
            }),
            V{1});
  EXPECT_EQ(changed([](Pmem& p) { p.InjectBadBlock(2); }), V{2});
  EXPECT_EQ(changed([](Pmem& p) { p.InjectLatentError(3); }), V{3});
  EXPECT_EQ(changed([](Pmem& p) { p.Poison(kBasePfn + 4); }), V{4});
  EXPECT_EQ(changed([](Pmem& p) { ASSERT_EQ(p.ZeroPageRange(5, 1), 0); }), V{5});
  EXPECT_EQ(changed([](Pmem& p) { p.Kill(); }), (V{0, 1, 2, 3, 4, 5, 6, 7}));
  // A cache line's flush state is part of its page's digest.
  base.Store(Addr(6), reinterpret_cast<const uint8_t*>("abcdefgh"), 8);
  EXPECT_EQ(changed([](Pmem& p) { p.Clwb(Addr(6), 8); }), V{6});
  // The first bad block changes DirectAccess() of every page: every page's digest.
  Pmem clean(kBasePfn, kPages), bad = clean;
  bad.InjectBadBlock(0);
  EXPECT_EQ(ChangedPages(clean, bad).size(), kPages);
}

}  // namespace
}  // namespace daxsim::nvdimm
