#include "tools/daxsim/catalog_run.h"

#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "models/dax_world/target.h"
#include "sim/explore/token.h"

namespace daxsim::cli {

absl::StatusOr<sim::ExploreResult> RunCatalogBug(const models::BugInfo& bug, bool switched_on) {
  std::string params = bug.params;
  if (switched_on) params += (params.empty() ? "" : ",") + std::string("bug_") + bug.name + "=1";
  absl::StatusOr<sim::Target> t = models::MakeDaxTarget(bug.model, bug.workload, params);
  if (!t.ok()) return t.status();
  sim::ExploreOptions o;
  o.strategy = sim::StrategyKind::kDpor;
  o.preemptions_max = 2;
  o.budget_executions = kCatalogBudget;
  if (t->steps_max > 0) o.sim.steps_max = t->steps_max;
  return sim::Explore(*t, o);
}

std::string WithoutBugs(const std::string& params) {
  const size_t nl = params.find('\n');
  const std::string head = params.substr(0, nl);
  std::vector<std::string> kept;
  for (absl::string_view kv : absl::StrSplit(head, ',', absl::SkipEmpty())) {
    if (kv.rfind("bug_", 0) != 0) kept.emplace_back(kv);
  }
  return absl::StrJoin(kept, ",") + (nl == std::string::npos ? "" : params.substr(nl));
}

absl::StatusOr<ReplayOutcome> ReplayToken(const std::string& text, bool fixed) {
  absl::StatusOr<sim::Token> tok = sim::DecodeToken(text);
  if (!tok.ok()) return tok.status();
  const std::string params = fixed ? WithoutBugs(tok->params) : tok->params;
  absl::StatusOr<sim::Target> t = models::DaxTargetFromToken(tok->target, params);
  if (!t.ok()) return t.status();
  sim::Sim sim;
  const absl::Status s = sim::Replay(*t,
                                     sim::SimOptions{.steps_max = tok->steps_max,
                                                     .spurious_wakeups = tok->spurious_wakeups,
                                                     .fault_retries_max = tok->fault_retries_max},
                                     tok->decisions, &sim);
  ReplayOutcome r;
  if (!s.ok()) {
    if (!fixed) return s;  // a recorded token must replay
    r.diverged = true;
    return r;
  }
  r.violation = sim.violation().found();
  if (r.violation) {
    r.kind = sim::ViolationKindName(sim.violation().kind);
    r.message = sim.violation().message.substr(0, sim.violation().message.find('\n'));
  }
  return r;
}

}  // namespace daxsim::cli
