#include "sim/explore/explorer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include "sim/check.h"
#include "sim/explore/dfs.h"
#include "sim/explore/dpor.h"
#include "sim/explore/pct.h"
#include "sim/explore/random.h"
#include "sim/explore/replay.h"
#include "sim/explore/steer.h"

namespace daxsim::sim {

const char* StrategyName(StrategyKind k) {
  switch (k) {
    case StrategyKind::kRandom:
      return "random";
    case StrategyKind::kPct:
      return "pct";
    case StrategyKind::kDfs:
      return "dfs";
    case StrategyKind::kDpor:
      return "dpor";
    case StrategyKind::kPortfolio:
      return "portfolio";
    case StrategyKind::kStateful:
      return "stateful";
  }
  return "?";
}

absl::StatusOr<StrategyKind> ParseStrategy(const std::string& s) {
  if (s == "random") return StrategyKind::kRandom;
  if (s == "pct") return StrategyKind::kPct;
  if (s == "dfs") return StrategyKind::kDfs;
  if (s == "dpor") return StrategyKind::kDpor;
  if (s == "portfolio") return StrategyKind::kPortfolio;
  if (s == "stateful") return StrategyKind::kStateful;
  return absl::InvalidArgumentError("unknown strategy '" + s +
                                    "' (random, pct, dfs, dpor, portfolio, stateful)");
}

bool Smaller(const Found& a, const Found& b) {
  return std::tie(a.preemptions, a.context_switches, a.steps) <
         std::tie(b.preemptions, b.context_switches, b.steps);
}

namespace {

using Clock = std::chrono::steady_clock;  // budget only; never reaches a simulation

// `options`: the run's options as the token must carry them (shrinking runs with a tighter
// steps_max, which must not leak into tokens).
Found Capture(const Target& target, const Sim& sim, const SimOptions& options, uint64_t key) {
  Found f;
  f.violation = sim.violation();
  const Token token = MakeToken(target.name, target.params, options, sim.decisions());
  f.decisions = token.decisions;
  f.token = EncodeToken(token);
  f.preemptions = sim.preemptions();
  f.context_switches = sim.context_switches();
  f.steps = sim.step_count();
  f.key = key;
  return f;
}

bool StatefulDpor(const ExploreOptions& o) {
  return (o.strategy == StrategyKind::kDpor || o.strategy == StrategyKind::kPortfolio) &&
         o.preemptions_max < 0 && o.state_cache;
}

std::unique_ptr<SearchStrategy> MakeStrategy(const ExploreOptions& o, Partition p, int split,
                                             int64_t pct_steps) {
  switch (o.strategy) {
    case StrategyKind::kRandom:
      return std::make_unique<RandomStrategy>(o.seed, o.preemptions_max, p);
    case StrategyKind::kPct:
      return std::make_unique<PctStrategy>(o.seed, o.pct_depth, pct_steps, o.preemptions_max, p);
    case StrategyKind::kDfs:
      return std::make_unique<DfsStrategy>(o.preemptions_max, p, split);
    case StrategyKind::kStateful:
      return std::make_unique<DfsStrategy>(o.preemptions_max, p, split, /*stateful=*/true);
    case StrategyKind::kDpor:
    case StrategyKind::kPortfolio:  // its DPOR part (ExplorePortfolio runs the burst)
      return std::make_unique<DporStrategy>(o.preemptions_max, p, split, StatefulDpor(o));
  }
  return nullptr;
}

// Per-part statistics, folded by key so that a stop at the first violation counts exactly
// the executions whose key precedes it, whatever the threads' relative speed.
struct KeyStats {
  uint64_t key;
  int64_t executions, steps, redundant, violations;
  std::map<std::string, int64_t> tallies;  // only with options.sim.tally
};

void AddTallies(const std::map<std::string, int64_t>& from, std::map<std::string, int64_t>* to) {
  for (const auto& [k, n] : from) (*to)[k] += n;
}

struct PartResult {
  KeyStats folded{0, 0, 0, 0, 0};  // entries certain to be counted, summed
  std::vector<KeyStats> stats;
  std::optional<Found> first;
  bool exhausted = false;
  int64_t states = 0;
};

struct Shared {
  explicit Shared(int jobs) : progress(static_cast<size_t>(jobs)) {
    for (auto& p : progress) p.store(0);
  }
  std::atomic<uint64_t> min_found{UINT64_MAX};
  std::vector<std::atomic<uint64_t>> progress;  // each part's current key
  const std::atomic<bool>* cancel = nullptr;
  std::atomic<bool> cancelled{false};
};

// Folds the entries every future cut will count: keys below both the first violation so far
// and every part's progress (no part can later find a violation with a smaller key). Keeps
// memory flat however many executions run.
void Fold(Shared* shared, PartResult* out) {
  uint64_t threshold = shared->min_found.load();
  for (const auto& p : shared->progress) threshold = std::min(threshold, p.load());
  size_t n = 0;
  while (n < out->stats.size() && out->stats[n].key < threshold) {
    const KeyStats& ks = out->stats[n++];
    out->folded.executions += ks.executions;
    out->folded.steps += ks.steps;
    out->folded.redundant += ks.redundant;
    out->folded.violations += ks.violations;
    AddTallies(ks.tallies, &out->folded.tallies);
  }
  out->stats.erase(out->stats.begin(), out->stats.begin() + static_cast<std::ptrdiff_t>(n));
}

void RunPart(const Target& target, const ExploreOptions& options, int job, Partition part,
             int split, int64_t pct_steps, int64_t executions_max, Clock::time_point deadline,
             Shared* shared, PartResult* out) {
  ExploreOptions o = options;
  // Callers may ask for digests too.
  o.sim.stateful |= o.strategy == StrategyKind::kStateful || StatefulDpor(o);
  std::unique_ptr<SearchStrategy> strategy = MakeStrategy(o, part, split, pct_steps);
  Sim sim(o.sim);
  int64_t counted = 0;
  for (;;) {
    if (shared->cancel != nullptr && shared->cancel->load(std::memory_order_relaxed)) {
      shared->cancelled = true;
      break;
    }
    if (executions_max > 0 && counted >= executions_max) break;
    if (o.budget_seconds > 0 && (counted & 15) == 0 && Clock::now() >= deadline) break;
    if (!strategy->BeginExecution()) {
      out->exhausted = true;
      break;
    }
    sim.Reset(o.sim);
    std::unique_ptr<World> world = target.build(sim);
    sim.Run(*strategy);
    strategy->EndExecution(sim);
    if (!strategy->LastOwned()) continue;
    const uint64_t key = strategy->LastKey();
    if (o.stop_on_first && key > shared->min_found.load()) break;
    shared->progress[static_cast<size_t>(job)].store(key, std::memory_order_relaxed);
    if (out->stats.size() >= 4096) Fold(shared, out);
    counted++;
    if (out->stats.empty() || out->stats.back().key != key) out->stats.push_back({key, 0, 0, 0, 0});
    KeyStats& ks = out->stats.back();
    ks.executions++;
    ks.steps += sim.step_count();
    ks.redundant += strategy->LastRedundant() ? 1 : 0;
    for (const auto& [k, n] : sim.tallies()) ks.tallies[k] += n;
    if (o.on_execution) o.on_execution(sim);
    if (sim.violation().found()) {
      ks.violations++;
      if (!out->first) out->first = Capture(target, sim, o.sim, key);
      if (o.stop_on_first) {
        uint64_t cur = shared->min_found.load();
        while (key < cur && !shared->min_found.compare_exchange_weak(cur, key)) {
        }
        break;
      }
    }
  }
  out->states = strategy->states();
  shared->progress[static_cast<size_t>(job)].store(UINT64_MAX);  // done: never lowers the cut
}

// Unbounded DPOR keeps the top of its tree narrow (sleep sets: a fully expanded node adds only
// sleep-set-blocked executions, never a second execution of a class), so it can split deep,
// where the work is: measured on writeback_vs_store, depth 40 costs +0.35 % executions and
// balances two threads (depth 4 gave 13 subtrees, nearly all the work in one). DFS and bounded
// DPOR fully expand every node above the split, so they split shallow.
int DefaultSplitDepth(const ExploreOptions& o, uint64_t parts) {
  if (parts <= 1) return 0;
  const bool unbounded_dpor = o.strategy == StrategyKind::kDpor && o.preemptions_max < 0;
  return unbounded_dpor ? 40 : 4;
}

int64_t ProbeSteps(const Target& target, const ExploreOptions& o) {
  // PCT's k: the length of one random execution (seeded; deterministic), with head-room.
  RandomStrategy probe(o.seed ^ 0x9c7, -1, Partition{});
  Sim sim(o.sim);
  probe.BeginExecution();
  std::unique_ptr<World> world = target.build(sim);
  sim.Run(probe);
  return std::max<int64_t>(1, sim.step_count() + sim.step_count() / 4);
}

}  // namespace

namespace {

// The PCT burst, then DPOR on what is left of the budget.
ExploreResult ExplorePortfolio(const Target& target, const ExploreOptions& o) {
  ExploreOptions burst = o;
  burst.strategy = StrategyKind::kPct;
  burst.budget_executions = o.budget_executions > 0
                                ? std::min(o.budget_executions, kPortfolioBurstExecutions)
                                : kPortfolioBurstExecutions;
  burst.budget_seconds = 0;
  burst.stop_on_first = true;
  ExploreResult first = Explore(target, burst);
  if (first.first || first.cancelled) {
    first.complete = false;
    return first;
  }
  ExploreOptions rest = o;
  rest.strategy = StrategyKind::kDpor;
  if (o.budget_executions > 0) {
    rest.budget_executions = std::max<int64_t>(1, o.budget_executions - first.executions);
  }
  if (o.budget_seconds > 0) rest.budget_seconds = std::max(0.001, o.budget_seconds - first.wall_s);
  ExploreResult r = Explore(target, rest);
  r.executions += first.executions;
  r.steps += first.steps;
  r.wall_s += first.wall_s;
  AddTallies(first.tallies, &r.tallies);
  return r;
}

}  // namespace

ExploreResult Explore(const Target& target, const ExploreOptions& options) {
  if (options.strategy == StrategyKind::kPortfolio) return ExplorePortfolio(target, options);
  ExploreOptions o = options;
  // A search that caches states cuts a retry that changed nothing (it returns to a state on the
  // stack), so it needs no fairness bound on retries; tokens record the setting.
  if (o.strategy == StrategyKind::kStateful || StatefulDpor(o)) o.sim.fault_retries_max = 0;
  const auto start = Clock::now();
  const auto deadline =
      start + std::chrono::microseconds(static_cast<int64_t>(o.budget_seconds * 1e6));
  const int jobs = std::max(1, o.jobs);
  const uint64_t parts = o.shard.parts * static_cast<uint64_t>(jobs);
  int split = o.split_depth;
  if (split < 0) split = DefaultSplitDepth(o, parts);
  const int64_t pct_steps = o.strategy == StrategyKind::kPct
                                ? (o.pct_steps > 0 ? o.pct_steps : ProbeSteps(target, o))
                                : 0;
  int64_t per_part = 0;
  if (o.budget_executions > 0) {
    per_part = std::max<int64_t>(1, o.budget_executions / static_cast<int64_t>(parts));
  }
  Shared shared(jobs);
  shared.cancel = o.cancel;
  // DFS and DPOR threads claim subtrees dynamically (balanced whatever the tree's shape);
  // processes (--shard) still split them statically. So do threads that cache states: what a
  // thread's cache holds, and so what it prunes, must not depend on timing.
  SubtreeClaims claims;
  const bool claiming = jobs > 1 && (o.strategy == StrategyKind::kDfs ||
                                     (o.strategy == StrategyKind::kDpor && !StatefulDpor(o)));
  std::vector<PartResult> results(static_cast<size_t>(jobs));
  auto run = [&](int j) {
    const Partition part =
        claiming ? Partition{o.shard.part, o.shard.parts, &claims}
                 : Partition{o.shard.part * static_cast<uint64_t>(jobs) + static_cast<uint64_t>(j),
                             parts};
    RunPart(target, o, j, part, split, pct_steps, per_part, deadline, &shared,
            &results[static_cast<size_t>(j)]);
  };
  if (jobs == 1) {
    run(0);
  } else {
    std::vector<std::thread> threads;
    for (int j = 0; j < jobs; ++j) threads.emplace_back(run, j);
    for (auto& t : threads) t.join();
  }
  ExploreResult r;
  r.bound = o.preemptions_max;
  const uint64_t cut = o.stop_on_first ? shared.min_found.load() : UINT64_MAX;
  r.complete = true;
  for (const PartResult& p : results) {
    r.executions += p.folded.executions;
    r.steps += p.folded.steps;
    r.redundant += p.folded.redundant;
    r.violations += p.folded.violations;
    AddTallies(p.folded.tallies, &r.tallies);
    for (const KeyStats& ks : p.stats) {
      if (ks.key > cut) continue;
      r.executions += ks.executions;
      r.steps += ks.steps;
      r.redundant += ks.redundant;
      r.violations += ks.violations;
      AddTallies(ks.tallies, &r.tallies);
    }
    r.complete &= p.exhausted;
    r.states += p.states;
    if (p.first && p.first->key <= cut && (!r.first || p.first->key < r.first->key))
      r.first = p.first;
  }
  r.cancelled = shared.cancelled;
  if (r.cancelled) r.complete = false;
  r.exhausted = r.complete;
  if (r.first) {
    r.complete = false;
    r.original = r.first;
    if (o.shrink && (!o.shrink_if || o.shrink_if(r.first->violation))) {
      r.first = Shrink(target, o.sim, *r.first, o.shrink_executions_max, &r.shrink_executions);
    }
  }
  r.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  return r;
}

absl::Status Replay(const Target& target, const SimOptions& sim_options,
                    const std::vector<TokenDecision>& decisions, Sim* sim) {
  ReplayStrategy replay(decisions);
  replay.BeginExecution();
  sim->Reset(sim_options);
  std::unique_ptr<World> world = target.build(*sim);
  sim->Run(replay);
  replay.EndExecution(*sim);
  if (!replay.error().empty()) return absl::FailedPreconditionError(replay.error());
  return absl::OkStatus();
}

namespace {

constexpr int64_t kShrinkPolishExecutions = 5000;
constexpr int64_t kShrinkSampleExecutions = 2000;

// One execution of a search strategy's; true if it shows `signature`.
bool RunOnce(const Target& target, const SimOptions& so, SearchStrategy& strategy, Sim* sim,
             int64_t* used, const std::string& signature) {
  sim->Reset(so);
  std::unique_ptr<World> world = target.build(*sim);
  sim->Run(strategy);
  ++*used;
  return sim->violation().found() && sim->violation().Signature() == signature;
}

// One execution of `target` under `strategy`; the counterexample if it shows `signature`.
std::optional<Found> TryOnce(const Target& target, const SimOptions& so,
                             const SimOptions& token_options, Strategy& strategy,
                             const std::string& signature, uint64_t key, Sim* sim) {
  sim->Reset(so);
  std::unique_ptr<World> world = target.build(*sim);
  sim->Run(strategy);
  if (!sim->violation().found() || sim->violation().Signature() != signature) return std::nullopt;
  return Capture(target, *sim, token_options, key);
}

// Preemption removal by delta debugging (Zeller's ddmin) over the context switches of the
// schedule as found: a subset of them stays allowed and the schedule is replayed steered
// (SteerStrategy); a subset is kept if the same violation still happens. The recorded schedule
// stays the reference, so switch indices never shift. About |needed| * log(|switches|)
// executions: a random walk's hundreds of preemptions come down to a handful.
Found RemoveSwitches(const Target& target, const SimOptions& so, const SimOptions& token_options,
                     Found best, const std::string& signature, int64_t executions_max,
                     int64_t* used, Sim* sim) {
  const std::vector<TokenDecision> reference = best.decisions;
  const uint64_t key = best.key;
  std::vector<size_t> kept = SteerStrategy::Switches(reference);
  auto test = [&](const std::vector<size_t>& allowed_switches) {
    std::vector<bool> allowed(static_cast<size_t>(best.steps) + 1, false);
    for (size_t k : allowed_switches) {
      if (k >= allowed.size()) allowed.resize(k + 1, false);
      allowed[k] = true;
    }
    SteerStrategy steer(reference, std::move(allowed));
    ++*used;
    std::optional<Found> f = TryOnce(target, so, token_options, steer, signature, key, sim);
    if (f && Smaller(*f, best)) best = *f;
    return f.has_value();
  };
  // Schedules with no preemption, then with one of the recorded switches, are tried first: the
  // bugs of this domain are shallow, and this costs one execution per switch.
  if (test({})) return best;
  for (size_t k : kept) {
    if (*used >= executions_max || best.preemptions <= 1) break;
    test({k});
  }
  if (best.preemptions <= 1) return best;
  size_t chunks = 2;
  while (!kept.empty() && *used < executions_max) {
    const size_t size = (kept.size() + chunks - 1) / chunks;
    bool reduced = false;
    for (size_t start = 0; start < kept.size() && *used < executions_max; start += size) {
      std::vector<size_t> rest(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(start));
      rest.insert(rest.end(),
                  kept.begin() + static_cast<std::ptrdiff_t>(std::min(kept.size(), start + size)),
                  kept.end());
      if (test(rest)) {
        kept = std::move(rest);
        chunks = std::max<size_t>(chunks - 1, 2);
        reduced = true;
        break;
      }
    }
    if (reduced) continue;
    if (chunks >= kept.size()) break;  // 1-minimal: no single switch can go
    chunks = std::min(kept.size(), chunks * 2);
  }
  return best;
}

// PCT (depth 3, seeded) restricted to fewer preemptions than the best so far: a structurally
// different schedule with fewer preemptions, where steering from the found one cannot reach it
// (a random walk's counterexample may start the actors in an order the minimal one does not).
Found SampleFewerPreemptions(const Target& target, const SimOptions& so,
                             const SimOptions& token_options, Found best,
                             const std::string& signature, int64_t executions_max, int64_t* used,
                             Sim* sim) {
  while (best.preemptions > 1 && *used < executions_max) {
    PctStrategy pct(0x5417, 3, std::max<int64_t>(best.steps, 1), best.preemptions - 1, Partition{});
    bool hit = false;
    while (!hit && *used < executions_max && pct.BeginExecution()) {
      hit = RunOnce(target, so, pct, sim, used, signature);
      if (hit) best = Capture(target, *sim, token_options, best.key);
    }
    if (!hit) break;
  }
  return best;
}

}  // namespace

Found Shrink(const Target& target, const SimOptions& sim_options, const Found& found,
             int64_t executions_max, int64_t* executions_used) {
  const std::string signature = found.violation.Signature();
  SimOptions so = sim_options;
  so.record_steps = true;
  so.trace = false;
  if (found.violation.kind != ViolationKind::kStepBudget) {
    // Schedules much longer than the one found cannot be smaller: cut them short.
    so.steps_max = std::min<int64_t>(so.steps_max, std::max<int64_t>(found.steps * 2 + 64, 256));
  }
  int64_t used = 0;
  Sim sim(so);
  // First the cheap greedy pass (a quarter of the budget at most), then iterative preemption
  // bounding with sound bounded DPOR below the preemptions left: the first bound with a hit
  // gives the fewest preemptions; each level may use all the budget that remains.
  Found best = found;
  for (;;) {  // re-based on each improvement: a cleaner schedule steers better
    const Found before = best;
    best =
        RemoveSwitches(target, so, sim_options, best, signature, executions_max / 4, &used, &sim);
    if (!Smaller(best, before) || best.preemptions == 0) break;
  }
  best =
      SampleFewerPreemptions(target, so, sim_options, best, signature,
                             std::min(used + kShrinkSampleExecutions, executions_max), &used, &sim);
  for (int bound = 0; bound < best.preemptions && used < executions_max; ++bound) {
    DporStrategy dpor(bound, Partition{}, 0);
    bool hit = false;
    while (!hit && used < executions_max && dpor.BeginExecution()) {
      hit = RunOnce(target, so, dpor, &sim, &used, signature);
      if (hit) best = Capture(target, sim, sim_options, found.key);
      dpor.EndExecution(sim);
    }
    if (hit) break;
  }
  // Polish at the preemption count reached: DFS tries the running actor first, so its first
  // schedules are those with the fewest context switches (and, among them, steps).
  DfsStrategy dfs(best.preemptions, Partition{}, 0);
  const int64_t polish_max = std::min(executions_max, used + kShrinkPolishExecutions);
  while (used < polish_max && dfs.BeginExecution()) {
    if (RunOnce(target, so, dfs, &sim, &used, signature)) {
      Found f = Capture(target, sim, sim_options, found.key);
      if (Smaller(f, best)) best = std::move(f);
    }
    dfs.EndExecution(sim);
  }
  if (executions_used != nullptr) *executions_used += used;
  return best;
}

}  // namespace daxsim::sim
