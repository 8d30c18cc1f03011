// The model's side of a comparison with the real kernel: one execution of a workload on a DAX
// model (ext4 or xfs), reported in the shape the kernel runner reports (result.h): every
// operation's result, the files' sizes at the end and the fs_dax trace (sim::FormatFtrace).
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "models/dax_world/world.h"
#include "models/workload/workload.h"
#include "tools/kernel/result.h"

namespace daxsim::kernel {

struct ModelRunOptions {
  std::string model;   // "ext4", "xfs", ...
  std::string params;  // model parameters, "k=v,..."
  uint64_t seed = 1;   // the schedule of a workload with several actors (a random walk)
};

// Runs one execution. The result's status is "violation: ..." when the model reports one (the
// ops after it did not run).
absl::StatusOr<WorkloadResult> RunOnModel(const models::workload::Workload& w,
                                          const ModelRunOptions& options);

// Pieces of a model result, for callers that drive executions themselves (outcomes.cc):
// setup mmaps (they run while the world is built), the op log in actor then op order, sizes.
void LogSetupMappings(const models::workload::Workload& w, const models::DaxWorld& world,
                      WorkloadResult* r);
void LogOps(const models::workload::Workload& w,
            const std::vector<models::DaxWorld::OpLogEntry>& log, WorkloadResult* r);
void AddSizes(const models::workload::Workload& w, models::DaxWorld& world, WorkloadResult* r);

}  // namespace daxsim::kernel
