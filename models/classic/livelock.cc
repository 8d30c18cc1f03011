// livelock's two spinners T0, T1, which read a flag nobody writes until the step budget ends.
// See livelock.h.
#include "models/classic/livelock.h"

namespace daxsim::models::classic {
namespace {

using sim::Access;
using sim::Sim;
using sim::Task;

Task<void> Spinner(Sim& sim, LivelockWorld* w) {
  for (;;) {
    co_await sim.Point("read flag", {w->flag_obj, Access::kRead});
    if (w->flag == 1) break;
  }
}

}  // namespace

std::unique_ptr<LivelockWorld> BuildLivelock(Sim& sim) {
  auto w = std::make_unique<LivelockWorld>();
  w->flag_obj = sim.NewObject("flag");
  sim.Spawn("T0", Spinner(sim, w.get()));
  sim.Spawn("T1", Spinner(sim, w.get()));
  return w;
}

}  // namespace daxsim::models::classic
