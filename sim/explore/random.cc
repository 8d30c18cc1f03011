#include "sim/explore/random.h"

namespace daxsim::sim {

ActorId ForcedByBound(const Sim& sim, int preemptions_max) {
  if (preemptions_max < 0 || sim.preemptions() < preemptions_max) return kNoActor;
  const ActorId last = sim.last_actor();
  if (last != kNoActor && sim.last_actor_enabled()) return last;
  return kNoActor;
}

bool RandomStrategy::BeginExecution() {
  while (!partition_.Owns(next_index_)) next_index_++;
  index_ = next_index_++;
  rng_.Seed(MixSeed(seed_, index_));
  return true;
}

ActorId RandomStrategy::PickActor(const Sim& sim) {
  const ActorId forced = ForcedByBound(sim, preemptions_max_);
  if (forced != kNoActor) return forced;
  const auto& en = sim.enabled();
  return en[rng_.Uniform(static_cast<uint32_t>(en.size()))];
}

int RandomStrategy::PickChoice(const Sim&, int n, const char*) {
  return static_cast<int>(rng_.Uniform(static_cast<uint32_t>(n)));
}

}  // namespace daxsim::sim
