// Command-line parsing for daxsim's subcommands: a deliberately small parser (no absl flags, no
// globals) that knows each subcommand's flags, plus strict parsers for the values they take:
// integers (no junk, no overflow), budgets (`executions:N` | `seconds:S`) and shards (`i/n`).
// Every error is an InvalidArgument Status with a one-line message naming the problem.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/explore/explorer.h"

namespace daxsim::cli {

enum class FlagArg {
  kNone,      // boolean: `--name` only
  kRequired,  // `--name=value`
  kOptional,  // `--name` or `--name=value`
};

struct FlagSpec {
  std::string name;  // without the leading "--"
  FlagArg arg;
};

class ParsedArgs {
 public:
  bool Has(const std::string& name) const { return flags_.count(name) > 0; }
  // The flag's value ("" for a boolean or a bare optional-value flag); nullopt if absent.
  std::optional<std::string> Get(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  friend absl::StatusOr<ParsedArgs> ParseArgs(const std::string& command,
                                              const std::vector<std::string>& args,
                                              const std::vector<FlagSpec>& specs);
  std::map<std::string, std::string> flags_;
  std::vector<std::string> positional_;
};

// Parses `args` (the words after the subcommand) against `specs`. Words not starting with "--"
// are positional. Errors: unknown flag, missing or unexpected value, flag given twice.
absl::StatusOr<ParsedArgs> ParseArgs(const std::string& command,
                                     const std::vector<std::string>& args,
                                     const std::vector<FlagSpec>& specs);

// Strict decimal integers: optional '-', digits, nothing else; out-of-range is an error.
// `what` names the value in the error ("--seed").
absl::StatusOr<int64_t> ParseInt64(const std::string& text, const std::string& what);
absl::StatusOr<uint64_t> ParseUint64(const std::string& text, const std::string& what);
// ParseInt64 restricted to [min, max].
// `--bug=NAME[,NAME...]` (catalog names, models/bugs) appended to `params` as bug_NAME=1.
// Unknown names are bad input.
absl::StatusOr<std::string> WithBugs(const std::string& params,
                                     const std::optional<std::string>& bugs);

absl::StatusOr<int64_t> ParseIntInRange(const std::string& text, const std::string& what,
                                        int64_t min, int64_t max);

// The swimlane's line width: `--width=N` (40..10000) if given; else the terminal's columns when
// `to_terminal` and standard output is one; else 0 (full labels, nothing cut).
absl::StatusOr<size_t> SwimlaneWidth(const std::optional<std::string>& flag, bool to_terminal);

struct Budget {
  int64_t executions = 0;  // 0: no execution limit
  double seconds = 0;      // 0: no time limit
};
// `executions:N` (N > 0) or `seconds:S` (S > 0, decimal allowed).
absl::StatusOr<Budget> ParseBudget(const std::string& text);

struct Shard {
  uint64_t index = 0;
  uint64_t count = 1;
};
// `i/n` with 0 <= i < n.
absl::StatusOr<Shard> ParseShard(const std::string& text);

// Bazel's sharding protocol: TEST_TOTAL_SHARDS / TEST_SHARD_INDEX choose the part (unchanged
// when they are not set), and touching TEST_SHARD_STATUS_FILE tells Bazel the binary honours them.
absl::Status ShardFromEnvironment(sim::Partition* partition);

}  // namespace daxsim::cli
