// Uniform random walk: at every step pick an enabled actor uniformly, every choice uniformly.
// Execution i uses the seed MixSeed(seed, i), so executions are independent and partitions
// (jobs/shards) take disjoint execution indices. An optional preemption bound makes the walk
// continue the running actor once the bound is reached.
#pragma once

#include "sim/explore/search_strategy.h"
#include "sim/rng.h"

namespace daxsim::sim {

class RandomStrategy : public SearchStrategy {
 public:
  RandomStrategy(uint64_t seed, int preemptions_max, Partition partition)
      : seed_(seed), preemptions_max_(preemptions_max), partition_(partition) {}

  bool BeginExecution() override;
  void EndExecution(const Sim&) override {}
  uint64_t LastKey() const override { return index_; }
  ActorId PickActor(const Sim& sim) override;
  int PickChoice(const Sim& sim, int n, const char* label) override;

 private:
  uint64_t seed_;
  int preemptions_max_;
  Partition partition_;
  uint64_t next_index_ = 0;
  uint64_t index_ = 0;
  Rng rng_;
};

// Applies a preemption bound: once `sim` has made `preemptions_max` preemptions, only the
// running actor may continue while it is enabled. Returns kNoActor when unconstrained.
ActorId ForcedByBound(const Sim& sim, int preemptions_max);

}  // namespace daxsim::sim
