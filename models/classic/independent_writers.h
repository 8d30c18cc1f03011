// independent_writers: n actors each write their own variable twice; nothing is shared, so every
// schedule is equivalent (DPOR must need exactly 1 execution, plain DFS explores them all).
// Textbook baseline for partial-order reduction. No bug. Points: each write of v[i].
#pragma once

#include <memory>
#include <vector>

#include "sim/world.h"

namespace daxsim::models::classic {

struct IndependentWritersWorld : sim::World {
  std::vector<int> v;     // v[i] written by W<i> only
  sim::ObjectId v_obj{};  // v[i] is object v_obj + i
};

// REQUIRES: n >= 1.
std::unique_ptr<IndependentWritersWorld> BuildIndependentWriters(sim::Sim& sim, int n);

}  // namespace daxsim::models::classic
