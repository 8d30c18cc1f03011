// prodcons' producer and its two consumers: the buggy one (test, then prepare_to_wait and
// schedule without re-testing) and the correct one (wait_event). See prodcons.h.
#include "models/classic/prodcons.h"

namespace daxsim::models::classic {
namespace {

using sim::Access;
using sim::Sim;
using sim::Task;

Task<void> Producer(Sim& sim, ProdconsWorld* w) {
  co_await sim.Point("write flag", {w->flag_obj, Access::kWrite});
  w->flag = 1;
  co_await w->wq.WakeUp();
}

Task<void> Consume(Sim& sim, ProdconsWorld* w) {
  co_await sim.Point("consume", {w->flag_obj, Access::kRead});
  DAXSIM_ASSERT(sim, w->flag == 1, "consumer: flag set when consumed");
  w->consumed = true;
}

// BUG: if (!flag) { prepare_to_wait(); schedule(); finish_wait(); } — the producer can set the
// flag and call wake_up() between the check and prepare_to_wait, and nothing wakes us again.
Task<void> ConsumerNoRecheck(Sim& sim, ProdconsWorld* w) {
  co_await sim.Point("read flag", {w->flag_obj, Access::kRead});
  if (w->flag == 0) {
    co_await w->wq.PrepareToWait(/*exclusive=*/false);
    co_await sim.Schedule(w->wq.id(), [w] { return w->flag != 0; });
    co_await w->wq.FinishWait();
  }
  co_await Consume(sim, w);
}

// wait_event(wq, flag): prepare_to_wait, then check, then schedule, in a loop.
Task<void> Consumer(Sim& sim, ProdconsWorld* w) {
  co_await w->wq.WaitEvent({w->flag_obj, Access::kRead}, [w] { return w->flag != 0; });
  co_await Consume(sim, w);
}

}  // namespace

std::unique_ptr<ProdconsWorld> BuildProdcons(Sim& sim, bool lost_wakeup_bug) {
  auto w = std::make_unique<ProdconsWorld>(sim);
  ProdconsWorld* world = w.get();
  sim.Spawn("consumer", lost_wakeup_bug ? ConsumerNoRecheck(sim, world) : Consumer(sim, world));
  sim.Spawn("producer", Producer(sim, world));
  return w;
}

}  // namespace daxsim::models::classic
