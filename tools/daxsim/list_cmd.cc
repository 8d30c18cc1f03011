// `daxsim list scenarios|workloads|models|strategies|configs`: one line each, name first, two
// spaces, description.
#include "models/bugs/catalog.h"
#include "models/dax_world/configs.h"
#include "models/dax_world/target.h"
#include "models/registry.h"
#include "models/workload/library.h"
#include "tools/daxsim/cli.h"
#include "tools/daxsim/commands.h"
#include "tools/daxsim/flags.h"

namespace daxsim::cli {

namespace {

struct StrategyInfo {
  const char* name;
  const char* description;
};

constexpr StrategyInfo kStrategies[] = {
    {"random", "uniform random walk over schedules and choices (seeded; never complete)"},
    {"pct",
     "probabilistic concurrency testing: random priorities, --depth-1 change points "
     "(Burckhardt et al., ASPLOS 2010)"},
    {"dfs",
     "exhaustive depth-first search over every schedule and choice, optionally "
     "preemption-bounded (Musuvathi & Qadeer, PLDI 2007)"},
    {"dpor",
     "source-DPOR with sleep sets: one execution per Mazurkiewicz trace (Abdulla et al., "
     "POPL 2014); with --max-preemptions, sound bounded POR (every class within the bound)"},
    {"stateful",
     "DFS with visited-state caching over the world's digests (SPIN/JPF-style); plain DFS where "
     "the target has no StateModel (the classic scenarios)"},
    {"portfolio",
     "the default: 200 PCT executions for shallow bugs, then dpor with the rest of the budget "
     "(completeness from the dpor part)"},
};

}  // namespace

int RunList(const Args& args, std::ostream& out, std::ostream& err) {
  absl::StatusOr<ParsedArgs> a = ParseArgs("list", args, {{"help", FlagArg::kNone}});
  if (!a.ok()) return ReportError(err, a.status());
  if (a->Has("help")) {
    out << Usage();
    return kExitOk;
  }
  if (a->positional().size() != 1) {
    return ReportError(
        err, absl::InvalidArgumentError(a->positional().empty()
                                            ? "list needs what to list: scenarios, workloads, "
                                              "models, strategies, configs or bugs"
                                            : "unexpected argument '" + a->positional()[1] +
                                                  "' for 'list'"));
  }
  const std::string& kind = a->positional()[0];
  if (kind == "scenarios") {
    for (const models::ScenarioInfo& s : models::Scenarios()) {
      out << s.name << "  " << s.description << "\n";
    }
    return kExitOk;
  }
  if (kind == "workloads") {
    for (const auto& w : models::workload::Workloads()) {
      out << w.name << "  " << w.description << " [" << w.source << "]\n";
    }
    return kExitOk;
  }
  if (kind == "models") {
    for (const models::ModelInfo& m : models::DaxModels()) {
      out << m.name << "  " << m.description << "\n";
    }
    return kExitOk;
  }
  if (kind == "bugs") {
    for (const models::BugInfo& b : models::Bugs()) {
      out << b.name << "  " << b.fix << " [" << b.invariant << "; " << b.model << "/" << b.workload
          << "]\n";
    }
    return kExitOk;
  }
  if (kind == "configs") {
    for (const models::MatrixConfig& c : models::MatrixConfigs()) {
      out << c.name << "  " << c.description << "\n";
    }
    return kExitOk;
  }
  if (kind == "strategies") {
    for (const StrategyInfo& s : kStrategies) out << s.name << "  " << s.description << "\n";
    return kExitOk;
  }
  return ReportError(err, absl::InvalidArgumentError(
                              "unknown list kind '" + kind +
                              "' (scenarios, workloads, models, strategies, configs, bugs)"));
}

}  // namespace daxsim::cli
