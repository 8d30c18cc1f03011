#include "props/spec/linearize.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>

namespace daxsim::props::spec {
namespace {

constexpr uint64_t kIno = 3;

Event Ev(Kind k, uint64_t off, uint64_t len, uint8_t val, int64_t start, int64_t end,
         std::vector<uint8_t> got = {}) {
  Event e;
  e.call.kind = k;
  e.call.ino = kIno;
  e.call.offset = off;
  e.call.length = len;
  e.call.value = val;
  e.outcome.bytes = std::move(got);
  e.start = start;
  e.end = end;
  return e;
}

State Initial() {
  State s;
  s.files[kIno].size = 4096;
  return s;
}

TEST(Linearize, OverlappingWriteMayComeEitherSide) {
  // A read overlapping a write may see either value.
  for (uint8_t seen : {0, 0x11}) {
    std::vector<Event> h = {Ev(Kind::kWrite, 0, 1, 0x11, 0, 10),
                            Ev(Kind::kRead, 0, 1, 0, 5, 15, {seen})};
    EXPECT_EQ(Linearize(Initial(), h).kind, Verdict::kLinearizable) << int(seen);
  }
}

TEST(Linearize, RealTimeOrderIsRespected) {
  std::vector<Event> h = {Ev(Kind::kWrite, 0, 1, 0x11, 0, 4), Ev(Kind::kRead, 0, 1, 0, 5, 9, {0})};
  const Verdict v = Linearize(Initial(), h);
  EXPECT_EQ(v.kind, Verdict::kViolation);
  EXPECT_NE(v.why.find("the bytes read"), std::string::npos) << v.why;
}

TEST(Linearize, RunningCallsMayOrMayNotHaveTakenEffect) {
  for (uint8_t seen : {0, 0x11}) {
    std::vector<Event> h = {Ev(Kind::kWrite, 0, 1, 0x11, 0, -1),
                            Ev(Kind::kRead, 0, 1, 0, 5, 9, {seen})};
    EXPECT_EQ(Linearize(Initial(), h).kind, Verdict::kLinearizable);
  }
  std::vector<Event> h = {Ev(Kind::kWrite, 0, 1, 0x11, 6, -1),
                          Ev(Kind::kRead, 0, 1, 0, 0, 5, {0x11})};  // read ended first
  EXPECT_EQ(Linearize(Initial(), h).kind, Verdict::kViolation);
}

TEST(Linearize, NoNewValueThenOldValue) {
  // Two reads in real-time order may not see the new value and then the old one.
  std::vector<Event> h = {Ev(Kind::kWrite, 0, 1, 0x11, 0, 20),
                          Ev(Kind::kRead, 0, 1, 0, 1, 5, {0x11}),
                          Ev(Kind::kRead, 0, 1, 0, 6, 9, {0})};
  EXPECT_EQ(Linearize(Initial(), h).kind, Verdict::kViolation);
}

TEST(Linearize, BudgetGivesInconclusiveNotViolation) {
  std::vector<Event> h;
  for (int i = 0; i < 12; ++i)
    h.push_back(Ev(Kind::kWrite, 0, 1, static_cast<uint8_t>(i + 1), 0, 100));
  h.push_back(Ev(Kind::kRead, 0, 1, 0, 0, 100, {0x77}));  // nobody wrote 0x77
  const Verdict v = Linearize(Initial(), h, 1000);
  EXPECT_EQ(v.kind, Verdict::kInconclusive);
  EXPECT_EQ(v.checked, 0u);
}

TEST(Linearize, FilesAreSearchedApart) {
  std::vector<Event> h = {Ev(Kind::kWrite, 0, 1, 0x11, 0, 4)};
  Event other = Ev(Kind::kRead, 0, 1, 0, 5, 9, {0});
  other.call.ino = kIno + 1;
  h.push_back(other);
  State s = Initial();
  s.files[kIno + 1].size = 4096;
  const Verdict v = Linearize(s, h);
  EXPECT_EQ(v.kind, Verdict::kLinearizable);
  EXPECT_EQ(v.checked, 2u);
}

// The memoised search (failed configurations skipped), with its memo unbounded or nearly full,
// gives the plain search's verdict on every history: 4 000 random ones over two bytes of one file
// (writes, reads that see a written value or zero, truncates, calls still running); ~550
// linearizable, the rest not.
TEST(Linearize, MemoisationKeepsThePlainSearchsVerdicts) {
  std::mt19937_64 rng(2026);
  auto below = [&](uint64_t n) { return static_cast<int64_t>(rng() % n); };
  int kinds[3] = {0, 0, 0};
  uint64_t memo_nodes = 0, plain_nodes = 0;
  int capped = 0;          // rounds whose memo outgrew the small budget
  int starved_rounds = 0;  // rounds a 2 000-byte work budget left inconclusive
  for (int round = 0; round < 4000; ++round) {
    std::vector<Event> h;
    const int64_t n = 4 + below(6);
    for (int64_t i = 0; i < n; ++i) {
      const int64_t start = below(12);
      const int64_t end = below(10) == 0 ? -1 : start + 1 + below(10);
      const uint64_t off = static_cast<uint64_t>(below(2));
      const int64_t k = below(10);
      if (k < 4) {
        h.push_back(Ev(Kind::kWrite, off, 1, static_cast<uint8_t>(1 + below(3)), start, end));
      } else if (k < 9) {
        h.push_back(Ev(Kind::kRead, off, 1, 0, start, end < 0 ? start + 1 : end,
                       {static_cast<uint8_t>(below(4))}));
      } else {
        Event t = Ev(Kind::kTruncate, below(2) == 0 ? 0 : 4096, 0, 0, start, end);
        h.push_back(t);
      }
    }
    const Verdict memo = Linearize(Initial(), h, 1000000, true);
    const Verdict plain = Linearize(Initial(), h, 1000000, false);
    ASSERT_NE(plain.kind, Verdict::kInconclusive) << round;
    ASSERT_EQ(memo.kind, plain.kind) << "round " << round << ": " << plain.why << memo.why;
    EXPECT_LE(memo.nodes, plain.nodes) << round;
    // A memo that fills up (here: room for about two states) keeps pruning with what it has:
    // the same verdict, work between the full memo's and the plain search's.
    const Verdict small = Linearize(Initial(), h, 1000000, true, 700);
    ASSERT_EQ(small.kind, plain.kind) << "round " << round;
    EXPECT_LE(small.memo_bytes, 700u);
    EXPECT_GE(small.nodes, memo.nodes) << round;
    EXPECT_LE(small.nodes, plain.nodes) << round;
    capped += memo.memo_bytes > 700;
    // Out of work budget: inconclusive, never a violation; with room, the same verdict.
    const Verdict starved = Linearize(Initial(), h, 1000000, true, kMemoBytesMax, 2000);
    ASSERT_TRUE(starved.kind == plain.kind || starved.kind == Verdict::kInconclusive) << round;
    starved_rounds += starved.kind == Verdict::kInconclusive;
    ++kinds[memo.kind];
    memo_nodes += memo.nodes;
    plain_nodes += plain.nodes;
  }
  EXPECT_GT(kinds[Verdict::kLinearizable], 400);
  EXPECT_GT(kinds[Verdict::kViolation], 1000);
  EXPECT_LT(memo_nodes, plain_nodes) << memo_nodes << " vs " << plain_nodes;
  EXPECT_GT(capped, 100);
  EXPECT_GT(starved_rounds, 100);
  EXPECT_LT(starved_rounds, 4000);
  std::printf("rounds past the small memo budget: %d\n", capped);
  std::printf("nodes: memoised %llu, plain %llu\n", static_cast<unsigned long long>(memo_nodes),
              static_cast<unsigned long long>(plain_nodes));
}

}  // namespace
}  // namespace daxsim::props::spec
