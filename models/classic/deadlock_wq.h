// deadlock_wq: a waiter wait_event()s for a flag that nobody will ever set while a worker does
// unrelated work and exits: a hang with no wait-for cycle (no lock owner to blame), reported as
// deadlock, not lost-wakeup, since the awaited condition is still false.
// Points: the wait_event steps, the worker's write of data.
#pragma once

#include <memory>

#include "sim/sync/wait_queue.h"
#include "sim/world.h"

namespace daxsim::models::classic {

struct DeadlockWqWorld : sim::World {
  explicit DeadlockWqWorld(sim::Sim& sim)
      : flag_obj(sim.NewObject("flag")), data_obj(sim.NewObject("data")), wq(sim, "wq") {}

  int flag = 0;  // never set
  int data = 0;
  sim::ObjectId flag_obj;
  sim::ObjectId data_obj;
  sim::WaitQueue wq;
};

std::unique_ptr<DeadlockWqWorld> BuildDeadlockWq(sim::Sim& sim);

}  // namespace daxsim::models::classic
