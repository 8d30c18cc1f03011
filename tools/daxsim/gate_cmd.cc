// `daxsim gate --corpus=DIR [--junit=FILE] [--no-catalog]`: the CI regression gate. Replays
// every token of DIR/*.corpus (`fails TOKEN`: must still end in a violation as recorded, switched-
// on bugs included; `fixed TOKEN`: replayed with every bug switch off, must not violate — a
// schedule that no longer exists counts as passing), then re-runs the bug catalog (each bug must
// still be found by its detection run). Prints one line per check and a summary; JUnit XML with
// --junit. Exit 0 when nothing regressed, 1 otherwise, 2 for a bad corpus.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tools/daxsim/catalog_run.h"
#include "tools/daxsim/cli.h"
#include "tools/daxsim/commands.h"
#include "tools/daxsim/failures_file.h"
#include "tools/daxsim/flags.h"

namespace daxsim::cli {

namespace {

struct Check {
  std::string name;
  bool ok;
  std::string detail;
};

std::string XmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

int RunGate(const Args& args, std::ostream& out, std::ostream& err) {
  static const std::vector<FlagSpec> kFlags = {{"corpus", FlagArg::kRequired},
                                               {"junit", FlagArg::kRequired},
                                               {"no-catalog", FlagArg::kNone},
                                               {"help", FlagArg::kNone}};
  absl::StatusOr<ParsedArgs> a = ParseArgs("gate", args, kFlags);
  if (!a.ok()) return ReportError(err, a.status());
  if (a->Has("help")) {
    out << Usage();
    return kExitOk;
  }
  if (!a->Has("corpus")) {
    return ReportError(err, absl::InvalidArgumentError("gate needs --corpus=DIR"));
  }
  const std::string dir = ResolveUserPath(*a->Get("corpus"));
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return ReportError(err, absl::InvalidArgumentError("--corpus: " + dir + " is not a directory"));
  }
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".corpus") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    return ReportError(err, absl::InvalidArgumentError("--corpus: no *.corpus file in " + dir));
  }
  std::vector<Check> checks;
  for (const std::string& path : files) {
    std::ifstream in(path);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      absl::string_view l = absl::StripAsciiWhitespace(line);
      if (l.empty() || l[0] == '#') continue;
      std::vector<std::string> parts = absl::StrSplit(l, absl::MaxSplits(' ', 1));
      const std::string where =
          std::filesystem::path(path).filename().string() + ":" + std::to_string(n);
      if (parts.size() != 2 || (parts[0] != "fails" && parts[0] != "fixed")) {
        return ReportError(
            err, absl::InvalidArgumentError(where + ": expected 'fails TOKEN' or 'fixed TOKEN'"));
      }
      const bool fixed = parts[0] == "fixed";
      absl::StatusOr<ReplayOutcome> r = ReplayToken(parts[1], fixed);
      if (!r.ok()) {
        if (absl::IsInvalidArgument(r.status())) {
          return ReportError(
              err, absl::InvalidArgumentError(where + ": " + std::string(r.status().message())));
        }
        checks.push_back({where + " " + parts[0], false, std::string(r.status().message())});
        continue;
      }
      const bool ok = fixed ? !r->violation : r->violation;
      checks.push_back({where + " " + parts[0], ok,
                        r->diverged    ? "the schedule no longer exists"
                        : r->violation ? r->kind + ": " + r->message
                                       : "no violation"});
    }
  }
  if (!a->Has("no-catalog")) {
    for (const models::BugInfo& b : models::Bugs()) {
      absl::StatusOr<sim::ExploreResult> r = RunCatalogBug(b, true);
      if (!r.ok()) return ReportError(err, r.status());
      checks.push_back({"catalog " + b.name, r->first.has_value(),
                        r->first ? absl::StrCat("found in ", r->executions, " executions")
                                 : absl::StrCat("NOT found in ", r->executions, " executions")});
    }
  }
  int failed = 0;
  for (const Check& c : checks) {
    out << (c.ok ? "ok    " : "FAIL  ") << c.name << ": " << c.detail << "\n";
    failed += c.ok ? 0 : 1;
  }
  out << "gate: " << checks.size() - failed << " passed, " << failed << " failed\n";
  if (auto j = a->Get("junit")) {
    const std::string path = ResolveUserPath(*j);
    std::ofstream f(path, std::ios::trunc);
    f << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"daxsim.gate\" tests=\""
      << checks.size() << "\" failures=\"" << failed << "\">\n";
    for (const Check& c : checks) {
      f << "  <testcase classname=\"daxsim.gate\" name=\"" << XmlEscape(c.name) << "\"";
      if (c.ok) {
        f << "/>\n";
      } else {
        f << "><failure message=\"" << XmlEscape(c.detail) << "\"/></testcase>\n";
      }
    }
    f << "</testsuite>\n";
    f.close();
    if (!f) return ReportError(err, absl::UnavailableError("cannot write " + path));
  }
  return failed == 0 ? kExitOk : kExitViolation;
}

}  // namespace daxsim::cli
