// `daxsim check`: every registered scenario with its default parameters, DPOR first and, when
// DPOR does not exhaust the space, random and PCT; each scenario's verdict compares what was
// found with what the registry expects (correct scenarios pass, planted bugs are found with the
// expected kind). Tokens are persisted before the summary; Ctrl-C stops between runs and still
// reports and persists what was found.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "models/dax_world/configs.h"
#include "models/dax_world/target.h"
#include "models/registry.h"
#include "models/workload/library.h"
#include "props/corpus/corpus.h"
#include "props/gen/sketch.h"
#include "sim/rng.h"
#include "sim/violation.h"
#include "tools/daxsim/check_report.h"
#include "tools/daxsim/cli.h"
#include "tools/daxsim/commands.h"
#include "tools/daxsim/failures_file.h"
#include "tools/daxsim/flags.h"
#include "tools/daxsim/html_pages.h"

namespace daxsim::cli {

namespace {

constexpr int64_t kDporExecutionsDefault = 200000;
constexpr int64_t kDaxBoundedExecutionsDefault = 150000;
// Unbounded DPOR with the state cache on a DAX item: the default run stops at kDaxExecutions
// Default (check must stay under 3 minutes); --exhaustive gives every item kDaxExecutions
// Exhaustive, within which every library item but one finishes (README "Stateful DPOR").
constexpr int64_t kDaxExecutionsDefault = 20000;
constexpr int64_t kDaxExecutionsExhaustive = 1500000;
constexpr int64_t kSamplingExecutionsDefault = 20000;
// The generated phase: how many drawn workloads, from which seed, and each one's budgets.
constexpr int kGeneratedDefault = 400;
constexpr uint64_t kGeneratedSeed = 0x6e6e;
constexpr int64_t kGeneratedDporExecutions = 2500;
constexpr int64_t kGeneratedPctExecutions = 300;

std::atomic<bool> g_interrupted{false};

void OnSigint(int) { g_interrupted.store(true); }  // lock-free atomic: async-signal-safe

// Installs the SIGINT handler for the duration of a check; a second Ctrl-C kills as usual
// (SA_RESETHAND), and the previous disposition comes back when the check ends.
class SigintScope {
 public:
  SigintScope() {
    g_interrupted.store(false);
    struct sigaction sa = {};
    sa.sa_handler = OnSigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    installed_ = sigaction(SIGINT, &sa, &old_) == 0;
  }
  ~SigintScope() {
    if (installed_) sigaction(SIGINT, &old_, nullptr);
  }
  SigintScope(const SigintScope&) = delete;
  SigintScope& operator=(const SigintScope&) = delete;

 private:
  struct sigaction old_ = {};
  bool installed_ = false;
};

// One item per core by default (each item's exploration is single-threaded and deterministic,
// so the verdicts do not depend on it); at most 8 so memory stays bounded.
int DefaultJobs() {
  const unsigned n = std::thread::hardware_concurrency();
  return static_cast<int>(std::clamp(n, 1u, 8u));
}

struct CheckConfig {
  std::optional<Budget> budget;
  std::vector<std::string> models;    // DAX models to run; empty: all
  std::vector<std::string> suites;    // "engine" and library suites; empty: all
  std::string bug_params;             // "bug_NAME=1,..." from --bug
  int jobs = DefaultJobs();           // items checked at once
  int generated = kGeneratedDefault;  // workloads the generated phase draws
  bool exhaustive = false;            // unbounded DPOR with kDaxExecutionsExhaustive
  bool fail_fast = false;             // stop starting items once one has failed
  bool seed_corpus = true;            // the generated phase runs props/corpus too
  bool json = false;
  bool help = false;
  std::string junit_path;  // resolved; empty: none
  std::string html_path;   // --html: the report page; empty: none
  std::string failures_path;
};

absl::StatusOr<CheckConfig> ParseConfig(const Args& args) {
  static const std::vector<FlagSpec> kFlags = {
      {"budget", FlagArg::kRequired},    {"jobs", FlagArg::kRequired},
      {"json", FlagArg::kNone},          {"junit", FlagArg::kRequired},
      {"failures", FlagArg::kRequired},  {"help", FlagArg::kNone},
      {"models", FlagArg::kRequired},    {"suites", FlagArg::kRequired},
      {"generated", FlagArg::kRequired}, {"exhaustive", FlagArg::kNone},
      {"fail-fast", FlagArg::kNone},     {"no-seed-corpus", FlagArg::kNone},
      {"bug", FlagArg::kRequired},       {"html", FlagArg::kRequired}};
  absl::StatusOr<ParsedArgs> a = ParseArgs("check", args, kFlags);
  if (!a.ok()) return a.status();
  if (!a->positional().empty()) {
    return absl::InvalidArgumentError("unexpected argument '" + a->positional()[0] +
                                      "' for 'check'");
  }
  CheckConfig c;
  c.help = a->Has("help");
  c.json = a->Has("json");
  if (auto v = a->Get("budget")) {
    absl::StatusOr<Budget> b = ParseBudget(*v);
    if (!b.ok()) return b.status();
    c.budget = *b;
  }
  if (auto v = a->Get("jobs")) {
    absl::StatusOr<int64_t> j = ParseIntInRange(*v, "--jobs", 1, 256);
    if (!j.ok()) return j.status();
    c.jobs = static_cast<int>(*j);
  }
  if (auto v = a->Get("junit")) c.junit_path = ResolveUserPath(*v);
  if (auto v = a->Get("html")) {
    if (v->empty()) return absl::InvalidArgumentError("--html needs a FILE");
    c.html_path = *v;
  }
  c.exhaustive = a->Has("exhaustive");
  c.fail_fast = a->Has("fail-fast");
  c.seed_corpus = !a->Has("no-seed-corpus");
  if (auto v = a->Get("generated")) {
    absl::StatusOr<int64_t> n = ParseIntInRange(*v, "--generated", 0, 1000000);
    if (!n.ok()) return n.status();
    c.generated = static_cast<int>(*n);
  }
  if (auto v = a->Get("models")) {
    c.models = absl::StrSplit(*v, ',', absl::SkipEmpty());
    for (const std::string& m : c.models) {
      bool known = false;
      for (const models::ModelInfo& info : models::DaxModels()) known |= info.name == m;
      if (!known) {
        return absl::InvalidArgumentError("unknown model '" + m + "' (daxsim list models)");
      }
    }
  }
  if (auto v = a->Get("suites")) {
    c.suites = absl::StrSplit(*v, ',', absl::SkipEmpty());
    for (const std::string& s : c.suites) {
      const auto& names = models::workload::SuiteNames();
      if (s != "engine" && s != "generated" &&
          std::find(names.begin(), names.end(), s) == names.end()) {
        return absl::InvalidArgumentError("unknown suite '" + s +
                                          "' (engine, faults, pmd, truncate, writeback, crash, "
                                          "media, scale, generated)");
      }
    }
  }
  absl::StatusOr<std::string> bugs = WithBugs("", a->Get("bug"));
  if (!bugs.ok()) return bugs.status();
  c.bug_params = *bugs;
  c.failures_path = ResolveUserPath(a->Get("failures").value_or(kDefaultFailuresFile));
  return c;
}

// The budget of one strategy run. Default: DPOR 200 000 executions (DAX: 150 000 bounded,
// 1 500 000 unbounded), random/PCT 20 000 each (DAX: 1 000).
// --budget=executions:N gives every run N executions; --budget=seconds:S gives each scenario
// S * jobs / #scenarios seconds (items run `jobs` at once), half for DPOR and a quarter each for
// random and PCT.
void SetBudget(const CheckConfig& c, size_t scenarios, sim::StrategyKind k, bool dax_world,
               int bound, sim::ExploreOptions* o) {
  const bool dpor = k == sim::StrategyKind::kDpor;
  if (!c.budget) {
    // DAX worlds cost ~100x a classic benchmark per execution: smaller sampling budgets.
    // Bounded DPOR: every library item (scale suite aside) completes up to 2 preemptions
    // within it (the largest, xipfs/fsyncs_wait_vs_truncate, in 102 084 executions since steps
    // visible to an every-step invariant are ordered: sim::Sim::AddInvariant). Unbounded
    // DPOR with the state cache: every item but one finishes within 1 500 000 executions (the
    // largest, ext4/fsyncs_wait_vs_truncate, in 1 114 857; README "Stateful DPOR").
    o->budget_executions =
        dpor ? (dax_world ? (bound >= 0     ? kDaxBoundedExecutionsDefault
                             : c.exhaustive ? kDaxExecutionsExhaustive
                                            : kDaxExecutionsDefault)
                          : kDporExecutionsDefault)
             : (dax_world ? kSamplingExecutionsDefault / 20 : kSamplingExecutionsDefault);
  } else if (c.budget->executions > 0) {
    o->budget_executions = c.budget->executions;
  } else {
    const double per_scenario =
        c.budget->seconds * c.jobs / static_cast<double>(std::max<size_t>(1, scenarios));
    o->budget_seconds = per_scenario * (dpor ? 0.5 : 0.25);
  }
}

// Progress lines of items that run at once: whole lines, one writer at a time. `done` counts
// finished items for the estimate of the time left.
struct Progress {
  std::ostream* err;
  std::chrono::steady_clock::time_point start;
  size_t total = 0;
  std::mutex mu;
  size_t done = 0;

  void Print(const ScenarioOutcome& s, const StrategyRun& run, size_t index) {
    const sim::ExploreResult& r = run.result;
    const double rate = static_cast<double>(r.executions) / std::max(r.wall_s, 1e-9);
    std::lock_guard<std::mutex> lock(mu);
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // Time left: the mean time per finished item times the items still to run.
    const double left = done == 0 ? 0.0
                                  : elapsed / static_cast<double>(done) *
                                        static_cast<double>(total - std::min(total, done));
    *err << absl::StrFormat(
        "[%d/%d] %s %s: %d executions, %.*f/s, %.2f s (total %.1f s, ~%.0f s left), %s%s\n",
        index + 1, total, s.info.name, sim::StrategyName(run.strategy), r.executions,
        rate < 10 ? 2 : 0, rate, r.wall_s, elapsed, left, Completeness(r),
        r.first ? absl::StrCat(", found ", sim::ViolationKindName(r.first->violation.kind)) : "");
    err->flush();
  }
  void Finished() {
    std::lock_guard<std::mutex> lock(mu);
    ++done;
  }
};

// The models a generated item runs on (those --models leaves, that can run the workload): every
// one for a corpus seed; for the i-th drawn workload only one, in rotation from model i mod n, so
// that n models see n times as many distinct workloads for the cost of one round (most of the
// fault path is shared; a model-specific path still gets every n-th workload).
std::vector<std::string> GeneratedModels(const CheckConfig& c, const models::workload::Workload& w,
                                         std::optional<size_t> drawn) {
  std::vector<std::string> out;
  for (const models::ModelInfo& m : models::DaxModels()) {
    if (!c.models.empty() &&
        std::find(c.models.begin(), c.models.end(), m.name) == c.models.end()) {
      continue;
    }
    if (models::MakeDaxTargetFromWorkload(m.name, w, c.bug_params).ok()) out.push_back(m.name);
  }
  if (!drawn || out.empty()) return out;
  const std::vector<models::ModelInfo> all = models::DaxModels();
  for (size_t k = 0; k < all.size(); ++k) {
    const std::string& name = all[(*drawn + k) % all.size()].name;
    if (std::find(out.begin(), out.end(), name) != out.end()) return {name};
  }
  return {};
}

// The generated phase: the seed corpus (props/corpus) on every model, then kGeneratedDefault
// workloads drawn from a fixed seed over the whole language (props/gen/sketch.h), each on one
// model (GeneratedModels). Named MODEL/gen:SOURCE.
std::vector<models::ScenarioInfo> GeneratedItems(const CheckConfig& c) {
  struct Source {
    std::string name;
    models::workload::Workload workload;
    std::optional<size_t> drawn;
  };
  std::vector<Source> workloads;
  for (const auto& [file, text] : props::SeedCorpus()) {
    if (!c.seed_corpus) break;
    absl::StatusOr<models::workload::Workload> w = models::workload::ParseWorkload(text, file);
    if (w.ok()) workloads.push_back({file.substr(0, file.rfind('.')), *std::move(w), {}});
  }
  props::GenOptions g;
  g.max_ops = 4;
  for (int i = 0; i < c.generated; ++i) {
    sim::Rng rng(sim::MixSeed(kGeneratedSeed, static_cast<uint64_t>(i)));
    const std::string name = absl::StrFormat("seed%d", i);
    workloads.push_back({name, props::DrawWorkload(rng, g, name), static_cast<size_t>(i)});
  }
  std::vector<models::ScenarioInfo> items;
  for (const Source& s : workloads) {
    const std::string text = models::workload::FormatWorkload(s.workload);
    for (const std::string& model : GeneratedModels(c, s.workload, s.drawn)) {
      std::vector<std::string> tolerated;
      for (const models::KnownFinding& k : models::KnownFindings(model)) {
        tolerated.push_back(k.signature);
      }
      items.push_back(
          {model + "/gen:" + s.name, "generated", c.bug_params, false, "", text, tolerated});
    }
  }
  return items;
}

// Everything `check` runs: the engine's scenarios, then every DAX model's suite with the
// model's default front end (models/dax_world/configs.h: the workloads the filesystem can run,
// with the findings the model shows listed as expected, each explained in README "Findings").
// --models, --suites and --bug narrow and mutate it; a switched-on bug applies to every DAX item.
std::vector<models::ScenarioInfo> CheckItems(const CheckConfig& c) {
  // The scale suite (issue 10's benchmark family) runs only when asked for: no budget of the
  // default check finishes it, and its items cost the most.
  auto wanted = [](const std::vector<std::string>& list, const std::string& x) {
    if (list.empty()) return x != "scale";
    return std::find(list.begin(), list.end(), x) != list.end();
  };
  std::vector<models::ScenarioInfo> items;
  if (wanted(c.suites, "engine")) items = models::Scenarios();
  for (const models::ModelInfo& m : models::DaxModels()) {
    if (!wanted(c.models, m.name)) continue;
    for (const models::SuiteItem& s : models::Suite({m.name, ""}, nullptr)) {
      std::string suite;
      for (const auto& w : models::workload::Workloads()) {
        if (w.name == s.workload) suite = w.suite;
      }
      if (!wanted(c.suites, suite)) continue;
      items.push_back({m.name + "/" + s.workload, s.why.empty() ? s.description : s.why,
                       c.bug_params, !s.expected.empty(), s.expected, "", s.tolerated});
    }
  }
  if (wanted(c.suites, "generated")) {
    for (models::ScenarioInfo& g : GeneratedItems(c)) items.push_back(std::move(g));
  }
  return items;
}

absl::StatusOr<sim::Target> GeneratedTarget(const models::ScenarioInfo& info) {
  absl::StatusOr<models::workload::Workload> w =
      models::workload::ParseWorkload(info.workload_text, info.name);
  if (!w.ok()) return w.status();
  return models::MakeDaxTargetFromWorkload(info.name.substr(0, info.name.find('/')), *w,
                                           info.default_params);
}

// Runs one scenario's strategies; stops early (interrupted) between runs on Ctrl-C.
absl::StatusOr<ScenarioOutcome> CheckScenario(const models::ScenarioInfo& info,
                                              const CheckConfig& c, size_t index,
                                              Progress* progress) {
  const size_t slash = info.name.find('/');
  absl::StatusOr<sim::Target> target =
      slash == std::string::npos ? models::MakeScenario(info.name, "")
      : info.workload_text.empty()
          ? models::MakeDaxTarget(info.name.substr(0, slash), info.name.substr(slash + 1),
                                  info.default_params)
          : GeneratedTarget(info);
  if (!target.ok()) {  // the registry rejects its own defaults: not the user's input
    return absl::InternalError(
        absl::StrCat("registered scenario ", info.name, ": ", target.status().message()));
  }
  ScenarioOutcome s{info, target->params, {}, false, 0};
  const bool dax_world = slash != std::string::npos;
  // DAX worlds: DPOR bounded to 2 preemptions first (the known bugs are shallow, and what it
  // finds is already a minimal-preemption counterexample), then the whole space.
  // Generated items: DPOR bounded to 1 preemption, then to 2 if 1 was exhausted within the
  // budget, then PCT (they are many and small).
  const bool generated = !info.workload_text.empty();
  std::vector<std::pair<sim::StrategyKind, int>> plan;
  if (generated) {
    plan = {{sim::StrategyKind::kDpor, 1},
            {sim::StrategyKind::kDpor, 2},
            {sim::StrategyKind::kPct, -1}};
  } else {
    if (dax_world) plan.push_back({sim::StrategyKind::kDpor, 2});
    plan.push_back({sim::StrategyKind::kDpor, -1});
    plan.push_back({sim::StrategyKind::kRandom, -1});
    plan.push_back({sim::StrategyKind::kPct, -1});
  }
  for (const auto& [k, bound] : plan) {
    if (g_interrupted.load()) {
      s.interrupted = true;
      break;
    }
    sim::ExploreOptions o;
    o.strategy = k;
    o.preemptions_max = bound;
    // Unbounded DPOR on a DAX world caches states (dpor.h): pfn_mkwrite_vs_fsync finishes in
    // 3 318 executions instead of 115 727, writeback_vs_store in 9 102 instead of 119 572.
    o.state_cache = slash != std::string::npos && bound < 0;
    if (target->steps_max > 0) o.sim.steps_max = target->steps_max;
    o.cancel = &g_interrupted;
    o.sim.tally = c.json;  // each run's JSON says what the oracles checked
    // A known finding the item tolerates is reported as it was found: shrinking it (seconds on
    // a 2 MiB mapping) decides nothing.
    o.shrink_if = [&info](const sim::Violation& v) {
      for (const std::string& t : info.tolerated) {
        if (v.message.find(t) != std::string::npos) return false;
      }
      return true;
    };
    SetBudget(c, progress->total, k, slash != std::string::npos, bound, &o);
    if (generated && !c.budget) {
      o.budget_executions =
          k == sim::StrategyKind::kDpor ? kGeneratedDporExecutions : kGeneratedPctExecutions;
    }
    if (generated && bound == 2) {
      // Iterative preemption bounding: 2 preemptions only after 1 was exhausted, within what
      // the DPOR budget has left (the runs' executions add up to at most the budget).
      const sim::ExploreResult& k1 = s.runs.back().result;
      if (!k1.complete) continue;
      if (o.budget_executions > 0) {
        o.budget_executions -= k1.executions;
        if (o.budget_executions <= 0) continue;
      }
    }
    s.runs.push_back({k, sim::Explore(*target, o)});
    s.wall_s += s.runs.back().result.wall_s;
    progress->Print(s, s.runs.back(), index);
    const sim::ExploreResult& last = s.runs.back().result;
    if (k == sim::StrategyKind::kDpor && last.complete && last.bound < 0) break;
    if (dax_world && last.first) break;  // found: the verdict is decided
  }
  return s;
}

// Checks the items `c.jobs` at a time, each on its own thread (an item's exploration stays
// single-threaded). Returns the outcomes of the items that ran, in item order; after Ctrl-C no
// item starts, and those that had not started are missing.
absl::StatusOr<std::vector<ScenarioOutcome>> CheckAll(
    const std::vector<models::ScenarioInfo>& scenarios, const CheckConfig& c, Progress* progress) {
  std::vector<std::optional<absl::StatusOr<ScenarioOutcome>>> slots(scenarios.size());
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  auto worker = [&] {
    for (;;) {
      const size_t i = next.fetch_add(1);
      if (i >= scenarios.size() || g_interrupted.load() || failed.load()) return;
      slots[i] = CheckScenario(scenarios[i], c, i, progress);
      progress->Finished();
      if (c.fail_fast && slots[i]->ok()) {
        ScenarioOutcome judged = **slots[i];
        Judge(&judged);
        if (!judged.ok) failed.store(true);
      }
    }
  };
  const int jobs = std::min<int>(c.jobs, static_cast<int>(scenarios.size()));
  if (jobs <= 1) {
    worker();
  } else {
    std::vector<std::thread> threads;
    for (int j = 0; j < jobs; ++j) threads.emplace_back(worker);
    for (std::thread& t : threads) t.join();
  }
  std::vector<ScenarioOutcome> outcomes;
  for (auto& slot : slots) {
    if (!slot) continue;
    if (!slot->ok()) return slot->status();
    outcomes.push_back(std::move(**slot));
  }
  return outcomes;
}

}  // namespace

int RunCheck(const Args& args, std::ostream& out, std::ostream& err) {
  absl::StatusOr<CheckConfig> c = ParseConfig(args);
  if (!c.ok()) return ReportError(err, c.status());
  if (c->help) {
    out << Usage();
    return kExitOk;
  }
  SigintScope sigint;
  const auto start = std::chrono::steady_clock::now();
  const std::vector<models::ScenarioInfo> scenarios = CheckItems(*c);
  if (scenarios.empty()) {
    return ReportError(err,
                       absl::InvalidArgumentError("--models/--suites select nothing to check"));
  }
  Progress progress{&err, start, scenarios.size()};
  absl::StatusOr<std::vector<ScenarioOutcome>> outcomes = CheckAll(scenarios, *c, &progress);
  if (!outcomes.ok()) return ReportError(err, outcomes.status());
  const bool interrupted = g_interrupted.load() || outcomes->size() < scenarios.size() ||
                           std::any_of(outcomes->begin(), outcomes->end(),
                                       [](const ScenarioOutcome& o) { return o.interrupted; });
  CheckSummary summary = Summarize(std::move(*outcomes));
  summary.interrupted = interrupted;
  summary.scenarios_total = scenarios.size();
  summary.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Persist first: tokens, then the JUnit report, then print.
  const absl::Status saved = AppendTokens(c->failures_path, summary.tokens);
  const absl::Status junit =
      c->junit_path.empty() ? absl::OkStatus() : WriteJunit(c->junit_path, summary);
  const absl::Status html =
      c->html_path.empty() ? absl::OkStatus() : WriteCheckHtml(c->html_path, summary);
  if (c->json) {
    out << SummaryJson(summary) << "\n";
  } else {
    PrintSummaryTable(summary, c->failures_path, saved.ok(), out);
  }
  out.flush();
  if (interrupted) {
    err << (c->fail_fast && !g_interrupted.load()
                ? "daxsim: stopped at the first failing item (--fail-fast)\n"
                : "daxsim: interrupted\n");
  }
  if (!saved.ok()) return ReportError(err, saved);
  if (!junit.ok()) return ReportError(err, junit);
  if (!html.ok()) return ReportError(err, html);
  if (!c->html_path.empty() && !c->json) {
    out << "report: " << ResolveUserPath(c->html_path) << " (traces in "
        << ResolveUserPath(c->html_path) << ".traces/)\n";
  }
  return summary.all_ok && !interrupted ? kExitOk : kExitViolation;
}

}  // namespace daxsim::cli
