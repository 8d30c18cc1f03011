// Models a kernel rw_semaphore (down_read/down_write/up_read/up_write) with Linux fairness:
// a queued writer blocks new readers; waiters queue FIFO; on release the head is granted (a
// writer alone, or every queued reader, as rwsem_mark_wake() does since v5.3).
// Mirrors: kernel/locking/rwsem.c. Points: down_* (enqueue when contended), the wait for the
// grant, up_*.
#pragma once

#include <algorithm>
#include <deque>
#include <string>

#include "sim/sim.h"

namespace daxsim::sim {

class RwSem : public Blocker {
 public:
  RwSem(Sim& sim, const char* name, const char* lock_class = nullptr, int index = -1)
      : sim_(&sim), id_(sim.NewObject(name, index)), class_(lock_class ? lock_class : name) {}

  Task<void> DownRead();   // REQUIRES: not atomic
  Task<void> DownWrite();  // REQUIRES: not atomic
  Task<void> UpRead();
  Task<void> UpWrite();

  ObjectId id() const { return id_; }
  int readers() const { return readers_; }
  ActorId writer() const { return writer_; }
  size_t queued() const { return queue_.size(); }
  // For StateModel implementations: readers, writer, the queue and the granted waiters, in
  // order (the order of grants is Linux's FIFO, part of the state).
  uint64_t Digest() const {
    auto canon = [this](ActorId a) { return static_cast<uint64_t>(sim_->CanonActor(a)); };
    uint64_t h = Mix(Mix(Mix(id_, static_cast<uint64_t>(readers_)),
                         static_cast<uint64_t>(static_cast<uint32_t>(sim_->CanonActor(writer_)))),
                     queue_.size());
    for (const Waiter& w : queue_) h = Mix(Mix(h, canon(w.actor)), w.writer);
    h = Mix(h, granted_.size());
    for (ActorId a : granted_) h = Mix(h, canon(a));
    std::vector<ActorId> owners;  // a set: order of entry does not matter
    for (ActorId a : reader_owners_) owners.push_back(sim_->CanonActor(a));
    std::sort(owners.begin(), owners.end());
    for (ActorId a : owners) h = Mix(h, static_cast<uint64_t>(a) + 0x100);
    return h;
  }

  bool CanProceed(const Actor& a) const override;  // granted?
  void Holders(std::vector<ActorId>* out) const override;
  std::string Describe(const Sim& sim) const override;

 private:
  struct Waiter {
    ActorId actor;
    bool writer;
  };
  void GrantWaiters();

  Sim* sim_;
  ObjectId id_;
  const char* class_;
  int readers_ = 0;
  ActorId writer_ = kNoActor;
  std::vector<ActorId> reader_owners_;  // for the wait-for graph
  std::deque<Waiter> queue_;
  std::vector<ActorId> granted_;
};

}  // namespace daxsim::sim
