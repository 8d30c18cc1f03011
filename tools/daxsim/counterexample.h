// A counterexample's views, shared by replay, explain, explore, check and matrix: the token
// replayed with traces on, and the files written from it (Chrome trace JSON for Perfetto).
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "sim/explore/explain.h"
#include "sim/explore/token.h"
#include "sim/sim.h"

namespace daxsim::cli {

struct Replayed {
  sim::Token token;
  std::unique_ptr<sim::Sim> sim;  // the finished execution, with steps, events and hand-offs
};

// Decodes `token_text` and replays it with SimOptions.trace on. Errors: a bad token, an unknown
// scenario, or a replay that diverged (FailedPrecondition "replay diverged: ...").
absl::StatusOr<Replayed> ReplayForViews(const std::string& token_text);

// Replays the token watching the world's objects (models/dax_world/objects.h) and explains the
// violation: sim::ExplainRun with the DAX world's describer.
absl::StatusOr<sim::Explanation> ExplainToken(const std::string& token_text);
// `daxsim explain`'s text: the scenario, then sim::FormatExplanation with what the violated
// property protects (props/dax/protects.h).
std::string ExplanationText(const sim::Token& token, const sim::Explanation& e);

// Writes `text` to `path` (resolved as ResolveUserPath does), replacing the file. Errors name
// the file and the cause.
absl::Status WriteTextFile(const std::string& path, const std::string& text);

// Replays the token and writes its Perfetto trace to `path`.
absl::Status WritePerfettoFile(const std::string& token_text, const std::string& path);

}  // namespace daxsim::cli
