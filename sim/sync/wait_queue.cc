#include "sim/sync/wait_queue.h"

#include <algorithm>

#include "sim/check.h"

namespace daxsim::sim {

bool WaitQueue::Queued(ActorId a) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [a](const Entry& e) { return e.actor == a; });
}

Task<void> WaitQueue::PrepareToWait(bool exclusive, uint64_t key) {
  co_await sim_->Point(exclusive ? "prepare_to_wait_exclusive" : "prepare_to_wait",
                       {id_, Access::kWrite});
  const ActorId me = sim_->self_id();
  sim_->Observed(Queued(me));  // not who else waits (stateful search)
  if (!Queued(me)) {
    if (exclusive) {
      entries_.push_back({me, true, key});
    } else {
      entries_.insert(entries_.begin(), {me, false, key});
    }
  }
  sim_->ClearWoken(me);  // set_current_state(TASK_UNINTERRUPTIBLE)
}

Task<void> WaitQueue::FinishWait() {
  co_await sim_->Point("finish_wait", {id_, Access::kWrite});
  sim_->Observed(0);
  const ActorId me = sim_->self_id();
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [me](const Entry& e) { return e.actor == me; }),
                 entries_.end());
}

Task<int> WaitQueue::WakeUp(int nr_exclusive, uint64_t key) {
  co_await sim_->Point("wake_up", {id_, Access::kWake});
  int woken = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (key != kAnyKey && it->key != kAnyKey && it->key != key) {
      ++it;  // the wake function filters it out
      continue;
    }
    const bool exclusive = it->exclusive;
    sim_->Wake(it->actor);
    it = entries_.erase(it);  // autoremove_wake_function
    woken++;
    if (exclusive && nr_exclusive > 0 && --nr_exclusive == 0) break;
  }
  sim_->Observed(static_cast<uint64_t>(woken));  // the waker keeps only the count
  co_return woken;
}

Task<void> WaitQueue::WaitEvent(Footprint cond_fp, std::function<bool()> cond, bool exclusive,
                                uint64_t key) {
  for (;;) {
    co_await PrepareToWait(exclusive, key);
    co_await sim_->Point("wait_event check", cond_fp);
    if (cond()) break;
    co_await sim_->Schedule(id_, cond);
  }
  co_await FinishWait();
}

WaitTable::WaitTable(Sim& sim, const char* name, int bits) : sim_(&sim), bits_(bits) {
  DAXSIM_CHECK(bits >= 1 && bits <= 16);
  first_ = sim.NewObjects(name, 1 << bits);
}

WaitQueue& WaitTable::Bucket(uint64_t key) {
  const uint32_t b = Hash(key, bits_);
  auto it = queues_.find(b);
  if (it == queues_.end()) {
    it = queues_.emplace(b, WaitQueue(*sim_, first_ + static_cast<ObjectId>(b))).first;
  }
  return it->second;
}

}  // namespace daxsim::sim
