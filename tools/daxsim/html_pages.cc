#include "tools/daxsim/html_pages.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sim/explore/perfetto.h"
#include "sim/explore/trace.h"
#include "tools/daxsim/commands.h"
#include "tools/daxsim/counterexample.h"
#include "tools/daxsim/failures_file.h"
#include "tools/daxsim/html_report.h"

namespace daxsim::cli {

namespace {

// At most this many counterexamples get a section (each is a replay and a trace file).
constexpr size_t kCounterexamplesMax = 100;

// Where a page's trace files go: FILE.traces/ next to it, linked as "<basename>.traces/".
struct TraceDir {
  std::string dir;   // resolved, for writing
  std::string href;  // relative to the page
};

absl::StatusOr<TraceDir> MakeTraceDir(const std::string& page) {
  TraceDir t;
  t.dir = page + ".traces";
  const size_t slash = page.find_last_of('/');
  t.href = (slash == std::string::npos ? page : page.substr(slash + 1)) + ".traces";
  if (mkdir(t.dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return absl::UnavailableError("cannot create " + t.dir + ": " + std::strerror(errno));
  }
  return t;
}

// One counterexample's section: explanation, swimlane, and its trace written under `traces`.
absl::StatusOr<HtmlCounterexample> Counterexample(const std::string& id, const std::string& title,
                                                  const std::string& token,
                                                  const TraceDir& traces) {
  HtmlCounterexample cx{id, title, token, "", "", ""};
  absl::StatusOr<sim::Token> tok = sim::DecodeToken(token);
  if (!tok.ok()) return tok.status();
  absl::StatusOr<sim::Explanation> e = ExplainToken(token);
  if (!e.ok()) {
    cx.explanation = "(could not replay: " + std::string(e.status().message()) + ")";
    return cx;
  }
  cx.explanation = ExplanationText(*tok, *e);
  cx.swimlane = sim::FormatSwimlane(*e->sim);
  const std::string file = HtmlAnchor(id) + ".json";
  const absl::Status w = WriteTextFile(traces.dir + "/" + file, sim::FormatPerfetto(*e->sim));
  if (!w.ok()) return w;
  cx.perfetto_href = traces.href + "/" + file;
  return cx;
}

std::string RowClass(const std::string& verdict) {
  if (verdict == "ok") return "ok";
  if (verdict.rfind("found", 0) == 0) return "found";
  return "fail";
}

// The first counterexample of an outcome's runs, if any.
const sim::Found* FirstFound(const ScenarioOutcome& o) {
  for (const StrategyRun& r : o.runs) {
    if (r.result.first) return &*r.result.first;
  }
  return nullptr;
}

HtmlTable CheckTable(const CheckSummary& s) {
  HtmlTable t;
  t.caption = "Verdicts (one row per item; a linked item has a counterexample below)";
  t.header = {"item", "params", "verdict", "executions", "search", "found", "why not ok"};
  for (const ScenarioOutcome& o : s.scenarios) {
    int64_t executions = 0;
    std::string search;
    for (const StrategyRun& r : o.runs) {
      executions += r.result.executions;
      if (search.empty())
        search = absl::StrCat(sim::StrategyName(r.strategy), ": ", Completeness(r.result));
    }
    const sim::Found* f = FirstFound(o);
    t.rows.push_back(
        {o.info.name, o.params, o.verdict, absl::StrCat(executions), search,
         f ? absl::StrCat(sim::ViolationKindName(f->violation.kind), ": ", f->violation.key) : "",
         o.reason});
    t.row_class.push_back(RowClass(o.verdict));
    t.row_link.push_back(f ? o.info.name : "");
  }
  return t;
}

}  // namespace

absl::Status WriteCheckHtml(const std::string& path, const CheckSummary& s) {
  const std::string page_path = ResolveUserPath(path);
  absl::StatusOr<TraceDir> traces = MakeTraceDir(page_path);
  if (!traces.ok()) return traces.status();
  HtmlPage page;
  page.title = "daxsim check";
  int ok = 0;
  for (const ScenarioOutcome& o : s.scenarios) ok += o.ok;
  page.summary = {
      absl::StrCat(s.all_ok && !s.interrupted ? "PASS" : "FAIL", ": ", ok, " of ",
                   s.scenarios.size(), " items ok", s.interrupted ? " (interrupted)" : ""),
      absl::StrFormat("%d executions, %d violations found, %.1f s", s.executions, s.violations,
                      s.wall_s),
      "A counterexample's trace opens in ui.perfetto.dev (Open trace file) or chrome://tracing; "
      "replay it with daxsim replay TOKEN --trace."};
  page.tables.push_back(CheckTable(s));
  for (const ScenarioOutcome& o : s.scenarios) {
    const sim::Found* f = FirstFound(o);
    if (f == nullptr || page.counterexamples.size() >= kCounterexamplesMax) continue;
    absl::StatusOr<HtmlCounterexample> cx =
        Counterexample(o.info.name,
                       absl::StrCat(o.info.name, ": ", sim::ViolationKindName(f->violation.kind),
                                    " (", f->violation.key, ") - ", o.verdict),
                       f->token, *traces);
    if (!cx.ok()) return cx.status();
    page.counterexamples.push_back(*std::move(cx));
  }
  return WriteHtml(page_path, page);
}

namespace {

HtmlTable MatrixTable(const MatrixResult& r,
                      const std::vector<std::pair<std::string, std::string>>& links) {
  HtmlTable t;
  t.caption = "The design space through one property suite (invariant columns: ok or FAIL)";
  t.header = MatrixHeader();
  t.rows = MatrixRows(r);
  for (const ConfigResult& c : r.configs) {
    t.row_class.push_back(c.ok ? "ok" : "fail");
    std::string link;
    for (const auto& [config, id] : links) {
      if (config == c.config.name && link.empty()) link = id;
    }
    t.row_link.push_back(link);
  }
  return t;
}

// One chart per probe: scheduling points per fault on every member.
std::vector<HtmlBarChart> CostCharts(const MatrixResult& r) {
  std::vector<HtmlBarChart> charts;
  for (const std::string& probe : MatrixProbes()) {
    HtmlBarChart c{"Fault cost: " + probe, "scheduling points per fault", {}};
    for (const MemberResult& m : r.members) {
      for (const models::FaultCost& cost : m.costs) {
        if (cost.probe == probe) {
          c.bars.emplace_back(MatrixMemberName(m.member), static_cast<double>(cost.points));
        }
      }
    }
    if (!c.bars.empty()) charts.push_back(std::move(c));
  }
  return charts;
}

}  // namespace

absl::Status WriteMatrixHtml(const std::string& path, const MatrixResult& r) {
  const std::string page_path = ResolveUserPath(path);
  absl::StatusOr<TraceDir> traces = MakeTraceDir(page_path);
  if (!traces.ok()) return traces.status();
  HtmlPage page;
  page.title = "daxsim matrix";
  page.summary = {absl::StrCat(r.ok ? "PASS" : "FAIL", ": ", r.configs.size(), " configurations, ",
                               r.executions, " executions"),
                  "Costs are scheduling points / lock acquisitions / device calls "
                  "(dax_direct_access) of one fault, measured on a one-actor workload."};
  std::vector<std::pair<std::string, std::string>> links;  // configuration -> counterexample
  for (const ConfigResult& c : r.configs) {
    for (const MemberResult* m : c.members) {
      for (const ItemResult& item : m->items) {
        if (!item.token || page.counterexamples.size() >= kCounterexamplesMax) continue;
        const std::string id = c.config.name + "-" + m->member.model + "-" + item.workload;
        absl::StatusOr<HtmlCounterexample> cx = Counterexample(
            id,
            absl::StrCat(c.config.name, " / ", MatrixMemberName(m->member), " / ", item.workload,
                         ": ", item.column.value_or("?"), item.ok ? " (expected)" : " (FAIL)"),
            *item.token, *traces);
        if (!cx.ok()) return cx.status();
        page.counterexamples.push_back(*std::move(cx));
        links.emplace_back(c.config.name, id);
      }
    }
  }
  page.tables.push_back(MatrixTable(r, links));
  page.charts = CostCharts(r);
  return WriteHtml(page_path, page);
}

}  // namespace daxsim::cli
