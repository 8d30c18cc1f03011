// lock_order / lock_order_fixed: the ABBA inversion. A takes L1 then L2, B takes L2 then L1
// (mutexes of lock classes "L1" and "L2"); the fixed variant has both take L1 then L2.
// Expected verdict of the buggy one: lockdep's "lock-order" in every schedule (with lockdep off,
// a wait-for-cycle deadlock in the interleaved ones). Points: mutex_lock / mutex_unlock of each
// lock.
#pragma once

#include <memory>

#include "sim/sync/mutex.h"
#include "sim/world.h"

namespace daxsim::models::classic {

struct LockOrderWorld : sim::World {
  explicit LockOrderWorld(sim::Sim& sim) : l1(sim, "L1", "L1"), l2(sim, "L2", "L2") {}

  sim::Mutex l1;
  sim::Mutex l2;
};

// `inverted`: B takes the locks in the opposite order (the bug).
std::unique_ptr<LockOrderWorld> BuildLockOrder(sim::Sim& sim, bool inverted);

}  // namespace daxsim::models::classic
