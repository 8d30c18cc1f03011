// Steered replay for shrinking: runs the current actor until it blocks or finishes, except at
// the allowed switches of a recorded schedule. A recorded switch is "actor r, after its n-th
// step, gave way to actor q"; when r has taken n steps in the steered run and the switch is
// allowed, q runs (if it can). When the running actor cannot go on, the next actor is the one
// whose earliest not-yet-taken step comes first in the recording. Choices are replayed per
// actor in recorded order. Used to remove preemptions from a
// counterexample one at a time (in the spirit of Jalbert & Sen, FSE 2010, trace simplification);
// the shrinker keeps a change only if the same violation still happens.
#pragma once

#include <vector>

#include "sim/explore/token.h"
#include "sim/sim.h"

namespace daxsim::sim {

class SteerStrategy : public Strategy {
 public:
  // `decisions`: the recorded schedule; `switch_allowed[k]`: the switch before recorded step k
  // (see Switches()) may happen.
  SteerStrategy(const std::vector<TokenDecision>& decisions, std::vector<bool> switch_allowed);

  ActorId PickActor(const Sim& sim) override;
  int PickChoice(const Sim& sim, int n, const char* label) override;

  // Recorded step indices at which the running actor changed (candidate preemptions).
  static std::vector<size_t> Switches(const std::vector<TokenDecision>& decisions);

 private:
  std::vector<ActorId> order_;                 // actor of each recorded step
  std::vector<int32_t> occurrence_;            // index of that step among its actor's steps
  std::vector<std::vector<int32_t>> choices_;  // recorded choice values, per actor
  struct Switch {
    ActorId from;
    int32_t after;  // steps `from` had taken
    ActorId to;
  };
  std::vector<Switch> allowed_;  // the allowed recorded switches
  std::vector<int32_t> taken_;   // steps taken so far, per actor
  std::vector<size_t> choice_next_;
  size_t scan_ = 0;  // recorded steps before it are all consumed
};

}  // namespace daxsim::sim
