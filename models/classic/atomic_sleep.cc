// atomic_sleep's one actor, T0: spin_lock, then mutex_lock under it (the bug), then unlocks.
// See atomic_sleep.h.
#include "models/classic/atomic_sleep.h"

namespace daxsim::models::classic {
namespace {

using sim::Sim;
using sim::Task;

Task<void> SleepUnderSpinlock(Sim& sim, AtomicSleepWorld* w) {
  co_await w->spin.Lock();
  co_await w->mutex.Lock();  // BUG: might_sleep() with preempt_count 1
  co_await w->mutex.Unlock();
  co_await w->spin.Unlock();
}

}  // namespace

std::unique_ptr<AtomicSleepWorld> BuildAtomicSleep(Sim& sim) {
  auto w = std::make_unique<AtomicSleepWorld>(sim);
  sim.Spawn("T0", SleepUnderSpinlock(sim, w.get()));
  return w;
}

}  // namespace daxsim::models::classic
