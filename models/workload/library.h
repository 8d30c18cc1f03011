// The named workloads: small concurrent programs (2-3 actors, a few ops each) that reach one of
// the known DAX bug classes (DAX.md §7) or check a scenario from SCENARIOS.md. Each is kept as
// text in the workload language (workload.h) so that it reads as the test it is.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "models/workload/workload.h"

namespace daxsim::models::workload {

struct NamedWorkload {
  std::string name;         // equals the text's `workload NAME`
  std::string description;  // one line; equals the text's description
  std::string source;       // what it reproduces: "DAX.md §7 bug 1 (283307c7607d)", "S03", ...
  std::string text;         // the whole workload in the text format
  std::string suite;        // the suite it belongs to (SuiteNames())
};

// The suites the library is grouped in, for `daxsim check --suites=...`: faults, pmd, truncate,
// writeback, crash, media, alloc (allocation failures explored: params alloc_failures=1), scale
// (only when asked for).
const std::vector<std::string>& SuiteNames();

// Every named workload, in a fixed order (names unique).
const std::vector<NamedWorkload>& Workloads();

// The parsed workload of that name; NotFound (one line) if there is none.
absl::StatusOr<Workload> FindWorkload(std::string_view name);

}  // namespace daxsim::models::workload
