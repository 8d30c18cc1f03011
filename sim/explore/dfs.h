// Exhaustive depth-first search over every schedule and every choice value, optionally
// bounded by preemptions (Musuvathi & Qadeer, PLDI 2007: iterative context bounding): with a
// bound K the search is complete only up to K preemptions and says so. At each node the
// running actor is tried first, so the first schedules explored are the least preemptive.
// Partitioning numbers the subtrees at `split_depth` decisions.
//
// Stateful (`--strategy=stateful`): visited-state caching as in SPIN, Java PathFinder and CMC.
// At each scheduling node the sim's state key (Sim::Key: the world's digests, every actor's
// continuation digest, pending operations, lock and lockdep state) is looked up; a state seen
// before is not expanded again (its subtree was, or is being, explored from its first visit),
// and the execution ends there as redundant. Sound for everything checked at states and
// transitions (invariants, assertions, deadlock, lost wake-up, lockdep, end-of-execution
// checks, as far as the world's digests cover what they read); a cycle through a visited state
// ends the execution too, so livelock (step budget) needs the stateless strategies. Without a
// StateModel the search is plain DFS (states() stays 0).
#pragma once

#include <vector>

#include "absl/container/flat_hash_set.h"
#include "sim/digest.h"
#include "sim/explore/search_strategy.h"

namespace daxsim::sim {

class DfsStrategy : public SearchStrategy {
 public:
  DfsStrategy(int preemptions_max, Partition partition, int split_depth, bool stateful = false);

  bool BeginExecution() override;
  void EndExecution(const Sim& sim) override;
  bool LastOwned() const override { return owned_; }
  bool LastRedundant() const override { return pruned_; }
  int64_t states() const override { return static_cast<int64_t>(visited_.size()); }
  uint64_t LastKey() const override { return subtree_; }
  bool exhausted() const override { return exhausted_; }
  ActorId PickActor(const Sim& sim) override;
  int PickChoice(const Sim& sim, int n, const char* label) override;

 private:
  struct Node {
    std::vector<int32_t> alts;  // actors (steps) or values (choices), in exploration order
    size_t pos = 0;
  };
  // Called when the execution reaches the split depth (or ends above it).
  void ReachSplit();

  int preemptions_max_;
  bool stateful_;
  bool pruned_ = false;                    // the last execution ended at a visited state
  absl::flat_hash_set<StateKey> visited_;  // lookups only: its order never reaches a schedule
  Partition partition_;
  int split_depth_;
  std::vector<Node> stack_;
  size_t cursor_ = 0;
  bool exhausted_ = false;
  bool owned_ = true;
  bool split_reached_ = false;
  size_t changed_depth_ = 0;  // depth of the node changed by the last backtrack
  uint64_t subtree_ = 0;      // number of the current subtree
  uint64_t subtrees_ = 0;     // subtrees seen so far
};

}  // namespace daxsim::sim
