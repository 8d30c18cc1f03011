// RunCli(): dispatch to the subcommands, usage text, and the shared error/report helpers.
#include "tools/daxsim/cli.h"

#include <exception>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "tools/daxsim/commands.h"

namespace daxsim::cli {

std::string Usage() {
  return R"(usage: daxsim <command> [flags]

commands:
  explore (--scenario=NAME | --workload=NAME|FILE [--model=xfs|ext4|ext2|xipfs]) [--params=k=v,...] [--bug=NAME,...]
          [--strategy=portfolio|dpor|dfs|stateful|random|pct] [--state-cache] [--seed=S]
          [--depth=D] [--max-preemptions=K] [--budget=executions:N|seconds:S] [--jobs=N]
          [--split-depth=D] [--shard=i/n] [--steps-max=N] [--spurious-wakeups[=N]] [--no-shrink]
          [--failures=FILE] [--perfetto=FILE] [--json]
      explore a scenario's or a DAX workload's schedules; prints the minimal counterexample's
      token (--perfetto: and writes its trace for ui.perfetto.dev)
  run --workload=NAME|FILE [--model=xfs|ext4|ext2|xipfs] [--params=...] [--seed=S] [--trace=ftrace|steps|swimlane] [--width=N]
      one execution of a DAX workload: its trace (kernel fs_dax text format) and token
  replay TOKEN [--trace[=swimlane|steps|ftrace|perfetto]] [--out=FILE] [--width=N] [--json]
      re-run a token bit for bit and show its verdict (and trace; --out writes the trace to FILE,
      which --trace=perfetto needs: Chrome trace JSON for ui.perfetto.dev)
  explain TOKEN
      the token's violation in kernel terms: what the property protects, the objects it is
      about (PTE/PMD, entry, block, i_size, pins; locks and wait queues) with the step, actor and
      function that last changed each, and what every preemption of the schedule reordered
  list scenarios|workloads|models|strategies|configs|bugs
  bench [--quick] [--memory-executions=N] [--json]
      scheduler steps/s, executions/s and memory flatness
  check [--budget=executions:N|seconds:S] [--models=M,...] [--suites=S,...] [--bug=NAME,...]
        [--generated=N] [--no-seed-corpus] [--exhaustive] [--fail-fast] [--jobs=N] [--json] [--junit=FILE] [--failures=FILE]
        [--html=FILE]
      run every registered scenario and compare with its expected verdict; --jobs items at once
      (default: one per core); --html: a static report page with each counterexample explained,
      its swimlane, and its Perfetto trace in FILE.traces/
  matrix [--budget=executions:N|seconds:S] [--configs=A,B] [--params=k=v,...] [--bug=NAME,...] [--out=DIR]
         [--jobs=N] [--json] [--failures=FILE] [--html=FILE]
      the DAX API design space (iomap, get_block, populate_pfns over xfs, ext4, ext2, xipfs, and
      the three ext2 migration options) through one property suite: invariant verdicts,
      executions, completeness and fault cost per configuration; writes DIR/matrix.md and .csv
      (--html: a static page with cost charts and each counterexample explained)
  bugs [--seeds=N] [--markdown] [--corpus=DIR]
      the bug catalog: each bug found (executions, seconds, random-walk executions over N seeds,
      minimal preemptions and steps) and its fixed model clean; --corpus writes a gate corpus
  gate --corpus=DIR [--junit=FILE] [--no-catalog]
      CI regression gate: replay every corpus token (fails / fixed) and re-run the catalog
  fuzz --corpus=DIR [--runs=N] [--seconds=S] [--jobs=N] [--seed=S] [--shard=i/n] [--models=M,...]
       [--failures=FILE] [--json]
      coverage-guided fuzzing: drawn and mutated workloads on every model, kept in DIR when
      they reach new model coverage; findings shrunk (workload, then schedule) and persisted
  kernel run --fs=ext4|xfs [--kernel-dir=DIR] [--timeout=S] [--keep=FILE] WORKLOAD...
      run workloads on Debian 12's Linux 6.1 under qemu (pmem, -o dax=always), one boot; one
      JSON line per workload: each op's result, sizes, FIEMAP layouts, the fs_dax trace
  kernel diff --fs=ext4|xfs [--generated=N] [--repeat=N] [--require=all|ops] [--pin-addresses]
              WORKLOAD...
      the same on the model and compared: results and sizes exactly, masked fs_dax events;
      a concurrent workload runs --repeat times and its outcomes must be ones the model allows
  outcomes --workload=NAME|FILE [--model=M] [--params=...] [--budget=executions:N]
      the distinct result vectors the model allows (unbounded DPOR; complete when exhausted)
  help

exit codes: 0 no violation, 1 violation found (or check failed), 2 bad usage or input,
3 internal error. Violation tokens are appended to daxsim-failures.txt unless --failures=FILE.
)";
}

int ReportError(std::ostream& err, const absl::Status& status) {
  std::string message(status.message());
  message = absl::StrReplaceAll(message, {{"\r", " "}, {"\n", "; "}});
  err << "daxsim: " << message << "\n";
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
      return kExitUsage;
    default:
      return kExitInternal;
  }
}

std::string Completeness(const sim::ExploreResult& r) {
  if (r.complete && r.bound < 0) return "complete (exhaustive)";
  if (r.complete) return absl::StrCat("complete up to ", r.bound, " preemptions");
  if (r.first) return "incomplete (stopped at first violation)";
  return "incomplete (budget)";
}

std::string DescribeSchedule(int preemptions, int context_switches, int64_t steps) {
  return absl::StrCat(preemptions, preemptions == 1 ? " preemption, " : " preemptions, ",
                      context_switches,
                      context_switches == 1 ? " context switch, " : " context switches, ", steps,
                      steps == 1 ? " step" : " steps");
}

namespace {

int Dispatch(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty()) {
    err << Usage();
    return kExitUsage;
  }
  const std::string& command = args[0];
  const Args rest(args.begin() + 1, args.end());
  if (command == "help" || command == "--help" || command == "-h") {
    out << Usage();
    return kExitOk;
  }
  if (command == "explore") return RunExplore(rest, out, err);
  if (command == "replay") return RunReplay(rest, out, err);
  if (command == "explain") return RunExplain(rest, out, err);
  if (command == "run") return RunRun(rest, out, err);
  if (command == "list") return RunList(rest, out, err);
  if (command == "bench") return RunBench(rest, out, err);
  if (command == "check") return RunCheck(rest, out, err);
  if (command == "fuzz") return RunFuzz(rest, out, err);
  if (command == "kernel") return RunKernel(rest, out, err);
  if (command == "outcomes") return RunOutcomes(rest, out, err);
  if (command == "matrix") return RunMatrixCmd(rest, out, err);
  if (command == "bugs") return RunBugs(rest, out, err);
  if (command == "gate") return RunGate(rest, out, err);
  if (command.rfind("-", 0) == 0) {
    return ReportError(
        err, absl::InvalidArgumentError(absl::StrCat("unknown flag '", command,
                                                     "' before a command (try 'daxsim help')")));
  }
  return ReportError(err, absl::InvalidArgumentError(absl::StrCat(
                              "unknown subcommand '", command,
                              "' (explore, replay, explain, list, bench, check, matrix, bugs, "
                              "gate, fuzz, kernel, outcomes, help)")));
}

}  // namespace

int RunCli(std::vector<std::string> args, std::ostream& out, std::ostream& err) {
  // Our code throws nothing; this boundary turns anything a library throws (std::bad_alloc,
  // RapidCheck) into exit code 3 instead of std::terminate.
  try {
    const int code = Dispatch(args, out, err);
    out.flush();
    return code;
  } catch (const std::exception& e) {
    err << "daxsim: internal error: " << e.what() << "\n";
  } catch (...) {
    err << "daxsim: internal error: unknown exception\n";
  }
  return kExitInternal;
}

}  // namespace daxsim::cli
