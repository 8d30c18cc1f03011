#include "sim/explore/pct.h"

#include "sim/explore/random.h"

namespace daxsim::sim {

PctStrategy::PctStrategy(uint64_t seed, int depth, int64_t steps_estimate, int preemptions_max,
                         Partition partition)
    : seed_(seed),
      depth_(depth < 1 ? 1 : depth),
      steps_estimate_(steps_estimate < 1 ? 1 : steps_estimate),
      preemptions_max_(preemptions_max),
      partition_(partition) {}

bool PctStrategy::BeginExecution() {
  while (!partition_.Owns(next_index_)) next_index_++;
  index_ = next_index_++;
  rng_.Seed(MixSeed(seed_, index_));
  priority_.clear();
  change_steps_.clear();
  for (int i = 1; i < depth_; ++i) {
    change_steps_.push_back(
        static_cast<int64_t>(rng_.Next() % static_cast<uint64_t>(steps_estimate_)));
  }
  return true;
}

ActorId PctStrategy::Highest(const Sim& sim) {
  // Actors get their random initial priority when first seen (high bits keep it above d).
  while (static_cast<int>(priority_.size()) < sim.num_actors()) {
    priority_.push_back((rng_.Next() >> 8) | (uint64_t{1} << 60));
  }
  ActorId best = kNoActor;
  for (ActorId a : sim.enabled()) {
    if (best == kNoActor || priority_[a] > priority_[best]) best = a;
  }
  return best;
}

ActorId PctStrategy::PickActor(const Sim& sim) {
  const ActorId forced = ForcedByBound(sim, preemptions_max_);
  if (forced != kNoActor) return forced;
  ActorId a = Highest(sim);
  for (size_t i = 0; i < change_steps_.size(); ++i) {
    if (change_steps_[i] == sim.step_count()) {
      priority_[a] = i + 1;  // the i-th change point: below every initial priority
      a = Highest(sim);
    }
  }
  return a;
}

int PctStrategy::PickChoice(const Sim&, int n, const char*) {
  return static_cast<int>(rng_.Uniform(static_cast<uint32_t>(n)));
}

}  // namespace daxsim::sim
