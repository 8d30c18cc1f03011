#include "tools/kernel/outcomes.h"

#include "absl/strings/str_cat.h"
#include "models/dax_world/target.h"
#include "models/dax_world/world.h"
#include "sim/explore/dpor.h"
#include "sim/sim.h"
#include "tools/kernel/model_run.h"

namespace daxsim::kernel {

std::string OutcomeVector(const WorkloadResult& r) {
  std::string out;
  for (const OpResult& o : r.ops) {
    absl::StrAppend(&out, o.actor, ".", o.op, "=", o.what, o.data.empty() ? "" : " ", o.data, "\n");
  }
  for (const auto& [file, size] : r.sizes) absl::StrAppend(&out, "size ", file, "=", size, "\n");
  return out;
}

namespace {

// Every interleaving of whole operations: an actor runs until its op ends (its op-log entry is
// written) or it cannot go on (blocked, done), and only then does the schedule choose who runs
// next (depth-first over those choices, and over the model's own choices). Few executions
// (C(a+b, a) for two actors of a and b ops), and they reach the orders "T2 entirely first" that
// a step-level search spends its budget before reaching (the 2 MiB zaps' races).
class OpOrderStrategy : public sim::SearchStrategy {
 public:
  void set_log(const std::vector<models::DaxWorld::OpLogEntry>* log) { log_ = log; }

  bool BeginExecution() override {
    if (exhausted_) return false;
    cursor_ = 0;
    current_ = sim::kNoActor;
    ops_seen_ = 0;
    return true;
  }

  sim::ActorId PickActor(const sim::Sim& sim) override {
    const bool boundary = current_ == sim::kNoActor || !sim.IsEnabled(current_) ||
                          (log_ != nullptr && log_->size() != ops_seen_);
    if (!boundary) return current_;
    if (log_ != nullptr) ops_seen_ = log_->size();
    const std::vector<sim::ActorId> enabled = sim.enabled();
    current_ = enabled.size() == 1
                   ? enabled[0]
                   : enabled[static_cast<size_t>(Decide(static_cast<int>(enabled.size())))];
    return current_;
  }

  int PickChoice(const sim::Sim&, int n, const char*) override { return Decide(n); }

  void EndExecution(const sim::Sim&) override {
    nodes_.resize(cursor_);
    while (!nodes_.empty() && ++nodes_.back().value >= nodes_.back().n) nodes_.pop_back();
    exhausted_ = nodes_.empty();
  }
  uint64_t LastKey() const override { return executions_++; }
  bool exhausted() const override { return exhausted_; }

 private:
  struct Node {
    int n = 0, value = 0;
  };
  // The next decision of n options: replayed from the stack, or a new node at its first option.
  int Decide(int n) {
    if (cursor_ == nodes_.size()) nodes_.push_back({n, 0});
    return nodes_[cursor_++].value;
  }
  const std::vector<models::DaxWorld::OpLogEntry>* log_ = nullptr;
  std::vector<Node> nodes_;
  size_t cursor_ = 0, ops_seen_ = 0;
  sim::ActorId current_ = sim::kNoActor;
  bool exhausted_ = false;
  mutable uint64_t executions_ = 0;
};

absl::Status Explore(const models::workload::Workload& w, const sim::Target& target,
                     const sim::SimOptions& options, sim::SearchStrategy* strategy,
                     int64_t executions_max, OutcomeSet* out) {
  sim::SearchStrategy& dpor = *strategy;
  auto* op_order = dynamic_cast<OpOrderStrategy*>(strategy);
  OutcomeSet& set = *out;
  sim::Sim sim(options);
  set.complete = false;
  size_t ops_after_setup = 0;
  for (const auto& a : w.actors) {
    ops_after_setup += a.ops.size() - models::workload::SetupOpCount(a);
  }
  for (int64_t n = 0; n < executions_max; ++n) {
    if (!dpor.BeginExecution()) {
      set.complete = true;
      break;
    }
    sim.Reset(options);
    std::unique_ptr<sim::World> world = target.build(sim);
    auto* dax = dynamic_cast<models::DaxWorld*>(world.get());
    if (dax == nullptr) return absl::InternalError("not a DAX world");
    std::vector<models::DaxWorld::OpLogEntry> log;
    dax->op_log = &log;
    if (op_order != nullptr) op_order->set_log(&log);
    WorkloadResult r;
    LogSetupMappings(w, *dax, &r);
    sim.Run(dpor);
    dpor.EndExecution(sim);
    if (dpor.LastRedundant()) continue;  // sleep-set blocked: a class already explored
    ++set.executions;
    if (sim.violation().found()) {
      ++set.violations;
      continue;
    }
    if (log.size() != ops_after_setup) {  // an actor did not finish (cut short): no vector
      ++set.cut_short;
      continue;
    }
    LogOps(w, log, &r);
    AddSizes(w, *dax, &r);
    ++set.vectors[OutcomeVector(r)];
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<OutcomeSet> ModelOutcomes(const models::workload::Workload& w,
                                         const std::string& model, const std::string& params,
                                         int64_t executions_max) {
  absl::StatusOr<sim::Target> target = models::MakeDaxTargetFromWorkload(model, w, params);
  if (!target.ok()) return target.status();
  sim::SimOptions options;
  if (target->steps_max > 0) options.steps_max = target->steps_max;
  OutcomeSet set;
  // Every interleaving of whole ops (up to a quarter of the budget) first.
  OpOrderStrategy op_order;
  absl::Status s = Explore(w, *target, options, &op_order, executions_max / 4, &set);
  if (!s.ok()) return s;
  set.op_orders_complete = set.complete;
  // Then every class within 2 preemptions (cheap, and it reaches the orders a bounded budget
  // of the unbounded search may never get to), then the unbounded search for the rest.
  sim::DporStrategy bounded(/*preemptions_max=*/2, sim::Partition{}, /*split_depth=*/0);
  s = Explore(w, *target, options, &bounded, executions_max / 2, &set);
  if (!s.ok()) return s;
  set.bounded_complete = set.complete;
  set.complete = false;
  sim::DporStrategy dpor(/*preemptions_max=*/-1, sim::Partition{}, /*split_depth=*/0);
  s = Explore(w, *target, options, &dpor, executions_max, &set);
  if (!s.ok()) return s;
  return set;
}

}  // namespace daxsim::kernel