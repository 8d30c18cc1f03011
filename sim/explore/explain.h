// A counterexample explained: replays recorded decisions while watching the world's objects,
// then says which objects the violation is about, which step, actor and function last changed
// each of them, and what every preemption of the schedule reordered.
//
// The world's objects come from a describer (the world's own: every object that exists, key ->
// state in words), called before the first step and after every step; a change between two
// calls belongs to the step between them. The violation names its objects with Sim::Involve.
// The scheduler's own objects (locks, wait queues) are followed through the steps' footprints:
// a step that names one with a non-read access changes it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/explore/token.h"
#include "sim/sim.h"
#include "sim/world.h"

namespace daxsim::sim {

using DescribeWorld = std::function<std::map<std::string, std::string>(World&)>;

struct ObjectChange {
  int64_t step;
  std::string before, after;  // "" = did not exist (no PTE, a free block)
};

struct ExplainedObject {
  std::string name;
  std::string state;                  // at the violation; "" = does not exist
  std::vector<ObjectChange> changes;  // every change during the run, in order
  bool scheduler = false;             // a lock or wait queue: changes are the steps that acquired,
                           // released, slept on or woke it (their "after" is the operation)
};

// A context switch away from an actor that could have gone on.
struct ExplainedPreemption {
  int64_t step;       // the first step of the actor that ran instead
  ActorId preempted;  // who could have gone on
  int64_t resumed;    // the preempted actor's next step; -1: it never ran again
  // Steps the preemption moved before the preempted actor's later, dependent steps: (a step of
  // another actor in [step, resumed), the first later step of the preempted actor it conflicts
  // with). At most kConflictsShown.
  std::vector<std::pair<int64_t, int64_t>> conflicts;
  static constexpr size_t kConflictsShown = 6;
};

struct Explanation {
  std::unique_ptr<Sim> sim;  // the replayed execution (steps, events, violation)
  std::vector<ExplainedObject> objects;
  std::vector<ExplainedPreemption> preemptions;
};

// Replays `decisions` on a fresh world of `target`, describing it with `describe` (null: only
// the scheduler's objects). Errors: a replay that diverged.
absl::StatusOr<Explanation> ExplainRun(const Target& target, const SimOptions& options,
                                       const std::vector<TokenDecision>& decisions,
                                       const DescribeWorld& describe);

// The explanation as text: verdict, `protects` (what the invariant guards; may be empty), the
// objects with their last changes, the preemptions and what they reordered.
std::string FormatExplanation(const Explanation& e, const std::string& protects);

}  // namespace daxsim::sim
