// canary: the planted bug every strategy must find quickly (TigerBeetle's deliberately failing
// canary): two actors each do `tmp = counter; counter = tmp + 1` in two steps, and the end
// invariant "canary: lost update" demands counter == 2. Points: read counter, write counter.
#pragma once

#include <memory>

#include "sim/world.h"

namespace daxsim::models::classic {

inline constexpr char kCanaryInvariant[] = "canary: lost update";

struct CanaryWorld : sim::World {
  int counter = 0;
  sim::ObjectId counter_obj{};
};

std::unique_ptr<CanaryWorld> BuildCanary(sim::Sim& sim);

}  // namespace daxsim::models::classic
