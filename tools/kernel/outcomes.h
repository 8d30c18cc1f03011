// Outcome sets: the distinct result vectors a concurrent workload can produce. On the model, the
// vectors of every execution source-DPOR explores (one per Mazurkiewicz class, and every op's
// result is fixed by its class: complete when the search is exhausted); on the kernel, the
// vectors of repeated runs. A kernel vector the model does not allow is a fidelity defect; model
// vectors the kernel never showed are listed too (rare interleavings, or over-approximation).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "models/workload/workload.h"
#include "tools/kernel/result.h"

namespace daxsim::kernel {

// One result vector as text: every op's result in actor then op order ("T1.2=ok 0x11*8"), the
// final sizes ("size f=4096"), one item per line. mmap addresses are left out.
std::string OutcomeVector(const WorkloadResult& r);

struct OutcomeSet {
  std::map<std::string, int64_t> vectors;  // vector -> executions (or runs) that gave it
  int64_t executions = 0;
  int64_t violations = 0;         // model executions that ended in a violation (not in `vectors`)
  int64_t cut_short = 0;          // executions in which an actor did not finish its ops (no vector)
  bool complete = false;          // the model's search was exhausted: every class explored
  bool bounded_complete = false;  // every class within 2 preemptions explored
  bool op_orders_complete = false;  // every interleaving of whole operations explored
};

// Every vector the model allows: every interleaving of whole operations (up to a quarter of
// the budget), source-DPOR bounded to 2 preemptions (up to half), then unbounded source-DPOR
// (up to `executions_max`). Only the last can make the set complete.
absl::StatusOr<OutcomeSet> ModelOutcomes(const models::workload::Workload& w,
                                         const std::string& model, const std::string& params,
                                         int64_t executions_max);

}  // namespace daxsim::kernel
