// RapidCheck generators of DAX workloads (sketch.h): a workload is drawn as a sketch of integer
// choices, which RapidCheck shrinks towards the simplest option, and realized into a valid
// workload whatever the sketch. ParseWorkload(FormatWorkload(w)) == w for every generated w.
#pragma once

#include <rapidcheck.h>

#include <ostream>
#include <string>

#include "models/workload/workload.h"
#include "props/gen/sketch.h"

namespace daxsim::props {

// Generators of the sketch. They do not depend on RapidCheck's size parameter: every test
// case draws from the whole distribution (the workload's size is bounded by `options`).
rc::Gen<FileSketch> GenFileSketch();
rc::Gen<OpSketch> GenOpSketch();
rc::Gen<ActorSketch> GenActorSketch(const GenOptions& options);
rc::Gen<WorkloadSketch> GenWorkloadSketch(const GenOptions& options);

// GenWorkloadSketch mapped through Realize: shrinks structurally (fewer actors, fewer ops,
// simpler choices) and every shrunk value is valid.
rc::Gen<models::workload::Workload> GenWorkload(const GenOptions& options = {});
// One valid file setup named `name` (sizes biased to 0, 4K, 8K, 12K, 2M and page multiples).
rc::Gen<models::workload::FileSetup> GenFileSetup(const std::string& name,
                                                  const GenOptions& options = {});

}  // namespace daxsim::props

namespace daxsim::models::workload {
// RapidCheck prints a counterexample's generated values with showValue (found by ADL): a
// workload shows as its canonical text.
void showValue(const Workload& w, std::ostream& os);
}  // namespace daxsim::models::workload
