// Exhaustive depth-first search over every schedule and every choice value, optionally
// bounded by preemptions (Musuvathi & Qadeer, PLDI 2007: iterative context bounding): with a
// bound K the search is complete only up to K preemptions and says so. At each node the
// running actor is tried first, so the first schedules explored are the least preemptive.
// Partitioning numbers the subtrees at `split_depth` decisions.
#pragma once

#include <vector>

#include "sim/explore/search_strategy.h"

namespace daxsim::sim {

class DfsStrategy : public SearchStrategy {
 public:
  DfsStrategy(int preemptions_max, Partition partition, int split_depth);

  bool BeginExecution() override;
  void EndExecution(const Sim& sim) override;
  bool LastOwned() const override { return owned_; }
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
