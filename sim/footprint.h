// Footprints: what one scheduling step touches in shared simulated state. Two steps of
// different actors are dependent iff they touch the same object and are not both reads (or
// both shared acquires). DPOR, sleep sets and the Mazurkiewicz oracle all use Dependent().
#pragma once

#include <cstdint>

namespace daxsim::sim {

using ObjectId = uint32_t;
inline constexpr ObjectId kNoObject = 0;  // local step: independent of everything
// A step that observes or changes everything (a power failure): dependent with every step
// that touches any object.
inline constexpr ObjectId kAllObjects = 0xffffffffu;

enum class Access : uint8_t {
  kNone,           // local computation only
  kRead,           // load of shared state
  kWrite,          // store / read-modify-write
  kAcquire,        // exclusive lock acquisition (spin_lock, mutex_lock, down_write)
  kAcquireShared,  // shared acquisition (down_read): independent of other shared acquires
  kRelease,        // exclusive lock release (spin_unlock, mutex_unlock): may enable an acquirer
  kReleaseShared,  // up_read: commutes with other shared acquires and releases
  kWait,           // return from sleep on a wait queue / completion
  kWake,           // wake_up on a wait queue: may enable sleepers
};

const char* AccessName(Access a);

// One or two (object, access) pairs: a user load or store through a mapping reads the page
// table and touches the page in one atomic step (the MMU walk and the access cannot be split
// by a TLB shootdown), so it names both.
struct Footprint {
  ObjectId object = kNoObject;
  Access access = Access::kNone;
  ObjectId object2 = kNoObject;
  Access access2 = Access::kNone;
};

namespace footprint_internal {
inline bool Conflict(ObjectId o1, Access a1, ObjectId o2, Access a2) {
  if (o1 == kNoObject || o1 != o2) return false;
  if (a1 == Access::kRead && a2 == Access::kRead) return false;
  const bool shared1 = a1 == Access::kAcquireShared || a1 == Access::kReleaseShared;
  const bool shared2 = a2 == Access::kAcquireShared || a2 == Access::kReleaseShared;
  if (shared1 && shared2) return false;
  return true;
}
inline bool Acquires(Access a) {
  return a == Access::kAcquire || a == Access::kAcquireShared || a == Access::kWait;
}
}  // namespace footprint_internal

inline bool Dependent(const Footprint& a, const Footprint& b) {
  using footprint_internal::Conflict;
  if (a.object == kAllObjects) return b.object != kNoObject || b.object2 != kNoObject;
  if (b.object == kAllObjects) return a.object != kNoObject || a.object2 != kNoObject;
  return Conflict(a.object, a.access, b.object, b.access) ||
         Conflict(a.object, a.access, b.object2, b.access2) ||
         Conflict(a.object2, a.access2, b.object, b.access) ||
         Conflict(a.object2, a.access2, b.object2, b.access2);
}

// Whether `fp` names `object`, and with which access.
inline bool Names(const Footprint& fp, ObjectId object) {
  return object != kNoObject && (fp.object == object || fp.object2 == object);
}

// A release-like step on an object can never be co-enabled with an acquire-like step of
// another actor on it (the acquirer is blocked while the lock is held), so such pairs are
// never races to reverse, only happens-before edges.
inline bool MayBeCoEnabled(const Footprint& earlier, const Footprint& later) {
  using footprint_internal::Acquires;
  if (earlier.object != kNoObject && earlier.access == Access::kRelease &&
      ((later.object == earlier.object && Acquires(later.access)) ||
       (later.object2 == earlier.object && Acquires(later.access2)))) {
    return false;
  }
  if (earlier.object2 != kNoObject && earlier.access2 == Access::kRelease &&
      ((later.object == earlier.object2 && Acquires(later.access)) ||
       (later.object2 == earlier.object2 && Acquires(later.access2)))) {
    return false;
  }
  return true;
}

}  // namespace daxsim::sim
