// Verdicts and reports of `daxsim check` (see check_report.h).
#include "tools/daxsim/check_report.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sim/violation.h"
#include "tools/daxsim/commands.h"
#include "tools/daxsim/json.h"

namespace daxsim::cli {

namespace {

const sim::Found* FoundOf(const StrategyRun& run) {
  return run.result.first ? &*run.result.first : nullptr;
}

bool IsExpected(const models::ScenarioInfo& info, const sim::Found& f) {
  return info.expect_violation && (info.expected_kind.empty() ||
                                   info.expected_kind == sim::ViolationKindName(f.violation.kind));
}

// The per-run result column.
std::string RunResult(const models::ScenarioInfo& info, const StrategyRun& run) {
  const sim::Found* f = FoundOf(run);
  if (!info.expect_violation && f != nullptr) {
    for (const std::string& t : info.tolerated) {
      if (f->violation.message.find(t) != std::string::npos) return "known finding";
    }
  }
  if (!info.expect_violation) return f ? "FAIL" : "ok";
  if (!f) return "not found";
  return IsExpected(info, *f) ? "found (expected)" : "other kind";
}

std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

void JudgeImpl(ScenarioOutcome* s) {
  const models::ScenarioInfo& info = s->info;
  const StrategyRun* unexpected = nullptr;
  bool found_expected = false;
  for (const StrategyRun& run : s->runs) {
    const sim::Found* f = FoundOf(run);
    if (f == nullptr) continue;
    if (IsExpected(info, *f)) {
      found_expected = true;
    } else if (unexpected == nullptr) {
      unexpected = &run;
    }
  }
  if (info.expect_violation && found_expected) {
    s->ok = true;
    s->verdict = "found (expected)";
    return;
  }
  if (!info.expect_violation && unexpected == nullptr && !s->interrupted) {
    s->ok = true;
    s->verdict = "ok";
    return;
  }
  if (unexpected != nullptr && !info.expect_violation) {
    const std::string& message = unexpected->result.first->violation.message;
    for (const std::string& t : info.tolerated) {
      if (message.find(t) == std::string::npos) continue;
      s->ok = true;
      s->verdict = "known finding";
      s->reason = FirstLine(message);
      return;
    }
  }
  s->ok = false;
  s->verdict = s->interrupted && unexpected == nullptr ? "interrupted" : "FAIL";
  if (unexpected != nullptr) {
    const sim::Found& f = *unexpected->result.first;
    s->reason = absl::StrCat(
        info.expect_violation ? "expected " + info.expected_kind + ", but " : "",
        sim::StrategyName(unexpected->strategy), " found ",
        sim::ViolationKindName(f.violation.kind), ": ", FirstLine(f.violation.message));
  } else if (s->interrupted) {
    s->reason = "interrupted before every strategy ran";
  } else {
    s->reason =
        absl::StrCat("expected ", info.expected_kind.empty() ? "a violation" : info.expected_kind,
                     ", none found");
  }
}

std::string CompleteCell(const sim::ExploreResult& r) {
  if (r.complete && r.bound < 0) return "exhaustive";
  if (r.complete) return absl::StrCat("up to ", r.bound, " preempt.");
  return r.first ? "no (stopped)" : "no (budget)";
}

std::string XmlEscape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      case '\'':
        o += "&apos;";
        break;
      default:
        // XML 1.0 forbids most control characters even escaped.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') {
          o += ' ';
        } else {
          o += c;
        }
    }
  }
  return o;
}

std::string RunJson(const ScenarioOutcome& s, const StrategyRun& run) {
  const sim::ExploreResult& r = run.result;
  const sim::Found* f = FoundOf(run);
  JsonObject j;
  j.Add("strategy", sim::StrategyName(run.strategy)).Add("executions", r.executions);
  j.Add("steps", r.steps).Add("complete", r.complete);
  j.Add("bound", r.bound >= 0 ? std::optional<int64_t>(r.bound) : std::nullopt);
  j.Add("completeness", Completeness(r)).Add("result", RunResult(s.info, run));
  j.Add("kind",
        f ? std::optional<std::string>(sim::ViolationKindName(f->violation.kind)) : std::nullopt);
  j.Add("preemptions", f ? std::optional<int64_t>(f->preemptions) : std::nullopt);
  j.Add("token", f ? std::optional<std::string>(f->token) : std::nullopt);
  j.AddRaw("oracle", NestedCountsJson(r.tallies));
  j.Add("wall_s", r.wall_s);
  return j.str();
}

// Left-aligned columns two spaces apart; trailing blanks trimmed.
void PrintTable(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
  std::vector<size_t> width;
  for (const auto& r : rows) {
    width.resize(std::max(width.size(), r.size()), 0);
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line += std::string(width[i] - r[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  }
}

}  // namespace

void Judge(ScenarioOutcome* s) { JudgeImpl(s); }

CheckSummary Summarize(std::vector<ScenarioOutcome> outcomes) {
  CheckSummary sum;
  sum.scenarios = std::move(outcomes);
  for (ScenarioOutcome& s : sum.scenarios) {
    JudgeImpl(&s);
    sum.all_ok = sum.all_ok && s.ok;
    for (const StrategyRun& run : s.runs) {
      sum.executions += run.result.executions;
      sum.violations += run.result.violations;
      const sim::Found* f = FoundOf(run);
      if (f == nullptr) continue;
      sum.tokens.push_back(f->token);
      // Unexpected: what made a scenario fail. A planted bug also seen as another kind (a
      // deadlock where lockdep was expected) is not, once the expected kind was found.
      if (!s.ok && !IsExpected(s.info, *f) && !sum.first_unexpected_token) {
        sum.first_unexpected_token = f->token;
      }
    }
  }
  return sum;
}

void PrintSummaryTable(const CheckSummary& s, const std::string& failures_path,
                       bool failures_written, std::ostream& out) {
  std::vector<std::vector<std::string>> rows = {
      {"scenario", "strategy", "executions", "complete", "result", "kind", "preempt", "verdict"}};
  int ok = 0;
  for (const ScenarioOutcome& o : s.scenarios) {
    ok += o.ok ? 1 : 0;
    for (size_t i = 0; i < o.runs.size(); ++i) {
      const StrategyRun& run = o.runs[i];
      const sim::Found* f = FoundOf(run);
      rows.push_back({i == 0 ? o.info.name : "", sim::StrategyName(run.strategy),
                      absl::StrCat(run.result.executions), CompleteCell(run.result),
                      RunResult(o.info, run), f ? sim::ViolationKindName(f->violation.kind) : "-",
                      f ? absl::StrCat(f->preemptions) : "-", i == 0 ? o.verdict : ""});
    }
    if (o.runs.empty()) rows.push_back({o.info.name, "-", "0", "-", "-", "-", "-", o.verdict});
  }
  PrintTable(rows, out);
  out << absl::StrFormat(
      "check: %d scenarios, %d ok, %d not ok; %d executions, %d violations, %.1f s%s\n",
      s.scenarios.size(), ok, s.scenarios.size() - static_cast<size_t>(ok), s.executions,
      s.violations, s.wall_s,
      s.interrupted ? absl::StrCat(" (interrupted; ", s.scenarios_total, " scenarios registered)")
                    : "");
  for (const ScenarioOutcome& o : s.scenarios) {
    if (!o.ok) out << o.verdict << " " << o.info.name << ": " << o.reason << "\n";
  }
  if (!s.tokens.empty()) {
    out << "failures file: " << failures_path << " ("
        << (failures_written ? absl::StrCat(s.tokens.size(), " tokens appended")
                             : std::string("NOT written, see stderr"))
        << ")\n";
  }
  if (s.first_unexpected_token) out << "token: " << *s.first_unexpected_token << "\n";
}

std::string SummaryJson(const CheckSummary& s) {
  JsonArray scenarios;
  for (const ScenarioOutcome& o : s.scenarios) {
    JsonArray runs;
    for (const StrategyRun& run : o.runs) runs.AddRaw(RunJson(o, run));
    JsonObject j;
    j.Add("name", o.info.name).Add("params", o.params);
    j.Add("expect_violation", o.info.expect_violation).Add("expected_kind", o.info.expected_kind);
    j.Add("verdict", o.verdict).Add("ok", o.ok).Add("reason", o.reason);
    j.AddRaw("runs", runs.str());
    scenarios.AddRaw(j.str());
  }
  JsonObject j;
  j.Add("ok", s.all_ok && !s.interrupted).Add("interrupted", s.interrupted);
  j.Add("executions", s.executions).Add("violations", s.violations);
  j.Add("token", s.first_unexpected_token).Add("wall_s", s.wall_s);
  j.AddRaw("scenarios", scenarios.str());
  return j.str();
}

absl::Status WriteJunit(const std::string& path, const CheckSummary& s) {
  int failures = 0;
  for (const ScenarioOutcome& o : s.scenarios) failures += o.ok ? 0 : 1;
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  const std::string counts =
      absl::StrFormat("tests=\"%d\" failures=\"%d\" errors=\"0\" time=\"%.3f\"", s.scenarios.size(),
                      failures, s.wall_s);
  absl::StrAppend(&x, "<testsuites ", counts, ">\n");
  absl::StrAppend(&x, "  <testsuite name=\"daxsim.check\" ", counts, ">\n");
  for (const ScenarioOutcome& o : s.scenarios) {
    absl::StrAppend(&x, "    <testcase classname=\"daxsim.check\" name=\"", XmlEscape(o.info.name),
                    "\" time=\"", absl::StrFormat("%.3f", o.wall_s), "\"");
    if (o.ok) {
      absl::StrAppend(&x, "/>\n");
      continue;
    }
    std::string detail;
    for (const StrategyRun& run : o.runs) {
      const sim::Found* f = FoundOf(run);
      absl::StrAppend(
          &detail, sim::StrategyName(run.strategy), ": ", run.result.executions, " executions, ",
          Completeness(run.result),
          f ? absl::StrCat(", ", sim::ViolationKindName(f->violation.kind), ", token ", f->token)
            : "",
          "\n");
    }
    absl::StrAppend(&x, ">\n      <failure message=\"", XmlEscape(o.verdict + ": " + o.reason),
                    "\">", XmlEscape(detail), "</failure>\n    </testcase>\n");
  }
  absl::StrAppend(&x, "  </testsuite>\n</testsuites>\n");
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) {
    return absl::UnavailableError("cannot open JUnit file '" + path + "': " + std::strerror(errno));
  }
  const bool ok = std::fwrite(x.data(), 1, x.size(), f) == x.size();
  if (std::fclose(f) != 0 || !ok) {
    return absl::UnavailableError("cannot write JUnit file '" + path +
                                  "': " + std::strerror(errno));
  }
  return absl::OkStatus();
}

}  // namespace daxsim::cli
