// The scenario registry: every named world `daxsim explore --scenario=NAME` can run, with its
// parameters and the verdict the engine is expected to reach on it (the buggy benchmarks and
// the canary must be found; the correct ones must pass).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/world.h"

namespace daxsim::models {

struct ScenarioInfo {
  std::string name;
  std::string description;
  std::string default_params;  // "k=v,..." ("" if none)
  bool expect_violation;       // planted bug: every strategy must find it
  std::string expected_kind;   // ViolationKindName of the planted bug ("" if none)
  std::string workload_text;   // a DAX item whose workload is not a library one (generated)
  // Messages of violations that are known findings of the model (generated items): such a
  // violation is reported, not failed.
  std::vector<std::string> tolerated = {};
};

const std::vector<ScenarioInfo>& Scenarios();

// Resolves a scenario and its parameters ("n=3,..." overriding defaults; unknown scenario,
// unknown parameter or bad value -> InvalidArgument with a one-line message).
absl::StatusOr<sim::Target> MakeScenario(const std::string& name, const std::string& params);

}  // namespace daxsim::models
