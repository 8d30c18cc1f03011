// canary's two incrementers (T0, T1) and the end invariant "canary: lost update".
// See canary.h.
#include "models/classic/canary.h"

#include <optional>
#include <string>

namespace daxsim::models::classic {
namespace {

using sim::Access;
using sim::Sim;
using sim::Task;

// BUG: the increment is not atomic.
Task<void> Incrementer(Sim& sim, CanaryWorld* w) {
  co_await sim.Point("read counter", {w->counter_obj, Access::kRead});
  const int tmp = w->counter;
  co_await sim.Point("write counter", {w->counter_obj, Access::kWrite});
  w->counter = tmp + 1;
}

}  // namespace

std::unique_ptr<CanaryWorld> BuildCanary(Sim& sim) {
  auto w = std::make_unique<CanaryWorld>();
  w->counter_obj = sim.NewObject("counter");
  CanaryWorld* world = w.get();
  sim.AddInvariant(
      kCanaryInvariant,
      [world]() -> std::optional<std::string> {
        if (world->counter == 2) return std::nullopt;
        return "counter == " + std::to_string(world->counter) + " after two increments";
      },
      /*every_step=*/false);
  sim.Spawn("T0", Incrementer(sim, world));
  sim.Spawn("T1", Incrementer(sim, world));
  return w;
}

}  // namespace daxsim::models::classic
