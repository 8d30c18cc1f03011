// Models a kernel spinlock (spin_lock/spin_unlock): an exclusive lock that disables preemption
// while held, so sleeping under it is a violation. A contended acquirer is modelled as blocked
// (not spinning), which explores the same orders without livelock. Points: lock, unlock.
#pragma once

#include <string>

#include "sim/sim.h"

namespace daxsim::sim {

class Spinlock : public Blocker {
 public:
  Spinlock(Sim& sim, const char* name, const char* lock_class = nullptr, int index = -1)
      : sim_(&sim), id_(sim.NewObject(name, index)), class_(lock_class ? lock_class : name) {}
  // A lock whose object id was reserved by the caller (e.g. one of a range made lazily).
  Spinlock(Sim& sim, ObjectId id, const char* lock_class)
      : sim_(&sim), id_(id), class_(lock_class) {}

  struct LockAwaiter {
    Sim::PointAwaiter point;
    Spinlock* lock;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) noexcept { point.await_suspend(h); }
    void await_resume() const { lock->Acquired(); }
  };
  struct UnlockAwaiter {
    Sim::PointAwaiter point;
    Spinlock* lock;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) noexcept { point.await_suspend(h); }
    void await_resume() const { lock->Released(); }
  };

  LockAwaiter Lock() {
    sim_->LockdepAcquire(class_);
    return {sim_->Block("spin_lock", {id_, Access::kAcquire}, this), this};
  }
  UnlockAwaiter Unlock() { return {sim_->Point("spin_unlock", {id_, Access::kRelease}), this}; }

  ObjectId id() const { return id_; }
  ActorId owner() const { return owner_; }
  bool CanProceed(const Actor&) const override { return owner_ == kNoActor; }
  void Holders(std::vector<ActorId>* out) const override {
    if (owner_ != kNoActor) out->push_back(owner_);
  }
  std::string Describe(const Sim& sim) const override;

 private:
  void Acquired();
  void Released();

  Sim* sim_;
  ObjectId id_;
  const char* class_;
  ActorId owner_ = kNoActor;
};

}  // namespace daxsim::sim
