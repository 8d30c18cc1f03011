#include "sim/sync/rwsem.h"

#include <algorithm>

namespace daxsim::sim {

Task<void> RwSem::DownRead() {
  sim_->MightSleep("down_read");
  sim_->LockdepAcquire(class_);
  const ContinuationMark mark = sim_->Mark();
  co_await sim_->Point("down_read", {id_, Access::kAcquireShared});
  const ActorId me = sim_->self_id();
  if (writer_ == kNoActor && queue_.empty()) {
    readers_++;
    reader_owners_.push_back(me);
  } else {
    queue_.push_back({me, false});
    co_await sim_->Block("down_read wait", {id_, Access::kWait}, this);
    granted_.erase(std::find(granted_.begin(), granted_.end(), me));
  }
  sim_->RebaseAcquire(mark, id_);  // whether it waited is forgotten
  sim_->NoteAcquire(id_, class_, false);
}

Task<void> RwSem::DownWrite() {
  sim_->MightSleep("down_write");
  sim_->LockdepAcquire(class_);
  // Always enabled (it queues when contended): a plain write, not an acquire that waits.
  const ContinuationMark mark = sim_->Mark();
  co_await sim_->Point("down_write", {id_, Access::kWrite});
  const ActorId me = sim_->self_id();
  if (writer_ == kNoActor && readers_ == 0 && queue_.empty()) {
    writer_ = me;
  } else {
    queue_.push_back({me, true});
    co_await sim_->Block("down_write wait", {id_, Access::kWait}, this);
    granted_.erase(std::find(granted_.begin(), granted_.end(), me));
  }
  sim_->RebaseAcquire(mark, id_);  // whether it waited is forgotten
  sim_->NoteAcquire(id_, class_, false);
}

Task<void> RwSem::UpRead() {
  co_await sim_->Point("up_read", {id_, Access::kReleaseShared});
  sim_->Observed(0);  // a release reads nothing of what the lock protects (stateful search)
  const ActorId me = sim_->self_id();
  auto it = std::find(reader_owners_.begin(), reader_owners_.end(), me);
  if (it == reader_owners_.end()) {
    sim_->Report(ViolationKind::kLockMisuse, "up_read without down_read",
                 sim_->self().name() + " calls up_read on " + sim_->ObjectName(id_));
    co_return;
  }
  reader_owners_.erase(it);
  readers_--;
  sim_->NoteRelease(id_);
  GrantWaiters();
}

Task<void> RwSem::UpWrite() {
  co_await sim_->Point("up_write", {id_, Access::kWrite});
  sim_->Observed(0);
  if (writer_ != sim_->self_id()) {
    sim_->Report(ViolationKind::kLockMisuse, "up_write by non-owner",
                 sim_->self().name() + " calls up_write on " + sim_->ObjectName(id_));
    co_return;
  }
  writer_ = kNoActor;
  sim_->NoteRelease(id_);
  GrantWaiters();
}

// Mirrors: kernel/locking/rwsem.c rwsem_mark_wake(): a writer at the head is granted alone;
// otherwise every queued reader is granted.
void RwSem::GrantWaiters() {
  if (writer_ != kNoActor || queue_.empty()) return;
  if (queue_.front().writer) {
    if (readers_ != 0) return;
    writer_ = queue_.front().actor;
    granted_.push_back(writer_);
    queue_.pop_front();
    return;
  }
  for (auto it = queue_.begin(); it != queue_.end();) {
    if (it->writer) {
      ++it;
      continue;
    }
    readers_++;
    reader_owners_.push_back(it->actor);
    granted_.push_back(it->actor);
    it = queue_.erase(it);
  }
}

bool RwSem::CanProceed(const Actor& a) const {
  return std::find(granted_.begin(), granted_.end(), a.id()) != granted_.end();
}

void RwSem::Holders(std::vector<ActorId>* out) const {
  if (writer_ != kNoActor) out->push_back(writer_);
  for (ActorId r : reader_owners_) out->push_back(r);
  // A queued writer ahead of a reader also blocks it (fairness).
  for (const Waiter& w : queue_) {
    if (w.writer) {
      out->push_back(w.actor);
      break;
    }
  }
}

std::string RwSem::Describe(const Sim& sim) const {
  std::string s = "rwsem " + sim.ObjectName(id_);
  if (writer_ != kNoActor) s += " write-held by " + sim.actor(writer_).name();
  if (readers_ > 0) s += " read-held by " + std::to_string(readers_);
  if (!queue_.empty()) s += " with " + std::to_string(queue_.size()) + " queued";
  return s;
}

}  // namespace daxsim::sim
