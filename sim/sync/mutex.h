// Models a kernel mutex (mutex_lock/mutex_unlock): an exclusive sleeping lock. Any waiter may
// take it once free (the kernel's optimistic spinning and lock stealing allow that), so the
// model explores every acquisition order. Points: lock (blocked while held), unlock.
#pragma once

#include "sim/sync/exclusive_lock.h"

namespace daxsim::sim {

class Mutex : public ExclusiveLock {
 public:
  static constexpr Kind kKind{false, "mutex_lock", "mutex_unlock", "mutex"};
  Mutex(Sim& sim, const char* name, const char* lock_class = nullptr, int index = -1)
      : ExclusiveLock(sim, kKind, sim.NewObject(name, index), lock_class ? lock_class : name) {}
};

}  // namespace daxsim::sim
