// `daxsim bench`: the engine's speed and memory figures. (a) steps/s of the raw scheduler
// (2 actors writing one object, a uniform random picker, no recording); (b) executions/s of
// sim::Explore with the random strategy on a tiny 2 x 10-step target; (c) memory flatness: RSS
// after 10% and after all of one long exploration. Rates are medians of 5 runs (3 with --quick).
// Wall clocks are used here only, to time runs; never inside a simulation.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>

#include "absl/strings/str_format.h"
#include "models/dax_world/target.h"
#include "sim/explore/explorer.h"
#include "sim/explore/simple.h"
#include "sim/rng.h"
#include "sim/sim.h"
#include "tools/daxsim/cli.h"
#include "tools/daxsim/commands.h"
#include "tools/daxsim/flags.h"
#include "tools/daxsim/json.h"

namespace daxsim::cli {

namespace {

using Clock = std::chrono::steady_clock;

struct BenchConfig {
  int64_t steps_per_actor = 5000000;
  int64_t executions = 1000000;
  int64_t memory_executions = 1000000;
  int runs = 5;
  bool json = false;
};

// The minimal strategy: every pick uniform over what is allowed, from the one PRNG.
sim::Task<void> Stepper(sim::Sim& sim, sim::ObjectId x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) co_await sim.Point("step", {x, sim::Access::kWrite});
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// (a) One run of the raw scheduler; returns steps/s, or a negative value if the run misbehaved.
double StepsPerSecond(int64_t steps_per_actor, uint64_t seed) {
  sim::SimOptions o;
  o.steps_max = 2 * steps_per_actor + 16;
  o.record_steps = false;
  o.record_decisions = false;
  o.trace = false;
  o.lockdep = true;
  sim::Sim sim(o);
  const sim::ObjectId x = sim.NewObject("x");
  sim.Spawn("A", Stepper(sim, x, steps_per_actor));
  sim.Spawn("B", Stepper(sim, x, steps_per_actor));
  sim::UniformWalk pick(seed);
  const Clock::time_point start = Clock::now();
  sim.Run(pick);
  const double s = Seconds(start);
  if (!sim.completed() || sim.step_count() != 2 * steps_per_actor) return -1;
  return static_cast<double>(sim.step_count()) / std::max(s, 1e-9);
}

sim::Target TinyTarget() {
  sim::Target t;
  t.name = "bench_tiny";
  t.build = [](sim::Sim& sim) {
    const sim::ObjectId x = sim.NewObject("x");
    sim.Spawn("A", Stepper(sim, x, 10));
    sim.Spawn("B", Stepper(sim, x, 10));
    return std::make_unique<sim::World>();
  };
  return t;
}

sim::ExploreOptions RandomOptions(int64_t executions) {
  sim::ExploreOptions o;
  o.strategy = sim::StrategyKind::kRandom;
  o.budget_executions = executions;
  o.shrink = false;
  return o;
}

// (b) One exploration; returns executions/s.
double ExecutionsPerSecond(const sim::Target& target, int64_t executions, uint64_t seed) {
  sim::ExploreOptions o = RandomOptions(executions);
  o.seed = seed;
  const sim::ExploreResult r = sim::Explore(target, o);
  return static_cast<double>(r.executions) / std::max(r.wall_s, 1e-9);
}

int64_t RssKb() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return -1;
  long long size = 0, resident = 0;
  const int n = std::fscanf(f, "%lld %lld", &size, &resident);
  std::fclose(f);
  if (n != 2) return -1;
  return resident * sysconf(_SC_PAGESIZE) / 1024;
}

struct Memory {
  int64_t start_kb = -1, after_10pct_kb = -1, end_kb = -1;
};

// (c) One long exploration, sampling RSS before it, after 10% and after the last execution.
Memory MeasureMemory(const sim::Target& target, int64_t executions) {
  Memory m;
  sim::ExploreOptions o = RandomOptions(executions);
  int64_t done = 0;
  const int64_t tenth = std::max<int64_t>(1, executions / 10);
  // Both samples are taken inside the loop: after Explore() returns, its own bookkeeping is
  // already freed and would hide growth.
  o.on_execution = [&](const sim::Sim&) {
    ++done;
    if (done == tenth) m.after_10pct_kb = RssKb();
    if (done == executions) m.end_kb = RssKb();
  };
  m.start_kb = RssKb();
  sim::Explore(target, o);
  return m;
}

// (d) Parallel exhaustive DPOR: `daxsim explore --jobs=1` against `--jobs=2`, each with its
// default split depth (0 and 40: the parallel run fully expands the top 40 nodes, +0.35 %
// sleep-set-blocked executions); returns the wall-time ratio, and the executions of each.
double JobsSpeedup(const sim::Target& target, int64_t executions[2]) {
  double wall[2];
  for (int jobs = 1; jobs <= 2; ++jobs) {
    sim::ExploreOptions o;
    o.strategy = sim::StrategyKind::kDpor;
    o.jobs = jobs;
    o.shrink = false;
    const auto start = Clock::now();
    const sim::ExploreResult r = sim::Explore(target, o);
    wall[jobs - 1] = Seconds(start);
    executions[jobs - 1] = r.complete ? r.executions : -1;
  }
  return wall[1] > 0 ? wall[0] / wall[1] : 0;
}

absl::StatusOr<BenchConfig> ParseConfig(const Args& args, bool* help) {
  static const std::vector<FlagSpec> kFlags = {{"json", FlagArg::kNone},
                                               {"quick", FlagArg::kNone},
                                               {"memory-executions", FlagArg::kRequired},
                                               {"help", FlagArg::kNone}};
  absl::StatusOr<ParsedArgs> a = ParseArgs("bench", args, kFlags);
  if (!a.ok()) return a.status();
  if (!a->positional().empty()) {
    return absl::InvalidArgumentError("unexpected argument '" + a->positional()[0] +
                                      "' for 'bench'");
  }
  *help = a->Has("help");
  BenchConfig c;
  c.json = a->Has("json");
  if (a->Has("quick")) {
    c.steps_per_actor = 200000;
    c.executions = 20000;
    c.memory_executions = 100000;
    c.runs = 3;
  }
  if (auto v = a->Get("memory-executions")) {
    absl::StatusOr<int64_t> n =
        ParseIntInRange(*v, "--memory-executions", 10, std::numeric_limits<int64_t>::max());
    if (!n.ok()) return n.status();
    c.memory_executions = *n;
  }
  return c;
}

}  // namespace

int RunBench(const Args& args, std::ostream& out, std::ostream& err) {
  bool help = false;
  absl::StatusOr<BenchConfig> c = ParseConfig(args, &help);
  if (!c.ok()) return ReportError(err, c.status());
  if (help) {
    out << Usage();
    return kExitOk;
  }
  std::vector<double> steps, execs;
  for (int i = 0; i < c->runs; ++i) {
    steps.push_back(StepsPerSecond(c->steps_per_actor, static_cast<uint64_t>(i + 1)));
    if (steps.back() < 0) {
      return ReportError(err, absl::InternalError("bench: the raw scheduler run did not complete"));
    }
  }
  const sim::Target tiny = TinyTarget();
  for (int i = 0; i < c->runs; ++i) {
    execs.push_back(ExecutionsPerSecond(tiny, c->executions, static_cast<uint64_t>(i + 1)));
  }
  // The DAX world: fault_vs_truncate on xfs, random schedules.
  absl::StatusOr<sim::Target> dax = models::MakeDaxTarget("xfs", "fault_vs_truncate", "");
  if (!dax.ok()) return ReportError(err, absl::InternalError(std::string(dax.status().message())));
  const int64_t dax_executions = std::max<int64_t>(1000, c->executions / 20);
  std::vector<double> dax_execs;
  for (int i = 0; i < c->runs; ++i) {
    dax_execs.push_back(ExecutionsPerSecond(*dax, dax_executions, static_cast<uint64_t>(i + 1)));
  }
  const Memory m = MeasureMemory(tiny, c->memory_executions);
  // Exhaustive DPOR on one and two threads (writeback_vs_store: ~120 000 executions).
  absl::StatusOr<sim::Target> par = models::MakeDaxTarget(
      "xfs", c->runs >= 5 ? "writeback_vs_store" : "pmd_hole_vs_pte_write", "");
  if (!par.ok()) return ReportError(err, absl::InternalError(std::string(par.status().message())));
  int64_t par_executions[2];
  const double speedup = JobsSpeedup(*par, par_executions);
  const double growth = m.after_10pct_kb > 0
                            ? static_cast<double>(m.end_kb) / static_cast<double>(m.after_10pct_kb)
                            : 0;
  if (c->json) {
    JsonObject j;
    j.Add("steps_per_s", Median(steps)).Add("executions_per_s", Median(execs));
    j.Add("dax_fault_vs_truncate_executions_per_s", Median(dax_execs));
    j.Add("rss_kb_start", m.start_kb).Add("rss_kb_after_10pct", m.after_10pct_kb);
    j.Add("rss_kb_end", m.end_kb).Add("rss_growth", growth);
    j.Add("executions_for_memory", c->memory_executions).Add("runs", c->runs);
    j.Add("jobs2_speedup", speedup).Add("jobs2_executions", par_executions[1]);
    j.Add("jobs1_executions", par_executions[0]).Add("jobs2_target", par->name);
    out << j.str() << "\n";
    return kExitOk;
  }
  out << absl::StrFormat("steps_per_s: %.0f (raw scheduler, 2 actors x %d steps, median of %d)\n",
                         Median(steps), c->steps_per_actor, c->runs);
  out << absl::StrFormat(
      "executions_per_s: %.0f (random strategy, 2 actors x 10 steps, %d executions, median of "
      "%d)\n",
      Median(execs), c->executions, c->runs);
  out << absl::StrFormat(
      "dax_fault_vs_truncate_executions_per_s: %.0f (xfs model, random strategy, %d executions, "
      "median of %d)\n",
      Median(dax_execs), dax_executions, c->runs);
  out << absl::StrFormat(
      "memory: rss_kb_start %d, rss_kb_after_10pct %d, rss_kb_end %d, growth %.3fx over %d "
      "executions\n",
      m.start_kb, m.after_10pct_kb, m.end_kb, growth, c->memory_executions);
  out << absl::StrFormat(
      "jobs2_speedup: %.2fx (exhaustive DPOR of %s, --jobs=1 vs --jobs=2; %d and %d "
      "executions)\n",
      speedup, par->name, par_executions[0], par_executions[1]);
  return kExitOk;
}

}  // namespace daxsim::cli
