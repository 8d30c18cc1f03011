// Mutations of workloads for coverage-guided fuzzing (`daxsim fuzz`): small edits of a
// workload from the corpus (drop, duplicate or move an operation, move an offset to a page, PMD
// or EOF boundary, change a value, a size or a mapping's flags, splice in an operation or an
// actor of a freshly drawn workload). Every result is valid (it round-trips through the
// parser); a mutation that cannot produce one returns nullopt.
#pragma once

#include <optional>

#include "models/workload/workload.h"
#include "props/gen/sketch.h"
#include "sim/rng.h"

namespace daxsim::props {

std::optional<models::workload::Workload> Mutate(const models::workload::Workload& w, sim::Rng& rng,
                                                 const GenOptions& options);

// Workload shrinking: the candidates one step smaller than `w` (an actor removed, one
// operation removed, a file's setup extents dropped), valid ones only, simplest first.
std::vector<models::workload::Workload> ShrinkCandidates(const models::workload::Workload& w);

}  // namespace daxsim::props
