// The machinery spinlock.h and mutex.h share: an exclusive lock owned by one actor, acquired
// at a blocked scheduling point (enabled only while free) and released at another; lockdep is
// told at the request, the held-lock list at the acquisition. A spinning lock disables
// preemption while held (sleeping under it is reported); a sleeping lock may itself sleep.
#pragma once

#include <string>

#include "sim/sim.h"

namespace daxsim::sim {

class ExclusiveLock : public Blocker {
 public:
  struct Kind {
    bool spin;
    const char* lock_op;    // "spin_lock", "mutex_lock"
    const char* unlock_op;  // "spin_unlock", "mutex_unlock"
    const char* noun;       // "spinlock", "mutex"
  };

  struct LockAwaiter {
    Sim::PointAwaiter point;
    ExclusiveLock* lock;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) noexcept { point.await_suspend(h); }
    void await_resume() const { lock->Acquired(); }
  };
  struct UnlockAwaiter {
    Sim::PointAwaiter point;
    ExclusiveLock* lock;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) noexcept { point.await_suspend(h); }
    void await_resume() const { lock->Released(); }
  };

  // REQUIRES (sleeping locks): not in atomic context (might_sleep).
  LockAwaiter Lock() {
    if (!kind_.spin) sim_->MightSleep(kind_.lock_op);
    sim_->LockdepAcquire(class_);
    return {sim_->Block(kind_.lock_op, {id_, Access::kAcquire}, this), this};
  }
  UnlockAwaiter Unlock() { return {sim_->Point(kind_.unlock_op, {id_, Access::kRelease}), this}; }

  ObjectId id() const { return id_; }
  ActorId owner() const { return owner_; }
  // For StateModel implementations: the lock's own state (its owner).
  uint64_t Digest() const {
    return Mix(id_, static_cast<uint64_t>(static_cast<uint32_t>(sim_->CanonActor(owner_))));
  }
  bool CanProceed(const Actor&) const override { return owner_ == kNoActor; }
  void Holders(std::vector<ActorId>* out) const override {
    if (owner_ != kNoActor) out->push_back(owner_);
  }
  std::string Describe(const Sim& sim) const override;

 protected:
  ExclusiveLock(Sim& sim, Kind kind, ObjectId id, const char* lock_class)
      : sim_(&sim), kind_(kind), id_(id), class_(lock_class) {}

 private:
  void Acquired();
  void Released();

  Sim* sim_;
  Kind kind_;
  ObjectId id_;
  const char* class_;
  ActorId owner_ = kNoActor;
};

}  // namespace daxsim::sim
