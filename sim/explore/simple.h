// Two minimal per-decision strategies for unit tests and raw benchmarks (no search state):
// FirstEnabled always runs the lowest enabled actor and takes a fixed choice value;
// UniformWalk picks actors and choices uniformly from one seeded Rng.
#pragma once

#include <cstdint>

#include "sim/rng.h"
#include "sim/sim.h"

namespace daxsim::sim {

class FirstEnabled : public Strategy {
 public:
  explicit FirstEnabled(int choice = 0) : choice_(choice) {}
  ActorId PickActor(const Sim& sim) override { return sim.enabled().front(); }
  int PickChoice(const Sim&, int n, const char*) override { return choice_ < n ? choice_ : n - 1; }

 private:
  int choice_;
};

class UniformWalk : public Strategy {
 public:
  explicit UniformWalk(uint64_t seed) : rng_(seed) {}
  ActorId PickActor(const Sim& sim) override {
    return sim.enabled()[rng_.Uniform(static_cast<uint32_t>(sim.enabled().size()))];
  }
  int PickChoice(const Sim&, int n, const char*) override {
    return static_cast<int>(rng_.Uniform(static_cast<uint32_t>(n)));
  }

 private:
  Rng rng_;
};

}  // namespace daxsim::sim
