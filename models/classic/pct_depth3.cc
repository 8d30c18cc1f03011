// pct_depth3's actors T1, T2, T3 and the argument that the bug needs PCT depth 3 (two
// preemptions), with measured search costs. See pct_depth3.h.
#include "models/classic/pct_depth3.h"

#include "sim/check.h"

// Design (h = k / 2; "fill" = one write of the actor's private object):
//   T1: h fills; a1: x = 1; k - h fills; a2: x = 0              (a2 is T1's last step)
//   T2: h fills; b1: seen = x; b2: y = seen; k - h fills; b3: y = 0  (b1, b2 mid-T2)
//   T3: c: assert y == 0 (T3's first step); k fills
// The assertion fails iff a1 < b1 < a2 (T2 reads x while T1's transient is visible) and
// b2 < c < b3 (T3 reads y while T2's copy is visible). The first needs T1 switched out while
// enabled between a1 and a2, the second needs T2 switched out between b2 and b3: every failing
// schedule has two preemptions, and two suffice (T1 to a1, T2 to b2, T3's c).
// Why PCT depth 3: with d = 1 (no change point) each actor runs to completion in priority
// order, so no window is ever open when another actor runs. With d = 2 the single change point
// preempts one actor and its remainder runs after all the others: if that actor is T2, T1 ran
// without interruption (x == 0 whenever b1 runs); if it is T1 (or T3), T2 runs from b2 to b3
// without interruption (y == 0 whenever c runs). With d = 3 it is found when T1 > T2 > T3 and
// one change point falls in T1's window, the other in T2's.
// Measured with `daxsim explore` at k = 10 (36 steps; means over 20-40 seeds): PCT d = 3 ~200
// executions (~1% of all d = 3 priority/change-point placements fail), uniform random walk ~800;
// at k = 20 PCT ~250 but random ~54000 (random decays exponentially in k, PCT does not).
// PCT d = 2: nothing in 100k. DFS --max-preemptions=2: 278 executions (=1: complete, clean);
// unbounded DFS: 2.5M executions, ~4 s (it varies the deepest decisions first); DPOR: 5.
// (The pct_depth3 tests check the 0/1/2-preemption claims exhaustively on the engine.)

namespace daxsim::models::classic {
namespace {

using sim::Access;
using sim::Sim;
using sim::Task;

Task<void> Fill(Sim& sim, PctDepth3World* w, int self, int count) {
  for (int i = 0; i < count; ++i) {
    co_await sim.Point("local write",
                       {w->local_obj + static_cast<sim::ObjectId>(self), Access::kWrite});
    w->local[self]++;
  }
}

Task<void> T1(Sim& sim, PctDepth3World* w, int k) {
  co_await Fill(sim, w, 0, k / 2);
  co_await sim.Point("write x", {w->x_obj, Access::kWrite});  // a1
  w->x = 1;
  co_await Fill(sim, w, 0, k - k / 2);
  co_await sim.Point("write x", {w->x_obj, Access::kWrite});  // a2
  w->x = 0;
}

Task<void> T2(Sim& sim, PctDepth3World* w, int k) {
  co_await Fill(sim, w, 1, k / 2);
  co_await sim.Point("read x", {w->x_obj, Access::kRead});  // b1
  const int seen = w->x;
  co_await sim.Point("write y", {w->y_obj, Access::kWrite});  // b2
  w->y = seen;
  co_await Fill(sim, w, 1, k - k / 2);
  co_await sim.Point("write y", {w->y_obj, Access::kWrite});  // b3
  w->y = 0;
}

Task<void> T3(Sim& sim, PctDepth3World* w, int k) {
  co_await sim.Point("read y", {w->y_obj, Access::kRead});  // c
  DAXSIM_ASSERT(sim, w->y == 0, kPctDepth3Assertion);
  co_await Fill(sim, w, 2, k);
}

}  // namespace

std::unique_ptr<PctDepth3World> BuildPctDepth3(Sim& sim, int k) {
  DAXSIM_CHECK(k >= 1);
  auto w = std::make_unique<PctDepth3World>();
  w->x_obj = sim.NewObject("x");
  w->y_obj = sim.NewObject("y");
  w->local_obj = sim.NewObjects("local", 3);
  sim.Spawn("T1", T1(sim, w.get(), k));
  sim.Spawn("T2", T2(sim, w.get(), k));
  sim.Spawn("T3", T3(sim, w.get(), k));
  return w;
}

}  // namespace daxsim::models::classic
