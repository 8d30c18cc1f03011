// Small, strict flag parsing: every accepted spelling is listed in flags.h.
#include "tools/daxsim/flags.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "models/bugs/catalog.h"
#include "tools/daxsim/status_macros.h"

namespace daxsim::cli {

namespace {

absl::Status Bad(const std::string& message) { return absl::InvalidArgumentError(message); }

const FlagSpec* FindSpec(const std::vector<FlagSpec>& specs, const std::string& name) {
  for (const FlagSpec& s : specs) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

template <typename Int>
absl::StatusOr<Int> ParseInteger(const std::string& text, const std::string& what) {
  Int v = 0;
  const char* begin = text.data();
  const char* end = begin + text.size();
  const auto [ptr, ec] = std::from_chars(begin, end, v, 10);
  if (text.empty() || ec == std::errc::invalid_argument || ptr != end) {
    return Bad(absl::StrCat(what, ": '", text, "' is not an integer"));
  }
  if (ec == std::errc::result_out_of_range) {
    return Bad(absl::StrCat(what, ": '", text, "' is out of range"));
  }
  return v;
}

}  // namespace

std::optional<std::string> ParsedArgs::Get(const std::string& name) const {
  auto it = flags_.find(name);
  if (it == flags_.end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<ParsedArgs> ParseArgs(const std::string& command,
                                     const std::vector<std::string>& args,
                                     const std::vector<FlagSpec>& specs) {
  ParsedArgs parsed;
  for (const std::string& word : args) {
    if (word.rfind("-", 0) != 0 || word == "-") {
      parsed.positional_.push_back(word);
      continue;
    }
    if (word.rfind("--", 0) != 0 || word.size() == 2) {
      return Bad(absl::StrCat("unknown flag '", word, "' for '", command,
                              "' (flags are spelled --name or --name=value)"));
    }
    const size_t eq = word.find('=');
    const std::string name = word.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const FlagSpec* spec = FindSpec(specs, name);
    if (spec == nullptr) {
      return Bad(absl::StrCat("unknown flag '--", name, "' for '", command, "'"));
    }
    if (parsed.flags_.count(name) > 0) return Bad(absl::StrCat("flag --", name, " given twice"));
    if (eq == std::string::npos) {
      if (spec->arg == FlagArg::kRequired) {
        return Bad(absl::StrCat("flag --", name, " needs a value (--", name, "=VALUE)"));
      }
      parsed.flags_[name] = "";
      continue;
    }
    if (spec->arg == FlagArg::kNone) {
      return Bad(absl::StrCat("flag --", name, " takes no value"));
    }
    const std::string value = word.substr(eq + 1);
    if (value.empty()) {
      return Bad(absl::StrCat("flag --", name, " needs a value (--", name, "=VALUE)"));
    }
    parsed.flags_[name] = value;
  }
  return parsed;
}

absl::StatusOr<int64_t> ParseInt64(const std::string& text, const std::string& what) {
  return ParseInteger<int64_t>(text, what);
}

absl::StatusOr<uint64_t> ParseUint64(const std::string& text, const std::string& what) {
  return ParseInteger<uint64_t>(text, what);
}

absl::StatusOr<size_t> SwimlaneWidth(const std::optional<std::string>& flag, bool to_terminal) {
  if (flag) {
    absl::StatusOr<int64_t> w = ParseIntInRange(*flag, "--width", 40, 10000);
    if (!w.ok()) return w.status();
    return static_cast<size_t>(*w);
  }
  winsize ws{};
  if (to_terminal && isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
      ws.ws_col > 0) {
    return static_cast<size_t>(ws.ws_col);
  }
  return size_t{0};
}

absl::StatusOr<int64_t> ParseIntInRange(const std::string& text, const std::string& what,
                                        int64_t min, int64_t max) {
  absl::StatusOr<int64_t> v = ParseInt64(text, what);
  if (!v.ok()) return v.status();
  if (*v < min || *v > max) {
    if (max >= std::numeric_limits<int32_t>::max()) {
      return Bad(absl::StrCat(what, ": ", *v, " is out of range (must be >= ", min, ")"));
    }
    return Bad(absl::StrCat(what, ": ", *v, " is out of range (", min, "..", max, ")"));
  }
  return *v;
}

absl::StatusOr<Budget> ParseBudget(const std::string& text) {
  const std::string kSyntax = " (expected executions:N or seconds:S)";
  const size_t colon = text.find(':');
  if (colon == std::string::npos) return Bad("bad budget '" + text + "'" + kSyntax);
  const std::string kind = text.substr(0, colon);
  const std::string value = text.substr(colon + 1);
  Budget b;
  if (kind == "executions") {
    absl::StatusOr<int64_t> n = ParseInt64(value, "--budget executions");
    if (!n.ok()) return Bad("bad budget '" + text + "': not an integer" + kSyntax);
    if (*n <= 0) return Bad("bad budget '" + text + "': executions must be > 0");
    b.executions = *n;
    return b;
  }
  if (kind == "seconds") {
    double s = 0;
    const char* end = value.data() + value.size();
    const auto [ptr, ec] = std::from_chars(value.data(), end, s, std::chars_format::fixed);
    if (value.empty() || ec != std::errc() || ptr != end || !std::isfinite(s)) {
      return Bad("bad budget '" + text + "': not a number of seconds" + kSyntax);
    }
    if (s <= 0) return Bad("bad budget '" + text + "': seconds must be > 0");
    b.seconds = s;
    return b;
  }
  return Bad("bad budget '" + text + "'" + kSyntax);
}

absl::StatusOr<Shard> ParseShard(const std::string& text) {
  const std::string kSyntax = " (expected i/n with 0 <= i < n)";
  const size_t slash = text.find('/');
  if (slash == std::string::npos) return Bad("bad shard '" + text + "'" + kSyntax);
  absl::StatusOr<uint64_t> i = ParseUint64(text.substr(0, slash), "--shard");
  absl::StatusOr<uint64_t> n = ParseUint64(text.substr(slash + 1), "--shard");
  if (!i.ok() || !n.ok() || *n == 0 || *i >= *n) {
    return Bad("bad shard '" + text + "'" + kSyntax);
  }
  return Shard{*i, *n};
}

absl::StatusOr<std::string> WithBugs(const std::string& params,
                                     const std::optional<std::string>& bugs) {
  if (!bugs) return params;
  std::string out = params;
  for (absl::string_view name : absl::StrSplit(*bugs, ',', absl::SkipEmpty())) {
    if (!models::FindBug(std::string(name))) {
      return absl::InvalidArgumentError("unknown bug '" + std::string(name) +
                                        "' (daxsim list bugs)");
    }
    out += (out.empty() ? "" : ",") + std::string("bug_") + std::string(name) + "=1";
    // The kernel behaviour the bug lived with (e.g. locked_entries=2), unless given already.
    const std::string era = models::FindBug(std::string(name))->params;
    for (absl::string_view kv : absl::StrSplit(era, ',', absl::SkipEmpty())) {
      const std::string key(kv.substr(0, kv.find('=')));
      if (!absl::StrContains(out, key + "=")) out += "," + std::string(kv);
    }
  }
  if (out == params) return absl::InvalidArgumentError("--bug needs a bug name (daxsim list bugs)");
  return out;
}

// Bazel's sharding protocol: TEST_TOTAL_SHARDS / TEST_SHARD_INDEX choose the part, and touching
// TEST_SHARD_STATUS_FILE tells Bazel the binary honours them.
absl::Status ShardFromEnvironment(sim::Partition* partition) {
  const char* total = std::getenv("TEST_TOTAL_SHARDS");
  const char* index = std::getenv("TEST_SHARD_INDEX");
  if (total == nullptr || index == nullptr) return absl::OkStatus();
  DAXSIM_ASSIGN_OR_RETURN(const uint64_t n, ParseUint64(total, "TEST_TOTAL_SHARDS"));
  DAXSIM_ASSIGN_OR_RETURN(const uint64_t i, ParseUint64(index, "TEST_SHARD_INDEX"));
  if (n == 0 || i >= n) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad test sharding environment: TEST_SHARD_INDEX=", i, " TEST_TOTAL_SHARDS=", n));
  }
  *partition = sim::Partition{i, n};
  if (const char* status_file = std::getenv("TEST_SHARD_STATUS_FILE")) {
    if (std::FILE* f = std::fopen(status_file, "a")) std::fclose(f);
  }
  return absl::OkStatus();
}

}  // namespace daxsim::cli
