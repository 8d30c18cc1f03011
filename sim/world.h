// What the explorer runs: a Target names a world (scenario or model + workload) and builds a
// fresh instance of it for every execution. The instance owns all simulated state; building
// it creates objects, spawns actors and registers invariants on the Sim.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "sim/sim.h"

namespace daxsim::sim {

class World {
 public:
  virtual ~World() = default;
};

struct Target {
  std::string name;       // registry name, e.g. "lastzero"
  std::string params;     // canonical "k=v,k=v" (part of the replay token)
  int64_t steps_max = 0;  // recommended per-execution step budget; 0 = SimOptions' default
  // Builds one execution's world on a freshly Reset sim. Must be deterministic and must not
  // touch global mutable state (it runs on several threads at once with --jobs).
  std::function<std::unique_ptr<World>(Sim&)> build;
};

}  // namespace daxsim::sim
