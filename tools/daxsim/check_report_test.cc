// Verdicts of `daxsim check` on fabricated outcomes (the registry's scenarios all pass, so the
// FAIL paths are exercised here), and the JUnit file they produce.
#include "tools/daxsim/check_report.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace daxsim::cli {
namespace {

models::ScenarioInfo Info(const std::string& name, const std::string& expected_kind) {
  return {name, "test scenario", "", !expected_kind.empty(), expected_kind};
}

StrategyRun Clean(sim::StrategyKind k, bool complete) {
  StrategyRun r{k, {}};
  r.result.executions = 10;
  r.result.complete = complete;
  return r;
}

StrategyRun Found(sim::StrategyKind k, sim::ViolationKind kind, const std::string& token) {
  StrategyRun r{k, {}};
  r.result.executions = 3;
  r.result.violations = 1;
  sim::Found f;
  f.violation.kind = kind;
  f.violation.message = "boom\nstack";
  f.token = token;
  f.preemptions = 1;
  r.result.first = f;
  return r;
}

ScenarioOutcome Outcome(models::ScenarioInfo info, std::vector<StrategyRun> runs) {
  ScenarioOutcome o;
  o.info = std::move(info);
  o.runs = std::move(runs);
  return o;
}

TEST(CheckReportTest, Verdicts) {
  using K = sim::StrategyKind;
  using V = sim::ViolationKind;
  std::vector<ScenarioOutcome> in;
  in.push_back(Outcome(Info("good", ""), {Clean(K::kDpor, true)}));
  in.push_back(Outcome(Info("bug", "deadlock"),
                       {Found(K::kDpor, V::kDeadlock, "t1"), Clean(K::kRandom, false)}));
  in.push_back(Outcome(Info("broken", ""),
                       {Clean(K::kDpor, false), Found(K::kRandom, V::kAssertion, "t2")}));
  in.push_back(Outcome(Info("missed", "lock-order"),
                       {Found(K::kDpor, V::kDeadlock, "t3"), Clean(K::kRandom, false)}));
  in.push_back(Outcome(Info("alt", "lock-order"), {Found(K::kDpor, V::kLockOrder, "t4"),
                                                   Found(K::kRandom, V::kDeadlock, "t5")}));
  const CheckSummary s = Summarize(std::move(in));
  ASSERT_EQ(s.scenarios.size(), 5u);
  EXPECT_EQ(s.scenarios[0].verdict, "ok");
  EXPECT_EQ(s.scenarios[1].verdict, "found (expected)");
  EXPECT_EQ(s.scenarios[2].verdict, "FAIL");
  EXPECT_EQ(s.scenarios[3].verdict, "FAIL");
  EXPECT_EQ(s.scenarios[4].verdict, "found (expected)");
  EXPECT_FALSE(s.all_ok);
  EXPECT_EQ(s.tokens, (std::vector<std::string>{"t1", "t2", "t3", "t4", "t5"}));
  EXPECT_EQ(s.first_unexpected_token, "t2");
  EXPECT_EQ(s.violations, 5);

  std::ostringstream table;
  PrintSummaryTable(s, "f.txt", true, table);
  EXPECT_NE(table.str().find("FAIL broken: random found assertion: boom\n"), std::string::npos)
      << table.str();
  EXPECT_NE(table.str().find("FAIL missed: expected lock-order, but dpor found deadlock"),
            std::string::npos);
  EXPECT_NE(table.str().find("token: t2\n"), std::string::npos);
  const std::string json = SummaryJson(s);
  EXPECT_EQ(json.rfind("{\"ok\":false,", 0), 0u) << json;
  EXPECT_NE(json.find("\"token\":\"t2\""), std::string::npos);

  const char* dir = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(dir != nullptr ? dir : "/tmp") + "/junit.xml";
  ASSERT_TRUE(WriteJunit(path, s).ok());
  std::stringstream xml;
  xml << std::ifstream(path).rdbuf();
  EXPECT_NE(xml.str().find("tests=\"5\" failures=\"2\""), std::string::npos) << xml.str();
  EXPECT_NE(xml.str().find("name=\"good\" time=\"0.000\"/>"), std::string::npos);
  EXPECT_NE(xml.str().find("<failure message=\"FAIL: random found assertion: boom\">"),
            std::string::npos)
      << xml.str();
  EXPECT_FALSE(WriteJunit("/nonexistent-dir/x.xml", s).ok());
}

TEST(CheckReportTest, InterruptedBeforeAnyFindingIsNotOk) {
  ScenarioOutcome o = Outcome(Info("good", ""), {Clean(sim::StrategyKind::kDpor, false)});
  o.interrupted = true;
  std::vector<ScenarioOutcome> in;
  in.push_back(std::move(o));
  const CheckSummary s = Summarize(std::move(in));
  EXPECT_EQ(s.scenarios[0].verdict, "interrupted");
  EXPECT_FALSE(s.all_ok);
}

}  // namespace
}  // namespace daxsim::cli
