// `daxsim run --workload=W [--model=xfs] [--params=...] [--seed=S] [--trace=ftrace|steps|
// swimlane]`: one execution of a DAX workload (random schedule from the seed), printing its trace
// and the token that replays it. For comparing a run line by line with a real kernel's
// /sys/kernel/tracing/trace of the same workload.
#include <ostream>

#include "models/dax_world/target.h"
#include "sim/explore/random.h"
#include "sim/explore/token.h"
#include "sim/explore/trace.h"
#include "tools/daxsim/cli.h"
#include "tools/daxsim/commands.h"
#include "tools/daxsim/flags.h"

namespace daxsim::cli {

int RunRun(const Args& args, std::ostream& out, std::ostream& err) {
  static const std::vector<FlagSpec> kFlags = {
      {"workload", FlagArg::kRequired}, {"model", FlagArg::kRequired},
      {"params", FlagArg::kRequired},   {"seed", FlagArg::kRequired},
      {"bug", FlagArg::kRequired},      {"trace", FlagArg::kRequired},
      {"width", FlagArg::kRequired},    {"help", FlagArg::kNone}};
  absl::StatusOr<ParsedArgs> a = ParseArgs("run", args, kFlags);
  if (!a.ok()) return ReportError(err, a.status());
  if (a->Has("help")) {
    out << "usage: daxsim run --workload=NAME|FILE [--model=xfs] [--params=k=v,...] [--seed=S] "
           "[--trace=ftrace|steps|swimlane] [--width=N]\n";
    return kExitOk;
  }
  if (!a->positional().empty()) {
    return ReportError(err, absl::InvalidArgumentError("unexpected argument '" +
                                                       a->positional()[0] + "' for 'run'"));
  }
  if (!a->Has("workload"))
    return ReportError(err, absl::InvalidArgumentError("run needs --workload=NAME|FILE"));
  uint64_t seed = 1;
  if (auto v = a->Get("seed")) {
    absl::StatusOr<uint64_t> s = ParseUint64(*v, "--seed");
    if (!s.ok()) return ReportError(err, s.status());
    seed = *s;
  }
  const std::string format = a->Get("trace").value_or("ftrace");
  if (format != "ftrace" && format != "steps" && format != "swimlane") {
    return ReportError(err, absl::InvalidArgumentError("unknown trace format '" + format +
                                                       "' (ftrace, steps, swimlane)"));
  }
  absl::StatusOr<size_t> width = SwimlaneWidth(a->Get("width"), /*to_terminal=*/true);
  if (!width.ok()) return ReportError(err, width.status());
  absl::StatusOr<std::string> params = WithBugs(a->Get("params").value_or(""), a->Get("bug"));
  if (!params.ok()) return ReportError(err, params.status());
  absl::StatusOr<sim::Target> target =
      models::MakeDaxTarget(a->Get("model").value_or("xfs"), *a->Get("workload"), *params);
  if (!target.ok()) return ReportError(err, target.status());
  sim::SimOptions options;
  options.trace = true;
  if (target->steps_max > 0) options.steps_max = target->steps_max;
  sim::Sim sim(options);
  sim::RandomStrategy strategy(seed, -1, sim::Partition{});
  strategy.BeginExecution();
  std::unique_ptr<sim::World> world = target->build(sim);
  sim.Run(strategy);
  out << (format == "ftrace"  ? sim::FormatFtrace(sim)
          : format == "steps" ? sim::FormatTrace(sim)
                              : sim::FormatSwimlane(sim, *width));
  out << "token: "
      << sim::EncodeToken(sim::MakeToken(target->name, target->params, options, sim.decisions()))
      << "\n";
  return sim.violation().found() ? kExitViolation : kExitOk;
}

}  // namespace daxsim::cli
