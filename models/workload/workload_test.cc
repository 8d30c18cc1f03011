// The workload text form: every op and key parses to the AST it documents; each class of error
// is one line naming the right source line; format/parse round-trip on generated workloads
// (RapidCheck); mutated texts never crash the parser and fail with one-line messages.
#include "models/workload/workload.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace daxsim::models::workload {
namespace {

constexpr uint64_t kK = 1024, kM = 1024 * 1024;

// Every op and key of the language (the example of workload.h, extended).
constexpr char kEverything[] = R"(# leading comment
workload every_op
description "all \"ops\" \\ keys # not a comment"   # a comment
file f size=8M
file g size=0x400001 written=0-2M fill=0xaa unwritten=2M-0x300000 written=0x300000-4M
actor T1 mm=P1

  mmap m f off=0 len=2M shared
  mmap p g off=2M len=4K private
  mmap s off=4K len=8K sync ro
  mmap w g len=4K rw
  store m 0x1000 len=8 val=0x11
  load m 0x1000 len=8
  load m 4K len=1 expect=17
  clwb m 0x1000 len=64
  sfence
  msync m 0 len=2M
  madvise_dontneed m 0 len=2M
  pin m 0 len=4K
  unpin m 0 len=4K val=255
  poison m 0x10
  munmap m
actor T2
  truncate f 0
  truncate 64M
  punch f 0 len=4K
  zero_range g 4K len=4K
  falloc 2M len=1M
  write f 0x1000 len=8 val=0x22
  read f 0x1000 len=8
  read g 0 len=3 expect=0xaa
  fsync
  fsync g
  badblock f 0
  scrub
  unbind
  crash
actor T3 mm=P1
  store p 0 len=4K val=0
)";

constexpr char kEverythingCanonical[] = R"(workload every_op
description "all \"ops\" \\ keys # not a comment"
file f size=8M
file g size=0x400001 written=0-2M fill=0xaa unwritten=2M-3M written=3M-4M
actor T1 mm=P1
  mmap m f off=0 len=2M shared
  mmap p g off=2M len=4K private
  mmap s f off=4K len=8K sync ro
  mmap w g off=0 len=4K shared
  store m 0x1000 len=8 val=0x11
  load m 0x1000 len=8
  load m 0x1000 len=1 expect=0x11
  clwb m 0x1000 len=64
  sfence
  msync m 0 len=2M
  madvise_dontneed m 0 len=2M
  pin m 0 len=4K
  unpin m 0 len=4K val=0xff
  poison m 0x10
  munmap m
actor T2
  truncate f 0
  truncate f 64M
  punch f 0 len=4K
  zero_range g 0x1000 len=4K
  falloc f 2M len=1M
  write f 0x1000 len=8 val=0x22
  read f 0x1000 len=8
  read g 0 len=3 expect=0xaa
  fsync f
  fsync g
  badblock f 0
  scrub
  unbind
  crash
actor T3 mm=P1
  store p 0 len=4K val=0x00
)";

TEST(ParseWorkload, EveryOpAndKey) {
  const absl::StatusOr<Workload> w = ParseWorkload(kEverything, "every");
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->name, "every_op");
  EXPECT_EQ(w->description, "all \"ops\" \\ keys # not a comment");
  ASSERT_EQ(w->files.size(), 2);
  EXPECT_EQ(w->files[0], (FileSetup{"f", 8 * kM, {}}));
  using E = FileSetup::Extent;
  EXPECT_EQ(w->files[1],
            (FileSetup{"g",
                       0x400001,
                       {E{0, 2 * kM, E::kWritten, 0xaa}, E{2 * kM, kM, E::kUnwritten, 0},
                        E{3 * kM, kM, E::kWritten, 0}}}));
  ASSERT_EQ(w->actors.size(), 3);
  const Actor& t1 = w->actors[0];
  EXPECT_EQ(t1.name, "T1");
  EXPECT_EQ(t1.mm, "P1");
  EXPECT_EQ(w->actors[1].mm, "T2");  // default: its own name
  EXPECT_EQ(SetupOpCount(t1), 4);
  EXPECT_EQ(SetupOpCount(w->actors[1]), 0);

  const Op& mmap_m = t1.ops[0];
  EXPECT_EQ(mmap_m.code, OpCode::kMmap);
  EXPECT_EQ(mmap_m.line, 8);
  EXPECT_EQ(mmap_m.map, "m");
  EXPECT_EQ(mmap_m.file, "f");
  EXPECT_EQ(mmap_m.length, 2 * kM);
  EXPECT_TRUE(mmap_m.shared && !mmap_m.sync && mmap_m.write_access);
  const Op& mmap_p = t1.ops[1];
  EXPECT_EQ(mmap_p.offset, 2 * kM);
  EXPECT_FALSE(mmap_p.shared);
  const Op& mmap_s = t1.ops[2];
  EXPECT_EQ(mmap_s.file, "f");  // default file
  EXPECT_TRUE(mmap_s.shared && mmap_s.sync && !mmap_s.write_access);

  const Op& store = t1.ops[4];
  EXPECT_EQ(store.code, OpCode::kStore);
  EXPECT_EQ(store.file, "f");  // resolved from the mapping
  EXPECT_EQ(store.offset, 0x1000);
  EXPECT_EQ(store.length, 8);
  EXPECT_EQ(store.value, 0x11);
  EXPECT_FALSE(t1.ops[5].expect);
  EXPECT_TRUE(t1.ops[6].expect);
  EXPECT_EQ(t1.ops[6].value, 17);
  EXPECT_EQ(t1.ops[7].code, OpCode::kClwb);
  EXPECT_EQ(t1.ops[8].code, OpCode::kSfence);
  EXPECT_EQ(t1.ops[8].file, "");
  EXPECT_EQ(t1.ops[9].code, OpCode::kMsync);
  EXPECT_EQ(t1.ops[10].code, OpCode::kMadviseDontneed);
  EXPECT_EQ(t1.ops[11].code, OpCode::kPin);
  EXPECT_EQ(t1.ops[12].code, OpCode::kUnpin);
  EXPECT_EQ(t1.ops[12].value, 255);
  EXPECT_EQ(t1.ops[13].code, OpCode::kPoison);
  EXPECT_EQ(t1.ops[13].offset, 0x10);
  EXPECT_EQ(t1.ops[14].code, OpCode::kMunmap);

  const std::vector<Op>& t2 = w->actors[1].ops;
  const std::vector<OpCode> codes = {
      OpCode::kTruncate,  OpCode::kTruncate, OpCode::kPunchHole,      OpCode::kZeroRange,
      OpCode::kFallocate, OpCode::kWrite,    OpCode::kRead,           OpCode::kRead,
      OpCode::kFsync,     OpCode::kFsync,    OpCode::kInjectBadBlock, OpCode::kScrub,
      OpCode::kUnbind,    OpCode::kCrash};
  ASSERT_EQ(t2.size(), codes.size());
  for (size_t i = 0; i < codes.size(); ++i) EXPECT_EQ(t2[i].code, codes[i]) << i;
  EXPECT_EQ(t2[1].offset, 64 * kM);
  EXPECT_EQ(t2[1].file, "f");
  EXPECT_EQ(t2[3].file, "g");
  EXPECT_EQ(t2[4].offset, 2 * kM);
  EXPECT_EQ(t2[4].length, kM);
  EXPECT_EQ(t2[8].file, "f");
  EXPECT_EQ(t2[9].file, "g");
  EXPECT_EQ(t2[13].file, "");

  // T3 uses T1's setup mapping p (same mm), and its file resolves to g.
  EXPECT_EQ(w->actors[2].ops[0].file, "g");
}

TEST(FormatWorkload, CanonicalTextAndFixedPoint) {
  const absl::StatusOr<Workload> w = ParseWorkload(kEverything, "every");
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(FormatWorkload(*w), kEverythingCanonical);
  const absl::StatusOr<Workload> again = ParseWorkload(kEverythingCanonical, "canonical");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *w);
}

TEST(ParseWorkload, Numbers) {
  // input, canonical as an offset, canonical as a length
  const char* cases[][3] = {{"4096", "0x1000", "4K"},
                            {"0x1000", "0x1000", "4K"},
                            {"4K", "0x1000", "4K"},
                            {"0x10K", "0x4000", "16K"},
                            {"2M", "2M", "2M"},
                            {"1023", "0x3ff", "1023"},
                            {"0x1001", "0x1001", "0x1001"},
                            {"0XfF", "0xff", "255"},
                            {"2048K", "2M", "2M"},
                            {"3", "0x3", "3"}};
  for (const auto& [in, offset, length] : cases) {
    const std::string text =
        absl::StrCat("workload n\nfile f size=64M\nactor A\n  read f ", in, " len=", in, "\n");
    const absl::StatusOr<Workload> w = ParseWorkload(text, "n");
    ASSERT_TRUE(w.ok()) << in << ": " << w.status();
    EXPECT_TRUE(absl::StrContains(FormatWorkload(*w),
                                  absl::StrCat("read f ", offset, " len=", length, "\n")))
        << in << "\n"
        << FormatWorkload(*w);
  }
}

TEST(ParseWorkload, CrlfAndTabs) {
  const absl::StatusOr<Workload> w =
      ParseWorkload("workload c\r\nfile f size=4K\r\nactor A\r\n\tfsync\tf\r\n", "crlf");
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->actors[0].ops[0].code, OpCode::kFsync);
}

// The example at the top of workload.h (copied to the README) stays valid.
TEST(ParseWorkload, HeaderExample) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  ASSERT_NE(srcdir, nullptr);
  std::ifstream header(std::string(srcdir) + "/daxsim/models/workload/workload.h");
  ASSERT_TRUE(header.good());
  std::string line, text;
  bool in_example = false;
  while (std::getline(header, line)) {
    if (line == "// Example:") {
      in_example = true;
    } else if (in_example && absl::StartsWith(line, "//   ")) {
      absl::StrAppend(&text, line.substr(5), "\n");
    } else if (in_example) {
      break;
    }
  }
  const absl::StatusOr<Workload> w = ParseWorkload(text, "workload.h example");
  ASSERT_TRUE(w.ok()) << w.status() << "\n" << text;
  EXPECT_EQ(w->actors.size(), 3);
  EXPECT_EQ(w->actors[1].ops[0].file, "f");  // T2 stores through T1's setup mapping
}

// ---- Errors: one line, right line number, says what is wrong. ----

struct BadCase {
  const char* what;
  std::string text;
  int line;
  const char* message;  // a substring of the message
};

// Lines 1-4: header, file f (8K), actor T1, mmap m of all of f.
const std::string kHead = "workload w\nfile f size=8K\nactor T1\n  mmap m f len=8K\n";

std::string ManyActors(int n) {
  std::string s = "workload w\n";
  for (int i = 0; i < n; ++i) absl::StrAppend(&s, "actor A", i, "\n  sfence\n");
  return s;
}

std::string ManyOps(int n) {
  std::string s = "workload w\nactor A\n";
  for (int i = 0; i < n; ++i) s += "  sfence\n";
  return s;
}

std::vector<BadCase> BadCases() {
  return {
      {"unknown op", kHead + "  frobnicate m 0\n", 5, "unknown operation 'frobnicate'"},
      {"params after files", "workload w\nfile f size=4K\nparams wait_bits=1\n", 3,
       "params must come before files and actors"},
      {"params not k=v", "workload w\nparams wait_bits\n", 2, "params: expected KEY=VALUE"},
      {"params twice", "workload w\nparams a=1\nparams b=2\n", 3, "duplicate params"},
      {"missing key", kHead + "  store m 0 val=1\n", 5, "missing key len= in 'store'"},
      {"missing val", kHead + "  store m 0 len=1\n", 5, "missing key val= in 'store'"},
      {"missing size", "workload w\nfile f\n", 2, "missing key size="},
      {"duplicate key", kHead + "  store m 0 len=8 len=8 val=1\n", 5, "duplicate key 'len'"},
      {"duplicate size", "workload w\nfile f size=1 size=2\n", 2, "duplicate key 'size'"},
      {"unknown key", kHead + "  load m 0 len=8 val=1\n", 5, "unknown key 'val' for 'load'"},
      {"unknown file key", "workload w\nfile f size=1 colour=red\n", 2, "unknown key 'colour'"},
      {"bad number", kHead + "  load m 0x len=8\n", 5, "bad number '0x'"},
      {"bad number in key", kHead + "  load m 0 len=8Q\n", 5, "bad number '8Q' in len="},
      {"number overflow", kHead + "  load m 0 len=99999999999999999999\n", 5, "bad number"},
      {"val > 255", kHead + "  store m 0 len=8 val=256\n", 5, "val=256 is out of range (0..255)"},
      {"expect > 255", kHead + "  load m 0 len=8 expect=0x100\n", 5,
       "expect=0x100 is out of range"},
      {"len 0", kHead + "  load m 0 len=0\n", 5, "len=0 is not allowed"},
      {"addr unaligned", kHead + "  mmap n f len=4K addr=0x40000800\n", 5,
       "mmap addr=0x40000800 is not page aligned"},
      {"addr below the window", kHead + "  mmap n f len=4K addr=0x1000\n", 5,
       "is outside [0x40000000, 0x60000000)"},
      {"addr beyond the window", kHead + "  mmap n f len=8K addr=0x5ffff000\n", 5,
       "is outside [0x40000000, 0x60000000)"},
      {"addr 0", kHead + "  mmap n f len=4K addr=0\n", 5, "addr=0 is not allowed"},
      {"addr overlap",
       "workload w\nfile f size=8K\nactor T1\n  mmap m f len=8K addr=0x40001000\n"
       "actor T2 mm=T1\n  sfence\n  mmap n f len=4K addr=0x40002000\n",
       7, "mmap n addr=0x40002000 overlaps mmap m addr=0x40001000 (line 4) in mm 'T1'"},
      {"map before mmap",
       "workload w\nfile f size=8K\nactor T1\n  load m 0 len=8\n"
       "  mmap m f len=8K\n",
       4, "map 'm' used before its mmap in actor 'T1'"},
      {"map after munmap", kHead + "  munmap m\n  load m 0 len=1\n", 6,
       "map 'm' used after its munmap"},
      {"other process's mapping", kHead + "  sfence\nactor T2\n  load m 0 len=1\n", 7,
       "map 'm' used before its mmap in actor 'T2'"},
      {"unknown file (mmap)", kHead + "  mmap n g len=4K\n", 5, "unknown file 'g'"},
      {"unknown file (fsync)", kHead + "  fsync g\n", 5, "unknown file 'g'"},
      {"default file undeclared", "workload w\nactor A\n  fsync\n", 3, "unknown file 'f'"},
      {"op outside an actor", "workload w\nfile f size=8K\n\nsfence\n", 4,
       "operation 'sfence' outside an actor"},
      {"duplicate actor", kHead + "actor T1\n  sfence\n", 5, "duplicate actor 'T1'"},
      {"duplicate file", "workload w\nfile f size=1\nfile f size=2\n", 3, "duplicate file 'f'"},
      {"misaligned mmap off", kHead + "  mmap n f off=0x100 len=4K\n", 5,
       "mmap off=256 is not page aligned"},
      {"misaligned mmap len", kHead + "  mmap n f len=100\n", 5,
       "mmap len=100 is not page aligned"},
      {"beyond the mapping", kHead + "  load m 0x1ffc len=8\n", 5, "beyond mapping 'm' (len=8K)"},
      {"poison beyond the mapping", kHead + "  poison m 8K\n", 5, "beyond mapping 'm'"},
      {"pin ro rw", kHead + "  pin m 0 len=4K ro rw\n", 5,
       "conflicting flags 'ro' and 'rw' in 'pin'"},
      {"pin fast slow", kHead + "  pin m 0 len=4K slow fast\n", 5,
       "conflicting flags 'fast' and 'slow' in 'pin'"},
      {"pin longterm twice", kHead + "  pin m 0 len=4K longterm longterm\n", 5,
       "duplicate flag 'longterm' in 'pin'"},
      {"pin shared", kHead + "  pin m 0 len=4K shared\n", 5,
       "flag 'shared' is not one 'pin' takes (ro, rw, fast, slow, longterm)"},
      {"pin signal", kHead + "  pin m 0 len=4K expect=SIGBUS\n", 5,
       "expect=SIGBUS is not a result 'pin' can have"},
      {"mmap slow", kHead + "  mmap n f len=4K slow\n", 5,
       "flag 'slow' is a 'pin' flag, not one 'mmap' takes"},
      {"flag on unpin", kHead + "  unpin m 0 len=4K ro\n", 5, "wrong operands for 'unpin'"},
      {"file range beyond 64M", kHead + "  write f 64M len=1 val=1\n", 5,
       "range ends beyond the 64M file limit"},
      {"truncate beyond 64M", kHead + "  truncate f 0x4000001\n", 5, "exceeds the 64M file limit"},
      {"more than 8 actors", ManyActors(9), 18, "more than 8 actors"},
      {"more than 64 ops", ManyOps(65), 67, "actor 'A' has more than 64 operations"},
      {"file size > 64M", "workload w\nfile f size=65M\n", 2, "file size 65M exceeds 64M"},
      {"no header", "# nothing\nfile f size=1\n", 2, "expected 'workload NAME'"},
      {"empty text", "", 1, "missing 'workload NAME'"},
      {"duplicate header", "workload a\nworkload b\n", 2, "duplicate 'workload' statement"},
      {"no actors", "\nworkload w\nfile f size=1\n", 2, "workload 'w' has no actors"},
      {"actor without ops", kHead + "actor T2\nactor T3\n  sfence\n", 5,
       "actor 'T2' has no operations"},
      {"file after actor", kHead + "file g size=1\n", 5, "files must be declared before"},
      {"fill without written", "workload w\nfile f size=8K unwritten=0-4K fill=1\n", 2,
       "fill= must directly follow a written= range"},
      {"phys without an extent", "workload w\nfile f size=8K phys=2M\n", 2,
       "phys= must follow a written= or unwritten= range"},
      {"phys unaligned", "workload w\nfile f size=8K written=0-4K phys=0x1001\n", 2,
       "phys=0x1001 is not page aligned"},
      {"phys past the device", "workload w\nfile f size=8K written=0-8K phys=0x3ffff000\n", 2,
       "runs past the 1024M device limit"},
      {"place without @", "workload w\nfile f size=8K place=0-4K\n", 2,
       "bad place '0-4K' (want START-END@PHYS)"},
      {"places overlap", "workload w\nfile f size=8K place=0-8K@0 place=4K-8K@2M\n", 2,
       "place= ranges must be ascending and disjoint"},
      {"overlapping extents", "workload w\nfile f size=8K written=0-8K unwritten=4K-8K\n", 2,
       "extents must be ascending and disjoint"},
      {"extent beyond size", "workload w\nfile f size=5000 written=0-12K\n", 2,
       "extent 0-12K lies beyond the file's size"},
      {"unaligned extent", "workload w\nfile f size=8K written=0-100\n", 2, "not page aligned"},
      {"empty range", "workload w\nfile f size=8K written=4K-4K\n", 2, "empty range"},
      {"sync private", kHead + "  mmap n f len=4K private sync\n", 5,
       "flag 'sync' needs a shared mapping"},
      {"shared private", kHead + "  mmap n f len=4K private shared\n", 5, "conflicting flags"},
      {"duplicate flag", kHead + "  mmap n f len=4K ro ro\n", 5, "duplicate flag 'ro'"},
      {"remap live name", kHead + "  sfence\n  mmap m f len=4K\n", 6,
       "mapping 'm' is already mapped"},
      {"setup names clash in an mm",
       "workload w\nfile f size=8K\nactor T1 mm=P\n  mmap m f len=4K\n  sfence\n"
       "actor T2 mm=P\n  mmap m f len=8K\n  sfence\n",
       7, "mapping 'm' is already mapped in mm 'P'"},
      {"wrong operands", kHead + "  store 0 len=8 val=1\n", 5,
       "wrong operands for 'store'; usage: store MAP OFF len=L val=VALUE"},
      {"extra operand", kHead + "  sfence now\n", 5, "wrong operands for 'sfence'"},
      {"unterminated string", "workload w\ndescription \"abc\n", 2, "unterminated string"},
      {"bad escape", "workload w\ndescription \"a\\n\"\n", 2, "bad escape"},
      {"flag word as a name", "workload w\nfile sync size=1\n", 2, "usage: file NAME"},
      {"bad key=value", kHead + "  load m 0 len=\n", 5, "bad key=value 'len='"},
      {"control character", "workload w\x01\n", 1, "control character"},
      {"unknown errno", kHead + "  fsync f expect=EBOGUS\n", 5, "EBOGUS: no such errno name"},
      {"signal on a syscall", kHead + "  read f 0 len=8 expect=SIGBUS\n", 5,
       "expect=SIGBUS is not a result 'read' can have"},
      {"errno on an access", kHead + "  load m 0 len=8 expect=EIO\n", 5,
       "expect=EIO is not a result 'load' can have"},
      {"ret= contradicts expect=ERRNO", kHead + "  write f 0 len=8 val=1 expect=EIO ret=8\n", 5,
       "ret= and expect=EIO contradict"},
      {"barrier met once", "workload w\nactor A\n  barrier x\nactor B\n  sfence\n", 3,
       "barrier 'x' is met by one actor only"},
      {"barrier twice", "workload w\nactor A\n  barrier x\n  barrier x\nactor B\n  barrier x\n", 4,
       "actor 'A' meets barrier 'x' twice"},
      {"barriers deadlock",
       "workload w\nactor A\n  barrier x\n  barrier y\nactor B\n  barrier y\n  barrier z\n"
       "actor C\n  barrier z\n  barrier x\n",
       3, "is met in orders that deadlock"},
      {"barrier without a name", "workload w\nactor A\n  barrier\n", 3,
       "wrong operands for 'barrier'; usage: barrier NAME"},
      {"ret= on fsync", kHead + "  fsync f ret=0\n", 5, "unknown key 'ret' for 'fsync'"},
      {"size expects a number", kHead + "  size f expect=ok\n", 5, "bad number 'ok' in expect="},
      {"expect= on scrub", kHead + "  scrub expect=ok\n", 5, "unknown key 'expect' for 'scrub'"},
  };
}

TEST(ParseWorkload, Barriers) {
  const absl::StatusOr<Workload> w = ParseWorkload(
      "workload b\nactor A\n  sfence\n  barrier one\n  barrier two\nactor B\n  barrier one\n"
      "actor C\n  barrier two\n",
      "b.wl");
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->actors[0].ops[1].code, OpCode::kBarrier);
  EXPECT_EQ(w->actors[0].ops[1].barrier, "one");
  EXPECT_EQ(w->actors[2].ops[0].barrier, "two");
  EXPECT_NE(FormatWorkload(*w).find("  barrier two\n"), std::string::npos);
  EXPECT_EQ(*ParseWorkload(FormatWorkload(*w), "again"), *w);
}

TEST(ParseWorkload, ExpectedResults) {
  const absl::StatusOr<Workload> w = ParseWorkload(
      kHead +
          "  store m 0 len=8 val=1 expect=SIGBUS\n  load m 0 len=8 expect=ok\n"
          "  read f 0 len=8K expect=0x11 ret=4K\n  write f 0 len=8 val=2 expect=ENOSPC\n"
          "  size f expect=4K\n  fsync f expect=ok\n  read f 0 len=4 expect=ok ret=4\n"
          "  size f expect=EIO\n",
      "t.wl");
  ASSERT_TRUE(w.ok()) << w.status();
  const std::vector<Op>& ops = w->actors[0].ops;
  EXPECT_EQ(ops[1].result, "SIGBUS");
  EXPECT_EQ(ops[2].result, "ok");
  EXPECT_TRUE(ops[3].expect);
  EXPECT_EQ(ops[3].value, 0x11);
  EXPECT_EQ(ops[3].result, "ret=4096");
  EXPECT_EQ(ops[4].result, "err=ENOSPC");
  EXPECT_EQ(ops[5].code, OpCode::kSize);
  EXPECT_EQ(ops[5].result, "size=4096");
  EXPECT_EQ(ops[6].result, "ok");
  EXPECT_EQ(ops[7].result, "ret=4");    // ok is implied by a count
  EXPECT_EQ(ops[8].result, "err=EIO");  // fstat can fail (xfs after a shutdown)
  EXPECT_TRUE(ResultMatches("ok", "ret=7"));
  EXPECT_TRUE(ResultMatches("ok", "ok"));
  EXPECT_FALSE(ResultMatches("ok", "err=EIO"));
  EXPECT_FALSE(ResultMatches("ok", "SIGBUS"));
  EXPECT_FALSE(ResultMatches("ret=4", "ret=40"));
  EXPECT_EQ(FormatWorkload(*w).find("  size f expect=4K\n") != std::string::npos, true);
  EXPECT_NE(FormatWorkload(*w).find("  size f expect=EIO\n"), std::string::npos);
  EXPECT_EQ(
      FormatWorkload(*w).find("  write f 0 len=8 val=0x02 expect=ENOSPC\n") != std::string::npos,
      true);
}

// addr= places a mapping (MAP_FIXED_NOREPLACE); other processes may reuse the range, and
// it round-trips through the canonical text.
TEST(ParseWorkload, FixedAddresses) {
  const absl::StatusOr<Workload> w = ParseWorkload(
      "workload w\nfile f size=4M\nactor A\n  mmap m f off=4K len=2M addr=0x40201000\n"
      "  munmap m\n  mmap n f len=4K addr=0x5ffff000\nactor B\n"
      "  mmap m f len=2M addr=0x40200000\n",
      "t.wl");
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->actors[0].ops[0].addr, 0x40201000u);
  EXPECT_EQ(w->actors[0].ops[2].addr, 0x5ffff000u);
  EXPECT_EQ(w->actors[1].ops[0].addr, 0x40200000u);
  const std::string text = FormatWorkload(*w);
  EXPECT_NE(text.find("  mmap m f off=4K len=2M shared addr=0x40201000\n"), std::string::npos)
      << text;
  const absl::StatusOr<Workload> again = ParseWorkload(text, "again");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *w);
}

// pin ro is a read pin (write_access false, printed); rw is the default (not printed). unpin
// without val= transfers nothing (dma false), and prints without val=.
TEST(ParseWorkload, ReadAndWritePins) {
  const absl::StatusOr<Workload> w = ParseWorkload(
      "workload w\nfile f size=8K\nactor A\n  mmap m f len=8K ro\n  pin m 0 len=4K ro\n"
      "  pin m 4K len=4K rw\n  pin m 4K len=1\n  unpin m 0 len=8K\n  unpin m 4K len=1 val=7\n",
      "t.wl");
  ASSERT_TRUE(w.ok()) << w.status();
  const std::vector<Op>& ops = w->actors[0].ops;
  EXPECT_FALSE(ops[1].write_access);
  EXPECT_TRUE(ops[2].write_access);
  EXPECT_TRUE(ops[3].write_access);
  EXPECT_FALSE(ops[4].dma);
  EXPECT_TRUE(ops[5].dma);
  EXPECT_EQ(ops[5].value, 7);
  const std::string text = FormatWorkload(*w);
  EXPECT_NE(text.find("  pin m 0 len=4K ro\n  pin m 0x1000 len=4K\n  pin m 0x1000 len=1\n"
                      "  unpin m 0 len=8K\n  unpin m 0x1000 len=1 val=0x07\n"),
            std::string::npos)
      << text;
  const absl::StatusOr<Workload> again = ParseWorkload(text, "again");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *w);
}

// write from=MAP+OFF and read to=MAP+OFF name a mapping the actor may use; the buffer lies
// inside it; from= replaces val=.
TEST(ParseWorkload, MappingsAsSystemCallBuffers) {
  const std::string head = "workload w\nfile f size=8K\nactor A\n  mmap m f len=8K\n";
  const absl::StatusOr<Workload> w = ParseWorkload(
      head + "  write f 0 len=4K from=m+4K ret=4096\n  read f 16 len=8 to=m+0x10\n", "t.wl");
  ASSERT_TRUE(w.ok()) << w.status();
  const Op& write = w->actors[0].ops[1];
  EXPECT_EQ(write.buf_map, "m");
  EXPECT_EQ(write.buf_offset, 4096u);
  EXPECT_EQ(w->actors[0].ops[2].buf_offset, 16u);
  const std::string text = FormatWorkload(*w);
  EXPECT_NE(text.find("  write f 0 len=4K from=m+0x1000 ret=4096\n  read f 0x10 len=8 to=m+0x10\n"),
            std::string::npos)
      << text;
  const absl::StatusOr<Workload> again = ParseWorkload(text, "again");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *w);
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"  write f 0 len=8 from=m+0 val=1\n", "from= and val= contradict"},
      {"  write f 0 len=8 from=m\n", "want from=MAP+OFF"},
      {"  write f 0 len=8 from=q+0\n", "map 'q' used before its mmap"},
      {"  write f 0 len=8 from=m+0x1ffc\n", "buffer 0x1ffc+8 is beyond mapping 'm'"},
      {"  read f 0 len=8 from=m+0\n", "unknown key 'from' for 'read'"},
      {"  write f 0 len=8 to=m+0\n", "unknown key 'to' for 'write'"},
      {"  munmap m\n  read f 0 len=8 to=m+0\n", "map 'm' used after its munmap"},
  };
  for (const auto& [line, message] : bad) {
    const absl::StatusOr<Workload> b = ParseWorkload(head + line, "bad.wl");
    ASSERT_FALSE(b.ok()) << line;
    EXPECT_TRUE(absl::StrContains(b.status().message(), message)) << b.status();
  }
}

TEST(ParseWorkload, ErrorsAreOneLineWithTheRightLine) {
  const std::vector<BadCase> cases = BadCases();
  EXPECT_GE(cases.size(), 15);
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.what);
    const absl::StatusOr<Workload> w = ParseWorkload(c.text, "bad.wl");
    ASSERT_FALSE(w.ok());
    EXPECT_EQ(w.status().code(), absl::StatusCode::kInvalidArgument);
    const std::string message(w.status().message());
    EXPECT_TRUE(absl::StartsWith(message, absl::StrCat("bad.wl:", c.line, ": "))) << message;
    EXPECT_TRUE(absl::StrContains(message, c.message)) << message;
    EXPECT_FALSE(absl::StrContains(message, "\n")) << message;
  }
}

TEST(ParseWorkload, ThreadsShareSetupMappings) {
  const absl::StatusOr<Workload> w = ParseWorkload(
      "workload t\nfile f size=8K\nfile g size=8K\n"
      "actor A mm=P\n  mmap m g len=8K\n  store m 0 len=1 val=1\n"
      "actor B mm=P\n  load m 4K len=4K\n  mmap n f len=4K\n  munmap n\n  mmap n f len=8K\n"
      "  load n 4K len=1\n",
      "t");
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->actors[1].ops[0].file, "g");
  EXPECT_EQ(SetupOpCount(w->actors[1]), 0);  // B starts with a load: its mmaps are concurrent
}

TEST(LoadWorkloadFile, ReadsAndReportsErrors) {
  const std::string dir = getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp";
  const std::string path = dir + "/ok.wl";
  std::ofstream(path) << "workload ok\nactor A\n  crash\n";
  const absl::StatusOr<Workload> w = LoadWorkloadFile(path);
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->name, "ok");

  std::ofstream(dir + "/bad.wl") << "workload bad\nactor A\n  crash now\n";
  const absl::StatusOr<Workload> bad = LoadWorkloadFile(dir + "/bad.wl");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(absl::StartsWith(bad.status().message(), dir + "/bad.wl:3: "))
      << bad.status().message();

  const absl::StatusOr<Workload> missing = LoadWorkloadFile(dir + "/missing.wl");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(),
            dir + "/missing.wl: cannot open: No such file or directory");
  const absl::StatusOr<Workload> is_dir = LoadWorkloadFile(dir);
  ASSERT_FALSE(is_dir.ok());
  EXPECT_FALSE(absl::StrContains(is_dir.status().message(), "\n"));
}

// ---- Generated workloads ----

// Draws a valid workload, tracking mappings as the parser scopes them.
class Generator {
 public:
  Workload Draw() {
    Workload w;
    w.name = *rc::gen::element<std::string>("w", "fault_vs_truncate", "_x9");
    w.description = *rc::gen::container<std::string>(rc::gen::inRange<char>(0x20, 0x7f));
    const std::vector<std::string> file_names = {"f", "g", "data", "_h2"};
    const int files = *rc::gen::inRange(1, 5);
    for (int i = 0; i < files; ++i) w.files.push_back(DrawFile(file_names[i]));
    files_ = &w.files;
    const int actors = *rc::gen::inRange<int>(1, kActorsMax + 1);
    for (int i = 0; i < actors; ++i) {
      Actor a;
      a.name = absl::StrCat("T", i);
      a.mm = *rc::gen::element<std::string>(std::string(a.name), "P", "Q");
      w.actors.push_back(std::move(a));
    }
    std::vector<std::map<std::string, Mapping>> own(actors);
    for (int i = 0; i < actors; ++i) {  // setup mmaps: names unique in the mm
      const int n = *rc::gen::inRange(0, 3);
      for (int j = 0; j < n; ++j) {
        Op op = DrawMmap(absl::StrCat("s", j, "_", i));
        setup_[w.actors[i].mm][op.map] = Mapping{op.file, op.length};
        w.actors[i].ops.push_back(std::move(op));
      }
    }
    for (Actor& a : w.actors) {
      std::map<std::string, Mapping> live = setup_[a.mm];
      const int n = *rc::gen::inRange(a.ops.empty() ? 1 : 0, 12);
      for (int j = 0; j < n; ++j) {
        a.ops.push_back(DrawOp(&live, /*first=*/j == 0));
      }
    }
    return w;
  }

 private:
  struct Mapping {
    std::string file;
    uint64_t length;
  };

  static uint64_t Size(uint64_t max) {  // interesting sizes in [0, max]
    const uint64_t pick = *rc::gen::element<uint64_t>(0, 1, 11, 4 * kK, 4 * kK + 8, 2 * kM,
                                                      2 * kM - 8, 3 * kM + 0x123, 64 * kM);
    return *rc::gen::arbitrary<bool>() ? std::min(pick, max)
                                       : *rc::gen::inRange<uint64_t>(0, max + 1);
  }
  static uint64_t Byte() { return *rc::gen::inRange<uint64_t>(0, 256); }

  FileSetup DrawFile(const std::string& name) {
    FileSetup f{name, Size(kFileSizeMax), {}};
    const uint64_t pages = (f.size + kPageSize - 1) / kPageSize;
    uint64_t cursor = 0;
    const int n = *rc::gen::inRange(0, 4);
    for (int i = 0; i < n; ++i) {
      const uint64_t start = cursor + *rc::gen::inRange<uint64_t>(0, 3);
      const uint64_t end = start + *rc::gen::inRange<uint64_t>(1, 600);
      if (end > pages) break;
      const bool written = *rc::gen::arbitrary<bool>();
      f.extents.push_back({start * kPageSize, (end - start) * kPageSize,
                           written ? FileSetup::Extent::kWritten : FileSetup::Extent::kUnwritten,
                           static_cast<uint8_t>(written ? Byte() : 0)});
      if (*rc::gen::arbitrary<bool>()) {
        f.extents.back().phys = *rc::gen::inRange<uint64_t>(0, 1000) * kPmdSize / 2;
      }
      cursor = end;
    }
    uint64_t place = 0;
    const int places = *rc::gen::inRange(0, 3);
    for (int i = 0; i < places; ++i) {
      const uint64_t start = place + *rc::gen::inRange<uint64_t>(0, 600) * kPageSize;
      const uint64_t len = *rc::gen::inRange<uint64_t>(1, 600) * kPageSize;
      if (start + len > kFileSizeMax) break;
      f.places.push_back({start, len, *rc::gen::inRange<uint64_t>(0, 100000) * kPageSize});
      place = start + len;
    }
    return f;
  }

  Op DrawMmap(const std::string& name) {
    Op op;
    op.code = OpCode::kMmap;
    op.map = name;
    op.file = (*files_)[*rc::gen::inRange<size_t>(0, files_->size())].name;
    op.length = *rc::gen::inRange<uint64_t>(1, 1024) * kPageSize;
    op.offset =
        *rc::gen::inRange<uint64_t>(0, (kFileSizeMax - op.length) / kPageSize + 1) * kPageSize;
    op.shared = *rc::gen::arbitrary<bool>();
    op.sync = op.shared && *rc::gen::arbitrary<bool>();
    op.write_access = *rc::gen::arbitrary<bool>();
    // Sometimes a fixed address: each in its own 4 MiB of the window, so none overlap.
    if (fixed_ < 128 && *rc::gen::arbitrary<bool>()) {
      const uint64_t slack = (4 * kM - op.length) / kPageSize;
      op.addr =
          kFixedAddrMin + fixed_++ * 4 * kM + *rc::gen::inRange<uint64_t>(0, slack + 1) * kPageSize;
    }
    return op;
  }

  // `first`: the actor's first op after its setup mmaps, so not an mmap (it would join them).
  Op DrawOp(std::map<std::string, Mapping>* live, bool first) {
    std::vector<OpCode> codes;
    for (int c = 0; c <= static_cast<int>(OpCode::kCrash); ++c) {
      const OpCode code = static_cast<OpCode>(c);
      if (code == OpCode::kMmap && first) continue;
      if (OpTarget(code) == Target::kMap && code != OpCode::kMmap && live->empty()) continue;
      codes.push_back(code);
    }
    Op op;
    op.code = *rc::gen::elementOf(codes);
    switch (OpTarget(op.code)) {
      case Target::kNone:
      case Target::kBarrier:  // not drawn: barriers need every party's ops to agree
        return op;
      case Target::kFile:
        return DrawFileOp(op);
      case Target::kMap:
        break;
    }
    if (op.code == OpCode::kMmap) {
      std::string name = *rc::gen::element<std::string>("m", "n", "p");
      if (live->count(name)) name += "x";  // may still clash: then pick a fresh one
      while (live->count(name)) name += "y";
      op = DrawMmap(name);
      (*live)[op.map] = Mapping{op.file, op.length};
      return op;
    }
    std::vector<std::string> names;
    for (const auto& [name, m] : *live) names.push_back(name);
    op.map = *rc::gen::elementOf(names);
    const Mapping& m = live->at(op.map);
    op.file = m.file;
    if (op.code == OpCode::kMunmap) {
      live->erase(op.map);
      return op;
    }
    op.offset = *rc::gen::inRange<uint64_t>(0, m.length);
    if (op.code != OpCode::kPoison) {
      op.length = *rc::gen::inRange<uint64_t>(1, m.length - op.offset + 1);
    }
    if (op.code == OpCode::kPin) {  // [ro|rw] [fast|slow] [longterm]
      op.write_access = *rc::gen::arbitrary<bool>();
      op.gup_fast = *rc::gen::arbitrary<bool>();
      op.longterm = *rc::gen::arbitrary<bool>();
    }
    FillValue(&op);
    return op;
  }

  Op DrawFileOp(Op op) {
    op.file = (*files_)[*rc::gen::inRange<size_t>(0, files_->size())].name;
    switch (op.code) {
      case OpCode::kFsync:
        FillResult(&op);
        return op;
      case OpCode::kSize:
        if (*rc::gen::arbitrary<bool>()) op.result = "size=" + std::to_string(Size(kFileSizeMax));
        return op;
      case OpCode::kTruncate:
        op.offset = Size(kFileSizeMax);
        FillResult(&op);
        return op;
      case OpCode::kInjectBadBlock:
        op.offset = Size(kFileSizeMax - 1);
        return op;
      default:
        break;
    }
    op.offset = Size(kFileSizeMax - 1);
    op.length = std::max<uint64_t>(1, Size(kFileSizeMax - op.offset));
    FillValue(&op);
    return op;
  }

  // val= and expect= as the grammar documents them.
  static void FillValue(Op* op) {
    const OpCode c = op->code;
    if (c == OpCode::kStore || c == OpCode::kWrite || c == OpCode::kUnpin) op->value = Byte();
    if ((c == OpCode::kLoad || c == OpCode::kRead) && *rc::gen::arbitrary<bool>()) {
      op->expect = true;
      op->value = Byte();
    }
    FillResult(op);
  }

  // An expected result of a form the grammar allows the op (or none).
  static void FillResult(Op* op) {
    const OpCode c = op->code;
    const bool access = c == OpCode::kLoad || c == OpCode::kStore || c == OpCode::kClwb;
    const bool call = !access && c != OpCode::kSfence && c != OpCode::kUnpin &&
                      c != OpCode::kInjectBadBlock && OpTarget(c) != Target::kNone;
    std::vector<std::string> forms = {""};
    if (access) forms.insert(forms.end(), {"SIGBUS", "SIGSEGV", "ok"});
    if (call) forms.insert(forms.end(), {"err=EIO", "err=ENOSPC", "err=EFAULT", "ok"});
    if ((c == OpCode::kRead || c == OpCode::kWrite) && *rc::gen::arbitrary<bool>()) {
      op->result = "ret=" + std::to_string(*rc::gen::inRange<uint64_t>(0, op->length + 1));
      return;
    }
    op->result = *rc::gen::elementOf(forms);
    if (op->expect) op->result = "";  // one expect= key: the bytes
  }

  const std::vector<FileSetup>* files_ = nullptr;
  uint64_t fixed_ = 0;  // fixed-address mmaps drawn so far
  std::map<std::string, std::map<std::string, Mapping>> setup_;
};

RC_GTEST_PROP(WorkloadRoundTrip, ParseOfFormatIsIdentity, ()) {
  const Workload w = Generator().Draw();
  const std::string text = FormatWorkload(w);
  const absl::StatusOr<Workload> parsed = ParseWorkload(text, "gen");
  RC_ASSERT(parsed.ok());
  RC_ASSERT(*parsed == w);
  RC_ASSERT(FormatWorkload(*parsed) == text);
  size_t ops = 0;
  for (const Actor& a : w.actors) ops += a.ops.size();
  RC_CLASSIFY(ops >= 20, "20+ ops");
  RC_CLASSIFY(w.actors.size() >= 4, "4+ actors");
}

// Mutations of a valid canonical text: the parser never crashes, and either accepts the text
// or rejects it with one line naming a line that exists.
RC_GTEST_PROP(WorkloadParser, MutatedTextFailsWithOneLine, ()) {
  const Workload w = Generator().Draw();
  std::vector<std::string> lines = absl::StrSplit(FormatWorkload(w), '\n');
  const int mutations = *rc::gen::inRange(1, 4);
  for (int i = 0; i < mutations; ++i) {
    std::string& line = lines[*rc::gen::inRange<size_t>(0, lines.size())];
    std::vector<std::string> words = absl::StrSplit(line, ' ');
    const size_t at = *rc::gen::inRange<size_t>(0, words.size());
    const std::string token = *rc::gen::element<std::string>(
        "", "len=0", "val=256", "zz", "0x", "m", "mmap", "off=3", "#", "\"", "actor T0",
        "file f size=1", "workload w", "len=64M", "99999999999999999999", "sync private", "=");
    switch (*rc::gen::inRange(0, 3)) {
      case 0:
        words.erase(words.begin() + at);
        break;
      case 1:
        words.insert(words.begin() + at, token);
        break;
      default:
        words[at] = token;
    }
    line = absl::StrJoin(words, " ");
  }
  const absl::StatusOr<Workload> parsed = ParseWorkload(absl::StrJoin(lines, "\n"), "mut");
  RC_CLASSIFY(parsed.ok(), "mutant accepted");
  if (parsed.ok()) return;
  const std::string message(parsed.status().message());
  RC_ASSERT(message.find('\n') == std::string::npos);
  RC_ASSERT(absl::StartsWith(message, "mut:"));
  const int line = std::atoi(message.c_str() + 4);
  RC_ASSERT(line >= 1 && line <= static_cast<int>(lines.size()));
}

}  // namespace
}  // namespace daxsim::models::workload
