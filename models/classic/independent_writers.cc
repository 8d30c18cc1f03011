// independent_writers' actors W0..W(n-1) and the end invariant that each wrote its v[i] twice.
// See independent_writers.h.
#include "models/classic/independent_writers.h"

#include <optional>
#include <string>

#include "sim/check.h"

namespace daxsim::models::classic {
namespace {

using sim::Access;
using sim::Sim;
using sim::Task;

Task<void> Writer(Sim& sim, IndependentWritersWorld* w, int i) {
  const sim::ObjectId v = w->v_obj + static_cast<sim::ObjectId>(i);
  for (int value = 1; value <= 2; ++value) {
    co_await sim.Point("write v", {v, Access::kWrite});
    w->v[i] = value;
  }
}

}  // namespace

std::unique_ptr<IndependentWritersWorld> BuildIndependentWriters(Sim& sim, int n) {
  DAXSIM_CHECK(n >= 1);
  auto w = std::make_unique<IndependentWritersWorld>();
  w->v.assign(n, 0);
  w->v_obj = sim.NewObjects("v", n);
  IndependentWritersWorld* world = w.get();
  sim.AddInvariant(
      "independent_writers: every v[i] == 2",
      [world]() -> std::optional<std::string> {
        for (size_t i = 0; i < world->v.size(); ++i) {
          if (world->v[i] != 2)
            return "v[" + std::to_string(i) + "] == " + std::to_string(world->v[i]);
        }
        return std::nullopt;
      },
      /*every_step=*/false);
  for (int i = 0; i < n; ++i) sim.Spawn("W" + std::to_string(i), Writer(sim, world, i));
  return w;
}

}  // namespace daxsim::models::classic
