// Models a kernel mutex (mutex_lock/mutex_unlock): an exclusive sleeping lock. Any waiter may
// take it once free (the kernel's optimistic spinning and lock stealing allow that), so the
// model explores every acquisition order. Points: lock (blocked while held), unlock.
#pragma once

#include <string>

#include "sim/sim.h"

namespace daxsim::sim {

class Mutex : public Blocker {
 public:
  Mutex(Sim& sim, const char* name, const char* lock_class = nullptr, int index = -1)
      : sim_(&sim), id_(sim.NewObject(name, index)), class_(lock_class ? lock_class : name) {}

  struct LockAwaiter {
    Sim::PointAwaiter point;
    Mutex* lock;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) noexcept { point.await_suspend(h); }
    void await_resume() const { lock->Acquired(); }
  };
  struct UnlockAwaiter {
    Sim::PointAwaiter point;
    Mutex* lock;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) noexcept { point.await_suspend(h); }
    void await_resume() const { lock->Released(); }
  };

  // REQUIRES: not in atomic context (might_sleep).
  LockAwaiter Lock() {
    sim_->MightSleep("mutex_lock");
    sim_->LockdepAcquire(class_);
    return {sim_->Block("mutex_lock", {id_, Access::kAcquire}, this), this};
  }
  UnlockAwaiter Unlock() { return {sim_->Point("mutex_unlock", {id_, Access::kRelease}), this}; }

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
