#include "tools/kernel/model_run.h"

#include <algorithm>

#include "absl/strings/str_split.h"
#include "models/dax_world/target.h"
#include "models/dax_world/world.h"
#include "sim/explore/random.h"
#include "sim/explore/trace.h"
#include "sim/sim.h"

namespace daxsim::kernel {

using models::DaxWorld;
using models::workload::Workload;

// Setup mmaps run while the world is built: they succeed, at the address the model chose.
void LogSetupMappings(const Workload& w, const DaxWorld& world, WorkloadResult* r) {
  for (size_t a = 0; a < w.actors.size(); ++a) {
    const auto& actor = w.actors[a];
    for (size_t i = 0; i < models::workload::SetupOpCount(actor); ++i) {
      const auto& maps = world.setup_maps.at(actor.mm);
      r->ops.push_back(OpResult{actor.name, static_cast<int>(i), actor.ops[i].line, "ok", "",
                                maps.at(actor.ops[i].map)->start});
    }
  }
}

void LogOps(const Workload& w, const std::vector<DaxWorld::OpLogEntry>& log, WorkloadResult* r) {
  for (const DaxWorld::OpLogEntry& e : log) {
    const auto& actor = w.actors[e.actor];
    r->ops.push_back(OpResult{actor.name, static_cast<int>(e.op), actor.ops[e.op].line, e.what,
                              EncodeBytes(e.data.data(), e.data.size()), e.addr});
  }
  // Actor order, then op order, as the kernel runner reports.
  std::vector<std::string> order;
  for (const auto& a : w.actors) order.push_back(a.name);
  auto rank = [&](const OpResult& o) {
    return std::make_pair(std::find(order.begin(), order.end(), o.actor) - order.begin(), o.op);
  };
  std::stable_sort(r->ops.begin(), r->ops.end(),
                   [&](const OpResult& x, const OpResult& y) { return rank(x) < rank(y); });
}

void AddSizes(const Workload& w, DaxWorld& world, WorkloadResult* r) {
  if (world.fs().shutdown()) return;  // fstat fails (EIO), as the runner's does
  for (const auto& f : w.files) {
    if (const auto* ip = world.fs().Find(f.name)) r->sizes.emplace_back(f.name, ip->i_size());
  }
}

absl::StatusOr<WorkloadResult> RunOnModel(const Workload& w, const ModelRunOptions& o) {
  absl::StatusOr<sim::Target> target = models::MakeDaxTargetFromWorkload(o.model, w, o.params);
  if (!target.ok()) return target.status();
  sim::SimOptions options;
  options.trace = true;
  if (target->steps_max > 0) options.steps_max = target->steps_max;
  sim::Sim sim(options);
  sim::RandomStrategy strategy(o.seed, -1, sim::Partition{});
  strategy.BeginExecution();
  std::unique_ptr<sim::World> world = target->build(sim);
  auto* dax = dynamic_cast<DaxWorld*>(world.get());
  if (dax == nullptr) return absl::InternalError("not a DAX world");
  std::vector<DaxWorld::OpLogEntry> log;
  dax->op_log = &log;
  WorkloadResult r;
  r.workload = w.name;
  LogSetupMappings(w, *dax, &r);
  sim.Run(strategy);
  LogOps(w, log, &r);
  if (sim.violation().found()) {
    r.status = "violation";
    r.why = sim.violation().message;
  }
  AddSizes(w, *dax, &r);
  for (absl::string_view line : absl::StrSplit(sim::FormatFtrace(sim), '\n')) {
    if (!line.empty() && line[0] != '#') r.trace.emplace_back(line);
  }
  return r;
}

}  // namespace daxsim::kernel
