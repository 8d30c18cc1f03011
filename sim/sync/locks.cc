#include "sim/check.h"
#include "sim/sync/exclusive_lock.h"

namespace daxsim::sim {

std::string ExclusiveLock::Describe(const Sim& sim) const {
  std::string s = std::string(kind_.noun) + " " + sim.ObjectName(id_);
  if (owner_ != kNoActor) s += " held by " + sim.actor(owner_).name();
  return s;
}

void ExclusiveLock::Acquired() {
  DAXSIM_CHECK(owner_ == kNoActor);
  owner_ = sim_->self_id();
  sim_->NoteAcquire(id_, class_, kind_.spin);
}

void ExclusiveLock::Released() {
  sim_->Observed(0);  // a release reads nothing of what the lock protects (stateful search)
  if (owner_ != sim_->self_id()) {
    sim_->Report(ViolationKind::kLockMisuse, std::string(kind_.unlock_op) + " by non-owner",
                 sim_->self().name() + " unlocks " + sim_->ObjectName(id_) + " it does not hold");
    return;
  }
  owner_ = kNoActor;
  sim_->NoteRelease(id_);
}

}  // namespace daxsim::sim
