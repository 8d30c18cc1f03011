// The bug catalog end to end (one case per bug, sharded): `daxsim check --bug=NAME` with the
// default budgets, narrowed to the bug's model and to the suite of its workload, finds it (exit
// 1); the counterexample reported for the bug's workload has at most 2 preemptions and its token
// replays the violation; and the same check on the fixed model passes (exit 0) within a time
// budget (what it explores only has to come out clean; `daxsim check` itself verifies every
// item exhaustively, which takes minutes for the largest).
#include "models/bugs/catalog.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "models/workload/library.h"
#include "tools/daxsim/cli.h"
#include "tools/daxsim/test_util.h"

namespace daxsim::cli {
namespace {

using test_util::Cli;
using test_util::LastLine;
using test_util::Outcome;

// The string value after `"key":"` at or after `from`.
std::string StringAfter(const std::string& json, const std::string& key, size_t from) {
  const std::string k = "\"" + key + "\":\"";
  const size_t at = json.find(k, from);
  if (at == std::string::npos) return "";
  const size_t start = at + k.size();
  return json.substr(start, json.find('"', start) - start);
}

class CatalogBug : public ::testing::TestWithParam<models::BugInfo> {};

TEST_P(CatalogBug, CheckFindsItAndPassesWithoutIt) {
  const models::BugInfo& b = GetParam();
  std::string suite;
  for (const auto& w : models::workload::Workloads()) {
    if (w.name == b.workload) suite = w.suite;
  }
  ASSERT_FALSE(suite.empty()) << b.workload;
  const std::string failures = test_util::TmpPath(b.name + ".txt");
  const std::vector<std::string> base = {"check", "--models=" + b.model, "--suites=" + suite,
                                         "--json", "--failures=" + failures};
  std::vector<std::string> with_bug = base;
  with_bug.push_back("--bug=" + b.name);
  const Outcome found = Cli(with_bug);
  EXPECT_EQ(found.code, 1) << found.out << found.err;
  const std::string json = LastLine(found.out);
  const size_t item = json.find("\"name\":\"" + b.model + "/" + b.workload + "\"");
  ASSERT_NE(item, std::string::npos) << json;
  const size_t pre = json.find("\"preemptions\":", item);
  ASSERT_NE(pre, std::string::npos) << json.substr(item, 2000);
  const int preemptions = std::atoi(json.c_str() + pre + 14);
  EXPECT_LE(preemptions, 2) << json.substr(item, 2000);
  const std::string token = StringAfter(json, "token", pre);
  ASSERT_EQ(token.rfind("dx1_", 0), 0u) << json.substr(item, 2000);
  const Outcome replay = Cli({"replay", token});
  EXPECT_EQ(replay.code, 1) << replay.out << replay.err;
  EXPECT_NE(replay.out.find("verdict: violation"), std::string::npos) << replay.out;
  std::vector<std::string> fixed_args = base;
  fixed_args.push_back("--budget=seconds:20");
  const Outcome fixed = Cli(fixed_args);
  EXPECT_EQ(fixed.code, 0) << LastLine(fixed.out) << fixed.err;
}

INSTANTIATE_TEST_SUITE_P(Catalog, CatalogBug, ::testing::ValuesIn(models::Bugs()),
                         [](const ::testing::TestParamInfo<models::BugInfo>& info) {
                           return info.param.name;
                         });

TEST(Catalog, AtLeastFifteenKernelBugs) {
  int kernel = 0;
  for (const models::BugInfo& b : models::Bugs()) kernel += b.design ? 0 : 1;
  EXPECT_GE(kernel, 15);
}

}  // namespace
}  // namespace daxsim::cli
