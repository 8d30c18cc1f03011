// A rendezvous of a fixed number of actors (the workload language's `barrier NAME`, as
// pthread_barrier_wait() in the real-kernel runner): each arrives, then sleeps until all have.
// Not a kernel object: it orders user programs, never the kernel. Points: barrier arrive,
// barrier wait.
#pragma once

#include <string>
#include <utility>

#include "sim/sim.h"

namespace daxsim::sim {

class Barrier : public Blocker {
 public:
  // `index` numbers the barrier object ("barrier[index]"); `name` is the workload's.
  Barrier(Sim& sim, std::string name, int index, int parties)
      : sim_(&sim),
        id_(sim.NewObject("barrier", index)),
        name_(std::move(name)),
        parties_(parties) {}

  Task<void> ArriveAndWait() {
    co_await sim_->Point("barrier arrive", {id_, Access::kWrite});
    arrived_++;
    co_await sim_->Block("barrier wait", {id_, Access::kWrite}, this);
  }

  ObjectId id() const { return id_; }
  int arrived() const { return arrived_; }
  bool CanProceed(const Actor&) const override { return arrived_ >= parties_; }
  std::string Describe(const Sim&) const override {
    return "barrier " + name_ + " (" + std::to_string(arrived_) + " of " +
           std::to_string(parties_) + " arrived)";
  }

 private:
  Sim* sim_;
  ObjectId id_;
  std::string name_;
  int parties_;
  int arrived_ = 0;
};

}  // namespace daxsim::sim
