// lastzero's actors (T0 the backward scanner, T1..Tn the setters) as in Abdulla et al.,
// POPL 2014, and a sanity invariant on the final array. See lastzero.h.
#include "models/classic/lastzero.h"

#include <optional>
#include <string>

#include "sim/check.h"

namespace daxsim::models::classic {
namespace {

using sim::Access;
using sim::Sim;
using sim::Task;

sim::ObjectId Slot(const LastzeroWorld* w, int i) {
  return w->array_obj + static_cast<sim::ObjectId>(i);
}

// T0: for (i = n; array[i] != 0; i--) ;  (array[0] is never written, so i stops at 0 at worst)
Task<void> Scanner(Sim& sim, LastzeroWorld* w) {
  int i = static_cast<int>(w->array.size()) - 1;
  for (;;) {
    co_await sim.Point("read array", {Slot(w, i), Access::kRead});
    if (w->array[i] == 0) break;
    --i;
  }
  w->found = i;  // private to T0
}

// Tj: array[j] = array[j-1] + 1;
Task<void> Setter(Sim& sim, LastzeroWorld* w, int j) {
  co_await sim.Point("read array", {Slot(w, j - 1), Access::kRead});
  const int prev = w->array[j - 1];
  co_await sim.Point("write array", {Slot(w, j), Access::kWrite});
  w->array[j] = prev + 1;
}

}  // namespace

std::unique_ptr<LastzeroWorld> BuildLastzero(Sim& sim, int n) {
  DAXSIM_CHECK(n >= 1);
  auto w = std::make_unique<LastzeroWorld>();
  w->array.assign(n + 1, 0);
  w->array_obj = sim.NewObjects("array", n + 1);
  LastzeroWorld* world = w.get();
  // Whatever the order, each setter stores one more than a value its left neighbour ever had.
  sim.AddInvariant(
      "lastzero: 1 <= array[j] <= j",
      [world]() -> std::optional<std::string> {
        for (size_t j = 1; j < world->array.size(); ++j) {
          const int v = world->array[j];
          if (v < 1 || v > static_cast<int>(j)) {
            return "array[" + std::to_string(j) + "] == " + std::to_string(v);
          }
        }
        return std::nullopt;
      },
      /*every_step=*/false);
  sim.Spawn("T0", Scanner(sim, world));
  for (int j = 1; j <= n; ++j) sim.Spawn("T" + std::to_string(j), Setter(sim, world, j));
  return w;
}

}  // namespace daxsim::models::classic
