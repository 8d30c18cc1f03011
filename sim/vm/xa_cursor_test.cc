// XasMarkedWalkEnd: where 6.1's xas_for_each_marked() leaves xas.xa_index. Every expected value
// below is derived by hand from 6.1 lib/xarray.c xas_find_marked() and include/linux/xarray.h
// xas_next_marked(); the comment beside it gives the derivation.
#include "sim/vm/xa_cursor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <vector>

namespace daxsim::vm {
namespace {

constexpr uint64_t kUlongMax = std::numeric_limits<uint64_t>::max();
// dax_writeback_mapping_range()'s end_index for a whole-file sync: LLONG_MAX >> PAGE_SHIFT.
constexpr uint64_t kWholeFile = uint64_t{std::numeric_limits<int64_t>::max()} >> 12;
constexpr std::nullopt_t kNoResume = std::nullopt;

XaEntryDesc Pte(uint64_t index, bool marked = false) { return {index, 0, marked}; }
XaEntryDesc Pmd(uint64_t index, bool marked = false) { return {index, 9, marked}; }

// ---- The three values observed on 6.1 ----

TEST(XaCursorTest, LoneEntryAtZeroInHeadEndsAtOne) {
  // Head entry: xa_node = NULL -> xas_next_marked -> xas_find_marked: `!xas->xa_node` sets
  // xa_index = 1; out: 1 <= max -> set_bounds.
  EXPECT_EQ(XasMarkedWalkEnd({Pte(0)}, 0, kWholeFile, 0), 0x1u);
}

TEST(XaCursorTest, OneLeafEndsAtItsChunkEnd) {
  // Leaf root (shift 0), state at offset 5: xas_find_chunk(advance) from 6 finds nothing -> 64;
  // xa_index = (5 & ~63) + 64 = 0x40 <= max; offset 64 -> xas_find_marked climbs off the root.
  EXPECT_EQ(XasMarkedWalkEnd({Pte(0), Pte(5)}, 0, kWholeFile, 5), 0x40u);
}

TEST(XaCursorTest, LonePmdEndsAtItsNodesEnd) {
  // Root shift 6 (slots 0..7), state at offset 0: node->shift -> xas_find_marked, advance: chunk
  // from 1 -> 64; xas_move_index(64) = 64 << 6 = 0x1000; wrap check passes; climb -> NULL; out.
  EXPECT_EQ(XasMarkedWalkEnd({Pmd(0)}, 0, kWholeFile, 0), 0x1000u);
}

// ---- More shapes ----

TEST(XaCursorTest, TwoLevelsEndAtTheRootsEnd) {
  // 70 needs root shift 6: slot 1 -> leaf, offset 6. Leaf: chunk from 7 -> 64, xa_index =
  // 64 + 64 = 128; xas_find_marked climbs to root offset 2, chunk -> 64, xas_move_index:
  // (128 & ~4095) + (64 << 6) = 0x1000; climb -> NULL; out.
  EXPECT_EQ(XasMarkedWalkEnd({Pte(70)}, 0, kWholeFile, 70), 0x1000u);
}

TEST(XaCursorTest, RangeLimitedWalkStopsInXasNextMarked) {
  std::vector<XaEntryDesc> entries;
  for (uint64_t i = 0; i <= 5; ++i) entries.push_back(Pte(i));
  // 2..5 unmarked: chunk from 2 -> 64, xa_index = 0x40 > max (1) -> xas_next_marked returns NULL.
  EXPECT_EQ(XasMarkedWalkEnd(entries, 0, 1, 1), 0x40u);
  // 2..5 still TOWRITE-marked (they lie past end_index, as after tag_pages_for_writeback() over a
  // wider range): chunk from 2 -> 2, xa_index = 2 > max -> NULL at 2, not 0x40.
  for (uint64_t i = 2; i <= 5; ++i) entries[i].marked = true;
  EXPECT_EQ(XasMarkedWalkEnd(entries, 0, 1, 1), 0x2u);
}

TEST(XaCursorTest, PmdRangeLimitedTakesTheWrapCheckExit) {
  // Root shift 6, PMD at slots 8..15, max 600: chunk from 9 -> 64, xas_move_index(64) = 0x1000;
  // (0x1000 - 1) >= 600 -> goto max (XAS_RESTART), xa_index stays 0x1000.
  EXPECT_EQ(XasMarkedWalkEnd({Pmd(512)}, 0, 600, 512), 0x1000u);
}

TEST(XaCursorTest, WrapAtTheTopOfTheIndexSpace) {
  // 1 << 60 needs root shift 60. Climbing to the root (offset 2), chunk -> 64: xas_move_index
  // gives (x & (~63 << 60)) + (64 << 60) = 0 (wraps); (0 - 1) >= max -> goto max with index 0.
  // (Without the wrap test the walk would leave the root with index 0 too: the branch decides
  // XAS_RESTART over XAS_BOUNDS, not the index.)
  const uint64_t top = uint64_t{1} << 60;
  EXPECT_EQ(XasMarkedWalkEnd({Pte(top)}, 0, kUlongMax, top), 0x0u);
}

TEST(XaCursorTest, MarkedEntryPastMaxInANodeIsNotReturned) {
  // Root shift 6: slot 0 -> leaf {5}, slot 1 (marked) -> leaf {6}. From 5: leaf end 64 <= 66;
  // climb to root offset 1, marked, descend; chunk -> 6, xas_move_index(6) = 70; 69 >= 66 ->
  // goto max at 70. (Were 70 returned, xas_next_marked's leaf step would end the walk at 128.)
  EXPECT_EQ(XasMarkedWalkEnd({Pte(5), Pte(70, true)}, 0, 66, 5), 70u);
  // Root shift 6; from the PMD at slot 0, advance: chunk -> 8 (the marked PMD at 512);
  // xas_move_index(8) = 512; 511 >= 100 -> goto max at 512.
  EXPECT_EQ(XasMarkedWalkEnd({Pmd(0), Pmd(512, true)}, 0, 100, 0), 0x200u);
  // Root shift 12: slot 0 -> shift-6 node -> leaf {5}; slot 1 (marked) -> shift-6 node, slot 14
  // -> leaf {8}. max 100: the leaf's end 64 <= 100, climb; the shift-6 node finds nothing ->
  // xas_move_index(64) = 0x1000; 0xfff >= 100 -> goto max.
  EXPECT_EQ(XasMarkedWalkEnd({Pte(5), Pte(5000, true)}, 0, 100, 5), 0x1000u);
  // max 4100: 0x1000 <= max, climb to root offset 1: marked node, descend (offset 0); chunk -> 14,
  // xas_move_index(14) = 4096 + 14 * 64 = 0x1380; 0x137f >= 4100 -> goto max: past max, but
  // below the marked entry 5000 itself.
  EXPECT_EQ(XasMarkedWalkEnd({Pte(5), Pte(5000, true)}, 0, 4100, 5), 0x1380u);
}

// ---- Nothing marked: the first xas_find_marked() returns NULL ----

TEST(XaCursorTest, NothingMarkedWithAHeadEntry) {
  // start 1: xas_top -> head is not a node, max_index(head) = 0 < 1 -> out: 1 <= max -> bounds.
  EXPECT_EQ(XasMarkedWalkEnd({Pte(0)}, 1, kWholeFile, kNoResume), 0x1u);
  // start 0: head not marked -> xa_index = 1 -> out.
  EXPECT_EQ(XasMarkedWalkEnd({Pte(0)}, 0, kWholeFile, kNoResume), 0x1u);
  // Empty array, start 7: max_index(NULL) = 0 < 7 -> out with the index untouched.
  EXPECT_EQ(XasMarkedWalkEnd({}, 7, kWholeFile, kNoResume), 0x7u);
}

TEST(XaCursorTest, NothingMarkedInALeafRootedTree) {
  const std::vector<XaEntryDesc> entries = {Pte(3), Pte(9)};
  // start 0: root is the leaf, xa_offset = 0, advance false; chunk -> 64 > 0, xas_move_index(64)
  // = 0x40; wrap check passes; offset 64 -> climb -> NULL -> out: bounds. The search never looks
  // at 3 or 9: the value is the leaf's end, whatever the start inside it.
  EXPECT_EQ(XasMarkedWalkEnd(entries, 0, kWholeFile, kNoResume), 0x40u);
  EXPECT_EQ(XasMarkedWalkEnd(entries, 10, kWholeFile, kNoResume), 0x40u);
  // Small max: same move to 0x40, then (0x40 - 1) >= 10 -> goto max, index still 0x40.
  EXPECT_EQ(XasMarkedWalkEnd(entries, 0, 10, kNoResume), 0x40u);
  // start 70 > max_index(leaf) = 63 -> out with the index untouched.
  EXPECT_EQ(XasMarkedWalkEnd(entries, 70, kWholeFile, kNoResume), 70u);
}

// ---- Marked entries the search still finds: the loop runs again ----

TEST(XaCursorTest, MarkedHeadEntryIsFoundThenTheWalkEndsAtOne) {
  // xa_marked -> xas_find_marked returns the head entry; then xas_next_marked with xa_node NULL
  // -> xas_find_marked -> xa_index = 1 -> out.
  EXPECT_EQ(XasMarkedWalkEnd({Pte(0, true)}, 0, kWholeFile, kNoResume), 0x1u);
}

TEST(XaCursorTest, AFurtherMarkedEntryIsVisitedFirst) {
  const std::vector<XaEntryDesc> entries = {Pte(0), Pte(5), Pte(100, true)};
  // Root shift 6: slot 0 -> leaf {0, 5}, slot 1 (marked) -> leaf {36}. From 5: leaf chunk ends,
  // xa_index = 64 <= 200; climb to root offset 1, marked, descend; chunk -> 36, xa_index = 100:
  // found. From 100: chunk -> 64, xa_index = 128; root offset 2, chunk -> 64: 0x1000 - 1 >= 200
  // -> goto max.
  EXPECT_EQ(XasMarkedWalkEnd(entries, 0, 200, 5), 0x1000u);
  // max 50: the first leaf's end 64 > 50 -> xas_next_marked returns NULL at 0x40.
  EXPECT_EQ(XasMarkedWalkEnd(entries, 0, 50, 5), 0x40u);
}

TEST(XaCursorTest, StartInsideAMarkedPmdFindsItsCanonicalIndex) {
  // Root shift 6, start 600: xa_offset = 9, a sibling of 8 -> offset 8, xa_index = 512; chunk
  // (no advance) -> 8: found. Then advance from 8: chunk -> 64, 0x1000; (0x1000 - 1) >= 700 ->
  // goto max.
  EXPECT_EQ(XasMarkedWalkEnd({Pmd(512, true)}, 600, 700, kNoResume), 0x1000u);
}

// ---- The resumed entry has gone (removed while get_unlocked_entry() slept) ----

TEST(XaCursorTest, ResumeGoneInsideAnExistingLeaf) {
  // xas_load(3) stops in the leaf at offset 3 (NULL slot); chunk from 4 -> 64 -> 0x40 as before.
  EXPECT_EQ(XasMarkedWalkEnd({Pte(0), Pte(5)}, 0, kWholeFile, 3), 0x40u);
}

TEST(XaCursorTest, ResumeGoneAndTheTreeShrankBelowIt) {
  // 70 removed: its leaf was freed and xas_shrink() made the {5} leaf the root. xas_start(70):
  // 70 >> 0 > 63 -> XAS_BOUNDS. xas_next_marked -> xas_find_marked: xas_top; 70 > max_index = 63
  // -> out: 70 <= max -> bounds. The index is the resume index itself, not beyond it.
  EXPECT_EQ(XasMarkedWalkEnd({Pte(5)}, 0, kWholeFile, 70), 70u);
}

TEST(XaCursorTest, ResumeGoneAndTheArrayIsEmpty) {
  // resume 0: xas_start leaves xa_node = NULL -> xas_find_marked sets xa_index = 1.
  EXPECT_EQ(XasMarkedWalkEnd({}, 0, kWholeFile, 0), 0x1u);
  // resume 7: xas_start: head NULL and index != 0 -> XAS_BOUNDS; 7 > max_index(NULL) -> out.
  EXPECT_EQ(XasMarkedWalkEnd({}, 0, kWholeFile, 7), 0x7u);
}

TEST(XaCursorTest, ResumeGonePmdLeavesTheStateInItsParentSlot) {
  // PMD at 512 removed; {0, 1100} keep root shift 6 (slot 0 and slot 17 leaves). xas_load(512)
  // stops at root offset 8 (NULL); xas_find_marked advance: chunk from 9 -> 64 -> 0x1000.
  EXPECT_EQ(XasMarkedWalkEnd({Pte(0), Pte(1100)}, 0, kWholeFile, 512), 0x1000u);
}

TEST(XaCursorDeathTest, OverlappingEntriesAbort) {
  EXPECT_DEATH(XasMarkedWalkEnd({Pmd(0), Pte(3)}, 0, kWholeFile, 0), "overlap");
}

// ---- Properties over random entry sets ----

bool Covers(const XaEntryDesc& e, uint64_t index) {
  return e.index <= index && index - e.index < (uint64_t{1} << e.order);
}

unsigned NodeShift(const XaEntryDesc& e) { return e.order == 9 ? 6 : 0; }

// The shape, computed independently of the implementation: the least root shift covering every
// entry; no node for an empty array or a lone order-0 entry at 0.
struct Shape {
  bool has_node = false;
  unsigned root_shift = 0;
  uint64_t top = 1;  // the index a search reaches when it leaves the tree at the top
};

Shape ShapeOf(const std::vector<XaEntryDesc>& entries) {
  Shape s;
  if (entries.empty() || (entries.size() == 1 && entries[0].index == 0 && entries[0].order == 0))
    return s;
  uint64_t last = 0;
  for (const XaEntryDesc& e : entries)
    last = std::max(last, e.index + (uint64_t{1} << e.order) - 1);
  s.has_node = true;
  while ((last >> s.root_shift) >= 64) s.root_shift += 6;
  s.top = uint64_t{64} << s.root_shift;
  return s;
}

// With nothing marked past `index`, the search from a node of shift `from_shift` on index's path
// stops at the first end of a node's range (bottom up) beyond max, or leaves at the top.
uint64_t ClimbEnd(uint64_t index, unsigned from_shift, const Shape& s, uint64_t max) {
  for (unsigned t = from_shift; t <= s.root_shift; t += 6) {
    const uint64_t end = (index | ((uint64_t{64} << t) - 1)) + 1;
    if (end > max || t == s.root_shift) return end;
  }
  return s.top;
}

// The shift of the deepest node on index's path (index covered by no entry).
unsigned DeepestNodeShift(const std::vector<XaEntryDesc>& entries, uint64_t index, const Shape& s) {
  for (unsigned t = 0; t < s.root_shift; t += 6) {
    for (const XaEntryDesc& e : entries)
      if (NodeShift(e) <= t && (e.index >> (t + 6)) == (index >> (t + 6))) return t;
  }
  return s.root_shift;
}

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}
  uint64_t Below(uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n - 1)(rng_); }
  bool Coin() { return Below(2) == 0; }

  // 1..8 non-overlapping entries (a third of them PMDs) within a span that selects the height.
  std::vector<XaEntryDesc> Entries() {
    static constexpr uint64_t kSpans[] = {64, 4096, uint64_t{1} << 18, uint64_t{1} << 24};
    span_ = kSpans[Below(4)];
    std::vector<XaEntryDesc> out;
    const uint64_t n = 1 + Below(8);
    for (uint64_t i = 0; i < n; ++i) {
      const unsigned order = Below(3) == 0 ? 9 : 0;
      const XaEntryDesc e{Below(span_) & ~((uint64_t{1} << order) - 1), order, Coin()};
      const bool clash = std::any_of(out.begin(), out.end(), [&](const XaEntryDesc& o) {
        return Covers(o, e.index) || Covers(e, o.index);
      });
      if (!clash) out.push_back(e);
    }
    return out;
  }
  uint64_t Index() { return Below(span_ + 1024); }
  uint64_t Max(uint64_t from) {
    switch (Below(3)) {
      case 0:
        return kUlongMax;
      case 1:
        return kWholeFile;
      default:
        return from + Below(2 * span_);
    }
  }

 private:
  std::mt19937 rng_;
  uint64_t span_ = 64;
};

void UnmarkFrom(std::vector<XaEntryDesc>& entries, uint64_t first) {
  for (XaEntryDesc& e : entries)
    if (e.index + (uint64_t{1} << e.order) - 1 >= first) e.marked = false;
}

constexpr int kRuns = 3000;

TEST(XaCursorPropertyTest, ResumedEntryExistsNothingMarkedPastIt) {
  Gen g(1);
  for (int run = 0; run < kRuns; ++run) {
    std::vector<XaEntryDesc> entries = g.Entries();
    const XaEntryDesc last = entries[g.Below(entries.size())];
    UnmarkFrom(entries, last.index + 1);
    const Shape s = ShapeOf(entries);
    const uint64_t max = g.Max(last.index);
    const uint64_t got = XasMarkedWalkEnd(entries, 0, max, last.index);
    SCOPED_TRACE(::testing::Message() << "run " << run << " resume " << last.index << " max " << max
                                      << " entries " << entries.size());
    EXPECT_GT(got, last.index);
    // Only a head entry: always 1. A node: the first node end past max, else 64 << root_shift.
    EXPECT_EQ(got, s.has_node ? ClimbEnd(last.index, NodeShift(last), s, max) : 1);
    if (max >= kWholeFile) {
      EXPECT_EQ(got, s.top);  // the brief's claim holds here
    }
  }
}

// Any marks, resume at an existing entry (or the deepest node on a gone one's path, shift
// r_shift). The loop visits every marked entry in (r, max]; the final search starts at the last
// one. It then reaches, in increasing order, the ends of the nodes above it and, for each marked
// entry e past max, the starts of e's slots in the nodes from the one it shares with r down to
// e's own; it stops at the first of those positions past max, or leaves the tree at the top.
uint64_t SearchEnd(const std::vector<XaEntryDesc>& entries, uint64_t r, unsigned r_shift,
                   const Shape& s, uint64_t max) {
  for (const XaEntryDesc& e : entries) {
    if (e.marked && e.index > r && e.index <= max) {
      r = e.index;
      r_shift = NodeShift(e);
    }
  }
  std::optional<uint64_t> best;
  auto consider = [&](uint64_t pos) {
    if (pos > max && (!best || pos < *best)) best = pos;
  };
  for (unsigned t = r_shift; t <= s.root_shift; t += 6)
    consider((r | ((uint64_t{64} << t) - 1)) + 1);
  for (const XaEntryDesc& e : entries) {
    if (!e.marked || e.index <= max) continue;
    unsigned common = r_shift;
    while (common < s.root_shift && (r >> (common + 6)) != (e.index >> (common + 6))) common += 6;
    for (unsigned t = NodeShift(e); t <= common; t += 6)
      consider(e.index & ~((uint64_t{1} << t) - 1));
  }
  return best.value_or(s.top);
}

TEST(XaCursorPropertyTest, ResumedEntryExistsAnyMarks) {
  Gen g(5);
  int beyond_max = 0;
  for (int run = 0; run < kRuns; ++run) {
    const std::vector<XaEntryDesc> entries = g.Entries();
    const Shape s = ShapeOf(entries);
    if (!s.has_node) continue;
    const XaEntryDesc last = entries[g.Below(entries.size())];
    const uint64_t max = g.Max(last.index);
    const uint64_t got = XasMarkedWalkEnd(entries, 0, max, last.index);
    SCOPED_TRACE(::testing::Message() << "run " << run << " resume " << last.index << " max " << max
                                      << " entries " << entries.size());
    EXPECT_EQ(got, SearchEnd(entries, last.index, NodeShift(last), s, max));
    beyond_max += got > max;
  }
  EXPECT_GT(beyond_max, kRuns / 10);  // the max exits are exercised, not only the top
}

TEST(XaCursorPropertyTest, ResumedEntryGoneNothingMarkedPastIt) {
  Gen g(2);
  for (int run = 0; run < kRuns; ++run) {
    std::vector<XaEntryDesc> entries = g.Entries();
    if (g.Below(8) == 0) entries.clear();
    const uint64_t resume = g.Index();
    if (std::any_of(entries.begin(), entries.end(),
                    [&](const XaEntryDesc& e) { return Covers(e, resume); }))
      continue;
    UnmarkFrom(entries, resume + 1);
    const Shape s = ShapeOf(entries);
    const uint64_t max = g.Max(resume);
    const uint64_t got = XasMarkedWalkEnd(entries, 0, max, resume);
    SCOPED_TRACE(::testing::Message() << "run " << run << " resume " << resume << " max " << max);
    uint64_t want;
    if (!s.has_node) {
      want = resume == 0 ? 1 : resume;  // NULL -> 1; XAS_BOUNDS -> out with the index kept
    } else if (resume >= s.top) {
      want = resume;  // XAS_BOUNDS: outside the root's range
    } else {
      want = ClimbEnd(resume, DeepestNodeShift(entries, resume, s), s, max);
    }
    EXPECT_EQ(got, want);
    EXPECT_GE(got, resume);  // not always > resume: the XAS_BOUNDS cases return resume itself
    if (max >= kWholeFile) {
      EXPECT_EQ(got, std::max(resume, s.top));
    }
  }
}

TEST(XaCursorPropertyTest, FirstSearchFindsNothing) {
  Gen g(3);
  for (int run = 0; run < kRuns; ++run) {
    std::vector<XaEntryDesc> entries = g.Entries();
    const uint64_t start = g.Index();
    const bool all_unmarked = g.Coin();
    UnmarkFrom(entries, all_unmarked ? 0 : start);
    const Shape s = ShapeOf(entries);
    const uint64_t max = all_unmarked ? g.Max(start > 0 ? start - 1 : 0) : kWholeFile;
    const uint64_t got = XasMarkedWalkEnd(entries, start, max, kNoResume);
    SCOPED_TRACE(::testing::Message() << "run " << run << " start " << start << " max " << max);
    if (!all_unmarked || start <= max) {
      // Out of range -> the index is kept; else the walk leaves the root (or head: index 1).
      EXPECT_EQ(got, std::max(start, s.top));
    } else {
      EXPECT_EQ(got, start);  // start > max: goto max at once
    }
  }
}

// Any marks, any position: the walk ends beyond max, or where a search that left the top of the
// tree (or started outside it) ends: max(from, 64 << root_shift) (1 for head-only arrays).
TEST(XaCursorPropertyTest, EndsBeyondMaxOrAtTheTop) {
  Gen g(4);
  for (int run = 0; run < kRuns; ++run) {
    const std::vector<XaEntryDesc> entries = g.Entries();
    const Shape s = ShapeOf(entries);
    std::optional<uint64_t> resume;
    bool exists = false;
    switch (g.Below(3)) {
      case 0:
        resume = entries[g.Below(entries.size())].index;
        exists = true;
        break;
      case 1:
        resume = g.Index();
        exists = std::any_of(entries.begin(), entries.end(),
                             [&](const XaEntryDesc& e) { return Covers(e, *resume); });
        break;
      default:
        break;
    }
    const uint64_t start = resume ? 0 : g.Index();
    const uint64_t from = resume.value_or(start);
    const uint64_t max = g.Max(from);
    const uint64_t got = XasMarkedWalkEnd(entries, start, max, resume);
    SCOPED_TRACE(::testing::Message() << "run " << run << " from " << from << " max " << max);
    EXPECT_TRUE(got > max || got == std::max(from, s.top)) << got;
    EXPECT_LE(got, std::max(from, s.top));
    if (exists) {
      EXPECT_GT(got, from);
    }
    EXPECT_GE(got, from);
  }
}

}  // namespace
}  // namespace daxsim::vm
