// `daxsim outcomes --workload=W [--model=xfs] [--params=...] [--budget=executions:N]`: the
// distinct result vectors a workload can produce on the model (tools/kernel/outcomes.h):
// source-DPOR bounded to 2 preemptions, then unbounded, one vector per explored class, with how
// many executions gave each and how complete the search was.
#include <ostream>

#include "models/workload/library.h"
#include "tools/daxsim/cli.h"
#include "tools/daxsim/commands.h"
#include "tools/daxsim/flags.h"
#include "tools/kernel/outcomes.h"

namespace daxsim::cli {

int RunOutcomes(const Args& args, std::ostream& out, std::ostream& err) {
  static const std::vector<FlagSpec> kFlags = {{"workload", FlagArg::kRequired},
                                               {"model", FlagArg::kRequired},
                                               {"params", FlagArg::kRequired},
                                               {"budget", FlagArg::kRequired}};
  absl::StatusOr<ParsedArgs> a = ParseArgs("outcomes", args, kFlags);
  if (!a.ok()) return ReportError(err, a.status());
  if (!a->positional().empty() || !a->Has("workload")) {
    return ReportError(err, absl::InvalidArgumentError("outcomes needs --workload=NAME|FILE"));
  }
  int64_t executions = 200000;
  if (auto b = a->Get("budget")) {
    absl::StatusOr<Budget> budget = ParseBudget(*b);
    if (!budget.ok()) return ReportError(err, budget.status());
    if (budget->executions <= 0) {
      return ReportError(err, absl::InvalidArgumentError("outcomes takes --budget=executions:N"));
    }
    executions = budget->executions;
  }
  const std::string name = *a->Get("workload");
  absl::StatusOr<models::workload::Workload> w = models::workload::FindWorkload(name);
  if (!w.ok()) w = models::workload::LoadWorkloadFile(name);
  if (!w.ok()) return ReportError(err, w.status());
  const std::string model = a->Get("model").value_or("xfs");
  absl::StatusOr<kernel::OutcomeSet> set =
      kernel::ModelOutcomes(*w, model, a->Get("params").value_or(""), executions);
  if (!set.ok()) return ReportError(err, set.status());
  int i = 0;
  for (const auto& [vector, count] : set->vectors) {
    out << "outcome " << ++i << " (" << count << " executions):\n";
    for (size_t p = 0, q; p < vector.size(); p = q + 1) {
      q = vector.find('\n', p);
      out << "  " << vector.substr(p, q - p) << "\n";
    }
  }
  out << w->name << " on " << model << ": " << set->vectors.size() << " outcomes in "
      << set->executions << " executions"
      << (set->violations > 0
              ? " (" + std::to_string(set->violations) + " ended in a violation, not listed)"
              : "")
      << "; "
      << (set->complete           ? "complete (the DPOR search was exhausted)"
          : set->bounded_complete ? "complete up to 2 preemptions, incomplete beyond (budget)"
          : set->op_orders_complete
              ? "every interleaving of whole operations, incomplete beyond (budget)"
              : "incomplete (execution budget)")
      << "\n";
  return kExitOk;
}

}  // namespace daxsim::cli
