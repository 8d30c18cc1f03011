#include "sim/check.h"
#include "sim/sync/mutex.h"
#include "sim/sync/spinlock.h"

namespace daxsim::sim {

namespace {
std::string DescribeLock(const Sim& sim, const char* kind, ObjectId id, ActorId owner) {
  std::string s = std::string(kind) + " " + sim.ObjectName(id);
  if (owner != kNoActor) s += " held by " + sim.actor(owner).name();
  return s;
}
}  // namespace

std::string Spinlock::Describe(const Sim& sim) const {
  return DescribeLock(sim, "spinlock", id_, owner_);
}

void Spinlock::Acquired() {
  DAXSIM_CHECK(owner_ == kNoActor);
  owner_ = sim_->self_id();
  sim_->NoteAcquire(id_, class_, /*spin=*/true);
}

void Spinlock::Released() {
  if (owner_ != sim_->self_id()) {
    sim_->Report(ViolationKind::kLockMisuse, "spin_unlock by non-owner",
                 sim_->self().name() + " unlocks " + sim_->ObjectName(id_) + " it does not hold");
    return;
  }
  owner_ = kNoActor;
  sim_->NoteRelease(id_);
}

std::string Mutex::Describe(const Sim& sim) const {
  return DescribeLock(sim, "mutex", id_, owner_);
}

void Mutex::Acquired() {
  DAXSIM_CHECK(owner_ == kNoActor);
  owner_ = sim_->self_id();
  sim_->NoteAcquire(id_, class_, /*spin=*/false);
}

void Mutex::Released() {
  if (owner_ != sim_->self_id()) {
    sim_->Report(ViolationKind::kLockMisuse, "mutex_unlock by non-owner",
                 sim_->self().name() + " unlocks " + sim_->ObjectName(id_) + " it does not hold");
    return;
  }
  owner_ = kNoActor;
  sim_->NoteRelease(id_);
}

}  // namespace daxsim::sim
