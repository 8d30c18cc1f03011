#include "sim/explore/dpor.h"

#include <algorithm>
#include <bit>
#include <iterator>
#include <map>
#include <unordered_map>

#include "sim/check.h"

namespace daxsim::sim {

namespace {
bool Contains(const std::vector<ActorId>& v, ActorId a) {
  return std::find(v.begin(), v.end(), a) != v.end();
}

auto Tie(const Footprint& f) { return std::tie(f.object, f.access, f.object2, f.access2); }

// A step that has not run (yet) may be visible to any every-step invariant (a pending
// operation's is Sim::visible_all()).
constexpr uint64_t kUnknownVisible = ~uint64_t{0};

// Dependent footprints, or visible to one every-step invariant (Sim::AddInvariant).
bool DependentSteps(const Footprint& a, uint64_t va, const Footprint& b, uint64_t vb) {
  return Dependent(a, b) || (va & vb) != 0;
}

// Visibility as objects: bit k is a virtual object every step visible to invariant k writes.
constexpr ObjectId kVisibleObjectBase = kAllObjects - 64;
}  // namespace

DporStrategy::DporStrategy(int preemptions_max, Partition partition, int split_depth, bool stateful)
    : preemptions_max_(preemptions_max),
      partition_(partition),
      split_depth_(
          partition.parts > 1 || partition.claims != nullptr || split_depth > 0 ? split_depth : 0),
      stateful_(stateful && preemptions_max < 0) {}

bool DporStrategy::BeginExecution() {
  if (exhausted_) return false;
  cursor_ = 0;
  redundant_ = false;
  pruned_summary_ = -1;
  next_sleep_.clear();
  sleep_parent_ = SIZE_MAX;
  step_node_.clear();
  if (subtrees_ == 0 || changed_depth_ < static_cast<size_t>(split_depth_)) {
    split_reached_ = false;
    owned_ = true;
  }
  return true;
}

void DporStrategy::ReachSplit() {
  if (split_reached_) return;
  split_reached_ = true;
  subtree_ = subtrees_++;
  owned_ = partition_.OwnsSubtree(subtree_);
}

bool DporStrategy::Asleep(const Node& node, ActorId a) const {
  return std::any_of(node.sleep.begin(), node.sleep.end(),
                     [a](const SleepEntry& e) { return e.actor == a; });
}

bool DporStrategy::AllowedByBound(const Node& node, ActorId a) const {
  if (preemptions_max_ < 0) return true;
  const bool preempts = node.prev_enabled && a != node.prev;
  return !preempts || node.preemptions < preemptions_max_;
}

std::vector<DporStrategy::SleepEntry> DporStrategy::ChildSleep(const Node& node, ActorId p,
                                                               uint64_t visible) const {
  std::vector<SleepEntry> out;
  if (preemptions_max_ >= 0) return out;  // no sleep sets under a bound (dpor.h)
  const Footprint fp = node.pending[p];
  for (const SleepEntry& e : node.sleep) {
    if (e.actor != p && !DependentSteps(e.fp, e.visible, fp, visible)) out.push_back(e);
  }
  for (ActorId q : node.done) {
    const uint64_t vq = node.visible[q];
    if (q != p && !DependentSteps(node.pending[q], vq, fp, visible)) {
      out.push_back({q, node.pending[q], vq});
    }
  }
  return out;
}

// The step chosen at sleep_parent_ has run: its visibility is known, and with it the sleep set
// of the node after it.
void DporStrategy::NoteChosenStep(const Sim& sim) {
  if (sleep_parent_ == SIZE_MAX) return;
  Node& node = nodes_[sleep_parent_];
  sleep_parent_ = SIZE_MAX;
  const bool ran = !sim.steps().empty() && sim.steps().back().actor == node.chosen;
  const uint64_t visible = ran ? sim.steps().back().visible : kUnknownVisible;
  node.visible[node.chosen] = visible;
  next_sleep_ = ChildSleep(node, node.chosen, visible);
}

ActorId DporStrategy::PickActor(const Sim& sim) {
  NoteChosenStep(sim);
  if (cursor_ >= static_cast<size_t>(split_depth_)) ReachSplit();
  if (!owned_) return kNoActor;
  if (cursor_ < nodes_.size()) {
    const Node& node = nodes_[cursor_];
    DAXSIM_CHECK_MSG(!node.choice, "DPOR replay diverged: expected a choice");
    DAXSIM_CHECK_MSG(sim.IsEnabled(node.chosen), "DPOR replay diverged: actor not enabled");
    sleep_parent_ = cursor_;
    step_node_.push_back(cursor_++);
    return node.chosen;
  }
  Node node;
  node.enabled = sim.enabled();
  node.pending.resize(static_cast<size_t>(sim.num_actors()));
  node.visible.assign(static_cast<size_t>(sim.num_actors()), kUnknownVisible);
  for (ActorId a = 0; a < sim.num_actors(); ++a) node.pending[a] = sim.actor(a).pending().fp;
  node.sleep = std::move(next_sleep_);
  node.prev = sim.last_actor();
  node.prev_enabled = node.prev != kNoActor && sim.IsEnabled(node.prev);
  node.preemptions = sim.preemptions();
  if (Stateful(sim) && PruneAtVisited(sim, &node)) {
    redundant_ = true;  // a visited state: its summary stands for its subtree
    return kNoActor;
  }
  if (node.keyed && CloseCycle(node)) {
    redundant_ = true;  // the state of a node on the stack: that node's subtree stands for it
    return kNoActor;
  }
  std::vector<ActorId> candidates;
  for (ActorId a : node.enabled) {
    if (!Asleep(node, a) && AllowedByBound(node, a)) candidates.push_back(a);
  }
  if (candidates.empty()) {
    redundant_ = true;  // sleep-set blocked: every continuation was explored elsewhere
    return kNoActor;
  }
  const ActorId p = Contains(candidates, node.prev) ? node.prev : candidates.front();
  if (cursor_ < static_cast<size_t>(split_depth_)) {
    node.backtrack = candidates;
    std::stable_partition(node.backtrack.begin(), node.backtrack.end(),
                          [p](ActorId a) { return a == p; });
  } else {
    node.backtrack = {p};
  }
  node.chosen = p;
  AddTransition(&node, p);
  if (node.keyed) on_stack_[node.key]++;
  nodes_.push_back(std::move(node));
  sleep_parent_ = cursor_;
  step_node_.push_back(cursor_++);
  return p;
}

int DporStrategy::PickChoice(const Sim&, int n, const char*) {
  if (cursor_ < nodes_.size()) {
    const Node& node = nodes_[cursor_++];
    DAXSIM_CHECK_MSG(node.choice && node.n == n, "DPOR replay diverged at a choice");
    return node.value;
  }
  Node node;
  node.choice = true;
  node.n = n;
  nodes_.push_back(std::move(node));
  cursor_++;
  return 0;
}

void DporStrategy::EndExecution(const Sim& sim) {
  NoteChosenStep(sim);
  next_sleep_.clear();
  ReachSplit();
  if (owned_) {
    AnalyzeRaces(sim);
    if (sim.unfair() || sim.violation().found()) ExpandCutShort();
  } else if (nodes_.size() > static_cast<size_t>(split_depth_)) {
    TruncateNodes(static_cast<size_t>(split_depth_));
  }
  if (nodes_.size() > cursor_) TruncateNodes(cursor_);
  if (owned_ && stateful_) NoteEnd(sim);
  while (!nodes_.empty()) {
    Node& node = nodes_.back();
    if (node.choice) {
      if (++node.value < node.n) break;
      PopNode();
      continue;
    }
    node.done.push_back(node.chosen);
    node.chosen = kNoActor;
    for (ActorId a : node.backtrack) {
      if (!Contains(node.done, a) && !Asleep(node, a) && AllowedByBound(node, a)) {
        node.chosen = a;
        break;
      }
    }
    if (node.chosen != kNoActor) {
      AddTransition(&node, node.chosen);
      break;
    }
    PopNode();
  }
  changed_depth_ = nodes_.empty() ? 0 : nodes_.size() - 1;
  if (nodes_.empty()) exhausted_ = true;
}

// An execution ended as unfair (a retry loop ran out of attempts) or by a violation stops
// before the other actors ran the steps that would race with the last ones: their races are
// never seen, and a class where they run earlier would be missed (the property tests found
// both: a waiter's first attempt, then the setter, within one preemption; an actor reported
// sleeping with a spinlock held before the actor that sets its flag ran). Every node of it is
// fully expanded (within the bound; sleeping actors stay asleep), as for a cycle (CloseCycle).
void DporStrategy::ExpandCutShort() {
  for (size_t ni = static_cast<size_t>(split_depth_); ni < nodes_.size() && ni < cursor_; ++ni) {
    Node& n = nodes_[ni];
    if (n.choice) continue;
    for (ActorId a : n.enabled) {
      if (!Contains(n.backtrack, a) && !Asleep(n, a) && AllowedByBound(n, a)) {
        n.backtrack.push_back(a);
      }
    }
  }
}

// Races are checked for every executed step and, as Flanagan & Godefroid do for every
// process, for the pending operation of every actor that has not finished: an operation that
// never ran (blocked at a deadlock, or cut off by a violation) still races with the steps that
// kept it from running, and reversing those races is how the other deadlocks are found.
void DporStrategy::AnalyzeRaces(const Sim& sim) {
  const std::vector<StepRecord>& steps = sim.steps();
  const size_t m = std::min(steps.size(), step_node_.size());
  actors_ = sim.num_actors();
  events_.assign(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(m));
  executed_ = m;
  for (ActorId a = 0; a < sim.num_actors(); ++a) {
    const Actor& actor = sim.actor(a);
    // Killed by a power failure: its next operation never ran but could have.
    if ((!actor.done() || actor.killed()) &&
        (actor.pending().fp.object != kNoObject || actor.pending().fp.object2 != kNoObject)) {
      events_.push_back({a, actor.pending().op, "", actor.pending().fp, sim.visible_all()});
    }
  }
  summary_from_ = SIZE_MAX;
  if (pruned_summary_ >= 0) {
    summary_from_ = events_.size();
    for (const Transition& t : PrunedSummary()) {
      events_.push_back({t.actor, "summary", "", t.fp, sim.visible_all()});
    }
  }
  SwitchPoints();
  const size_t A = static_cast<size_t>(actors_);
  const size_t total = events_.size();
  vc_.assign(total * A, 0);
  index_in_actor_.assign(total, 0);
  std::vector<int32_t> count(A, 0);
  std::vector<int64_t> last(A, -1);
  position_.assign(A, {});
  const std::vector<std::vector<size_t>>& position = position_;
  // Per object: non-shared accesses, and the reads / shared acquires since the last of them
  // (earlier ones happen-before it). Lookups only: iteration order never matters.
  struct Accesses {
    std::vector<size_t> exclusive, reads, shared;
    // Bounded: every access, never pruned, per actor.
    std::vector<std::vector<size_t>> by_actor;
  };
  const bool bounded = preemptions_max_ >= 0;
  std::unordered_map<ObjectId, Accesses> accesses;
  std::vector<int32_t> covered(A);
  std::vector<size_t> candidates, merged;  // merged: add()'s buffer, reused
  std::vector<size_t> global;              // kAllObjects steps so far
  std::vector<std::pair<ObjectId, Access>> parts;
  for (size_t j = 0; j < total; ++j) {
    const StepRecord& sj = events_[j];
    const bool pending = j >= m;
    const size_t q = static_cast<size_t>(sj.actor);
    int32_t* vj = &vc_[j * A];
    if (last[q] >= 0) std::copy_n(&vc_[static_cast<size_t>(last[q]) * A], A, vj);
    index_in_actor_[j] = count[q];
    if (!pending) count[q]++;
    // Its objects: the footprint's, and one virtual object per invariant it is visible to.
    parts.assign({{sj.fp.object, sj.fp.access}, {sj.fp.object2, sj.fp.access2}});
    for (uint64_t v = sj.visible; v != 0; v &= v - 1) {
      parts.emplace_back(kVisibleObjectBase + static_cast<ObjectId>(std::countr_zero(v)),
                         Access::kWrite);
    }
    const bool single = sj.fp.object2 == kNoObject && sj.visible == 0;
    candidates.clear();
    // Each source below is in ascending step order: merged as they come (linear), not sorted.
    using It = std::vector<size_t>::const_iterator;
    auto add_range = [&candidates, &merged](It begin, It end) {
      if (candidates.empty()) {
        candidates.assign(begin, end);
        return;
      }
      merged.clear();
      std::merge(candidates.begin(), candidates.end(), begin, end, std::back_inserter(merged));
      candidates.swap(merged);
    };
    auto add = [&add_range](const std::vector<size_t>& run) { add_range(run.begin(), run.end()); };
    const bool is_global = sj.fp.object == kAllObjects;
    if (is_global) {
      for (size_t i = 0; i < j && i < m; ++i) candidates.push_back(i);
    } else if (sj.fp.object != kNoObject || sj.fp.object2 != kNoObject) {
      add(global);
    }
    for (const auto& [object, access] : parts) {
      if (object == kNoObject || object == kAllObjects) continue;
      Accesses& acc = accesses[object];
      if (bounded) {
        // Only other actors' accesses that do not happen-before q's previous step: the rest
        // neither race with j nor add to its clock (see PastFloor).
        acc.by_actor.resize(A);
        for (size_t p = 0; p < A; ++p) {
          if (p == q) continue;
          const std::vector<size_t>& run = acc.by_actor[p];
          const int64_t seen = LatestSeen(last[q], p, position);
          add_range(seen < 0 ? run.begin()
                             : std::upper_bound(run.begin(), run.end(), static_cast<size_t>(seen)),
                    run.end());
        }
        continue;
      }
      // Shared ones (all after the last exclusive access), then exclusive ones.
      if (access != Access::kRead) add(acc.reads);
      if (access != Access::kAcquireShared && access != Access::kReleaseShared) add(acc.shared);
      add(acc.exclusive);
    }
    if (!candidates.empty()) {
      // Latest first, each once.
      std::reverse(candidates.begin(), candidates.end());
      candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
      const bool plain =
          single && (sj.fp.access == Access::kRead || sj.fp.access == Access::kWrite);
      std::fill(covered.begin(), covered.end(), 0);
      const int64_t floor = PastFloor(last[q], q, position);
      // i races j unless i happens-before j through program order or through a later
      // co-enabled dependent step. Past a co-enabled plain write to j's only object,
      // everything earlier is ordered before that write: stop there.
      for (const size_t i : candidates) {
        if (static_cast<int64_t>(i) < floor) break;
        const StepRecord& si = events_[i];
        if (!DependentSteps(si.fp, si.visible, sj.fp, sj.visible)) continue;
        if (si.actor != sj.actor) {
          const int32_t* vi = &vc_[i * A];
          for (size_t a = 0; a < A; ++a) vj[a] = std::max(vj[a], vi[a]);
          // Under a bound a release/acquire pair is a race too (as in Flanagan & Godefroid):
          // reversing it runs the acquirer's earlier steps before the release, which may be the
          // only way to reach a class within the bound. It orders nothing for the races
          // further back (the acquire/acquire ones), so it does not cover them.
          const bool co_enabled = MayBeCoEnabled(si.fp, sj.fp);
          if (preemptions_max_ < 0 && !co_enabled) continue;
          const size_t p = static_cast<size_t>(si.actor);
          const bool before =
              (last[q] >= 0 && vc_[static_cast<size_t>(last[q]) * A + p] > index_in_actor_[i]) ||
              (!bounded && covered[p] > index_in_actor_[i]);
          if (!before) Reverse(i, j);
          if (!co_enabled) continue;
          for (size_t a = 0; a < A; ++a) covered[a] = std::max(covered[a], vi[a]);
        }
        if (!bounded && plain && si.fp.object2 == kNoObject && si.fp.access == Access::kWrite) {
          break;
        }
      }
    }
    if (!pending && is_global) global.push_back(j);
    if (!pending) {  // pending operations are never in anyone's past
      for (const auto& [object, access] : parts) {
        if (object == kNoObject || object == kAllObjects) continue;
        Accesses& acc = accesses[object];
        if (bounded) {
          acc.by_actor.resize(A);
          acc.by_actor[q].push_back(j);
        }
        if (access == Access::kRead) {
          acc.reads.push_back(j);
        } else if (access == Access::kAcquireShared || access == Access::kReleaseShared) {
          acc.shared.push_back(j);
        } else {
          // Everything before a write to this object happens-before it, and it is co-enabled
          // with (so covers) any later access: only accesses from it on can still race.
          acc.reads.clear();
          acc.shared.clear();
          if (access == Access::kWrite) acc.exclusive.clear();
          acc.exclusive.push_back(j);
        }
      }
    }
    if (pending) continue;
    vj[q] = index_in_actor_[j] + 1;
    last[q] = static_cast<int64_t>(j);
    position_[q].push_back(j);
  }
}

// Every step before the returned index happens-before `prev` (actor q's previous step), or is
// q's own: for each other actor p, the latest of p's steps in prev's past is at or after it.
// Such a step i is no race with q's next step (i happens-before it), and merging its clock
// changes nothing (vc[i] <= vc[prev]); so is every earlier step of i's actor, and the plain-write
// cut-off only stops a scan that would find nothing more. The race scan stops there: without
// it, every step pays for every earlier access to its object, quadratic in a long execution.
int64_t DporStrategy::PastFloor(int64_t prev, size_t q,
                                const std::vector<std::vector<size_t>>& position) const {
  int64_t floor = INT64_MAX;
  for (size_t p = 0; p < static_cast<size_t>(actors_); ++p) {
    if (p == q) continue;
    const int64_t seen = LatestSeen(prev, p, position);
    if (seen < 0) return -1;
    floor = std::min(floor, seen);
  }
  return floor == INT64_MAX ? -1 : floor;
}

// The step index of actor p's latest step that happens-before step `prev`, or -1.
int64_t DporStrategy::LatestSeen(int64_t prev, size_t p,
                                 const std::vector<std::vector<size_t>>& position) const {
  if (prev < 0) return -1;
  const int32_t seen = vc_[static_cast<size_t>(prev) * static_cast<size_t>(actors_) + p];
  return seen <= 0 ? -1 : static_cast<int64_t>(position[p][static_cast<size_t>(seen) - 1]);
}

// Race i -> j: make an initial of notdep(i).j explorable before i.
void DporStrategy::Reverse(size_t i, size_t j) {
  races_++;
  const size_t ni = step_node_[i];
  if (ni < static_cast<size_t>(split_depth_)) return;  // fully expanded already
  const std::vector<StepRecord>& steps = events_;
  const size_t A = static_cast<size_t>(actors_);
  const size_t pi = static_cast<size_t>(steps[i].actor);
  const int32_t ii = index_in_actor_[i];
  // Per actor, its first step after i that does not happen after i: an actor's steps that
  // happen after i are a suffix of its steps, so that is its first step after i, if any.
  std::vector<int64_t> first(A, -1);
  for (size_t b = 0; b < A; ++b) {
    const std::vector<size_t>& run = position_[b];
    const auto it = std::upper_bound(run.begin(), run.end(), i);
    if (it == run.end()) continue;
    const size_t k = *it;
    if (k < j && k < executed_ && vc_[k * A + pi] <= ii) first[b] = static_cast<int64_t>(k);
  }
  const size_t q = static_cast<size_t>(steps[j].actor);
  // A summary event comes after the prefix, but not necessarily right after it: whether its
  // actor is an initial of the reversal is unknown unless the prefix shows one of its steps.
  const bool summary = j >= summary_from_;
  if (first[q] < 0 && !summary) first[q] = static_cast<int64_t>(j);
  std::vector<ActorId> initials;
  for (size_t b = 0; b < A; ++b) {
    if (first[b] < 0) continue;
    const size_t k = static_cast<size_t>(first[b]);
    bool initial = true;
    for (size_t a = 0; a < A && initial; ++a) {
      if (a == b || first[a] < 0) continue;
      if (vc_[k * A + a] > index_in_actor_[static_cast<size_t>(first[a])]) initial = false;
    }
    if (initial) initials.push_back(static_cast<ActorId>(b));
  }
  const ActorId want = steps[j].actor;
  if (preemptions_max_ < 0) {
    Node& node = nodes_[ni];
    for (ActorId a : initials) {
      if (Contains(node.backtrack, a) || Asleep(node, a)) return;
    }
    ActorId pick = Contains(initials, want) && Contains(node.enabled, want) ? want : kNoActor;
    for (size_t k = 0; k < initials.size() && pick == kNoActor; ++k) {
      if (Contains(node.enabled, initials[k])) pick = initials[k];
    }
    if (pick != kNoActor) {
      node.backtrack.push_back(pick);
    } else if (summary) {  // the initials are not known: every enabled actor
      for (ActorId a : node.enabled) {
        if (!Contains(node.backtrack, a) && !Asleep(node, a)) node.backtrack.push_back(a);
      }
    }  // else infeasible: i enabled it
    return;
  }
  // Bounded POR (Coons, Musuvathi, McKinley, OOPSLA 2013): the bound makes steps dependent
  // that are not, so add the reversal where the race is (if the bound allows it there) and,
  // always, conservatively at the last context switch before it, where switching costs no more
  // preemptions than the switch that was made there.
  BoundedBacktrack(ni, initials, want);
  const size_t k = LastSwitchBefore(ni);
  if (k != ni) BoundedBacktrack(k, {}, want);
}

// The latest scheduling node before `ni` at which the running actor changed (the first
// scheduling node if none), or `ni` if there is none before it: the latest k < ni, not a choice
// node, where the actor running at ni (its `prev`) was switched to, or where nothing ran before.
// Precomputed for every node in one pass (SwitchPoints); a walk back from each race's node was
// quadratic in the length of one actor's run.
size_t DporStrategy::LastSwitchBefore(size_t ni) const {
  DAXSIM_CHECK(switch_points_.size() == nodes_.size());
  return switch_points_[ni];
}

void DporStrategy::SwitchPoints() {
  switch_points_.assign(nodes_.size(), 0);
  std::map<ActorId, size_t> switched_to;  // actor -> latest node that switched to it
  size_t first_step = SIZE_MAX;           // latest node with nothing run before it
  for (size_t ni = 0; ni < nodes_.size(); ++ni) {
    const ActorId after = nodes_[ni].prev;
    size_t k = first_step;
    if (auto it = switched_to.find(after); it != switched_to.end()) {
      k = k == SIZE_MAX ? it->second : std::max(k, it->second);
    }
    switch_points_[ni] = k == SIZE_MAX ? ni : k;
    const Node& node = nodes_[ni];
    if (node.choice) continue;
    if (node.prev != node.chosen) switched_to[node.chosen] = ni;
    if (node.prev == kNoActor) first_step = ni;
  }
}

// Makes one of `initials` (or, with none given, `want`) explored at node `ni` within the bound;
// when none of them can run there, every enabled actor the bound allows.
void DporStrategy::BoundedBacktrack(size_t ni, const std::vector<ActorId>& initials, ActorId want) {
  Node& node = nodes_[ni];
  const std::vector<ActorId> wanted = initials.empty() ? std::vector<ActorId>{want} : initials;
  auto usable = [&](ActorId a) { return Contains(node.enabled, a) && AllowedByBound(node, a); };
  for (ActorId a : wanted) {
    if (Contains(node.backtrack, a) && usable(a)) return;
  }
  ActorId pick = Contains(wanted, want) && usable(want) ? want : kNoActor;
  for (size_t k = 0; k < wanted.size() && pick == kNoActor; ++k) {
    if (usable(wanted[k])) pick = wanted[k];
  }
  if (pick != kNoActor) {
    node.backtrack.push_back(pick);
    return;
  }
  for (ActorId a : node.enabled) {
    if (AllowedByBound(node, a) && !Contains(node.backtrack, a)) node.backtrack.push_back(a);
  }
}

// ---- Stateful DPOR (dpor.h) ----

bool DporStrategy::Stateful(const Sim& sim) const {
  return stateful_ && sim.has_state_model() && sim.num_actors() <= 64 &&
         cursor_ >= static_cast<size_t>(split_depth_);
}

// The cycle proviso (dpor.h): `node` (not yet pushed) has the state of a node on the stack
// whose sleep set it contains. Every node from that one down is fully expanded, and the ones
// below it are marked as inside the cycle.
bool DporStrategy::CloseCycle(const Node& node) {
  if (!on_stack_.contains(node.key)) return false;
  size_t k = nodes_.size();
  auto closes = [&node](const Node& n) {
    return n.keyed && n.key == node.key && (n.sleep_mask & ~node.sleep_mask) == 0;
  };
  while (k > 0 && !closes(nodes_[k - 1])) --k;
  if (k-- == 0) return false;
  for (size_t j = k; j < nodes_.size(); ++j) {
    Node& n = nodes_[j];
    if (n.choice) continue;
    if (j > k) n.in_cycle = true;
    for (ActorId a : n.enabled) {
      if (!Contains(n.backtrack, a) && !Asleep(n, a)) n.backtrack.push_back(a);
    }
  }
  return true;
}

void DporStrategy::TruncateNodes(size_t n) {
  while (nodes_.size() > n) {
    const Node& node = nodes_.back();
    if (node.keyed) {
      const auto it = on_stack_.find(node.key);
      if (--it->second == 0) on_stack_.erase(it);
    }
    nodes_.pop_back();
  }
}

bool DporStrategy::PruneAtVisited(const Sim& sim, Node* node) {
  node->keyed = true;
  node->key = sim.Key(/*with_preemptions=*/false);
  const std::vector<ActorId>& perm = sim.key_perm();
  bool identity = true;
  for (size_t a = 0; a < perm.size(); ++a) identity &= perm[a] == static_cast<ActorId>(a);
  if (!identity) node->perm = perm;
  for (const SleepEntry& e : node->sleep) {
    node->sleep_mask |= uint64_t{1} << (identity ? e.actor : perm[static_cast<size_t>(e.actor)]);
  }
  const auto it = states_.find(node->key);
  if (it == states_.end() || (it->second.sleep_mask & ~node->sleep_mask) != 0) return false;
  pruned_summary_ = it->second.summary;
  pruned_names_.clear();
  if (!identity) {
    pruned_names_.resize(perm.size());
    for (size_t a = 0; a < perm.size(); ++a) {
      pruned_names_[static_cast<size_t>(perm[a])] = static_cast<ActorId>(a);
    }
  }
  return true;
}

DporStrategy::Summary DporStrategy::PrunedSummary() const {
  const Summary& s = summaries_[static_cast<size_t>(pruned_summary_)];
  return pruned_names_.empty() ? s : Renamed(s, pruned_names_);
}

DporStrategy::Summary DporStrategy::Renamed(const Summary& s, const std::vector<ActorId>& name) {
  Summary out;
  out.reserve(s.size());
  for (const Transition& t : s) out.push_back({name[static_cast<size_t>(t.actor)], t.fp});
  std::sort(out.begin(), out.end(), Less);
  return out;
}

void DporStrategy::AddTransition(Node* node, ActorId a) {
  if (!stateful_) return;
  const Transition t{a, node->pending[static_cast<size_t>(a)]};
  Summary& s = node->summary;
  const auto it = std::lower_bound(s.begin(), s.end(), t, Less);
  if (it == s.end() || Less(t, *it)) s.insert(it, t);
}

// The end of an execution belongs to its last node's subtree: the operations left pending
// (deadlock, violation, power failure) and the summary of the visited state it stopped at.
void DporStrategy::NoteEnd(const Sim& sim) {
  if (nodes_.empty()) return;
  Summary end;
  for (ActorId a = 0; a < sim.num_actors(); ++a) {
    const Actor& actor = sim.actor(a);
    if ((!actor.done() || actor.killed()) &&
        (actor.pending().fp.object != kNoObject || actor.pending().fp.object2 != kNoObject)) {
      MergeInto({{a, actor.pending().fp}}, &end);
    }
  }
  if (pruned_summary_ >= 0) MergeInto(PrunedSummary(), &end);
  MergeInto(end, &nodes_.back().summary);
}

// A finished node: its state is recorded (stateful) and its summary passed to its parent.
void DporStrategy::PopNode() {
  Node& node = nodes_.back();
  if (stateful_) {
    if (node.keyed && !node.in_cycle) {
      // Recorded under canonical names.
      const Summary canonical = node.perm.empty() ? node.summary : Renamed(node.summary, node.perm);
      const auto [it, fresh] = states_.try_emplace(node.key, StateInfo{node.sleep_mask, 0});
      if (fresh) {
        it->second.summary = Intern(canonical);
      } else {
        it->second.sleep_mask &= node.sleep_mask;
        Summary both = summaries_[it->second.summary];
        MergeInto(canonical, &both);
        it->second.summary = Intern(std::move(both));
      }
    }
    if (nodes_.size() >= 2) MergeInto(node.summary, &nodes_[nodes_.size() - 2].summary);
  }
  TruncateNodes(nodes_.size() - 1);
}

bool DporStrategy::Less(const Transition& x, const Transition& y) {
  if (x.actor != y.actor) return x.actor < y.actor;
  return Tie(x.fp) < Tie(y.fp);
}

void DporStrategy::MergeInto(const Summary& from, Summary* into) {
  if (from.empty()) return;
  Summary out;
  out.reserve(from.size() + into->size());
  std::set_union(into->begin(), into->end(), from.begin(), from.end(), std::back_inserter(out),
                 Less);
  *into = std::move(out);
}

// Equal summaries share one copy (most states near the leaves have few distinct ones).
uint32_t DporStrategy::Intern(Summary summary) {
  StateKey k{0x5a11, 0x3c0de};
  for (const Transition& t : summary) {
    for (uint64_t v : {static_cast<uint64_t>(t.actor), static_cast<uint64_t>(t.fp.object),
                       static_cast<uint64_t>(t.fp.access), static_cast<uint64_t>(t.fp.object2),
                       static_cast<uint64_t>(t.fp.access2)}) {
      k.a = Mix(k.a, v);
      k.b = Mix(k.b ^ 0xd6e8feb86659fd93ULL, v);
    }
  }
  const auto [it, fresh] = summary_index_.try_emplace(k, static_cast<uint32_t>(summaries_.size()));
  if (fresh) summaries_.push_back(std::move(summary));
  return it->second;
}

}  // namespace daxsim::sim
