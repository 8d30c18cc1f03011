#include "tools/daxsim/matrix.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "models/dax_world/target.h"
#include "models/workload/library.h"
#include "sim/explore/explorer.h"
#include "sim/violation.h"

namespace daxsim::cli {

const std::vector<std::string>& InvariantColumns() {
  static const auto* const c = new std::vector<std::string>{"I1", "I2", "I3", "I4",  "I5",   "I6",
                                                            "I7", "I8", "I9", "I10", "crash"};
  return *c;
}

std::string InvariantColumn(const std::string& kind, const std::string& message) {
  if (kind != "invariant") return "I4";
  for (size_t i = 0; i + 1 < message.size(); ++i) {
    if (message[i] != 'I' || (i > 0 && std::isalnum(static_cast<unsigned char>(message[i - 1])))) {
      continue;
    }
    size_t j = i + 1;
    while (j < message.size() && std::isdigit(static_cast<unsigned char>(message[j]))) ++j;
    if (j > i + 1 && j < message.size() && message[j] == ' ') return message.substr(i, j - i);
  }
  if (message.rfind("linearizability", 0) == 0) return "I9";
  if (message.rfind("durability", 0) == 0 || message.rfind("recovery", 0) == 0) return "crash";
  return "I4";  // BUG_ON-style assertions of the model
}

namespace {

std::string Params(const models::ConfigMember& m, const std::string& extra) {
  if (extra.empty()) return m.params;
  return m.params.empty() ? extra : m.params + "," + extra;
}

std::string MemberName(const models::ConfigMember& m) {
  const size_t eq = m.params.find("api=");
  std::string api = eq == std::string::npos ? "" : m.params.substr(eq + 4);
  api = api.substr(0, api.find(','));
  return api + "/" + m.model;
}

bool IsScaleWorkload(const std::string& name) {
  for (const auto& w : models::workload::Workloads()) {
    if (w.name == name) return w.suite == "scale";
  }
  return false;
}

sim::ExploreResult RunOnce(const sim::Target& t, const MatrixOptions& o, int bound) {
  sim::ExploreOptions e;
  e.strategy = sim::StrategyKind::kDpor;
  e.preemptions_max = bound;
  e.jobs = o.jobs;
  if (t.steps_max > 0) e.sim.steps_max = t.steps_max;
  if (o.seconds > 0) {
    e.budget_seconds = o.seconds;
  } else {
    e.budget_executions = o.executions;
  }
  return sim::Explore(t, e);
}

absl::StatusOr<MemberResult> RunMember(const models::ConfigMember& m, const MatrixOptions& o,
                                       const std::function<void(const std::string&)>& progress,
                                       std::vector<std::string>* tokens) {
  MemberResult r;
  r.member = m;
  const std::string params = Params(m, o.extra_params);
  for (const models::SuiteItem& s : models::Suite(m, &r.skipped)) {
    if (IsScaleWorkload(s.workload)) continue;  // a benchmark family, as in `check`
    absl::StatusOr<sim::Target> t = models::MakeDaxTarget(m.model, s.workload, params);
    if (!t.ok()) return t.status();
    ItemResult item;
    item.workload = s.workload;
    item.expected = s.expected;
    sim::ExploreResult run = RunOnce(*t, o, -1);
    item.executions = run.executions;
    item.completeness = run.complete ? "exhaustive" : "partial";
    if (!run.complete && !run.first) {
      sim::ExploreResult bounded = RunOnce(*t, o, 2);
      item.executions += bounded.executions;
      if (bounded.complete) item.completeness = "<=2 preemptions";
      if (bounded.first) run = std::move(bounded);
    }
    if (run.first) {
      const sim::Violation& v = run.first->violation;
      item.kind = sim::ViolationKindName(v.kind);
      item.column = InvariantColumn(*item.kind, v.message);
      item.message = v.message.substr(0, v.message.find('\n'));
      item.token = run.first->token;
      tokens->push_back(run.first->token);
      item.completeness = "decided";
    }
    bool tolerated = false;
    for (const std::string& sig : s.tolerated) {
      tolerated = tolerated || (run.first && absl::StrContains(run.first->violation.message, sig));
    }
    item.ok = s.expected.empty() ? !run.first.has_value() || tolerated
                                 : (item.kind.has_value() && *item.kind == s.expected);
    progress(absl::StrFormat(
        "%s %s: %d executions, %s%s", MemberName(m), s.workload, item.executions, item.completeness,
        item.kind
            ? absl::StrCat(", found ", *item.column, " (", item.ok ? "expected" : "UNEXPECTED", ")")
            : (item.ok ? "" : ", expected finding NOT found")));
    r.items.push_back(std::move(item));
  }
  absl::StatusOr<std::vector<models::FaultCost>> costs = models::MeasureFaultCosts(m.model, params);
  if (!costs.ok()) return costs.status();
  r.costs = *std::move(costs);
  return r;
}

std::string CostCell(const MemberResult& m, const std::string& probe) {
  for (const models::FaultCost& c : m.costs) {
    if (c.probe != probe) continue;
    return absl::StrFormat("%d/%d/%d%s", c.points, c.locks, c.device_calls,
                           c.fallback ? " (PTE fallback)" : "");
  }
  return "-";
}

const char* const kProbes[] = {"pte_write_hole", "pte_read", "pte_read_next", "pmd_read"};

std::vector<std::string> Header() {
  std::vector<std::string> h = {"configuration", "front ends"};
  for (const std::string& c : InvariantColumns()) h.push_back(c);
  h.insert(h.end(), {"findings", "executions", "completeness", "PTE write (hole)", "PTE read",
                     "PTE read, next page", "PMD read", "verdict"});
  return h;
}

// One row per configuration; a configuration of several members shows one cost cell per
// member ("ext2: ..; ext4: ..").
std::vector<std::vector<std::string>> Rows(const MatrixResult& r) {
  std::vector<std::vector<std::string>> rows;
  for (const ConfigResult& c : r.configs) {
    std::vector<std::string> row = {c.config.name, std::to_string(c.config.front_ends)};
    for (const std::string& col : InvariantColumns()) row.push_back(c.columns.at(col));
    row.push_back(absl::StrFormat("%d/%d", c.findings_found, c.findings_expected));
    row.push_back(std::to_string(c.executions));
    row.push_back(c.completeness);
    for (const char* probe : kProbes) {
      std::vector<std::string> cells;
      for (const MemberResult* m : c.members) {
        const std::string cell = CostCell(*m, probe);
        cells.push_back(c.members.size() > 1 ? m->member.model + ": " + cell : cell);
      }
      row.push_back(absl::StrJoin(cells, "; "));
    }
    row.push_back(c.ok ? "pass" : "FAIL");
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

}  // namespace

absl::StatusOr<MatrixResult> RunMatrix(const MatrixOptions& o,
                                       const std::function<void(const std::string&)>& progress) {
  MatrixResult r;
  std::vector<const models::MatrixConfig*> configs;
  for (const models::MatrixConfig& c : models::MatrixConfigs()) {
    if (o.only.empty() || std::find(o.only.begin(), o.only.end(), c.name) != o.only.end()) {
      configs.push_back(&c);
    }
  }
  for (const std::string& name : o.only) {
    bool known = false;
    for (const models::MatrixConfig& c : models::MatrixConfigs()) known |= c.name == name;
    if (!known) {
      return absl::InvalidArgumentError("unknown configuration '" + name +
                                        "' (daxsim list configs)");
    }
  }
  // Each distinct member runs once, in first-use order.
  std::vector<std::pair<std::string, std::string>> keys;
  for (const models::MatrixConfig* c : configs) {
    for (const models::ConfigMember& m : c->members) {
      const std::pair<std::string, std::string> k{m.model, m.params};
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    }
  }
  r.members.reserve(keys.size());
  for (const auto& [model, params] : keys) {
    absl::StatusOr<MemberResult> m = RunMember({model, params}, o, progress, &r.tokens);
    if (!m.ok()) return m.status();
    r.members.push_back(*std::move(m));
  }
  for (const models::MatrixConfig* c : configs) {
    ConfigResult cr;
    cr.config = *c;
    for (const std::string& col : InvariantColumns()) cr.columns[col] = "ok";
    bool exhaustive = true, bounded = true;
    for (const models::ConfigMember& m : c->members) {
      const MemberResult* mr = nullptr;
      for (const MemberResult& x : r.members) {
        if (x.member.model == m.model && x.member.params == m.params) mr = &x;
      }
      cr.members.push_back(mr);
      for (const ItemResult& it : mr->items) {
        cr.executions += it.executions;
        if (!it.expected.empty()) {
          cr.findings_expected++;
          if (it.ok) cr.findings_found++;
        }
        if (it.completeness == "partial") exhaustive = bounded = false;
        if (it.completeness == "<=2 preemptions") exhaustive = false;
        if (!it.ok) {
          cr.ok = false;
          if (it.column) cr.columns[*it.column] = "FAIL";
          cr.failures.push_back(
              absl::StrCat(MemberName(m), " ", it.workload, ": ",
                           it.message ? *it.message : "expected finding not found",
                           it.token ? absl::StrCat(" (", *it.token, ")") : ""));
        }
      }
    }
    cr.completeness = exhaustive ? "exhaustive" : bounded ? "<=2 preemptions" : "partial";
    r.ok &= cr.ok;
    r.executions += cr.executions;
    r.configs.push_back(std::move(cr));
  }
  return r;
}

std::string MatrixText(const MatrixResult& r) {
  std::vector<std::vector<std::string>> rows = {Header()};
  for (auto& row : Rows(r)) rows.push_back(std::move(row));
  // The cost columns are wide; the text table keeps configuration, verdicts and totals.
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i >= 16 && i <= 19) continue;  // costs: in the table below
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  out += "\nfault cost (scheduling points/lock acquisitions/device calls per fault):\n";
  std::vector<std::vector<std::string>> costs = {
      {"member", "PTE write (hole)", "PTE read", "PTE read, next page", "PMD read"}};
  for (const MemberResult& m : r.members) {
    std::vector<std::string> row = {MemberName(m.member)};
    for (const char* probe : kProbes) row.push_back(CostCell(m, probe));
    costs.push_back(std::move(row));
  }
  std::vector<size_t> w(costs[0].size(), 0);
  for (const auto& row : costs) {
    for (size_t i = 0; i < row.size(); ++i) w[i] = std::max(w[i], row[i].size());
  }
  for (const auto& row : costs) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(w[i] - row[i].size() + 2, ' ');
    }
    out += line + "\n";
  }
  for (const ConfigResult& c : r.configs) {
    for (const std::string& f : c.failures) out += "FAIL " + c.config.name + ": " + f + "\n";
  }
  return out;
}

std::vector<std::string> MatrixHeader() { return Header(); }
std::vector<std::vector<std::string>> MatrixRows(const MatrixResult& r) { return Rows(r); }
std::string MatrixMemberName(const models::ConfigMember& m) { return MemberName(m); }
const std::vector<std::string>& MatrixProbes() {
  static const std::vector<std::string> kAll(std::begin(kProbes), std::end(kProbes));
  return kAll;
}

std::string MatrixMarkdown(const MatrixResult& r) {
  std::string out = "| " + absl::StrJoin(Header(), " | ") + " |\n|";
  for (size_t i = 0; i < Header().size(); ++i) out += " --- |";
  out += "\n";
  for (const auto& row : Rows(r)) out += "| " + absl::StrJoin(row, " | ") + " |\n";
  out +=
      "\nCosts are scheduling points / lock acquisitions / device calls (dax_direct_access) of "
      "one fault, measured on a one-actor workload.\n";
  return out;
}

std::string MatrixCsv(const MatrixResult& r) {
  std::string out;
  auto line = [&out](const std::vector<std::string>& row) {
    std::vector<std::string> f;
    for (const std::string& s : row) f.push_back(CsvField(s));
    out += absl::StrJoin(f, ",") + "\n";
  };
  line(Header());
  for (const auto& row : Rows(r)) line(row);
  return out;
}

}  // namespace daxsim::cli
