// daxsim's command line as a library: RunCli() is main() without the process, so tests drive
// every subcommand with string arguments and capture its output. Exit codes: 0 no violation
// (or success), 1 violation found / check failed / interrupted, 2 bad usage or input (one line
// on stderr starting "daxsim: "), 3 internal error.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace daxsim::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitViolation = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInternal = 3;

// `args` are the words after the program name ("explore", "--scenario=canary", ...).
int RunCli(std::vector<std::string> args, std::ostream& out, std::ostream& err);

// The short usage text `daxsim help` prints.
std::string Usage();

}  // namespace daxsim::cli
