// Running the bug catalog (models/bugs): find a bug with the default detection run (bounded
// DPOR, 2 preemptions, on the bug's workload), measure detection over seeds, replay tokens with
// and without their bug switches. Shared by `daxsim bugs` and `daxsim gate`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "models/bugs/catalog.h"
#include "sim/explore/explorer.h"

namespace daxsim::cli {

inline constexpr int64_t kCatalogBudget = 100000;  // executions per detection run

// The bug's detection run: DPOR bounded to 2 preemptions on its workload (with the switch on, or
// off for the fixed model), shrinking on.
absl::StatusOr<sim::ExploreResult> RunCatalogBug(const models::BugInfo& bug, bool switched_on);

// The token's params without any bug switch (the fixed model).
std::string WithoutBugs(const std::string& params);

struct ReplayOutcome {
  bool diverged = false;  // the schedule no longer exists in this model
  bool violation = false;
  std::string kind, message;
};
// Replays a token as recorded, or with every bug switch removed.
absl::StatusOr<ReplayOutcome> ReplayToken(const std::string& token, bool fixed);

}  // namespace daxsim::cli
