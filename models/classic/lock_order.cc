// lock_order's actors A and B (each: lock first, lock second, unlock both) and which
// violation the inverted variant reports in which schedules. See lock_order.h.
#include "models/classic/lock_order.h"

namespace daxsim::models::classic {
namespace {

using sim::Sim;
using sim::Task;

Task<void> LockPair(Sim& sim, sim::Mutex* first, sim::Mutex* second) {
  co_await first->Lock();
  co_await second->Lock();
  co_await second->Unlock();
  co_await first->Unlock();
}

}  // namespace

// Which violation an inverted execution reports: lockdep validates each acquisition when it is
// requested, before blocking, as the kernel's mutex_acquire() does. Whichever actor asks for its
// second lock after the other's "held -> wanted" dependency exists closes the cycle, so every
// inverted execution reports "lock-order" (L1 <-> L2), including the ones that would go on to
// deadlock. With lockdep off (SimOptions.lockdep = false), the interleaved schedules deadlock.
std::unique_ptr<LockOrderWorld> BuildLockOrder(Sim& sim, bool inverted) {
  auto w = std::make_unique<LockOrderWorld>(sim);
  sim.Spawn("A", LockPair(sim, &w->l1, &w->l2));
  if (inverted) {
    sim.Spawn("B", LockPair(sim, &w->l2, &w->l1));
  } else {
    sim.Spawn("B", LockPair(sim, &w->l1, &w->l2));
  }
  return w;
}

}  // namespace daxsim::models::classic
