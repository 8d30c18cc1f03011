// The subcommands behind RunCli() (one file each: explore_cmd.cc, replay_cmd.cc, list_cmd.cc,
// bench_cmd.cc, check_cmd.cc) and the reporting helpers they share. Each takes the words after
// its name and returns the process exit code (cli.h).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "sim/explore/explorer.h"

namespace daxsim::cli {

using Args = std::vector<std::string>;

int RunExplore(const Args& args, std::ostream& out, std::ostream& err);
int RunReplay(const Args& args, std::ostream& out, std::ostream& err);
int RunExplain(const Args& args, std::ostream& out, std::ostream& err);
int RunList(const Args& args, std::ostream& out, std::ostream& err);
int RunBench(const Args& args, std::ostream& out, std::ostream& err);
int RunCheck(const Args& args, std::ostream& out, std::ostream& err);
int RunRun(const Args& args, std::ostream& out, std::ostream& err);
int RunBugs(const Args& args, std::ostream& out, std::ostream& err);
int RunGate(const Args& args, std::ostream& out, std::ostream& err);
int RunMatrixCmd(const Args& args, std::ostream& out, std::ostream& err);
int RunFuzz(const Args& args, std::ostream& out, std::ostream& err);
int RunKernel(const Args& args, std::ostream& out, std::ostream& err);
int RunOutcomes(const Args& args, std::ostream& out, std::ostream& err);

// Prints "daxsim: <message>" as one line on `err`; returns 2 for bad usage or input
// (InvalidArgument, NotFound, FailedPrecondition), 3 for anything else.
int ReportError(std::ostream& err, const absl::Status& status);

// How much of the space a run covered, stated honestly: "complete (exhaustive)",
// "complete up to K preemptions", "incomplete (stopped at first violation)" or
// "incomplete (budget)".
std::string Completeness(const sim::ExploreResult& r);

// "1 preemption, 3 context switches, 17 steps".
std::string DescribeSchedule(int preemptions, int context_switches, int64_t steps);

}  // namespace daxsim::cli
