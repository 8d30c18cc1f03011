#include "sim/explore/dfs.h"

#include "sim/check.h"

namespace daxsim::sim {

DfsStrategy::DfsStrategy(int preemptions_max, Partition partition, int split_depth, bool stateful)
    : preemptions_max_(preemptions_max),
      stateful_(stateful),
      partition_(partition),
      split_depth_(
          partition.parts > 1 || partition.claims != nullptr || split_depth > 0 ? split_depth : 0) {
}

bool DfsStrategy::BeginExecution() {
  if (exhausted_) return false;
  cursor_ = 0;
  pruned_ = false;
  // A new subtree starts when the backtracked node lies above the split depth.
  if (subtrees_ == 0 || changed_depth_ < static_cast<size_t>(split_depth_)) {
    split_reached_ = false;
    owned_ = true;
  }
  return true;
}

void DfsStrategy::ReachSplit() {
  if (split_reached_) return;
  split_reached_ = true;
  subtree_ = subtrees_++;
  owned_ = partition_.OwnsSubtree(subtree_);
}

ActorId DfsStrategy::PickActor(const Sim& sim) {
  if (cursor_ >= static_cast<size_t>(split_depth_)) ReachSplit();
  if (!owned_) return kNoActor;
  if (cursor_ < stack_.size()) {
    const Node& n = stack_[cursor_++];
    return n.alts[n.pos];
  }
  if (stateful_ && sim.has_state_model() &&
      !visited_.insert(sim.Key(preemptions_max_ >= 0)).second) {
    pruned_ = true;
    return kNoActor;
  }
  Node n;
  const ActorId last = sim.last_actor();
  const bool last_enabled = last != kNoActor && sim.IsEnabled(last);
  if (last_enabled) n.alts.push_back(last);
  const bool may_preempt = preemptions_max_ < 0 || sim.preemptions() < preemptions_max_;
  if (!last_enabled || may_preempt) {
    for (ActorId a : sim.enabled()) {
      if (a != last || !last_enabled) n.alts.push_back(a);
    }
  }
  stack_.push_back(std::move(n));
  cursor_++;
  return stack_.back().alts[0];
}

int DfsStrategy::PickChoice(const Sim&, int n, const char*) {
  if (cursor_ < stack_.size()) {
    const Node& node = stack_[cursor_++];
    DAXSIM_CHECK(static_cast<int>(node.alts.size()) == n);
    return node.alts[node.pos];
  }
  Node node;
  for (int v = 0; v < n; ++v) node.alts.push_back(v);
  stack_.push_back(std::move(node));
  cursor_++;
  return 0;
}

void DfsStrategy::EndExecution(const Sim& sim) {
  ReachSplit();  // an execution that ends above the split depth is a subtree of its own
  // Not owned: skip the whole subtree below the split depth.
  if (!owned_ && stack_.size() > static_cast<size_t>(split_depth_)) {
    stack_.resize(static_cast<size_t>(split_depth_));
  }
  stack_.resize(cursor_ < stack_.size() ? cursor_ : stack_.size());
  while (!stack_.empty()) {
    Node& top = stack_.back();
    if (++top.pos < top.alts.size()) break;
    stack_.pop_back();
  }
  changed_depth_ = stack_.empty() ? 0 : stack_.size() - 1;
  if (stack_.empty()) exhausted_ = true;
}

}  // namespace daxsim::sim
