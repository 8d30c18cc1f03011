// pct_depth3: an ordering bug of depth 3 in the sense of PCT (Burckhardt, Kothari, Musuvathi,
// Nagarakatte, ASPLOS 2010): it needs two preemptions, so PCT with d <= 2 and DFS bounded to one
// preemption can never reach it. T1 raises a transient flag x, T2 copies x into y and later
// clears y, T3 asserts y == 0; each actor also makes k filler writes to a private object.
// Points: every shared read/write and every filler write (design and numbers in pct_depth3.cc).
#pragma once

#include <memory>

#include "sim/world.h"

namespace daxsim::models::classic {

inline constexpr char kPctDepth3Assertion[] = "T3 saw T2's copy of T1's transient x";

struct PctDepth3World : sim::World {
  int x = 0;          // T1's transient flag: 1 between a1 and a2
  int y = 0;          // T2's copy of x: visible between b2 and b3
  int local[3] = {};  // filler targets, one private object per actor
  sim::ObjectId x_obj{};
  sim::ObjectId y_obj{};
  sim::ObjectId local_obj{};  // local[i] is object local_obj + i
};

// REQUIRES: k >= 1.
std::unique_ptr<PctDepth3World> BuildPctDepth3(sim::Sim& sim, int k);

}  // namespace daxsim::models::classic
