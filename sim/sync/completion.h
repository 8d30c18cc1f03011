// Models a kernel completion (complete/complete_all/wait_for_completion): a counter of
// completions; a waiter sleeps until it is positive and consumes one.
// Mirrors: kernel/sched/completion.c. Points: complete, wait_for_completion.
#pragma once

#include <climits>
#include <string>

#include "sim/sim.h"

namespace daxsim::sim {

class Completion : public Blocker {
 public:
  Completion(Sim& sim, const char* name, int index = -1)
      : sim_(&sim), id_(sim.NewObject(name, index)) {}

  Task<void> Complete() {
    co_await sim_->Point("complete", {id_, Access::kWrite});
    if (done_ != UINT_MAX) done_++;
  }
  Task<void> CompleteAll() {
    co_await sim_->Point("complete_all", {id_, Access::kWrite});
    done_ = UINT_MAX;
  }
  Task<void> Wait() {
    sim_->MightSleep("wait_for_completion");
    co_await sim_->Block("wait_for_completion", {id_, Access::kWrite}, this);
    if (done_ != UINT_MAX) done_--;
  }

  ObjectId id() const { return id_; }
  unsigned done() const { return done_; }
  bool CanProceed(const Actor&) const override { return done_ > 0; }
  std::string Describe(const Sim& sim) const override {
    return "completion " + sim.ObjectName(id_);
  }

 private:
  Sim* sim_;
  ObjectId id_;
  unsigned done_ = 0;
};

}  // namespace daxsim::sim
