// What `daxsim check` found and how it is reported: per-scenario verdicts against the
// registry's expectation, the summary table, the --json object and the JUnit XML file.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "models/registry.h"
#include "sim/explore/explorer.h"

namespace daxsim::cli {

struct StrategyRun {
  sim::StrategyKind strategy;
  sim::ExploreResult result;
};

struct ScenarioOutcome {
  models::ScenarioInfo info;
  std::string params;  // canonical, as run
  std::vector<StrategyRun> runs;
  bool interrupted = false;  // Ctrl-C before every planned run finished
  double wall_s = 0;
  // Filled in by Summarize():
  bool ok = false;
  std::string verdict;  // "ok", "found (expected)", "FAIL" or "interrupted"
  std::string reason;   // why not ok ("" if ok)
};

struct CheckSummary {
  std::vector<ScenarioOutcome> scenarios;
  std::vector<std::string> tokens;  // every violation token found, in run order
  std::optional<std::string> first_unexpected_token;
  int64_t executions = 0;
  int64_t violations = 0;
  bool all_ok = true;
  bool interrupted = false;
  size_t scenarios_total = 0;  // registered; more than scenarios.size() when interrupted
  double wall_s = 0;
};

// Computes every scenario's verdict and the totals.
CheckSummary Summarize(std::vector<ScenarioOutcome> outcomes);
// Fills in one outcome's ok/verdict/reason (what Summarize does for each).
void Judge(ScenarioOutcome* s);

// `failures_written`: whether the tokens reached the failures file.
void PrintSummaryTable(const CheckSummary& s, const std::string& failures_path,
                       bool failures_written, std::ostream& out);
std::string SummaryJson(const CheckSummary& s);
// One testcase per scenario; a <failure> for every scenario that is not ok.
absl::Status WriteJunit(const std::string& path, const CheckSummary& s);

}  // namespace daxsim::cli
