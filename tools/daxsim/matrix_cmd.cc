// `daxsim matrix [--budget=executions:N|seconds:S] [--configs=A,B] [--params=K=V,...]
// [--out=DIR] [--jobs=N] [--json] [--failures=FILE]`: runs the property suite on every
// configuration of the DAX API design space and prints one table (matrix.h); writes it as
// DIR/matrix.md and DIR/matrix.csv. Tokens go to the failures file before anything is printed.
// Exit 0 when every configuration passes, 1 otherwise.
#include <fstream>
#include <iostream>

#include "absl/strings/str_split.h"
#include "tools/daxsim/cli.h"
#include "tools/daxsim/commands.h"
#include "tools/daxsim/failures_file.h"
#include "tools/daxsim/flags.h"
#include "tools/daxsim/html_pages.h"
#include "tools/daxsim/json.h"
#include "tools/daxsim/matrix.h"

namespace daxsim::cli {

namespace {

absl::Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::trunc);
  f << text;
  f.close();
  if (!f) return absl::UnavailableError("cannot write " + path);
  return absl::OkStatus();
}

}  // namespace

int RunMatrixCmd(const Args& args, std::ostream& out, std::ostream& err) {
  static const std::vector<FlagSpec> kFlags = {
      {"budget", FlagArg::kRequired}, {"configs", FlagArg::kRequired},
      {"params", FlagArg::kRequired}, {"out", FlagArg::kRequired},
      {"bug", FlagArg::kRequired},    {"jobs", FlagArg::kRequired},
      {"json", FlagArg::kNone},       {"failures", FlagArg::kRequired},
      {"html", FlagArg::kRequired},   {"help", FlagArg::kNone}};
  absl::StatusOr<ParsedArgs> a = ParseArgs("matrix", args, kFlags);
  if (!a.ok()) return ReportError(err, a.status());
  if (a->Has("html") && a->Get("html")->empty()) {
    return ReportError(err, absl::InvalidArgumentError("--html needs a FILE"));
  }
  if (!a->positional().empty()) {
    return ReportError(err, absl::InvalidArgumentError("unexpected argument '" +
                                                       a->positional()[0] + "' for 'matrix'"));
  }
  if (a->Has("help")) {
    out << Usage();
    return kExitOk;
  }
  MatrixOptions o;
  if (auto v = a->Get("budget")) {
    absl::StatusOr<Budget> b = ParseBudget(*v);
    if (!b.ok()) return ReportError(err, b.status());
    if (b->executions > 0) o.executions = b->executions;
    if (b->seconds > 0) o.seconds = b->seconds;
  }
  if (auto v = a->Get("jobs")) {
    absl::StatusOr<int64_t> j = ParseIntInRange(*v, "--jobs", 1, 256);
    if (!j.ok()) return ReportError(err, j.status());
    o.jobs = static_cast<int>(*j);
  }
  if (auto v = a->Get("configs")) o.only = absl::StrSplit(*v, ',', absl::SkipEmpty());
  if (auto v = a->Get("params")) o.extra_params = *v;
  absl::StatusOr<std::string> with_bugs = WithBugs(o.extra_params, a->Get("bug"));
  if (!with_bugs.ok()) return ReportError(err, with_bugs.status());
  o.extra_params = *with_bugs;
  const std::string dir = ResolveUserPath(a->Get("out").value_or("."));
  const std::string failures = ResolveUserPath(a->Get("failures").value_or(kDefaultFailuresFile));
  // With --budget=seconds:S the whole matrix gets S seconds: split over its DPOR runs.
  if (o.seconds > 0) {
    size_t runs = 0;
    for (const auto& c : models::MatrixConfigs()) {
      if (o.only.empty() || std::find(o.only.begin(), o.only.end(), c.name) != o.only.end()) {
        runs += c.members.size() * 2 * 26;
      }
    }
    o.seconds /= static_cast<double>(std::max<size_t>(runs, 1));
  }
  absl::StatusOr<MatrixResult> r =
      RunMatrix(o, [&err](const std::string& line) { err << line << "\n"
                                                         << std::flush; });
  if (!r.ok()) return ReportError(err, r.status());
  const absl::Status saved = AppendTokens(failures, r->tokens);
  const absl::Status md = WriteFile(dir + "/matrix.md", MatrixMarkdown(*r));
  const absl::Status csv = WriteFile(dir + "/matrix.csv", MatrixCsv(*r));
  const std::string html_path = a->Get("html").value_or("");
  const absl::Status html = html_path.empty() ? absl::OkStatus() : WriteMatrixHtml(html_path, *r);
  out << MatrixText(*r);
  out << "matrix: " << r->configs.size() << " configurations, "
      << std::count_if(r->configs.begin(), r->configs.end(),
                       [](const ConfigResult& c) { return c.ok; })
      << " pass; " << r->executions << " executions; files " << dir << "/matrix.md, " << dir
      << "/matrix.csv" << (html_path.empty() ? "" : ", " + ResolveUserPath(html_path)) << "\n";
  if (a->Has("json")) {
    JsonObject j;
    j.Add("configurations", static_cast<int64_t>(r->configs.size()));
    j.Add("failing",
          static_cast<int64_t>(std::count_if(r->configs.begin(), r->configs.end(),
                                             [](const ConfigResult& c) { return !c.ok; })));
    j.Add("executions", r->executions);
    std::optional<std::string> first;
    for (const ConfigResult& c : r->configs) {
      for (const MemberResult* m : c.members) {
        for (const ItemResult& it : m->items) {
          if (!it.ok && it.token && !first) first = it.token;
        }
      }
    }
    j.Add("token", first);
    out << j.str() << "\n";
  }
  if (!saved.ok()) return ReportError(err, saved);
  if (!md.ok()) return ReportError(err, md);
  if (!csv.ok()) return ReportError(err, csv);
  if (!html.ok()) return ReportError(err, html);
  return r->ok ? kExitOk : kExitViolation;
}

}  // namespace daxsim::cli
