// The model registry of the DAX world and its Targets: `daxsim explore --model=M
// --workload=W|FILE` and replay tokens resolve here. A library workload is named in the token
// ("xfs/fault_vs_truncate"); a workload from a file travels inside the token (its canonical
// text follows the model parameters), so a token replays without the file.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "models/workload/workload.h"
#include "sim/world.h"

namespace daxsim::models {

struct ModelInfo {
  std::string name;
  std::string description;
  std::string default_params;
};

const std::vector<ModelInfo>& DaxModels();

// `workload`: a library name, or a path to a workload file. `params`: "k=v,..." overriding the
// model's defaults (one-line InvalidArgument on anything unknown or malformed).
absl::StatusOr<sim::Target> MakeDaxTarget(const std::string& model, const std::string& workload,
                                          const std::string& params);
// A workload given as a parsed value (its text travels in the token, as for a file).
absl::StatusOr<sim::Target> MakeDaxTargetFromWorkload(const std::string& model,
                                                      const workload::Workload& w,
                                                      const std::string& params);
// From a token's target and params.
absl::StatusOr<sim::Target> DaxTargetFromToken(const std::string& target,
                                               const std::string& params);
bool IsDaxTarget(const std::string& target);  // "model/workload"

}  // namespace daxsim::models
