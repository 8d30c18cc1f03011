// `daxsim matrix` end to end: every configuration of the API design space passes its suite on a
// small budget and the table reaches the Markdown and CSV files; a configuration with a broken
// populate_pfns (PFN entries stored without the entry lock) is reported failing with a token
// that replays the violation; bad input is one line and exit 2.
#include "tools/daxsim/matrix.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "tools/daxsim/cli.h"
#include "tools/daxsim/test_util.h"

namespace daxsim::cli {
namespace {

using test_util::Cli;
using test_util::Outcome;
using test_util::ReadFile;

std::string TmpDir() { return test_util::TmpPath("").substr(0, test_util::TmpPath("").size() - 1); }

TEST(InvariantColumn, FilesViolationsByTheInvariantTheyName) {
  EXPECT_EQ(InvariantColumn("invariant", "I1 stale mapping: T m 0 maps block 17 which is free"),
            "I1");
  EXPECT_EQ(InvariantColumn("invariant",
                            "mappings at the end (I2, I10): I10 mapping outlives the device: x"),
            "I10");
  EXPECT_EQ(InvariantColumn("invariant", "linearizability: no order ..."), "I9");
  EXPECT_EQ(InvariantColumn("invariant", "durability: page 1 of f differs"), "crash");
  EXPECT_EQ(InvariantColumn("invariant", "recovery: block 3 belongs to f page 0 and to g page 0"),
            "crash");
  EXPECT_EQ(InvariantColumn("deadlock", "wait-for cycle"), "I4");
  EXPECT_EQ(InvariantColumn("assertion", "BUG_ON(!dax_is_locked(old))"), "I4");
}

TEST(Matrix, EveryConfigurationPassesOnASmallBudget) {
  const std::string dir = TmpDir() + "/matrix-all";
  ASSERT_EQ(std::system(("mkdir -p " + dir).c_str()), 0);
  const Outcome o = Cli({"matrix", "--budget=executions:300", "--out=" + dir,
                         "--failures=" + dir + "/failures.txt", "--json"});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("13 configurations, 13 pass"), std::string::npos) << o.out;
  for (const char* row :
       {"iomap/xfs", "get_block/ext2", "populate_pfns/xipfs", "option-1", "option-2", "option-3"}) {
    EXPECT_NE(o.out.find(std::string("\n") + row + " "), std::string::npos) << row;
  }
  const std::string md = ReadFile(dir + "/matrix.md");
  EXPECT_NE(md.find("| configuration | front ends | I1 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| option-1 | 2 |"), std::string::npos) << md;
  const std::string csv = ReadFile(dir + "/matrix.csv");
  EXPECT_EQ(csv.rfind("configuration,front ends,I1,", 0), 0u) << csv;
  EXPECT_NE(csv.find("\npopulate_pfns/xipfs,1,"), std::string::npos) << csv;
  EXPECT_NE(o.out.find("\"failing\":0"), std::string::npos) << o.out;
  // xipfs has no block device: its faults make no dax_direct_access call.
  const size_t xip = o.out.find("\npopulate_pfns/xipfs  ", o.out.find("fault cost"));
  ASSERT_NE(xip, std::string::npos) << o.out;
  const std::string row = o.out.substr(xip + 1, o.out.find('\n', xip + 1) - xip - 1);
  for (absl::string_view cell : absl::StrSplit(row, ' ', absl::SkipEmpty())) {
    if (cell.find('/') == absl::string_view::npos || cell.find('_') != absl::string_view::npos) {
      continue;
    }
    EXPECT_TRUE(absl::EndsWith(cell, "/0")) << row;  // points/locks/device calls
  }
}

TEST(Matrix, PopulatePfnsWithoutTheEntryLockFailsWithAToken) {
  const std::string dir = TmpDir() + "/matrix-bug";
  ASSERT_EQ(std::system(("mkdir -p " + dir).c_str()), 0);
  const Outcome o =
      Cli({"matrix", "--configs=populate_pfns/xipfs", "--params=bug_populate_nolock=1",
           "--budget=executions:2000", "--out=" + dir, "--failures=" + dir + "/failures.txt"});
  EXPECT_EQ(o.code, 1) << o.out << o.err;
  const size_t fail = o.out.find("FAIL populate_pfns/xipfs: ");
  ASSERT_NE(fail, std::string::npos) << o.out;
  const size_t tok = o.out.find("(dx1_", fail);
  ASSERT_NE(tok, std::string::npos) << o.out;
  const std::string token = o.out.substr(tok + 1, o.out.find(')', tok) - tok - 1);
  EXPECT_NE(ReadFile(dir + "/failures.txt").find(token), std::string::npos);
  const Outcome replay = Cli({"replay", token});
  EXPECT_EQ(replay.code, 1) << replay.out << replay.err;
  EXPECT_NE(replay.out.find("verdict: violation"), std::string::npos) << replay.out;
  // The same configuration without the bug passes.
  const Outcome clean = Cli({"matrix", "--configs=populate_pfns/xipfs", "--budget=executions:2000",
                             "--out=" + dir, "--failures=" + dir + "/failures.txt"});
  EXPECT_EQ(clean.code, 0) << clean.out << clean.err;
}

TEST(Matrix, BadInputIsOneLineExitTwo) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"matrix", "--configs=nosuch"},
                                             {"matrix", "--budget=forever"},
                                             {"matrix", "--params=api=dax"},
                                             {"matrix", "extra"}}) {
    const Outcome o = Cli(args);
    EXPECT_EQ(o.code, 2) << args[1] << ": " << o.out << o.err;
    EXPECT_EQ(o.err.find('\n'), o.err.size() - 1) << o.err;
    EXPECT_EQ(o.err.rfind("daxsim: ", 0), 0u) << o.err;
  }
}

}  // namespace
}  // namespace daxsim::cli
