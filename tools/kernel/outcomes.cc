#include "tools/kernel/outcomes.h"

#include "absl/strings/str_cat.h"
#include "models/dax_world/target.h"
#include "models/dax_world/world.h"
#include "sim/explore/dpor.h"
#include "sim/sim.h"
#include "tools/kernel/model_run.h"

namespace daxsim::kernel {

std::string OutcomeVector(const WorkloadResult& r) {
  std::string out;
  for (const OpResult& o : r.ops) {
    absl::StrAppend(&out, o.actor, ".", o.op, "=", o.what, o.data.empty() ? "" : " ", o.data, "\n");
  }
  for (const auto& [file, size] : r.sizes) absl::StrAppend(&out, "size ", file, "=", size, "\n");
  return out;
}

namespace {

absl::Status Explore(const models::workload::Workload& w, const sim::Target& target,
                     const sim::SimOptions& options, sim::DporStrategy* strategy,
                     int64_t executions_max, OutcomeSet* out) {
  sim::DporStrategy& dpor = *strategy;
  OutcomeSet& set = *out;
  sim::Sim sim(options);
  set.complete = false;
  size_t ops_after_setup = 0;
  for (const auto& a : w.actors) {
    ops_after_setup += a.ops.size() - models::workload::SetupOpCount(a);
  }
  for (int64_t n = 0; n < executions_max; ++n) {
    if (!dpor.BeginExecution()) {
      set.complete = true;
      break;
    }
    sim.Reset(options);
    std::unique_ptr<sim::World> world = target.build(sim);
    auto* dax = dynamic_cast<models::DaxWorld*>(world.get());
    if (dax == nullptr) return absl::InternalError("not a DAX world");
    std::vector<models::DaxWorld::OpLogEntry> log;
    dax->op_log = &log;
    WorkloadResult r;
    LogSetupMappings(w, *dax, &r);
    sim.Run(dpor);
    dpor.EndExecution(sim);
    if (dpor.LastRedundant()) continue;  // sleep-set blocked: a class already explored
    ++set.executions;
    if (sim.violation().found()) {
      ++set.violations;
      continue;
    }
    if (log.size() != ops_after_setup) {  // an actor did not finish (cut short): no vector
      ++set.cut_short;
      continue;
    }
    LogOps(w, log, &r);
    AddSizes(w, *dax, &r);
    ++set.vectors[OutcomeVector(r)];
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<OutcomeSet> ModelOutcomes(const models::workload::Workload& w,
                                         const std::string& model, const std::string& params,
                                         int64_t executions_max) {
  absl::StatusOr<sim::Target> target = models::MakeDaxTargetFromWorkload(model, w, params);
  if (!target.ok()) return target.status();
  sim::SimOptions options;
  if (target->steps_max > 0) options.steps_max = target->steps_max;
  OutcomeSet set;
  // First every class within 2 preemptions (cheap, and it reaches the orders a bounded budget
  // of the unbounded search may never get to), then the unbounded search for the rest.
  sim::DporStrategy bounded(/*preemptions_max=*/2, sim::Partition{}, /*split_depth=*/0);
  absl::Status s = Explore(w, *target, options, &bounded, executions_max / 2, &set);
  if (!s.ok()) return s;
  set.bounded_complete = set.complete;
  set.complete = false;
  sim::DporStrategy dpor(/*preemptions_max=*/-1, sim::Partition{}, /*split_depth=*/0);
  s = Explore(w, *target, options, &dpor, executions_max, &set);
  if (!s.ok()) return s;
  return set;
}

}  // namespace daxsim::kernel