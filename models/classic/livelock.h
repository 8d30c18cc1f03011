// livelock: two actors spin `while (flag != 1)` on a flag nobody sets, so no execution ever ends
// and every one exceeds the step budget (step-budget). Run it with a small steps_max (e.g.
// --steps-max=1000): with the default 100000 every execution takes 100000 steps.
// Points: each read of flag.
#pragma once

#include <memory>

#include "sim/world.h"

namespace daxsim::models::classic {

struct LivelockWorld : sim::World {
  int flag = 0;  // never written
  sim::ObjectId flag_obj{};
};

std::unique_ptr<LivelockWorld> BuildLivelock(sim::Sim& sim);

}  // namespace daxsim::models::classic
