#include "sim/violation.h"

namespace daxsim::sim {

const char* ViolationKindName(ViolationKind k) {
  switch (k) {
    case ViolationKind::kNone:
      return "none";
    case ViolationKind::kDeadlock:
      return "deadlock";
    case ViolationKind::kLostWakeup:
      return "lost-wakeup";
    case ViolationKind::kStepBudget:
      return "step-budget";
    case ViolationKind::kSleepInAtomic:
      return "sleep-in-atomic";
    case ViolationKind::kLockOrder:
      return "lock-order";
    case ViolationKind::kLockMisuse:
      return "lock-misuse";
    case ViolationKind::kAssertion:
      return "assertion";
    case ViolationKind::kInvariant:
      return "invariant";
  }
  return "?";
}

std::string Violation::Signature() const {
  return std::string(ViolationKindName(kind)) + ":" + key;
}

}  // namespace daxsim::sim
