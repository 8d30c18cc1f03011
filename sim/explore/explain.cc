#include "sim/explore/explain.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "sim/explore/replay.h"
#include "sim/explore/trace.h"

namespace daxsim::sim {

namespace {

// Replays, describing the world before every step (and once after the last).
class Watcher : public Strategy {
 public:
  Watcher(ReplayStrategy* replay, World* world, const DescribeWorld& describe)
      : replay_(replay), world_(world), describe_(describe) {}

  ActorId PickActor(const Sim& sim) override {
    Observe(sim);
    const ActorId a = replay_->PickActor(sim);
    if (a != kNoActor && sim.last_actor() != kNoActor && a != sim.last_actor() &&
        sim.last_actor_enabled()) {
      preemptions_.push_back(static_cast<int64_t>(sim.steps().size()));
    }
    return a;
  }
  int PickChoice(const Sim& sim, int n, const char* label) override {
    return replay_->PickChoice(sim, n, label);
  }

  // A change since the previous description belongs to the step that just ran.
  void Observe(const Sim& sim) {
    if (!describe_) return;
    std::map<std::string, std::string> now = describe_(*world_);
    const int64_t step = static_cast<int64_t>(sim.steps().size()) - 1;
    if (observed_) {
      auto a = last_.begin();
      auto b = now.begin();
      while (a != last_.end() || b != now.end()) {
        if (b == now.end() || (a != last_.end() && a->first < b->first)) {
          changes_[a->first].push_back({step, a->second, ""});
          ++a;
        } else if (a == last_.end() || b->first < a->first) {
          changes_[b->first].push_back({step, "", b->second});
          ++b;
        } else {
          if (a->second != b->second) changes_[a->first].push_back({step, a->second, b->second});
          ++a, ++b;
        }
      }
    }
    last_ = std::move(now);
    observed_ = true;
  }

  const std::map<std::string, std::string>& last() const { return last_; }
  std::map<std::string, std::vector<ObjectChange>>& changes() { return changes_; }
  const std::vector<int64_t>& preemptions() const { return preemptions_; }

 private:
  ReplayStrategy* replay_;
  World* world_;
  const DescribeWorld& describe_;
  bool observed_ = false;
  std::map<std::string, std::string> last_;
  std::map<std::string, std::vector<ObjectChange>> changes_;
  std::vector<int64_t> preemptions_;
};

// The scheduler's object `id` (a lock, a wait queue): the steps that named it with a non-read
// access, each as a change whose "after" is the step's operation.
ExplainedObject SchedulerObject(const Sim& sim, ObjectId id, const std::string& why) {
  ExplainedObject o{sim.ObjectName(id) + why, "", {}, true};
  const auto& steps = sim.steps();
  for (size_t i = 0; i < steps.size(); ++i) {
    const Footprint& fp = steps[i].fp;
    const bool writes = (fp.object == id && fp.access != Access::kRead) ||
                        (fp.object2 == id && fp.access2 != Access::kRead);
    if (writes) o.changes.push_back({static_cast<int64_t>(i), "", steps[i].op});
  }
  return o;
}

// The objects to explain: what the violation names, else what the stuck actors wait on, else
// what the last step touched.
std::vector<ExplainedObject> InvolvedObjects(const Sim& sim, Watcher& w) {
  std::vector<ExplainedObject> out;
  for (const std::string& name : sim.violation().objects) {
    if (std::any_of(out.begin(), out.end(), [&](const auto& o) { return o.name == name; })) {
      continue;
    }
    auto state = w.last().find(name);
    out.push_back({name, state == w.last().end() ? "" : state->second, w.changes()[name], false});
  }
  if (!out.empty()) return out;
  std::vector<std::pair<ObjectId, std::string>> waited;  // object -> who waits there
  for (ActorId a = 0; a < sim.num_actors(); ++a) {
    const Actor& actor = sim.actor(a);
    const ObjectId id = actor.pending().fp.object;
    if (actor.done() || actor.pending().blocker == nullptr || id == kNoObject) continue;
    auto it = std::find_if(waited.begin(), waited.end(), [&](auto& w) { return w.first == id; });
    if (it == waited.end()) it = waited.insert(waited.end(), {id, ""});
    it->second += (it->second.empty() ? "" : ", ") + actor.name() + " at " + actor.pending().op;
  }
  for (const auto& [id, who] : waited) {
    out.push_back(SchedulerObject(sim, id, " (waited on: " + who + ")"));
  }
  if (!out.empty() || sim.steps().empty()) return out;
  const Footprint& fp = sim.steps().back().fp;
  for (ObjectId id : {fp.object, fp.object2}) {
    if (id != kNoObject && id != kAllObjects) {
      out.push_back(SchedulerObject(sim, id, " (touched by the last step)"));
    }
  }
  return out;
}

ExplainedPreemption Preemption(const Sim& sim, int64_t p) {
  const auto& steps = sim.steps();
  const auto n = static_cast<int64_t>(steps.size());
  ExplainedPreemption e{p, steps[static_cast<size_t>(p - 1)].actor, -1, {}};
  for (int64_t i = p; i < n && e.resumed < 0; ++i) {
    if (steps[static_cast<size_t>(i)].actor == e.preempted) e.resumed = i;
  }
  // The first conflict on each object: later ones on the same lock or table say nothing new.
  const int64_t until = e.resumed < 0 ? n : e.resumed;
  std::vector<ObjectId> seen;
  for (int64_t s = p; s < until && e.resumed >= 0; ++s) {
    const StepRecord& a = steps[static_cast<size_t>(s)];
    for (int64_t t = e.resumed; t < n; ++t) {
      const StepRecord& b = steps[static_cast<size_t>(t)];
      if (b.actor != e.preempted || !Dependent(a.fp, b.fp)) continue;
      const ObjectId on = Names(b.fp, a.fp.object) ? a.fp.object : a.fp.object2;
      if (std::find(seen.begin(), seen.end(), on) == seen.end()) {
        seen.push_back(on);
        e.conflicts.emplace_back(s, t);
      }
      break;
    }
    if (e.conflicts.size() == ExplainedPreemption::kConflictsShown) break;
  }
  return e;
}

}  // namespace

absl::StatusOr<Explanation> ExplainRun(const Target& target, const SimOptions& options,
                                       const std::vector<TokenDecision>& decisions,
                                       const DescribeWorld& describe) {
  SimOptions o = options;
  o.record_steps = true;
  o.trace = true;
  Explanation e{std::make_unique<Sim>(o), {}, {}};
  ReplayStrategy replay(decisions);
  replay.BeginExecution();
  e.sim->Reset(o);
  std::unique_ptr<World> world = target.build(*e.sim);
  Watcher watcher(&replay, world.get(), describe);
  e.sim->Run(watcher);
  watcher.Observe(*e.sim);
  replay.EndExecution(*e.sim);
  if (!replay.error().empty()) {
    return absl::FailedPreconditionError("replay diverged: " + replay.error());
  }
  e.objects = InvolvedObjects(*e.sim, watcher);
  for (const int64_t p : watcher.preemptions()) e.preemptions.push_back(Preemption(*e.sim, p));
  return e;
}

namespace {

std::string StepLine(const Sim& sim, int64_t i) {
  const StepRecord& s = sim.steps()[static_cast<size_t>(i)];
  std::string t = absl::StrCat("step ", i, " ", sim.actor(s.actor).name(), " ");
  if (s.func[0] != '\0') absl::StrAppend(&t, s.func, ": ");
  t += s.op;
  if (s.fp.object != kNoObject) absl::StrAppend(&t, " ", sim.ObjectName(s.fp.object));
  return t;
}

constexpr size_t kChangesShown = 3;

void FormatObject(const Sim& sim, const ExplainedObject& o, std::string* out) {
  absl::StrAppend(out, "  ", o.name,
                  o.scheduler ? "" : ": " + (o.state.empty() ? "(none)" : o.state), "\n");
  if (o.changes.empty()) {
    absl::StrAppend(out, "    unchanged during the run (as the workload set it up)\n");
    return;
  }
  const size_t first = o.changes.size() > kChangesShown ? o.changes.size() - kChangesShown : 0;
  if (first > 0) absl::StrAppend(out, "    (", first, " earlier changes)\n");
  for (size_t i = first; i < o.changes.size(); ++i) {
    const ObjectChange& c = o.changes[i];
    absl::StrAppend(out, "    ", i + 1 == o.changes.size() ? "last changed at " : "changed at ",
                    c.step >= 0 ? StepLine(sim, c.step) : "set-up", "\n");
    if (!o.scheduler) {
      absl::StrAppend(out, "      ", c.before.empty() ? "(none)" : c.before, "  ->  ",
                      c.after.empty() ? "(none)" : c.after, "\n");
    }
  }
}

void FormatPreemption(const Sim& sim, const ExplainedPreemption& p, std::string* out) {
  const std::string& who = sim.actor(p.preempted).name();
  absl::StrAppend(out, "  at ", StepLine(sim, p.step), "\n    while ", who, " could go on");
  if (p.resumed < 0) {
    absl::StrAppend(out, " (it never ran again)\n");
    return;
  }
  absl::StrAppend(out, " with ", StepLine(sim, p.resumed), "\n");
  if (p.conflicts.empty()) {
    absl::StrAppend(out, "    nothing ", who, " does later depends on what ran meanwhile\n");
    return;
  }
  absl::StrAppend(out, "    it moved these before ", who, "'s later steps that depend on them:\n");
  for (const auto& [s, t] : p.conflicts) {
    absl::StrAppend(out, "      ", StepLine(sim, s), "\n        before ", StepLine(sim, t), "\n");
  }
}

}  // namespace

std::string FormatExplanation(const Explanation& e, const std::string& protects) {
  const Sim& sim = *e.sim;
  const Violation& v = sim.violation();
  std::string out;
  if (!v.found()) {
    absl::StrAppend(&out, "no violation: the schedule ", sim.completed() ? "completes" : "ends",
                    " without one (", sim.steps().size(), " steps)\n");
  } else {
    absl::StrAppend(&out, "violation (", ViolationKindName(v.kind), "): ", v.message, "\n");
    if (!protects.empty()) absl::StrAppend(&out, "it protects: ", protects, "\n");
    if (v.step >= 0 && static_cast<size_t>(v.step) < sim.steps().size()) {
      absl::StrAppend(&out, "detected after ", StepLine(sim, v.step), "\n");
    }
  }
  if (!e.objects.empty()) absl::StrAppend(&out, "\nobjects involved, and who changed them:\n");
  for (const ExplainedObject& o : e.objects) FormatObject(sim, o, &out);
  absl::StrAppend(&out, "\nschedule: ", e.preemptions.size(),
                  e.preemptions.size() == 1 ? " preemption" : " preemptions", ", ",
                  sim.context_switches(), " context switches, ", sim.steps().size(), " steps\n");
  for (const ExplainedPreemption& p : e.preemptions) FormatPreemption(sim, p, &out);
  return out;
}

}  // namespace daxsim::sim
