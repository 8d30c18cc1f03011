// Models a kernel spinlock (spin_lock/spin_unlock): an exclusive lock that disables preemption
// while held, so sleeping under it is a violation. A contended acquirer is modelled as blocked
// (not spinning), which explores the same orders without livelock. Points: lock, unlock.
#pragma once

#include "sim/sync/exclusive_lock.h"

namespace daxsim::sim {

class Spinlock : public ExclusiveLock {
 public:
  static constexpr Kind kKind{true, "spin_lock", "spin_unlock", "spinlock"};
  Spinlock(Sim& sim, const char* name, const char* lock_class = nullptr, int index = -1)
      : ExclusiveLock(sim, kKind, sim.NewObject(name, index), lock_class ? lock_class : name) {}
  // A lock whose object id was reserved by the caller (e.g. one of a range made lazily).
  Spinlock(Sim& sim, ObjectId id, const char* lock_class)
      : ExclusiveLock(sim, kKind, id, lock_class) {}
};

}  // namespace daxsim::sim
