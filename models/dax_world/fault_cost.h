// The fault path's cost on one model configuration, measured rather than estimated: a
// one-actor workload runs with and without the fault of interest, and the differences in
// scheduling points, lock acquisitions (exclusive or shared) and device calls
// (dax_direct_access) are that fault's cost. Deterministic: one schedule, no choices.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace daxsim::models {

struct FaultCost {
  std::string probe;  // what was measured
  int64_t points = 0;
  int64_t locks = 0;
  int64_t device_calls = 0;
  bool fallback = false;  // a PMD probe that ended in PTE faults (no PMD mapping)
};

// Probes, in order: "pte_write_hole" (allocating write fault on a hole), "pte_read" (read fault
// on a written block), "pte_read_next" (read fault on the next page after one was faulted:
// a tree hit where populate_pfns filled ahead), "pmd_read" (read fault on a written,
// aligned 2 MiB extent through a 2 MiB mapping).
absl::StatusOr<std::vector<FaultCost>> MeasureFaultCosts(const std::string& model,
                                                         const std::string& params);

}  // namespace daxsim::models
