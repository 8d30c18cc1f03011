// What the checker finds: one Violation ends an execution. `key` identifies the bug for
// shrinking and de-duplication (same kind + key = same bug); `message` is for people.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace daxsim::sim {

enum class ViolationKind : uint8_t {
  kNone,
  kDeadlock,       // every live actor blocked; wait-for cycle in the message
  kLostWakeup,     // at quiescence an actor sleeps on a condition that already holds
  kStepBudget,     // execution exceeded steps_max: livelock or unbounded loop
  kSleepInAtomic,  // might_sleep with a spinlock held or preemption disabled
  kLockOrder,      // lockdep: circular lock-class dependency (or recursive locking)
  kLockMisuse,     // unlock of a lock not held, lock held at actor exit
  kAssertion,      // DAXSIM_ASSERT in an actor failed
  kInvariant,      // a registered invariant predicate failed
};

const char* ViolationKindName(ViolationKind k);

struct Violation {
  ViolationKind kind = ViolationKind::kNone;
  std::string key;      // stable identity: invariant name, assertion text, lock classes
  std::string message;  // full report (wait-for cycle, operation stacks, ...)
  int64_t step = -1;    // step index at which it was detected
  // The world's objects it is about, in the world's names ("block 18", "pte T1 0x40001000"),
  // as the check named them with Sim::Involve (for `daxsim explain`); may be empty.
  std::vector<std::string> objects;

  bool found() const { return kind != ViolationKind::kNone; }
  std::string Signature() const;  // "<kind>:<key>"
};

}  // namespace daxsim::sim
