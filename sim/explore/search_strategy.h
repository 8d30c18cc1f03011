// The interface every exploration strategy implements (one file per strategy: random.h,
// pct.h, dfs.h, dpor.h, replay.h), on top of the scheduler's per-decision Strategy.
//
// Partitioning (--jobs, --shard, Bazel test sharding): the search space is cut into numbered
// parts. Random and PCT number executions; DFS and DPOR number the subtrees below a split
// depth (above it every node is fully expanded, so every part sees the same top of the tree).
// A strategy explores only the parts p with p % parts == part; the union over all parts is
// exactly the unpartitioned run with the same split depth.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "sim/sim.h"

namespace daxsim::sim {

// Subtrees handed out to the threads of one process first come, first served (DFS and DPOR
// with --jobs): every thread walks the same fully expanded top of the tree, so all number the
// subtrees alike, and each subtree is explored by exactly one of them. Which thread explores a
// subtree depends on timing; what is explored, counted and reported does not.
class SubtreeClaims {
 public:
  bool Claim(uint64_t subtree) {
    std::lock_guard<std::mutex> lock(mu_);
    if (subtree >= claimed_.size()) claimed_.resize(subtree + 1, false);
    if (claimed_[subtree]) return false;
    claimed_[subtree] = true;
    return true;
  }

 private:
  std::mutex mu_;
  std::vector<bool> claimed_;
};

struct Partition {
  uint64_t part = 0;
  uint64_t parts = 1;
  SubtreeClaims* claims = nullptr;  // DFS/DPOR threads of one process: shared claims
  bool Owns(uint64_t key) const { return key % parts == part; }
  bool OwnsSubtree(uint64_t key) const {
    return Owns(key) && (claims == nullptr || claims->Claim(key));
  }
};

class SearchStrategy : public Strategy {
 public:
  // Prepares the next execution; false when the search space (within the bound) is exhausted.
  virtual bool BeginExecution() = 0;
  // Called after every execution with the finished (or abandoned) sim.
  virtual void EndExecution(const Sim& sim) = 0;
  // The last execution belongs to this partition and is to be counted.
  virtual bool LastOwned() const { return true; }
  // The last execution was cut short as redundant (sleep-set blocked).
  virtual bool LastRedundant() const { return false; }
  // Ordering key of the last execution (execution index, or subtree number): the first
  // violation by key is the reported one, independent of thread timing.
  virtual uint64_t LastKey() const = 0;
  // Every execution of the space (within the preemption bound) has been explored.
  virtual bool exhausted() const { return false; }
  // Distinct states seen (stateful search); 0 for stateless strategies.
  virtual int64_t states() const { return 0; }
  // Human-readable error (replay divergence); empty if none.
  virtual std::string error() const { return ""; }
};

}  // namespace daxsim::sim
