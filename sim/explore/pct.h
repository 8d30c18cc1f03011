// PCT: probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
// ASPLOS 2010). Each execution gives the actors random distinct priorities above d, picks d-1
// priority change points uniformly in [1, k] (k = expected steps per execution), always runs
// the highest-priority enabled actor, and at the i-th change point drops the running actor's
// priority to i. A bug of depth d is found with probability >= 1/(n k^(d-1)) per execution.
#pragma once

#include <vector>

#include "sim/explore/search_strategy.h"
#include "sim/rng.h"

namespace daxsim::sim {

class PctStrategy : public SearchStrategy {
 public:
  PctStrategy(uint64_t seed, int depth, int64_t steps_estimate, int preemptions_max,
              Partition partition);

  bool BeginExecution() override;
  void EndExecution(const Sim&) override {}
  uint64_t LastKey() const override { return index_; }
  ActorId PickActor(const Sim& sim) override;
  int PickChoice(const Sim& sim, int n, const char* label) override;

 private:
  ActorId Highest(const Sim& sim);

  uint64_t seed_;
  int depth_;
  int64_t steps_estimate_;
  int preemptions_max_;
  Partition partition_;
  uint64_t next_index_ = 0;
  uint64_t index_ = 0;
  Rng rng_;
  std::vector<uint64_t> priority_;     // per actor; change points give 1..d-1
  std::vector<int64_t> change_steps_;  // step index of change point i+1
};

}  // namespace daxsim::sim
