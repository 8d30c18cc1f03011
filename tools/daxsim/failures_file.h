// The failures file: every violation token daxsim finds is appended to it, one per line, before
// any summary is printed, so a crash or Ctrl-C afterwards cannot lose a counterexample.
// Relative paths resolve against $BUILD_WORKING_DIRECTORY when set (`bazel run`), so the file
// lands where the user typed the command rather than in Bazel's runfiles tree.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace daxsim::cli {

inline constexpr char kDefaultFailuresFile[] = "daxsim-failures.txt";

// `path` made absolute against $BUILD_WORKING_DIRECTORY if it is relative and that is set.
std::string ResolveUserPath(const std::string& path);

// Appends each token as one line, flushes and closes. Errors name the file and the cause.
absl::Status AppendTokens(const std::string& resolved_path, const std::vector<std::string>& tokens);

}  // namespace daxsim::cli
