// Property (issue 10): bounded DPOR is sound. On random programs built from the kernel's
// synchronisation vocabulary (mutexes, a spinlock, an rw_semaphore, a wait queue with keyed
// exclusive and non-exclusive waiters, a re-check-and-wait retry loop that re-takes the spinlock,
// choices, two-object steps, assertions), DPOR bounded to K preemptions reaches exactly the
// Mazurkiewicz classes that DFS bounded to K reaches, and reports the same violations (kind and
// key), for K = 0..3. Every class with a representative within K preemptions is explored.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "sim/explore/explorer.h"
#include "sim/explore/trace.h"
#include "sim/sync/mutex.h"
#include "sim/sync/rwsem.h"
#include "sim/sync/spinlock.h"
#include "sim/sync/wait_queue.h"

namespace daxsim::props {
namespace {

using sim::Access;

enum class OpKind {
  kRead,         // read var[t]
  kWrite,        // write var[t]
  kCopy,         // one step, two objects: var[1-t] = var[t]
  kChoose,       // write var[t] with a chosen value
  kMutexSection, // mutex_lock(m[t]); write var[t]; mutex_unlock
  kNested,       // mutex_lock(m[t]); mutex_lock(m[1-t]); write var[0]; unlocks
  kReadSection,  // down_read; read var[t]; up_read
  kWriteSection, // down_write; write var[t]; up_write
  kSetFlag,      // spin_lock; flag[t] = 1; spin_unlock; wake_up(one or all, key t)
  kWaitFlag,     // the retry loop: spin_lock; while !flag[t] { prepare_to_wait(key t);
                 // spin_unlock; schedule; finish_wait; spin_lock }; spin_unlock
  kWaitFlagExcl, // the same with an exclusive waiter
  kWaitFlagHeld, // the broken loop: sleeps with the spinlock held (sleep-in-atomic)
  kAssert,       // assert var[t] != 4 (fails for some interleavings of writes)
};
struct Op {
  OpKind kind;
  int target;
};
using Program = std::vector<std::vector<Op>>;

void showValue(const Op& op, std::ostream& os) { os << static_cast<int>(op.kind) << ":" << op.target; }

struct World : sim::World {
  explicit World(sim::Sim& s)
      : m{sim::Mutex(s, "m", "m0", 0), sim::Mutex(s, "m", "m1", 1)},
        spin(s, "spin"),
        sem(s, "sem"),
        wq(s, "wq") {
    for (int i = 0; i < 2; ++i) var_id[i] = s.NewObject("var", i);
  }
  int var[2] = {0, 0};
  sim::ObjectId var_id[2];
  sim::Mutex m[2];
  sim::Spinlock spin;
  sim::RwSem sem;
  sim::WaitQueue wq;
  bool flag[2] = {false, false};
};

sim::Task<void> WriteVar(sim::Sim& sim, World* w, int t, int id) {
  co_await sim.Point("write", {w->var_id[t], Access::kWrite});
  w->var[t] = (w->var[t] * 3 + id + 1) % 7;
}

sim::Task<void> WaitFlag(sim::Sim& sim, World* w, int t, bool exclusive, bool keep_locked) {
  co_await w->spin.Lock();
  while (!w->flag[t]) {
    co_await w->wq.PrepareToWait(exclusive, static_cast<uint64_t>(t) + 1);
    if (!keep_locked) co_await w->spin.Unlock();
    co_await sim.Schedule(w->wq.id(), [w, t] { return w->flag[t]; });
    co_await w->wq.FinishWait();
    if (!keep_locked) co_await w->spin.Lock();
  }
  co_await w->spin.Unlock();
}

sim::Task<void> SetFlag(sim::Sim& sim, World* w, int t, int id) {
  co_await w->spin.Lock();
  w->flag[t] = true;
  co_await w->spin.Unlock();
  co_await w->wq.WakeUp(id % 2, static_cast<uint64_t>(t) + 1);
}

sim::Task<void> RunOp(sim::Sim& sim, World* w, Op op, int id) {
  const int t = op.target;
  switch (op.kind) {
    case OpKind::kRead:
      co_await sim.Point("read", {w->var_id[t], Access::kRead});
      break;
    case OpKind::kWrite:
      co_await WriteVar(sim, w, t, id);
      break;
    case OpKind::kCopy:
      co_await sim.Point("copy", {w->var_id[t], Access::kRead, w->var_id[1 - t], Access::kWrite});
      w->var[1 - t] = (w->var[t] + id) % 7;
      break;
    case OpKind::kChoose:
      co_await sim.Point("write choice", {w->var_id[t], Access::kWrite});
      w->var[t] = (w->var[t] + 1 + sim.Choose(2, "value")) % 7;
      break;
    case OpKind::kMutexSection:
      co_await w->m[t].Lock();
      co_await WriteVar(sim, w, t, id);
      co_await w->m[t].Unlock();
      break;
    case OpKind::kNested:
      co_await w->m[t].Lock();
      co_await w->m[1 - t].Lock();
      co_await WriteVar(sim, w, 0, id);
      co_await w->m[1 - t].Unlock();
      co_await w->m[t].Unlock();
      break;
    case OpKind::kReadSection:
      co_await w->sem.DownRead();
      co_await sim.Point("read", {w->var_id[t], Access::kRead});
      co_await w->sem.UpRead();
      break;
    case OpKind::kWriteSection:
      co_await w->sem.DownWrite();
      co_await WriteVar(sim, w, t, id);
      co_await w->sem.UpWrite();
      break;
    case OpKind::kSetFlag:
      co_await SetFlag(sim, w, t, id);
      break;
    case OpKind::kWaitFlag:
    case OpKind::kWaitFlagExcl:
    case OpKind::kWaitFlagHeld:
      co_await WaitFlag(sim, w, t, op.kind != OpKind::kWaitFlag, op.kind == OpKind::kWaitFlagHeld);
      break;
    case OpKind::kAssert: {
      co_await sim.Point("read", {w->var_id[t], Access::kRead});
      const int v = w->var[t];
      DAXSIM_ASSERT(sim, v != 4, "var != 4");
      break;
    }
  }
}

sim::Task<void> Actor(sim::Sim& sim, World* w, std::vector<Op> ops, int id) {
  for (const Op& op : ops) co_await RunOp(sim, w, op, id);
}

rc::Gen<std::vector<Op>> GenActor() {
  return rc::gen::container<std::vector<Op>>(
      static_cast<size_t>(*rc::gen::inRange(1, 4)),
      rc::gen::construct<Op>(rc::gen::cast<OpKind>(rc::gen::inRange(0, 13)),
                             rc::gen::inRange(0, 2)));
}

sim::Target MakeTarget(const Program& p) {
  sim::Target t;
  t.name = "random_program";
  t.build = [p](sim::Sim& s) {
    auto w = std::make_unique<World>(s);
    for (size_t a = 0; a < p.size(); ++a) {
      s.Spawn("T" + std::to_string(a), Actor(s, w.get(), p[a], static_cast<int>(a)));
    }
    return w;
  };
  return t;
}

struct Census {
  std::set<uint64_t> classes;
  std::map<uint64_t, std::string> traces;  // a representative of each class (for the report)
  std::set<std::string> violations;
  bool complete = false;
  int64_t executions = 0;
};

Census Count(const sim::Target& t, sim::StrategyKind k, int bound) {
  Census c;
  sim::ExploreOptions o;
  o.strategy = k;
  o.preemptions_max = bound;
  o.stop_on_first = false;
  o.shrink = false;
  o.budget_executions = 30000;
  o.sim.lockdep = false;  // inversions allowed: deadlocks are terminal states
  o.sim.steps_max = 400;
  o.on_execution = [&](const sim::Sim& s) {
    if (s.abandoned()) return;
    const uint64_t h = sim::TraceClassHash(s);
    if (c.classes.insert(h).second) c.traces[h] = sim::FormatSwimlane(s);
    if (s.violation().found()) c.violations.insert(s.violation().Signature());
  };
  const sim::ExploreResult r = sim::Explore(t, o);
  c.complete = r.complete;
  c.executions = r.executions;
  return c;
}

RC_GTEST_PROP(BoundedDporProperty, SameClassesAndViolationsAsBoundedDfs, ()) {
  const Program p =
      *rc::gen::container<Program>(static_cast<size_t>(*rc::gen::inRange(2, 4)), GenActor());
  const sim::Target t = MakeTarget(p);
  for (int bound = 0; bound <= 3; ++bound) {
    const Census dfs = Count(t, sim::StrategyKind::kDfs, bound);
    RC_PRE(dfs.complete);
    const Census dpor = Count(t, sim::StrategyKind::kDpor, bound);
    RC_ASSERT(dpor.complete);
    RC_ASSERT(dpor.violations == dfs.violations);
    for (uint64_t h : dfs.classes) {
      if (!dpor.classes.count(h)) {
        RC_FAIL("bound " + std::to_string(bound) + ": DPOR misses the class of\n" +
                dfs.traces.at(h) + "DPOR explored:\n" + [&] {
                  std::string all;
                  for (const auto& [k, v] : dpor.traces) all += v + "--\n";
                  return all;
                }());
      }
    }
    RC_ASSERT(dpor.classes == dfs.classes);
    RC_ASSERT(dpor.executions <= dfs.executions);
  }
}

}  // namespace
}  // namespace daxsim::props
