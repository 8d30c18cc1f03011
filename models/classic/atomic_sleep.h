// atomic_sleep: an actor calls mutex_lock() while holding a spinlock, i.e. sleeps in atomic
// context (the kernel's "BUG: sleeping function called from invalid context" from might_sleep()).
// Every schedule reports sleep-in-atomic. Points: spin_lock, mutex_lock and their unlocks.
#pragma once

#include <memory>

#include "sim/sync/mutex.h"
#include "sim/sync/spinlock.h"
#include "sim/world.h"

namespace daxsim::models::classic {

struct AtomicSleepWorld : sim::World {
  explicit AtomicSleepWorld(sim::Sim& sim) : spin(sim, "spin"), mutex(sim, "mutex") {}

  sim::Spinlock spin;
  sim::Mutex mutex;
};

std::unique_ptr<AtomicSleepWorld> BuildAtomicSleep(sim::Sim& sim);

}  // namespace daxsim::models::classic
