// `daxsim bugs [--seeds=N] [--markdown] [--corpus=DIR]`: runs the bug catalog. For every bug:
// the detection run (DPOR bounded to 2 preemptions on its workload; deterministic, so its
// executions are exact and its time is the median of N runs), a random walk over N seeds
// (median executions to detect), the minimal counterexample (preemptions, steps), and the same
// run on the fixed model, which must be clean. Prints a table (Markdown with --markdown: the
// README's table is this output); with --corpus writes DIR/catalog.corpus for `daxsim gate`
// (each bug's token twice: "fails" as recorded, "fixed" with the switch off). Exit 0 when every
// bug is found and every fixed run is clean.
#include <algorithm>
#include <fstream>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "models/dax_world/target.h"
#include "tools/daxsim/catalog_run.h"
#include "tools/daxsim/cli.h"
#include "tools/daxsim/commands.h"
#include "tools/daxsim/failures_file.h"
#include "tools/daxsim/flags.h"

namespace daxsim::cli {

namespace {

constexpr int64_t kRandomBudget = 20000;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int RunBugs(const Args& args, std::ostream& out, std::ostream& err) {
  static const std::vector<FlagSpec> kFlags = {{"seeds", FlagArg::kRequired},
                                               {"markdown", FlagArg::kNone},
                                               {"corpus", FlagArg::kRequired},
                                               {"help", FlagArg::kNone}};
  absl::StatusOr<ParsedArgs> a = ParseArgs("bugs", args, kFlags);
  if (!a.ok()) return ReportError(err, a.status());
  if (!a->positional().empty()) {
    return ReportError(err, absl::InvalidArgumentError("unexpected argument '" +
                                                       a->positional()[0] + "' for 'bugs'"));
  }
  if (a->Has("help")) {
    out << Usage();
    return kExitOk;
  }
  int seeds = 11;
  if (auto v = a->Get("seeds")) {
    absl::StatusOr<int64_t> n = ParseIntInRange(*v, "--seeds", 1, 101);
    if (!n.ok()) return ReportError(err, n.status());
    seeds = static_cast<int>(*n);
  }
  const bool markdown = a->Has("markdown");
  std::vector<std::vector<std::string>> rows = {
      {"bug", "kernel fix", "invariant", "workload", "executions to detect",
       "seconds to detect (median of " + std::to_string(seeds) + ")",
       "random walk: executions (median of " + std::to_string(seeds) + " seeds)", "preemptions",
       "steps", "fixed model"}};
  std::vector<std::string> corpus;
  bool ok = true;
  for (const models::BugInfo& b : models::Bugs()) {
    absl::StatusOr<sim::ExploreResult> found = RunCatalogBug(b, true);
    if (!found.ok()) return ReportError(err, found.status());
    std::vector<double> secs = {found->wall_s};
    for (int i = 1; i < seeds; ++i) {
      absl::StatusOr<sim::ExploreResult> again = RunCatalogBug(b, true);
      if (!again.ok()) return ReportError(err, again.status());
      secs.push_back(again->wall_s);
    }
    std::vector<double> walk;
    int walk_found = 0;
    for (int s = 1; s <= seeds; ++s) {
      absl::StatusOr<sim::Target> t = models::MakeDaxTarget(
          b.model, b.workload, (b.params.empty() ? "" : b.params + ",") + "bug_" + b.name + "=1");
      if (!t.ok()) return ReportError(err, t.status());
      sim::ExploreOptions o;
      o.strategy = sim::StrategyKind::kRandom;
      o.seed = static_cast<uint64_t>(s);
      o.budget_executions = kRandomBudget;
      o.shrink = false;
      const sim::ExploreResult r = sim::Explore(*t, o);
      walk.push_back(r.first ? static_cast<double>(r.executions) : 1e18);
      walk_found += r.first ? 1 : 0;
    }
    absl::StatusOr<sim::ExploreResult> fixed = RunCatalogBug(b, false);
    if (!fixed.ok()) return ReportError(err, fixed.status());
    const bool fixed_clean = !fixed->first.has_value();
    ok &= found->first.has_value() && fixed_clean;
    const double walk_median = Median(walk);
    rows.push_back(
        {b.name + (b.design ? " (design)" : ""), b.fix, b.invariant, b.model + "/" + b.workload,
         found->first ? std::to_string(found->executions) : "not found",
         absl::StrFormat("%.3f", Median(secs)),
         walk_median >= 1e18
             ? absl::StrFormat("> %d (%d/%d seeds found it)", kRandomBudget, walk_found, seeds)
             : absl::StrFormat("%.0f", walk_median),
         found->first ? std::to_string(found->first->preemptions) : "-",
         found->first ? std::to_string(found->first->steps) : "-",
         fixed_clean ? (fixed->complete ? "clean (complete up to 2 preemptions)" : "clean")
                     : "VIOLATION: " + fixed->first->violation.message.substr(
                                           0, fixed->first->violation.message.find('\n'))});
    if (found->first) {
      corpus.push_back("# " + b.name + ": " + b.fix);
      corpus.push_back("fails " + found->first->token);
      corpus.push_back("fixed " + found->first->token);
    }
    err << b.name << ": " << rows.back()[4] << " executions, fixed model "
        << (fixed_clean ? "clean" : "VIOLATES") << "\n";
  }
  if (markdown) {
    for (size_t i = 0; i < rows.size(); ++i) {
      out << "| " << absl::StrJoin(rows[i], " | ") << " |\n";
      if (i == 0) {
        out << "|";
        for (size_t c = 0; c < rows[0].size(); ++c) out << " --- |";
        out << "\n";
      }
    }
  } else {
    for (const auto& r : rows) {
      out << absl::StrJoin({r[0], r[3], r[4], r[5], r[6], r[7], r[8], r[9]}, "  ") << "\n";
    }
  }
  if (auto dir = a->Get("corpus")) {
    const std::string path = ResolveUserPath(*dir) + "/catalog.corpus";
    std::ofstream f(path, std::ios::trunc);
    f << "# daxsim gate corpus: `fails TOKEN` must still fail as recorded; `fixed TOKEN` must\n"
         "# pass once its bug switches are off. Generated by `daxsim bugs --corpus=DIR`.\n";
    for (const std::string& line : corpus) f << line << "\n";
    f.close();
    if (!f) return ReportError(err, absl::UnavailableError("cannot write " + path));
  }
  return ok ? kExitOk : kExitViolation;
}

}  // namespace daxsim::cli
