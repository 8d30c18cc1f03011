// Source-DPOR with sleep sets (Abdulla, Aronis, Jonsson, Sagonas, POPL 2014, Algorithm 1),
// stateless and iterative. Races are found after each execution with vector clocks; a race
// e -> e' adds an initial of notdep(e).e' to the backtrack set before e unless one is there.
// Sleep sets guarantee that no two complete executions are Mazurkiewicz-equivalent; the
// executions cut short because every enabled actor sleeps are counted as redundant.
// Locks: an acquire never races with the release it waits for (not co-enabled), so lock order
// races are the acquire/acquire ones; a reversal whose initials are all disabled is dropped.
// Choices (Sim::Choose) are explored exhaustively, like DFS. Partitioning: nodes above the split
// depth are fully expanded.
//
// With a preemption bound K the guarantee is: every Mazurkiewicz class that has an execution
// with at most K preemptions is explored (property-tested against bounded DFS on random
// programs, props/engine/bounded_dpor_property_test). A bound makes independent steps
// dependent (Coons, Musuvathi, McKinley, OOPSLA 2013): the representative DPOR would pick may
// exceed the bound while an equivalent one does not. So, bounded: (1) no sleep sets (a sleeping
// actor's class may have been explored only beyond the bound); (2) every dependent pair not
// ordered by program order is reversed, not only the latest race, and release/acquire pairs
// too (as Flanagan & Godefroid did), since the intermediate executions through which DPOR
// reaches earlier races may lie beyond the bound; (3) BPOR's conservative backtrack point: each
// reversal is also added at the last context switch before the race, where switching costs no
// more preemptions than the switch made there. Bounded DPOR never runs more executions than
// bounded DFS (each of its executions is a distinct schedule within the bound), but may run more
// than unbounded DPOR.
//
// Stateful (unbounded, with a StateModel; Yang, Chen, Gopalakrishnan, Kirby, SPIN 2008, on
// source sets): each scheduling node below the split depth is keyed by Sim::Key (up to the
// symmetry of interchangeable actors: recorded sleep sets and summaries use canonical names). When
// a node's subtree is finished, its state is recorded with its sleep set on arrival and its
// summary: every transition (actor, footprint) run from it on, its subtree's pruned states'
// summaries and the operations left pending at the ends of its executions. A later arrival at a
// recorded state whose sleep set contains the recorded one is not expanded again: the stateless
// search would explore from it a subset of what was explored there, so every execution it would run
// has its events in the summary. Those events' races with the current prefix are analyzed as
// if each came right after it (an over-approximation of the races); the reversal adds an
// initial that the prefix alone proves to be one, or, when the prefix cannot tell, every
// enabled actor at the race.
// Cycles (a retry that changed nothing returns to a state on the stack): an arrival at the
// state of a node still on the stack, with a sleep set containing that node's, ends the
// execution. What would follow is what that node's subtree explores from the same state, but
// its races with the steps around the cycle are never seen, so every node of the cycle is
// fully expanded (each enabled actor not asleep is explored there: the C3 cycle proviso of
// static partial-order reduction), and the nodes inside the cycle are never recorded as
// visited (their summaries lack what follows the cycle).
#pragma once

#include <vector>

#include "absl/container/flat_hash_map.h"
#include "sim/digest.h"
#include "sim/explore/search_strategy.h"

namespace daxsim::sim {

class DporStrategy : public SearchStrategy {
 public:
  DporStrategy(int preemptions_max, Partition partition, int split_depth, bool stateful = false);

  bool BeginExecution() override;
  void EndExecution(const Sim& sim) override;
  bool LastOwned() const override { return owned_; }
  bool LastRedundant() const override { return redundant_; }
  uint64_t LastKey() const override { return subtree_; }
  bool exhausted() const override { return exhausted_; }
  ActorId PickActor(const Sim& sim) override;
  int PickChoice(const Sim& sim, int n, const char* label) override;
  bool UsesVisibility() const override { return true; }

  int64_t races() const { return races_; }
  int64_t states() const override { return static_cast<int64_t>(states_.size()); }

 private:
  struct SleepEntry {
    ActorId actor;
    Footprint fp;
    uint64_t visible;  // StepRecord::visible of that step here
  };
  // A transition for state summaries: an actor's step with its footprint.
  struct Transition {
    ActorId actor;
    Footprint fp;
  };
  using Summary = std::vector<Transition>;  // sorted, unique
  struct StateInfo {
    uint64_t sleep_mask;  // intersection of the sleep sets of its finished visits
    uint32_t summary;     // index into summaries_
  };
  struct Node {
    bool choice = false;
    int n = 0;  // choice nodes: alternatives and current value
    int value = 0;
    std::vector<ActorId> enabled;    // scheduling nodes
    std::vector<Footprint> pending;  // each actor's next footprint here
    std::vector<SleepEntry> sleep;   // sleep set on arrival
    std::vector<ActorId> backtrack;  // every actor ever scheduled for exploration here
    std::vector<ActorId> done;       // explored here
    // StepRecord::visible of each actor's step from here, once run (kUnknownVisible before).
    std::vector<uint64_t> visible;
    ActorId chosen = kNoActor;
    ActorId prev = kNoActor;  // actor of the previous step, and whether it is enabled here
    bool prev_enabled = false;
    int preemptions = 0;  // preemptions before this node
    // Stateful: the state key (keyed nodes only), the sleep set on arrival as a mask, and the
    // summary of the transitions run from here on.
    bool keyed = false;
    bool in_cycle = false;  // inside a cycle closed below it: not recorded when finished
    StateKey key;
    std::vector<ActorId> perm;  // actor -> canonical name in `key` (Sim::key_perm); empty: same
    uint64_t sleep_mask = 0;    // canonical names
    Summary summary;
  };

  void ReachSplit();
  std::vector<SleepEntry> ChildSleep(const Node& node, ActorId p, uint64_t visible) const;
  void NoteChosenStep(const Sim& sim);
  bool Asleep(const Node& node, ActorId a) const;
  bool AllowedByBound(const Node& node, ActorId a) const;
  void AnalyzeRaces(const Sim& sim);
  void ExpandCutShort();
  int64_t PastFloor(int64_t prev, size_t q, const std::vector<std::vector<size_t>>& position) const;
  int64_t LatestSeen(int64_t prev, size_t p,
                     const std::vector<std::vector<size_t>>& position) const;
  void Reverse(size_t i, size_t j);
  size_t LastSwitchBefore(size_t ni) const;
  void SwitchPoints();  // fills switch_points_ (LastSwitchBefore) from nodes_
  void BoundedBacktrack(size_t ni, const std::vector<ActorId>& initials, ActorId want);
  bool Stateful(const Sim& sim) const;
  bool PruneAtVisited(const Sim& sim, Node* node);
  bool CloseCycle(const Node& node);
  void TruncateNodes(size_t n);
  void AddTransition(Node* node, ActorId a);
  void NoteEnd(const Sim& sim);
  void PopNode();
  static bool Less(const Transition& x, const Transition& y);
  static Summary Renamed(const Summary& s, const std::vector<ActorId>& name);
  Summary PrunedSummary() const;  // the pruned state's summary, in this execution's names
  static void MergeInto(const Summary& from, Summary* into);
  uint32_t Intern(Summary summary);

  int preemptions_max_;
  Partition partition_;
  int split_depth_;
  std::vector<Node> nodes_;
  std::vector<size_t> switch_points_;  // LastSwitchBefore(ni), during AnalyzeRaces
  size_t cursor_ = 0;
  std::vector<SleepEntry> next_sleep_;
  // The node whose chosen step ran last (its child's sleep set waits for that step's
  // visibility, known only once it has run); SIZE_MAX: none.
  size_t sleep_parent_ = SIZE_MAX;
  std::vector<size_t> step_node_;
  bool exhausted_ = false;
  bool owned_ = true;
  bool redundant_ = false;
  bool split_reached_ = false;
  size_t changed_depth_ = 0;
  uint64_t subtree_ = 0;
  uint64_t subtrees_ = 0;
  int64_t races_ = 0;
  bool stateful_ = false;
  int64_t pruned_summary_ = -1;        // the last execution ended at a visited state: its summary
  std::vector<ActorId> pruned_names_;  // canonical name -> actor, at that state
  absl::flat_hash_map<StateKey, StateInfo> states_;   // lookups only
  absl::flat_hash_map<StateKey, uint32_t> on_stack_;  // keyed nodes on the stack, by key
  std::vector<Summary> summaries_;
  absl::flat_hash_map<StateKey, uint32_t> summary_index_;  // lookups only
  size_t summary_from_ = SIZE_MAX;  // events_ from here on are a pruned state's summary
  // Race analysis scratch (per execution): vector clocks, flat [step * actors + actor].
  std::vector<StepRecord> events_;  // executed steps, then pending operations
  size_t executed_ = 0;
  std::vector<int32_t> vc_;
  std::vector<int32_t> index_in_actor_;
  std::vector<std::vector<size_t>> position_;  // actor -> its executed steps, ascending
  int actors_ = 0;
};

}  // namespace daxsim::sim
