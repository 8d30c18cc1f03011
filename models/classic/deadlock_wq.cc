// deadlock_wq's actors: the waiter (wait_event on a flag never set) and the worker.
// See deadlock_wq.h.
#include "models/classic/deadlock_wq.h"

namespace daxsim::models::classic {
namespace {

using sim::Access;
using sim::Sim;
using sim::Task;

Task<void> Waiter(Sim& sim, DeadlockWqWorld* w) {
  co_await w->wq.WaitEvent({w->flag_obj, Access::kRead}, [w] { return w->flag != 0; });
}

Task<void> Worker(Sim& sim, DeadlockWqWorld* w) {
  co_await sim.Point("write data", {w->data_obj, Access::kWrite});
  w->data = 1;
}

}  // namespace

std::unique_ptr<DeadlockWqWorld> BuildDeadlockWq(Sim& sim) {
  auto w = std::make_unique<DeadlockWqWorld>(sim);
  sim.Spawn("waiter", Waiter(sim, w.get()));
  sim.Spawn("worker", Worker(sim, w.get()));
  return w;
}

}  // namespace daxsim::models::classic
