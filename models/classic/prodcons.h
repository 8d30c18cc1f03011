// prodcons / prodcons_lost_wakeup: a producer sets `flag` and wakes a wait queue; the consumer
// sleeps until it is set. The buggy consumer tests the flag before prepare_to_wait and never
// again (the textbook lost wake-up); the correct one uses wait_event(). With spurious wake-ups
// the buggy one may instead consume an unset flag (assertion).
// Points: flag read/write, prepare_to_wait, schedule, finish_wait, wake_up.
#pragma once

#include <memory>

#include "sim/sync/wait_queue.h"
#include "sim/world.h"

namespace daxsim::models::classic {

struct ProdconsWorld : sim::World {
  explicit ProdconsWorld(sim::Sim& sim) : flag_obj(sim.NewObject("flag")), wq(sim, "wq") {}

  int flag = 0;
  bool consumed = false;  // private to the consumer
  sim::ObjectId flag_obj;
  sim::WaitQueue wq;
};

// `lost_wakeup_bug`: the consumer does not re-check the flag after prepare_to_wait.
std::unique_ptr<ProdconsWorld> BuildProdcons(sim::Sim& sim, bool lost_wakeup_bug);

}  // namespace daxsim::models::classic
