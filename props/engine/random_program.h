// Random programs over the kernel's synchronisation vocabulary, shared by the engine's
// property tests: mutexes, a spinlock, an rw_semaphore, a wait queue with keyed exclusive and
// non-exclusive waiters, a re-check-and-wait retry loop that re-takes the spinlock (and a broken
// one that sleeps holding it), choices, two-object steps and assertions; 2-3 actors of 1-3
// operations. The world implements sim::StateModel, so stateful search can run them.
#pragma once

#include <rapidcheck.h>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/explore/explorer.h"
#include "sim/sync/mutex.h"
#include "sim/sync/rwsem.h"
#include "sim/sync/spinlock.h"
#include "sim/sync/wait_queue.h"

namespace daxsim::props::random_program {

using sim::Access;

enum class OpKind {
  kRead,          // read var[t]
  kWrite,         // write var[t]
  kCopy,          // one step, two objects: var[1-t] = var[t]
  kChoose,        // write var[t] with a chosen value
  kMutexSection,  // mutex_lock(m[t]); write var[t]; mutex_unlock
  kNested,        // mutex_lock(m[t]); mutex_lock(m[1-t]); write var[0]; unlocks
  kReadSection,   // down_read; read var[t]; up_read
  kWriteSection,  // down_write; write var[t]; up_write
  kSetFlag,       // spin_lock; flag[t] = 1; spin_unlock; wake_up(one or all, key t)
  kWaitFlag,      // the retry loop: spin_lock; while !flag[t] { prepare_to_wait(key t);
                  // spin_unlock; schedule; finish_wait; spin_lock }; spin_unlock
  kWaitFlagExcl,  // the same with an exclusive waiter
  kWaitFlagHeld,  // the broken loop: sleeps with the spinlock held (sleep-in-atomic)
  kAssert,        // assert var[t] != 4 (fails for some interleavings of writes)
  kLoadStore,     // x = var[t] (one step); var[1-t] = x + 1 (a later step): local state
  kSpinBump,      // spin_lock; prot = f(prot) (in the locked step); spin_unlock
  kSpinPeek,      // spin_lock; x = prot; spin_unlock; var[t] = x: a section that only looks
  kSpinToggle,    // spin_lock; prot += 1; write var[t]; prot -= 1; spin_unlock: changes and
                  // restores the protected state around a step on another object
  // Forgetting history (sim::CallSummary, sim::Sim::Observed):
  kCallPeek,       // x = PeekProt() (a summarized callee: spin_lock; read prot; maybe wait for
                   // flag[t]; spin_unlock); var[t] = x
  kCallHeld,       // TakeSpin() returns holding spin (taken inside the summarized callee);
                   // then write var[t] = prot in a later step; spin_unlock
  kParity,         // read var[t], observing only its parity; var[1-t] = parity
  kWaitFlagFresh,  // kWaitFlag whose iterations start at a CallSummary::LoopHead (spin held:
                   // re-observed because it was taken after the mark)
  // The user-access retry loop (sim/vm/user.cc): until flag[t] is seen set, an attempt changes
  // prot and changes it back (a fault installs what another thread zaps); at most
  // SimOptions::fault_retries_max attempts (then the execution is unfair), or unbounded with
  // the attempt number out of the continuation: an attempt that changed nothing closes a cycle.
  kRetryFlag,
  kCount,
};
struct Op {
  OpKind kind;
  int target;
  friend bool operator==(const Op&, const Op&) = default;
};
using Program = std::vector<std::vector<Op>>;

inline void showValue(const Op& op, std::ostream& os) {
  os << static_cast<int>(op.kind) << ":" << op.target;
}

struct World : sim::World, sim::StateModel {
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
  int prot = 0;  // protected by spin

  uint64_t WorldDigest() const override {
    uint64_t h = sim::Mix(sim::Mix(sim::Mix(var[0], var[1]), flag[0] + 2 * flag[1]), prot);
    h = sim::Mix(sim::Mix(h, m[0].Digest()), m[1].Digest());
    return sim::Mix(sim::Mix(sim::Mix(h, spin.Digest()), sem.Digest()), wq.Digest());
  }
  // The spinlock protects the flags; anything else names its own state (the world, if unknown).
  uint64_t ObjectDigest(sim::ObjectId id) const override {
    for (int i = 0; i < 2; ++i) {
      if (id == var_id[i]) return static_cast<uint64_t>(var[i]);
      if (id == m[i].id()) return m[i].Digest();
    }
    if (id == spin.id()) return sim::Mix(sim::Mix(spin.Digest(), flag[0] + 2 * flag[1]), prot);
    if (id == sem.id()) return sem.Digest();
    if (id == wq.id()) return wq.Digest();
    return WorldDigest();
  }
};

inline sim::Task<void> WriteVar(sim::Sim& sim, World* w, int t, int id) {
  co_await sim.Point("write", {w->var_id[t], Access::kWrite});
  w->var[t] = (w->var[t] * 3 + id + 1) % 7;
}

inline sim::Task<void> WaitFlag(sim::Sim& sim, World* w, int t, bool exclusive, bool keep_locked) {
  co_await w->spin.Lock();
  sim::RetryLoop retry(&sim, 0x7e7);  // each iteration re-reads the flag under the spinlock
  for (;;) {
    retry.Head();
    if (w->flag[t]) break;
    co_await w->wq.PrepareToWait(exclusive, static_cast<uint64_t>(t) + 1);
    if (!keep_locked) co_await w->spin.Unlock();
    co_await sim.Schedule(w->wq.id(), [w, t] { return w->flag[t]; });
    co_await w->wq.FinishWait();
    if (!keep_locked) co_await w->spin.Lock();
  }
  co_await w->spin.Unlock();
}

inline sim::Task<void> SetFlag(sim::Sim& sim, World* w, int t, int id) {
  co_await w->spin.Lock();
  w->flag[t] = true;
  co_await w->spin.Unlock();
  co_await w->wq.WakeUp(id % 2, static_cast<uint64_t>(t) + 1);
}

// A summarized callee: its caller keeps only the result (the value of prot it saw).
inline sim::Task<int> PeekProt(sim::Sim& sim, World* w, int t, int id) {
  co_await w->spin.Lock();
  if (id % 2 == 1 && !w->flag[t]) {  // some callers also wait a while, then look again
    co_await w->spin.Unlock();
    co_await sim.Point("read", {w->var_id[t], Access::kRead});
    co_await w->spin.Lock();
  }
  const int x = w->prot;
  co_await w->spin.Unlock();
  co_return x;
}

inline sim::Task<void> TakeSpin(sim::Sim& sim, World* w, int t) {
  co_await sim.Point("read", {w->var_id[t], Access::kRead});
  co_await w->spin.Lock();
}

inline sim::Task<void> WaitFlagFresh(sim::Sim& sim, World* w, int t) {
  sim::CallSummary loop(&sim, 0x7e8);
  co_await w->spin.Lock();
  for (;;) {
    loop.LoopHead(0);
    if (w->flag[t]) break;
    co_await w->wq.PrepareToWait(false, static_cast<uint64_t>(t) + 1);
    co_await w->spin.Unlock();
    co_await sim.Schedule(w->wq.id(), [w, t] { return w->flag[t]; });
    co_await w->wq.FinishWait();
    co_await w->spin.Lock();
  }
  co_await w->spin.Unlock();
}

inline sim::Task<void> RetryFlag(sim::Sim& sim, World* w, int t) {
  const int n = sim.options().fault_retries_max;
  sim::CallSummary retry(&sim, 0x7e9);
  for (int attempt = 0; n == 0 || attempt < n; ++attempt) {
    retry.LoopHead(n == 0 ? 0 : static_cast<uint64_t>(attempt));
    co_await w->spin.Lock();
    const bool seen = w->flag[t];
    if (!seen) w->prot = (w->prot + 1) % 5;
    co_await w->spin.Unlock();
    if (seen) co_return;
    co_await w->spin.Lock();
    w->prot = (w->prot + 4) % 5;
    co_await w->spin.Unlock();
  }
  sim.AbandonUnfair("retried " + std::to_string(n) + " times");
  co_await sim.Point("starved", {});
}

inline sim::Task<void> RunSummarizedOp(sim::Sim& sim, World* w, Op op, int id) {
  const int t = op.target;
  switch (op.kind) {
    case OpKind::kCallPeek: {
      sim::CallSummary call(&sim, 0xca1);
      const int x = co_await PeekProt(sim, w, t, id);
      call.Returned(static_cast<uint64_t>(x));
      co_await sim.Point("write", {w->var_id[t], Access::kWrite});
      w->var[t] = x;
      break;
    }
    case OpKind::kCallHeld: {
      sim::CallSummary call(&sim, 0xca2);
      co_await TakeSpin(sim, w, t);
      call.Returned(0);
      co_await sim.Point("write", {w->var_id[t], Access::kWrite});
      w->var[t] = w->prot;  // protected by spin, taken inside the callee
      co_await w->spin.Unlock();
      break;
    }
    case OpKind::kParity: {
      co_await sim.Point("read", {w->var_id[t], Access::kRead});
      const int parity = w->var[t] % 2;
      sim.Observed(static_cast<uint64_t>(parity));
      co_await sim.Point("write", {w->var_id[1 - t], Access::kWrite});
      w->var[1 - t] = parity;
      break;
    }
    case OpKind::kRetryFlag:
      co_await RetryFlag(sim, w, t);
      break;
    default:
      co_await WaitFlagFresh(sim, w, t);
      break;
  }
}

inline sim::Task<void> RunOp(sim::Sim& sim, World* w, Op op, int id) {
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
    case OpKind::kLoadStore: {
      co_await sim.Point("read", {w->var_id[t], Access::kRead});
      const int x = w->var[t];
      co_await sim.Point("write", {w->var_id[1 - t], Access::kWrite});
      w->var[1 - t] = (x + 1) % 7;
      break;
    }
    case OpKind::kSpinBump:
      co_await w->spin.Lock();
      w->prot = (w->prot * 2 + id + 1) % 5;
      co_await w->spin.Unlock();
      break;
    case OpKind::kSpinPeek: {
      co_await w->spin.Lock();
      const int x = w->prot;
      co_await w->spin.Unlock();
      co_await sim.Point("write", {w->var_id[t], Access::kWrite});
      w->var[t] = x;
      break;
    }
    case OpKind::kSpinToggle:
      co_await w->spin.Lock();
      w->prot += 1;
      co_await WriteVar(sim, w, t, id);
      w->prot -= 1;
      co_await w->spin.Unlock();
      break;
    case OpKind::kCallPeek:
    case OpKind::kCallHeld:
    case OpKind::kParity:
    case OpKind::kWaitFlagFresh:
    case OpKind::kRetryFlag:
      co_await RunSummarizedOp(sim, w, op, id);
      break;
    case OpKind::kCount:
      break;
    case OpKind::kAssert: {
      co_await sim.Point("read", {w->var_id[t], Access::kRead});
      const int v = w->var[t];
      DAXSIM_ASSERT(sim, v != 4, "var != 4");
      break;
    }
  }
}

// Between operations an actor keeps nothing but the operation's index: its continuation is
// reset there (as the DAX executor does), so stateful search merges what came before.
inline sim::Task<void> Actor(sim::Sim& sim, World* w, std::vector<Op> ops, int id) {
  sim::CallSummary next_op(&sim, 0x0e5);
  for (size_t i = 0; i < ops.size(); ++i) {
    next_op.LoopHead(i);
    co_await RunOp(sim, w, ops[i], id);
  }
}

inline rc::Gen<std::vector<Op>> GenActor() {
  return rc::gen::container<std::vector<Op>>(
      static_cast<size_t>(*rc::gen::inRange(1, 4)),
      rc::gen::construct<Op>(
          rc::gen::cast<OpKind>(rc::gen::inRange(0, static_cast<int>(OpKind::kCount))),
          rc::gen::inRange(0, 2)));
}

// World invariants checked after every step, over state that steps of different actors change
// without conflicting: "not (var[0] == a and var[1] == b)" (the vars, written by independent
// steps) and "not (prot == c and flag[t])" (prot changes inside steps that name another object:
// kSpinToggle restores it in its var-write step). Which states an execution passes through
// depends on the order of independent steps, so these test partial-order reduction's
// visibility (Sim::AddInvariant), which assertions inside actors never do.
struct Watch {
  int a = 0, b = 0, c = 0, t = 0;
};
inline constexpr uint64_t kWatchVars = 1, kWatchProt = 2;

inline void showValue(const Watch& w, std::ostream& os) {
  os << "vars != (" << w.a << ", " << w.b << "), not (prot == " << w.c << " and flag[" << w.t
     << "])";
}

inline rc::Gen<Watch> GenWatch() {
  // Small values: the first writes of actors 0-2 store 1-3, so these states are often reached.
  return rc::gen::construct<Watch>(rc::gen::inRange(0, 4), rc::gen::inRange(0, 4),
                                   rc::gen::inRange(0, 3), rc::gen::inRange(0, 2));
}

inline void AddWatch(sim::Sim& s, World* w, Watch watch) {
  s.AddInvariant(
      "vars",
      [w, watch]() -> std::optional<std::string> {
        if (w->var[0] != watch.a || w->var[1] != watch.b) return std::nullopt;
        return "var == (" + std::to_string(watch.a) + ", " + std::to_string(watch.b) + ")";
      },
      true, kWatchVars);
  s.AddInvariant(
      "prot",
      [w, watch]() -> std::optional<std::string> {
        if (w->prot != watch.c || !w->flag[watch.t]) return std::nullopt;
        return "prot == " + std::to_string(watch.c) + " with flag " + std::to_string(watch.t);
      },
      true, kWatchProt);
  auto last = std::make_shared<std::array<int, 5>>(
      std::array<int, 5>{w->var[0], w->var[1], w->prot, w->flag[0], w->flag[1]});
  s.SetChangeProbe([w, last]() -> uint64_t {
    const std::array<int, 5> now{w->var[0], w->var[1], w->prot, w->flag[0], w->flag[1]};
    uint64_t changed = 0;
    if (now[0] != (*last)[0] || now[1] != (*last)[1]) changed |= kWatchVars;
    if (now[2] != (*last)[2] || now[3] != (*last)[3] || now[4] != (*last)[4]) changed |= kWatchProt;
    *last = now;
    return changed;
  });
}

// `symmetric`: actors with equal programs also behave alike (they take the id of the first of
// them) and, with `declare`, are declared interchangeable (Sim::SetSymmetry). `watch`: world
// invariants (AddWatch).
inline sim::Target MakeTarget(const Program& p, bool symmetric = false, bool declare = true,
                              std::optional<Watch> watch = std::nullopt) {
  sim::Target t;
  t.name = "random_program";
  t.build = [p, symmetric, declare, watch](sim::Sim& s) {
    auto w = std::make_unique<World>(s);
    s.SetStateModel(w.get());
    if (watch) AddWatch(s, w.get(), *watch);
    std::vector<int> classes(p.size(), -1);
    for (size_t a = 0; a < p.size(); ++a) {
      int id = static_cast<int>(a);
      for (size_t b = 0; b < a && symmetric; ++b) {
        if (p[b] == p[a]) {
          id = static_cast<int>(b);
          classes[a] = classes[b] = id;
          break;
        }
      }
      s.Spawn("T" + std::to_string(a), Actor(s, w.get(), p[a], id));
    }
    if (symmetric && declare) s.SetSymmetry(classes);
    return w;
  };
  return t;
}

// Options for a whole-space exploration of a random program under strategy `k` (bound -1:
// none): every execution kept (no stop, no shrink), lock-order inversions allowed so that
// deadlocks are terminal states, and a budget no generated program reaches when it finishes.
inline sim::ExploreOptions WholeSpace(sim::StrategyKind k, int bound) {
  sim::ExploreOptions o;
  o.strategy = k;
  o.preemptions_max = bound;
  o.stop_on_first = false;
  o.shrink = false;
  o.budget_executions = 30000;
  o.sim.lockdep = false;
  o.sim.steps_max = 400;
  o.sim.fault_retries_max = 2;  // plain searches; searches that cache states run unbounded
  return o;
}

}  // namespace daxsim::props::random_program
