// Property: on random small programs (reads, writes, mutex critical sections, completions,
// choices; 2-3 actors), source-DPOR reaches exactly the Mazurkiewicz classes that exhaustive
// DFS reaches, the same final states, deadlocks included, and never runs two complete
// executions of one class. RapidCheck shrinks a counterexample to a minimal program.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sim/explore/explorer.h"
#include "sim/explore/trace.h"
#include "sim/sync/completion.h"
#include "sim/sync/mutex.h"
#include "sim/sync/rwsem.h"

namespace daxsim::props {
namespace {

using sim::Access;

enum class OpKind {
  kRead,
  kWrite,
  kLock,
  kUnlock,
  kComplete,
  kWait,
  kChoose,
  kCopy,
  kReadSection,
  kWriteSection
};
struct Op {
  OpKind kind;
  int target;  // variable, lock or completion index
};
using Program = std::vector<std::vector<Op>>;

const char* OpName(OpKind k) {
  switch (k) {
    case OpKind::kRead:
      return "R";
    case OpKind::kWrite:
      return "W";
    case OpKind::kLock:
      return "Lock";
    case OpKind::kUnlock:
      return "Unlock";
    case OpKind::kComplete:
      return "Complete";
    case OpKind::kWait:
      return "Wait";
    case OpKind::kChoose:
      return "Choose";
    case OpKind::kCopy:
      return "Copy";
    case OpKind::kReadSection:
      return "RSem";
    case OpKind::kWriteSection:
      return "WSem";
  }
  return "?";
}

void showValue(const Op& op, std::ostream& os) { os << OpName(op.kind) << op.target; }

struct World : sim::World {
  explicit World(sim::Sim& s)
      : locks{sim::Mutex(s, "lock", "lock0", 0), sim::Mutex(s, "lock", "lock1", 1)},
        done{sim::Completion(s, "done", 0)},
        sem(s, "sem") {
    for (int i = 0; i < 2; ++i) var_id[i] = s.NewObject("var", i);
  }
  int var[2] = {0, 0};
  sim::ObjectId var_id[2];
  sim::Mutex locks[2];
  sim::Completion done[1];
  sim::RwSem sem;
  std::vector<std::string> seen;  // what each actor read, in its program order
};

sim::Task<void> Actor(sim::Sim& sim, World* w, std::vector<Op> ops, int id) {
  std::string seen;
  for (const Op& op : ops) {
    switch (op.kind) {
      case OpKind::kRead:
        co_await sim.Point("read", {w->var_id[op.target], Access::kRead});
        seen += std::to_string(w->var[op.target]) + ",";
        break;
      case OpKind::kWrite:
        co_await sim.Point("write", {w->var_id[op.target], Access::kWrite});
        w->var[op.target] = w->var[op.target] * 3 + id + 1;
        break;
      case OpKind::kLock:
        co_await w->locks[op.target].Lock();
        break;
      case OpKind::kUnlock:
        co_await w->locks[op.target].Unlock();
        break;
      case OpKind::kComplete:
        co_await w->done[0].Complete();
        break;
      case OpKind::kWait:
        co_await w->done[0].Wait();
        break;
      case OpKind::kCopy:  // one step, two objects: var[1-t] = var[t]
        co_await sim.Point("copy", {w->var_id[op.target], Access::kRead, w->var_id[1 - op.target],
                                    Access::kWrite});
        w->var[1 - op.target] = w->var[op.target] + id;
        break;
      case OpKind::kReadSection:  // down_read; read; up_read
        co_await w->sem.DownRead();
        co_await sim.Point("read", {w->var_id[op.target], Access::kRead});
        seen += std::to_string(w->var[op.target]) + ";";
        co_await w->sem.UpRead();
        break;
      case OpKind::kWriteSection:  // down_write; write; up_write
        co_await w->sem.DownWrite();
        co_await sim.Point("write", {w->var_id[op.target], Access::kWrite});
        w->var[op.target] = w->var[op.target] * 5 + id + 1;
        co_await w->sem.UpWrite();
        break;
      case OpKind::kChoose:
        co_await sim.Point("write choice", {w->var_id[op.target], Access::kWrite});
        w->var[op.target] += 10 * (1 + sim.Choose(2, "value"));
        break;
    }
  }
  w->seen[static_cast<size_t>(id)] = seen;
}

// Well-formed: unlocks match locks (LIFO), no lock held at exit.
rc::Gen<std::vector<Op>> GenActor() {
  return rc::gen::map(rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 16)),
                      [](const std::vector<int>& codes) {
                        std::vector<Op> ops;
                        std::vector<int> held;
                        for (size_t i = 0; i < codes.size() && ops.size() < 4; ++i) {
                          const int c = codes[i];
                          if (c < 3)
                            ops.push_back({OpKind::kRead, c % 2});
                          else if (c < 6)
                            ops.push_back({OpKind::kWrite, c % 2});
                          else if (c < 8 && held.size() < 2) {
                            const int l = held.empty() ? c % 2 : 1 - held.back();
                            held.push_back(l);
                            ops.push_back({OpKind::kLock, l});
                          } else if (c < 10 && !held.empty()) {
                            ops.push_back({OpKind::kUnlock, held.back()});
                            held.pop_back();
                          } else if (c == 10)
                            ops.push_back({OpKind::kComplete, 0});
                          else if (c == 11)
                            ops.push_back({OpKind::kWait, 0});
                          else if (c == 13)
                            ops.push_back({OpKind::kCopy, static_cast<int>(i % 2)});
                          else if (c == 14 && held.empty())
                            ops.push_back({OpKind::kReadSection, static_cast<int>(i % 2)});
                          else if (c == 15 && held.empty())
                            ops.push_back({OpKind::kWriteSection, static_cast<int>(i % 2)});
                          else
                            ops.push_back({OpKind::kChoose, c % 2});
                        }
                        while (!held.empty()) {
                          ops.push_back({OpKind::kUnlock, held.back()});
                          held.pop_back();
                        }
                        return ops;
                      });
}

sim::Target MakeTarget(const Program& p) {
  sim::Target t;
  t.name = "random_program";
  t.build = [p](sim::Sim& s) {
    auto w = std::make_unique<World>(s);
    w->seen.resize(p.size());
    for (size_t a = 0; a < p.size(); ++a) {
      s.Spawn("T" + std::to_string(a), Actor(s, w.get(), p[a], static_cast<int>(a)));
    }
    return w;
  };
  return t;
}

struct Census {
  std::map<uint64_t, int> classes;  // class -> terminal executions
  int64_t executions = 0;
};

Census Count(const sim::Target& t, sim::StrategyKind k) {
  Census c;
  sim::ExploreOptions o;
  o.strategy = k;
  o.stop_on_first = false;
  o.shrink = false;
  o.sim.lockdep = false;  // lock-order inversions are allowed: deadlocks are terminal states
  o.on_execution = [&](const sim::Sim& s) {
    c.executions++;
    if (!s.abandoned()) c.classes[sim::TraceClassHash(s)]++;
  };
  sim::Explore(t, o);
  return c;
}

RC_GTEST_PROP(DporProperty, SameClassesAsDfsAndNoDuplicates, ()) {
  const Program p =
      *rc::gen::container<Program>(static_cast<size_t>(*rc::gen::inRange(2, 4)), GenActor());
  const sim::Target t = MakeTarget(p);
  const Census dfs = Count(t, sim::StrategyKind::kDfs);
  const Census dpor = Count(t, sim::StrategyKind::kDpor);
  std::set<uint64_t> dfs_classes, dpor_classes;
  for (const auto& [h, n] : dfs.classes) dfs_classes.insert(h);
  for (const auto& [h, n] : dpor.classes) {
    dpor_classes.insert(h);
    RC_ASSERT(n == 1);  // one terminal execution per class
  }
  RC_ASSERT(dpor_classes == dfs_classes);
  RC_TAG(dpor.executions <= dfs.executions ? "dpor<=dfs" : "dpor>dfs");
}

}  // namespace
}  // namespace daxsim::props
