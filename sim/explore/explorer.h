// The exploration driver: runs executions of a Target under one strategy until the space is
// exhausted, the budget runs out or a violation is found; partitions the work over threads
// (--jobs) and processes (--shard, Bazel's TEST_SHARD_INDEX/TEST_TOTAL_SHARDS) so that results
// do not depend on thread timing; shrinks the first violation to a minimal schedule and turns
// it into a replay token.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/explore/search_strategy.h"
#include "sim/explore/token.h"
#include "sim/sim.h"
#include "sim/world.h"

namespace daxsim::sim {

// kPortfolio: a short PCT burst (kPortfolioBurstExecutions) first, for shallow bugs in wide
// worlds where DPOR's first executions are far from them, then DPOR with the rest of the
// budget; completeness comes from the DPOR part only.
enum class StrategyKind { kRandom, kPct, kDfs, kDpor, kPortfolio, kStateful };
inline constexpr int64_t kPortfolioBurstExecutions = 200;
const char* StrategyName(StrategyKind k);
absl::StatusOr<StrategyKind> ParseStrategy(const std::string& s);

struct ExploreOptions {
  StrategyKind strategy = StrategyKind::kDpor;
  uint64_t seed = 1;
  int pct_depth = 3;              // PCT bug depth d
  int64_t pct_steps = 0;          // PCT k; 0 = measured by a probe execution
  int preemptions_max = -1;       // -1: unbounded
  int64_t budget_executions = 0;  // 0: unlimited (random/pct then need a seconds budget)
  double budget_seconds = 0;      // 0: unlimited
  int jobs = 1;
  Partition shard;       // this process's part of the whole exploration
  int split_depth = -1;  // DFS/DPOR partition depth; -1: 0 alone, 4 partitioned
  // Unbounded DPOR caches visited states when the target has a StateModel (dpor.h).
  bool state_cache = false;
  SimOptions sim;
  bool stop_on_first = true;
  bool shrink = true;
  int64_t shrink_executions_max = 20000;
  // If set, the first violation is shrunk only when this returns true for it (check: a known
  // finding an item tolerates is reported as found, not minimized).
  std::function<bool(const Violation&)> shrink_if;
  // Set (e.g. by a SIGINT handler) to stop early; the result is then incomplete.
  const std::atomic<bool>* cancel = nullptr;
  // Test hook: called after every counted execution (jobs must be 1).
  std::function<void(const Sim&)> on_execution;
};

struct Found {
  Violation violation;
  std::vector<TokenDecision> decisions;
  std::string token;
  int preemptions = 0;
  int context_switches = 0;
  int64_t steps = 0;
  uint64_t key = 0;
};

struct ExploreResult {
  int64_t executions = 0;  // counted executions (including redundant ones)
  int64_t steps = 0;
  int64_t redundant = 0;          // DPOR: sleep-set blocked; stateful: ended at a visited state
  int64_t states = 0;             // stateful: distinct states (summed over parts)
  int64_t violations = 0;         // executions that ended in a violation
  bool complete = false;          // the space (within `bound`) was exhausted
  bool exhausted = false;         // the same, whether or not a violation was found (complete
                                  // is false once one was: the claim is about a clean space)
  bool cancelled = false;         // stopped by ExploreOptions.cancel
  int bound = -1;                 // preemption bound, -1 = none
  std::optional<Found> first;     // minimal (shrunk) counterexample
  std::optional<Found> original;  // as found, before shrinking
  int64_t shrink_executions = 0;
  double wall_s = 0;
  // The oracles' tallies (options.sim.tally) summed over the counted executions.
  std::map<std::string, int64_t> tallies;
};

ExploreResult Explore(const Target& target, const ExploreOptions& options);

// Replays decisions on a fresh world. Returns the sim's verdict in `sim`; an error when the
// replay diverged from the recording.
absl::Status Replay(const Target& target, const SimOptions& sim_options,
                    const std::vector<TokenDecision>& decisions, Sim* sim);

// Shrinks a counterexample: fewest preemptions, then fewest context switches, then fewest
// steps, among schedules that show the same violation (kind and key).
Found Shrink(const Target& target, const SimOptions& sim_options, const Found& found,
             int64_t executions_max, int64_t* executions_used);

// Lexicographic (preemptions, context switches, steps).
bool Smaller(const Found& a, const Found& b);

}  // namespace daxsim::sim
