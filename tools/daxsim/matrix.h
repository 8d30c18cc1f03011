// `daxsim matrix`: the DAX API design space put through one property suite. Every
// configuration of models/dax_world/configs.h runs its suite (DPOR, then DPOR bounded to 2
// preemptions where the full space exceeds the budget); violations are sorted into invariant
// columns; the fault path's cost is measured per member. Rendered as a text table, Markdown and
// CSV. The migration options reuse the runs of the pairs they are made of.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "models/dax_world/configs.h"
#include "models/dax_world/fault_cost.h"

namespace daxsim::cli {

// The invariant columns, in order. A violation is filed under the first "I<n> " its message
// names; durability and recovery violations under "crash"; deadlocks, lost wake-ups, lockdep,
// lock misuse and BUG_ONs of the entry lock under I4 (entry locking and wake-ups).
const std::vector<std::string>& InvariantColumns();
std::string InvariantColumn(const std::string& kind, const std::string& message);

struct MatrixOptions {
  int64_t executions = 2000;  // per DPOR run (and per bounded run)
  double seconds = 0;         // if > 0: instead of `executions`, this many seconds per run
  int jobs = 1;
  std::string extra_params;       // appended to every member's params (bug switches)
  std::vector<std::string> only;  // configuration names; empty: all
};

struct ItemResult {
  std::string workload;
  std::string expected;  // "" or the expected violation kind
  int64_t executions = 0;
  std::string completeness;  // "exhaustive", "<=2 preemptions", "partial"
  std::optional<std::string> kind, column, message, token;
  bool ok = true;  // clean when expected clean, found when expected
};

struct MemberResult {
  models::ConfigMember member;
  std::vector<ItemResult> items;
  std::vector<std::string> skipped;
  std::vector<models::FaultCost> costs;
};

struct ConfigResult {
  models::MatrixConfig config;
  std::vector<const MemberResult*> members;
  std::map<std::string, std::string> columns;  // invariant column -> "ok" | "FAIL"
  int64_t executions = 0;
  std::string completeness;
  int findings_expected = 0, findings_found = 0;
  bool ok = true;
  std::vector<std::string> failures;  // "member workload: message (token)"
};

struct MatrixResult {
  std::vector<MemberResult> members;  // each distinct (model, params) once
  std::vector<ConfigResult> configs;
  std::vector<std::string> tokens;  // every violation token, in run order
  bool ok = true;
  int64_t executions = 0;
};

// `progress` gets one line per run.
absl::StatusOr<MatrixResult> RunMatrix(const MatrixOptions& o,
                                       const std::function<void(const std::string&)>& progress);

// The table all renderings share: its header and one row of cells per configuration.
std::vector<std::string> MatrixHeader();
std::vector<std::vector<std::string>> MatrixRows(const MatrixResult& r);
// "ext4 (iomap)"-style member names, and the fault-cost probes in column order.
std::string MatrixMemberName(const models::ConfigMember& m);
const std::vector<std::string>& MatrixProbes();

std::string MatrixText(const MatrixResult& r);
std::string MatrixMarkdown(const MatrixResult& r);
std::string MatrixCsv(const MatrixResult& r);

}  // namespace daxsim::cli
