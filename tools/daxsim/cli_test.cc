// End-to-end tests of the daxsim command line through RunCli(): exit codes, the one-line error
// contract, tokens persisted to the failures file, replays that reproduce byte for byte, and a
// small `check` over every registered scenario.
#include "tools/daxsim/cli.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "models/registry.h"
#include "sim/explore/token.h"
#include "tools/daxsim/test_util.h"

namespace daxsim::cli {
namespace {

using test_util::Cli;
using test_util::LastLine;
using test_util::Outcome;
using test_util::ReadFile;
using test_util::TmpPath;

// The value after "token: " at the start of a line, or "".
std::string TokenIn(const std::string& out) {
  size_t at = out.rfind("\ntoken: ");
  if (at == std::string::npos) return "";
  at += 8;
  return out.substr(at, out.find('\n', at) - at);
}

void ExpectUsageError(const std::vector<std::string>& args) {
  const Outcome o = Cli(args);
  std::string joined;
  for (const auto& a : args) joined += a + " ";
  EXPECT_EQ(o.code, 2) << joined << "\n" << o.out << o.err;
  EXPECT_EQ(o.err.rfind("daxsim: ", 0), 0u) << joined << ": " << o.err;
  ASSERT_FALSE(o.err.empty()) << joined;
  EXPECT_EQ(o.err.find('\n'), o.err.size() - 1) << joined << ": not one line: " << o.err;
}

std::string CanaryKind() {
  for (const auto& s : models::Scenarios()) {
    if (s.name == "canary") return s.expected_kind;
  }
  return "?";
}

TEST(CliTest, HelpAndNoArguments) {
  const Outcome help = Cli({"help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("usage: daxsim"), std::string::npos);
  EXPECT_EQ(Cli({"--help"}).code, 0);
  const Outcome none = Cli({});
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.err.find("usage: daxsim"), std::string::npos);
  EXPECT_TRUE(none.out.empty());
}

TEST(CliTest, ExploreCorrectScenarioIsCompleteAndClean) {
  const Outcome o = Cli({"explore", "--scenario=lastzero", "--strategy=dpor", "--json",
                         "--failures=" + TmpPath("never-written.txt")});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  const std::string json = LastLine(o.out);
  EXPECT_EQ(json.front(), '{');
  EXPECT_NE(json.find("\"complete\":true"), std::string::npos) << json;
  EXPECT_NE(json.find("\"bound\":null"), std::string::npos) << json;
  EXPECT_NE(json.find("\"token\":null"), std::string::npos) << json;
  EXPECT_NE(json.find("\"violations\":0"), std::string::npos) << json;
  EXPECT_NE(json.find("\"wall_s\":"), std::string::npos) << json;
  const Outcome human = Cli({"explore", "--scenario=lastzero"});
  EXPECT_EQ(human.code, 0);
  EXPECT_NE(human.out.find("search: complete (exhaustive)"), std::string::npos) << human.out;
}

TEST(CliTest, StateCacheIsCompleteAndCountsStates) {
  const Outcome o = Cli({"explore", "--workload=fault_vs_truncate", "--model=xfs",
                         "--strategy=dpor", "--state-cache"});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("search: complete (exhaustive)"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("states: "), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find("states: 0"), std::string::npos) << o.out;
}

TEST(CliTest, PreemptionBoundIsStated) {
  const Outcome o =
      Cli({"explore", "--scenario=lastzero", "--strategy=dfs", "--max-preemptions=1"});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("complete up to 1 preemptions"), std::string::npos) << o.out;
  const Outcome r = Cli(
      {"explore", "--scenario=lastzero", "--strategy=random", "--budget=executions:50", "--json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("\"complete\":false"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"executions\":50,"), std::string::npos) << r.out;
}

class CanaryTest : public testing::TestWithParam<std::string> {};

TEST_P(CanaryTest, FoundPersistedAndReplayed) {
  const std::string failures = TmpPath("failures-" + GetParam() + ".txt");
  std::remove(failures.c_str());
  const Outcome o =
      Cli({"explore", "--scenario=canary", "--strategy=" + GetParam(), "--failures=" + failures});
  ASSERT_EQ(o.code, 1) << o.out << o.err;
  const std::string token = TokenIn(o.out);
  ASSERT_EQ(token.rfind("dx1_", 0), 0u) << o.out;
  EXPECT_EQ(ReadFile(failures), token + "\n");
  EXPECT_NE(o.out.find("violation: " + CanaryKind()), std::string::npos) << o.out;

  const Outcome r1 = Cli({"replay", token, "--trace"});
  EXPECT_EQ(r1.code, 1) << r1.out << r1.err;
  EXPECT_NE(r1.out.find("verdict: violation " + CanaryKind()), std::string::npos) << r1.out;
  const Outcome r2 = Cli({"replay", token, "--trace"});
  EXPECT_EQ(r1.out, r2.out);
  const Outcome s1 = Cli({"replay", token, "--trace=steps"});
  const Outcome s2 = Cli({"replay", token, "--trace=steps"});
  EXPECT_EQ(s1.code, 1);
  EXPECT_EQ(s1.out, s2.out);
  // The trace hash does not depend on whether the trace is printed.
  const Outcome plain = Cli({"replay", token});
  const auto hash = [](const std::string& s) {
    const size_t at = s.find("trace hash: ");
    return at == std::string::npos ? std::string() : s.substr(at, 28);
  };
  EXPECT_FALSE(hash(plain.out).empty());
  EXPECT_EQ(hash(plain.out), hash(r1.out));

  const Outcome json = Cli({"explore", "--scenario=canary", "--strategy=" + GetParam(), "--json",
                            "--failures=" + failures});
  EXPECT_EQ(json.code, 1);
  const std::string line = LastLine(json.out);
  EXPECT_NE(line.find("\"kind\":\"" + CanaryKind() + "\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"token\":\"dx1_"), std::string::npos) << line;
  EXPECT_NE(line.find("\"preemptions\":"), std::string::npos) << line;
  EXPECT_NE(line.find("\"steps_min\":"), std::string::npos) << line;
}

INSTANTIATE_TEST_SUITE_P(Strategies, CanaryTest, testing::Values("random", "pct", "dfs", "dpor"),
                         [](const auto& info) { return info.param; });

TEST(CliTest, EditedTokenIsRejected) {
  const Outcome o = Cli({"explore", "--scenario=canary", "--failures=" + TmpPath("edit.txt")});
  const std::string token = TokenIn(o.out);
  ASSERT_FALSE(token.empty());
  std::string edited = token;
  const size_t i = edited.size() / 2;
  edited[i] = edited[i] == 'A' ? 'B' : 'A';
  ExpectUsageError({"replay", edited});
  ExpectUsageError({"replay", "dx1_garbage"});
  ExpectUsageError({"replay"});
  ExpectUsageError({"replay", token, "--trace=bogus"});
}

TEST(CliTest, DivergentOrForeignTokenIsBadInput) {
  const Outcome o = Cli({"explore", "--scenario=canary", "--failures=" + TmpPath("div.txt")});
  auto token = sim::DecodeToken(TokenIn(o.out));
  ASSERT_TRUE(token.ok()) << token.status();
  sim::Token shorter = *token;
  shorter.decisions.pop_back();
  ExpectUsageError({"replay", sim::EncodeToken(shorter)});
  const Outcome diverged = Cli({"replay", sim::EncodeToken(shorter)});
  EXPECT_EQ(diverged.err.rfind("daxsim: replay diverged: ", 0), 0u) << diverged.err;
  sim::Token foreign = *token;
  foreign.target = "no_such_scenario";
  ExpectUsageError({"replay", sim::EncodeToken(foreign)});
}

TEST(CliTest, RelativeFailuresFileFollowsBuildWorkingDirectory) {
  const std::string dir = TmpPath("");
  setenv("BUILD_WORKING_DIRECTORY", dir.c_str(), 1);
  std::remove((dir + "rel-failures.txt").c_str());
  const Outcome o = Cli({"explore", "--scenario=canary", "--failures=rel-failures.txt"});
  unsetenv("BUILD_WORKING_DIRECTORY");
  EXPECT_EQ(o.code, 1);
  EXPECT_EQ(ReadFile(dir + "rel-failures.txt"), TokenIn(o.out) + "\n");
}

TEST(CliTest, BazelShardingEnvironment) {
  const std::string status = TmpPath("shard-status");
  std::remove(status.c_str());
  setenv("TEST_TOTAL_SHARDS", "2", 1);
  setenv("TEST_SHARD_INDEX", "1", 1);
  setenv("TEST_SHARD_STATUS_FILE", status.c_str(), 1);
  const Outcome o = Cli({"explore", "--scenario=lastzero", "--json"});
  setenv("TEST_SHARD_INDEX", "2", 1);
  const Outcome bad = Cli({"explore", "--scenario=lastzero"});
  unsetenv("TEST_TOTAL_SHARDS");
  unsetenv("TEST_SHARD_INDEX");
  unsetenv("TEST_SHARD_STATUS_FILE");
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("\"shard\":\"1/2\""), std::string::npos) << o.out;
  EXPECT_TRUE(std::ifstream(status).good());
  EXPECT_EQ(bad.code, 2);
}

// The swimlane prints every label whole (each column as wide as its longest), unless --width
// asks for a line width: then the step rows fit it and cut labels end in '~'. A width below 40
// is bad input.
TEST(CliTest, SwimlaneLabelsAreWholeUnlessWidthAsks) {
  const std::vector<std::string> run = {"run", "--workload=fault_vs_truncate", "--trace=swimlane"};
  const Outcome full = Cli(run);
  ASSERT_EQ(full.code, 0) << full.err;
  EXPECT_EQ(full.out.find('~'), std::string::npos) << full.out;
  EXPECT_NE(full.out.find("dax_layout_busy_page_range: down_read i_mmap_rwsem"), std::string::npos)
      << full.out;
  std::vector<std::string> narrow = run;
  narrow.push_back("--width=60");
  const Outcome cut = Cli(narrow);
  ASSERT_EQ(cut.code, 0) << cut.err;
  EXPECT_NE(cut.out.find('~'), std::string::npos) << cut.out;
  for (absl::string_view line : absl::StrSplit(cut.out, '\n')) {
    if (!line.empty() && absl::ascii_isdigit(line[0])) {
      EXPECT_LE(line.size(), 60u) << line;
    }
  }
  std::vector<std::string> bad = run;
  bad.push_back("--width=5");
  const Outcome b = Cli(bad);
  EXPECT_EQ(b.code, 2);
  EXPECT_NE(b.err.find("--width"), std::string::npos) << b.err;
  EXPECT_EQ(std::count(b.err.begin(), b.err.end(), '\n'), 1) << b.err;
}

TEST(CliTest, BadInputIsOneLineExitTwo) {
  const std::string f = "--failures=" + TmpPath("bad.txt");
  ExpectUsageError({"frobnicate"});
  ExpectUsageError({"--bogus"});
  ExpectUsageError({"explore"});
  ExpectUsageError({"explore", "--scenario=canary", "--bogus=1"});
  ExpectUsageError({"explore", "--scenario=canary", "--seed"});
  ExpectUsageError({"explore", "--scenario=canary", "--seed=12x"});
  ExpectUsageError({"explore", "--scenario=canary", "--seed=99999999999999999999999"});
  ExpectUsageError({"explore", "--scenario=canary", "--budget=executions"});
  ExpectUsageError({"explore", "--scenario=canary", "--budget=executions:0"});
  ExpectUsageError({"explore", "--scenario=canary", "--budget=minutes:3"});
  ExpectUsageError({"explore", "--scenario=canary", "--shard=2/2"});
  ExpectUsageError({"explore", "--scenario=canary", "--shard=1"});
  ExpectUsageError({"explore", "--scenario=no_such_scenario"});
  ExpectUsageError({"explore", "--scenario=lastzero", "--params=bogus=1"});
  ExpectUsageError({"explore", "--scenario=canary", "--strategy=bfs"});
  ExpectUsageError({"explore", "--scenario=canary", "--depth=0"});
  ExpectUsageError({"explore", "--scenario=canary", "--jobs=0"});
  ExpectUsageError({"explore", "--scenario=canary", "--jobs=257"});
  ExpectUsageError({"explore", "--scenario=canary", "--max-preemptions=-1"});
  ExpectUsageError({"explore", "--scenario=canary", "--strategy=dfs", "--state-cache"});
  ExpectUsageError({"explore", "--scenario=canary", "--max-preemptions=2", "--state-cache"});
  ExpectUsageError({"explore", "--scenario=canary", "--json=yes"});
  ExpectUsageError({"explore", "--scenario=canary", "stray"});
  ExpectUsageError({"list"});
  ExpectUsageError({"list", "widgets"});
  ExpectUsageError({"bench", "--memory-executions=x"});
  ExpectUsageError({"check", "--budget=seconds:-1"});
  ExpectUsageError({"check", "--jobs=300"});
  ExpectUsageError({"kernel"});
  ExpectUsageError({"kernel", "boot"});
  ExpectUsageError({"kernel", "run", "fault_vs_truncate"});
  ExpectUsageError({"kernel", "run", "--fs=btrfs", "fault_vs_truncate"});
  ExpectUsageError({"kernel", "run", "--fs=xfs"});
  ExpectUsageError({"kernel", "run", "--fs=xfs", "--timeout=0", "fault_vs_truncate"});
  ExpectUsageError({"kernel", "run", "--fs=xfs", "--kernel-dir=/nonexistent", "fault_vs_truncate"});
  ExpectUsageError({"kernel", "run", "--fs=xfs", "--kernel-dir=/nonexistent", "no_such_workload"});
  ExpectUsageError({"kernel", "diff", "--fs=xfs", "--repeat=0", "fault_vs_truncate"});
  ExpectUsageError({"kernel", "diff", "--fs=xfs", "--require=events", "fault_vs_truncate"});
  ExpectUsageError({"outcomes"});
  ExpectUsageError({"outcomes", "--workload=no_such_workload"});
  ExpectUsageError({"outcomes", "--workload=fault_vs_truncate", "--budget=seconds:3"});
  ExpectUsageError({"outcomes", "--workload=fault_vs_truncate", "--model=zfs"});
  // Allowed combinations.
  EXPECT_EQ(Cli({"explore", "--scenario=canary", "--strategy=dpor", "--max-preemptions=2", f}).code,
            1);
}

TEST(CliTest, ListScenariosAndStrategies) {
  const Outcome s = Cli({"list", "scenarios"});
  EXPECT_EQ(s.code, 0);
  EXPECT_NE(s.out.find("\ncanary  "), std::string::npos) << s.out;
  EXPECT_EQ(s.out.rfind("independent_writers  ", 0) == 0 ||
                s.out.find("\nindependent_writers  ") != std::string::npos,
            true);
  const Outcome t = Cli({"list", "strategies"});
  EXPECT_EQ(t.code, 0);
  for (const char* name : {"random  ", "pct  ", "dfs  ", "dpor  "}) {
    EXPECT_NE(t.out.find(name), std::string::npos) << name;
  }
}

TEST(CliTest, CheckEveryScenarioAsExpected) {
  const std::string failures = TmpPath("check-failures.txt");
  const std::string junit = TmpPath("check.xml");
  std::remove(failures.c_str());
  const Outcome o = Cli({"check", "--budget=executions:2000", "--generated=10", "--json",
                         "--failures=" + failures, "--junit=" + junit});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  const std::string json = LastLine(o.out);
  const std::string top = json.substr(0, json.find("\"scenarios\":"));
  EXPECT_EQ(top.rfind("{\"ok\":true,", 0), 0u) << json;
  EXPECT_NE(top.find("\"token\":null"), std::string::npos) << json;
  EXPECT_NE(json.find("\"name\":\"canary\""), std::string::npos) << json;
  EXPECT_NE(ReadFile(failures).find("dx1_"), std::string::npos);
  const std::string xml = ReadFile(junit);
  EXPECT_NE(xml.find("<testcase classname=\"daxsim.check\" name=\"canary\""), std::string::npos);
  EXPECT_EQ(xml.find("<failure"), std::string::npos) << xml;
  EXPECT_NE(o.err.find("canary dpor:"), std::string::npos) << o.err;
}

// The generated phase runs each drawn workload once, on the models in rotation (seed i from
// model i mod n on), and deepens DPOR to 2 preemptions when 1 was exhausted within the budget.
TEST(CliTest, GeneratedPhaseSpreadsWorkloadsOverModelsAndDeepens) {
  const Outcome o = Cli({"check", "--suites=generated", "--no-seed-corpus", "--generated=8",
                         "--json", "--failures=" + TmpPath("spread.txt")});
  ASSERT_EQ(o.code, 0) << o.out << o.err;
  const std::string json = LastLine(o.out);
  std::set<std::string> models;
  for (int i = 0; i < 8; ++i) {
    const std::string tail = "/gen:seed" + std::to_string(i) + "\"";
    const size_t at = json.find(tail);
    ASSERT_NE(at, std::string::npos) << tail;
    EXPECT_EQ(json.find(tail, at + 1), std::string::npos) << tail << " checked twice";
    const size_t name = json.rfind("\"name\":\"", at);
    models.insert(json.substr(name + 8, at - name - 8));
  }
  EXPECT_GE(models.size(), 3u) << json;
  EXPECT_NE(json.find("\"completeness\":\"complete up to 2 preemptions\""), std::string::npos)
      << json;
}

}  // namespace
}  // namespace daxsim::cli
