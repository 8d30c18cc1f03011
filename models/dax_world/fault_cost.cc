#include "models/dax_world/fault_cost.h"

#include <memory>

#include "models/dax_world/target.h"
#include "models/dax_world/world.h"
#include "models/workload/workload.h"
#include "sim/explore/simple.h"
#include "sim/sim.h"

namespace daxsim::models {

namespace {

struct Totals {
  int64_t points = 0, locks = 0, device_calls = 0;
  bool pmd_mapped = false;
};

absl::StatusOr<Totals> RunOnce(const std::string& model, const std::string& params,
                               const std::string& text) {
  absl::StatusOr<workload::Workload> w = workload::ParseWorkload(text, "fault_cost");
  if (!w.ok()) return w.status();
  absl::StatusOr<sim::Target> t = MakeDaxTargetFromWorkload(model, *w, params);
  if (!t.ok()) return t.status();
  sim::Sim sim(sim::SimOptions{});
  std::unique_ptr<sim::World> world = t->build(sim);
  sim::FirstEnabled first;
  sim.Run(first);
  if (!sim.completed()) {
    return absl::InternalError("fault cost probe did not complete: " + sim.violation().message);
  }
  Totals r;
  for (const sim::StepRecord& s : sim.steps()) {
    r.points++;
    for (sim::Access a : {s.fp.access, s.fp.access2}) {
      if (a == sim::Access::kAcquire || a == sim::Access::kAcquireShared) r.locks++;
    }
  }
  auto* dw = dynamic_cast<DaxWorld*>(world.get());
  if (dw == nullptr) return absl::InternalError("fault cost probe: not a DAX world");
  r.device_calls = dw->pmem().direct_access_calls();
  for (const auto& [name, mm] : dw->mms()) {
    for (const auto& [addr, pmd] : mm->pt.pmds()) {
      if (pmd.kind == vm::Pmd::Kind::kHuge) r.pmd_mapped = true;
    }
  }
  return r;
}

struct Probe {
  const char* name;
  const char* setup;  // files and the actor's leading ops
  const char* op;     // the fault of interest
};

constexpr Probe kProbes[] = {
    {"pte_write_hole", "file f size=8K\nactor T\n  mmap m f len=8K\n",
     "  store m 0 len=8 val=0x11\n"},
    {"pte_read", "file f size=8K written=0-8K\nactor T\n  mmap m f len=8K\n", "  load m 0 len=8\n"},
    {"pte_read_next", "file f size=8K written=0-8K\nactor T\n  mmap m f len=8K\n  load m 0 len=8\n",
     "  load m 0x1000 len=8\n"},
    {"pmd_read", "file f size=2M written=0-2M\nactor T\n  mmap m f len=2M\n", "  load m 0 len=8\n"},
};

}  // namespace

absl::StatusOr<std::vector<FaultCost>> MeasureFaultCosts(const std::string& model,
                                                         const std::string& params) {
  std::vector<FaultCost> out;
  for (const Probe& p : kProbes) {
    const std::string head = std::string("workload ") + p.name + "\n" + p.setup;
    absl::StatusOr<Totals> without = RunOnce(model, params, head);
    if (!without.ok()) return without.status();
    absl::StatusOr<Totals> with = RunOnce(model, params, head + p.op);
    if (!with.ok()) return with.status();
    FaultCost c;
    c.probe = p.name;
    c.points = with->points - without->points;
    c.locks = with->locks - without->locks;
    c.device_calls = with->device_calls - without->device_calls;
    c.fallback = std::string(p.name) == "pmd_read" && !with->pmd_mapped;
    out.push_back(c);
  }
  return out;
}

}  // namespace daxsim::models
