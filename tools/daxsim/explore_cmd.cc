// `daxsim explore`: one scenario under one strategy via sim::Explore(). Flags -> ExploreOptions,
// Bazel's test-sharding environment -> Partition, then the honest summary, and the minimal
// counterexample's token appended to the failures file before anything is printed.
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "models/dax_world/target.h"
#include "models/registry.h"
#include "sim/violation.h"
#include "tools/daxsim/cli.h"
#include "tools/daxsim/commands.h"
#include "tools/daxsim/counterexample.h"
#include "tools/daxsim/failures_file.h"
#include "tools/daxsim/flags.h"
#include "tools/daxsim/json.h"
#include "tools/daxsim/status_macros.h"

namespace daxsim::cli {

namespace {

constexpr int64_t kRandomExecutionsDefault = 10000;

struct ExploreRequest {
  std::string scenario;
  std::string model, workload;  // a DAX world instead of a scenario
  std::string params;
  sim::ExploreOptions options;
  std::string failures_path;  // resolved
  std::string perfetto;       // --perfetto=FILE: the counterexample's Chrome trace JSON
  bool json = false;
  bool help = false;
  bool steps_max_given = false;  // else the scenario's recommended steps_max applies
};

const std::vector<FlagSpec>& ExploreFlags() {
  static const std::vector<FlagSpec> kFlags = {
      {"scenario", FlagArg::kRequired},
      {"model", FlagArg::kRequired},
      {"workload", FlagArg::kRequired},
      {"params", FlagArg::kRequired},
      {"bug", FlagArg::kRequired},
      {"strategy", FlagArg::kRequired},
      {"seed", FlagArg::kRequired},
      {"depth", FlagArg::kRequired},
      {"max-preemptions", FlagArg::kRequired},
      {"budget", FlagArg::kRequired},
      {"jobs", FlagArg::kRequired},
      {"split-depth", FlagArg::kRequired},
      {"shard", FlagArg::kRequired},
      {"steps-max", FlagArg::kRequired},
      {"spurious-wakeups", FlagArg::kOptional},
      {"no-shrink", FlagArg::kNone},
      {"state-cache", FlagArg::kNone},
      {"failures", FlagArg::kRequired},
      {"perfetto", FlagArg::kRequired},
      {"json", FlagArg::kNone},
      {"help", FlagArg::kNone},
  };
  return kFlags;
}

absl::Status ApplyLimits(const ParsedArgs& a, sim::ExploreOptions* o) {
  if (auto v = a.Get("seed")) {
    DAXSIM_ASSIGN_OR_RETURN(o->seed, ParseUint64(*v, "--seed"));
  }
  if (auto v = a.Get("depth")) {
    DAXSIM_ASSIGN_OR_RETURN(const int64_t d, ParseIntInRange(*v, "--depth", 1, 1000));
    o->pct_depth = static_cast<int>(d);
  }
  if (auto v = a.Get("max-preemptions")) {
    DAXSIM_ASSIGN_OR_RETURN(const int64_t k, ParseIntInRange(*v, "--max-preemptions", 0,
                                                             std::numeric_limits<int>::max()));
    o->preemptions_max = static_cast<int>(k);
  }
  if (a.Has("state-cache")) {
    const bool dpor =
        o->strategy == sim::StrategyKind::kDpor || o->strategy == sim::StrategyKind::kPortfolio;
    if (!dpor || o->preemptions_max >= 0) {
      return absl::InvalidArgumentError(
          "--state-cache needs --strategy=dpor or portfolio without --max-preemptions");
    }
    o->state_cache = true;
  }
  if (auto v = a.Get("split-depth")) {
    DAXSIM_ASSIGN_OR_RETURN(const int64_t d, ParseIntInRange(*v, "--split-depth", 0, 64));
    o->split_depth = static_cast<int>(d);
  }
  if (auto v = a.Get("jobs")) {
    DAXSIM_ASSIGN_OR_RETURN(const int64_t j, ParseIntInRange(*v, "--jobs", 1, 256));
    o->jobs = static_cast<int>(j);
  }
  if (auto v = a.Get("steps-max")) {
    DAXSIM_ASSIGN_OR_RETURN(o->sim.steps_max, ParseIntInRange(*v, "--steps-max", 1,
                                                              std::numeric_limits<int64_t>::max()));
  }
  const bool sampling =
      o->strategy == sim::StrategyKind::kRandom || o->strategy == sim::StrategyKind::kPct;
  o->budget_executions = sampling ? kRandomExecutionsDefault : 0;
  if (auto v = a.Get("budget")) {
    DAXSIM_ASSIGN_OR_RETURN(const Budget b, ParseBudget(*v));
    o->budget_executions = b.executions;
    o->budget_seconds = b.seconds;
  }
  if (auto v = a.Get("shard")) {
    DAXSIM_ASSIGN_OR_RETURN(const Shard s, ParseShard(*v));
    o->shard = sim::Partition{s.index, s.count};
  } else {
    DAXSIM_RETURN_IF_ERROR(ShardFromEnvironment(&o->shard));
  }
  // Bare --spurious-wakeups allows one spurious return from sleep per execution; =N allows N
  // (each sleep then becomes a choice, so N multiplies the space DFS/DPOR must cover).
  if (auto v = a.Get("spurious-wakeups")) {
    o->sim.spurious_wakeups = 1;
    if (!v->empty()) {
      DAXSIM_ASSIGN_OR_RETURN(const int64_t n, ParseIntInRange(*v, "--spurious-wakeups", 0, 1000));
      o->sim.spurious_wakeups = static_cast<int>(n);
    }
  }
  o->shrink = !a.Has("no-shrink");
  return absl::OkStatus();
}

absl::StatusOr<ExploreRequest> ParseRequest(const Args& args) {
  DAXSIM_ASSIGN_OR_RETURN(const ParsedArgs a, ParseArgs("explore", args, ExploreFlags()));
  ExploreRequest r;
  if (a.Has("help")) {
    r.help = true;
    return r;
  }
  if (!a.positional().empty()) {
    return absl::InvalidArgumentError("unexpected argument '" + a.positional()[0] +
                                      "' for 'explore'");
  }
  if (a.Has("scenario") == a.Has("workload")) {
    return absl::InvalidArgumentError(
        "explore needs --scenario=NAME or --workload=NAME|FILE [--model=xfs] (see 'daxsim list "
        "scenarios', 'daxsim list workloads')");
  }
  if (a.Has("model") && !a.Has("workload")) {
    return absl::InvalidArgumentError("--model goes with --workload");
  }
  if (a.Has("workload")) {
    r.workload = *a.Get("workload");
    r.model = a.Get("model").value_or("xfs");
  } else {
    r.scenario = *a.Get("scenario");
  }
  r.params = a.Get("params").value_or("");
  if (a.Has("bug") && !a.Has("workload")) {
    return absl::InvalidArgumentError("--bug goes with --workload (a DAX model)");
  }
  DAXSIM_ASSIGN_OR_RETURN(r.params, WithBugs(r.params, a.Get("bug")));
  r.options.strategy = sim::StrategyKind::kPortfolio;  // the default: PCT burst, then DPOR
  if (auto v = a.Get("strategy")) {
    DAXSIM_ASSIGN_OR_RETURN(r.options.strategy, sim::ParseStrategy(*v));
  }
  DAXSIM_RETURN_IF_ERROR(ApplyLimits(a, &r.options));
  r.steps_max_given = a.Get("steps-max").has_value();
  r.failures_path = ResolveUserPath(a.Get("failures").value_or(kDefaultFailuresFile));
  r.perfetto = a.Get("perfetto").value_or("");
  if (a.Has("perfetto") && r.perfetto.empty()) {
    return absl::InvalidArgumentError("--perfetto needs a FILE (the counterexample's trace JSON)");
  }
  r.json = a.Has("json");
  r.options.sim.tally = r.json;  // the oracles say what they checked
  return r;
}

std::string BudgetText(const sim::ExploreOptions& o) {
  if (o.budget_executions > 0) return absl::StrCat("executions:", o.budget_executions);
  if (o.budget_seconds > 0) return absl::StrCat("seconds:", o.budget_seconds);
  return "unlimited";
}

std::string StrategyText(const sim::ExploreOptions& o) {
  std::string s = sim::StrategyName(o.strategy);
  if (o.strategy == sim::StrategyKind::kRandom) absl::StrAppend(&s, ", seed ", o.seed);
  if (o.strategy == sim::StrategyKind::kPct) {
    absl::StrAppend(&s, ", seed ", o.seed, ", depth ", o.pct_depth);
  }
  if (o.preemptions_max >= 0) absl::StrAppend(&s, ", at most ", o.preemptions_max, " preemptions");
  if (o.jobs > 1) absl::StrAppend(&s, ", ", o.jobs, " jobs");
  if (o.sim.spurious_wakeups > 0) {
    absl::StrAppend(&s, ", up to ", o.sim.spurious_wakeups, " spurious wake-ups");
  }
  return s;
}

void PrintHuman(const ExploreRequest& r, const sim::Target& target, const sim::ExploreResult& res,
                const absl::Status& saved, std::ostream& out) {
  const sim::ExploreOptions& o = r.options;
  out << "scenario: " << target.name << (target.params.empty() ? "" : " (" + target.params + ")")
      << "\n";
  out << "strategy: " << StrategyText(o) << "\n";
  if (o.shard.parts > 1) {
    out << "shard: " << o.shard.part << "/" << o.shard.parts
        << " (counts and completeness cover this shard's part only)\n";
  }
  out << "budget: " << BudgetText(o) << "\n";
  out << "executions: " << res.executions << "\n";
  out << "steps: " << res.steps << "\n";
  out << "redundant executions: " << res.redundant << "\n";
  if (o.strategy == sim::StrategyKind::kStateful || o.state_cache || res.states > 0) {
    out << "states: " << res.states
        << (res.states == 0 ? " (this target has no StateModel: no caching)" : "") << "\n";
  }
  out << "violations: " << res.violations << "\n";
  out << "search: " << Completeness(res) << "\n";
  out << absl::StrFormat("wall time: %.3f s\n", res.wall_s);
  if (!res.first) return;
  const sim::Found& f = *res.first;
  out << "violation: " << sim::ViolationKindName(f.violation.kind) << "\n";
  out << "message:\n";
  for (const auto& line : absl::StrSplit(f.violation.message, '\n')) out << "  " << line << "\n";
  out << (o.shrink ? "minimal counterexample: " : "counterexample (not shrunk): ")
      << DescribeSchedule(f.preemptions, f.context_switches, f.steps);
  if (res.original && o.shrink) {
    const sim::Found& g = *res.original;
    out << " (as found: " << DescribeSchedule(g.preemptions, g.context_switches, g.steps)
        << "; shrinking ran " << res.shrink_executions << " executions)";
  }
  out << "\n";
  out << "failures file: " << r.failures_path
      << (saved.ok() ? " (token appended)" : " (NOT written, see stderr)") << "\n";
  if (!r.perfetto.empty()) out << "perfetto trace: " << ResolveUserPath(r.perfetto) << "\n";
  out << "replay with: daxsim replay " << f.token << " --trace\n";
  out << "token: " << f.token << "\n";
}

std::string JsonSummary(const ExploreRequest& r, const sim::Target& target,
                        const sim::ExploreResult& res, const absl::Status& saved) {
  const sim::ExploreOptions& o = r.options;
  JsonObject j;
  j.Add("scenario", target.name).Add("params", target.params);
  j.Add("strategy", sim::StrategyName(o.strategy)).Add("seed", o.seed);
  j.Add("shard", absl::StrCat(o.shard.part, "/", o.shard.parts)).Add("jobs", o.jobs);
  j.Add("spurious_wakeups", o.sim.spurious_wakeups).Add("steps_max", o.sim.steps_max);
  j.Add("executions", res.executions).Add("steps", res.steps);
  j.Add("redundant_executions", res.redundant).Add("violations", res.violations);
  j.Add("states", res.states);
  j.Add("complete", res.complete);
  j.Add("bound", res.bound >= 0 ? std::optional<int64_t>(res.bound) : std::nullopt);
  j.Add("completeness", Completeness(res));
  const sim::Found* f = res.first ? &*res.first : nullptr;
  j.Add("token", f ? std::optional<std::string>(f->token) : std::nullopt);
  j.Add("kind",
        f ? std::optional<std::string>(sim::ViolationKindName(f->violation.kind)) : std::nullopt);
  j.Add("message", f ? std::optional<std::string>(f->violation.message) : std::nullopt);
  j.Add("preemptions", f ? std::optional<int64_t>(f->preemptions) : std::nullopt);
  j.Add("context_switches", f ? std::optional<int64_t>(f->context_switches) : std::nullopt);
  j.Add("steps_min", f ? std::optional<int64_t>(f->steps) : std::nullopt);
  j.Add("shrink_executions", res.shrink_executions);
  j.Add("failures_file", f ? std::optional<std::string>(r.failures_path) : std::nullopt);
  j.Add("failures_written", f != nullptr && saved.ok());
  j.Add("perfetto_file", f != nullptr && !r.perfetto.empty()
                             ? std::optional<std::string>(ResolveUserPath(r.perfetto))
                             : std::nullopt);
  j.AddRaw("oracle", NestedCountsJson(res.tallies));
  j.Add("wall_s", res.wall_s);
  return j.str();
}

}  // namespace

int RunExplore(const Args& args, std::ostream& out, std::ostream& err) {
  absl::StatusOr<ExploreRequest> r = ParseRequest(args);
  if (!r.ok()) return ReportError(err, r.status());
  if (r->help) {
    out << Usage();
    return kExitOk;
  }
  absl::StatusOr<sim::Target> target =
      r->workload.empty() ? models::MakeScenario(r->scenario, r->params)
                          : models::MakeDaxTarget(r->model, r->workload, r->params);
  if (!target.ok()) return ReportError(err, target.status());
  if (!r->steps_max_given && target->steps_max > 0) r->options.sim.steps_max = target->steps_max;
  const sim::ExploreResult res = sim::Explore(*target, r->options);
  // Persist the counterexample before printing anything (STYLE: failing schedules first).
  absl::Status saved = absl::OkStatus();
  if (res.first) saved = AppendTokens(r->failures_path, {res.first->token});
  if (res.first && !r->perfetto.empty()) {
    const absl::Status traced = WritePerfettoFile(res.first->token, r->perfetto);
    if (!traced.ok()) return ReportError(err, traced);
  }
  if (r->json) {
    out << JsonSummary(*r, *target, res, saved) << "\n";
  } else {
    PrintHuman(*r, *target, res, saved, out);
  }
  out.flush();
  if (!saved.ok()) return ReportError(err, saved);
  return res.first ? kExitViolation : kExitOk;
}

}  // namespace daxsim::cli
