// Footprints: what one scheduling step touches in shared simulated state. Two steps of
// different actors are dependent iff they touch the same object and are not both reads (or
// both shared acquires). DPOR, sleep sets and the Mazurkiewicz oracle all use Dependent().
#pragma once

#include <cstdint>

namespace daxsim::sim {

using ObjectId = uint32_t;
inline constexpr ObjectId kNoObject = 0;  // local step: independent of everything

enum class Access : uint8_t {
  kNone,           // local computation only
  kRead,           // load of shared state
  kWrite,          // store / read-modify-write
  kAcquire,        // exclusive lock acquisition (spin_lock, mutex_lock, down_write)
  kAcquireShared,  // shared acquisition (down_read): independent of other shared acquires
  kRelease,        // lock release, complete(): may enable a blocked acquirer
  kWait,           // return from sleep on a wait queue / completion
  kWake,           // wake_up on a wait queue: may enable sleepers
};

const char* AccessName(Access a);

struct Footprint {
  ObjectId object = kNoObject;
  Access access = Access::kNone;
};

inline bool Dependent(Footprint a, Footprint b) {
  if (a.object == kNoObject || a.object != b.object) return false;
  if (a.access == Access::kRead && b.access == Access::kRead) return false;
  if (a.access == Access::kAcquireShared && b.access == Access::kAcquireShared) return false;
  return true;
}

// A release-like step on an object can never be co-enabled with an acquire-like step of
// another actor on it (the acquirer is blocked while the lock is held), so such pairs are
// never races to reverse, only happens-before edges.
inline bool MayBeCoEnabled(Footprint earlier, Footprint later) {
  const bool rel = earlier.access == Access::kRelease;
  const bool acq = later.access == Access::kAcquire || later.access == Access::kAcquireShared ||
                   later.access == Access::kWait;
  return !(rel && acq);
}

}  // namespace daxsim::sim
