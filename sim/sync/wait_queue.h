// Models a kernel wait_queue_head: entries are non-exclusive (added at the head) or exclusive
// (added at the tail); wake_up walks the list, waking (and auto-removing) matching entries and
// stopping after nr_exclusive exclusive ones. A keyed entry is only woken by a wake with its key
// (as DAX's wake_exclusive_entry_wake_function filters on (mapping, index)).
// Mirrors: kernel/sched/wait.c prepare_to_wait(_exclusive), finish_wait, __wake_up_common.
// Points: prepare_to_wait, the condition check, schedule(), finish_wait, wake_up.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "sim/sim.h"

namespace daxsim::sim {

inline constexpr uint64_t kAnyKey = 0;

class WaitQueue {
 public:
  WaitQueue(Sim& sim, const char* name, int index = -1)
      : sim_(&sim), id_(sim.NewObject(name, index)) {}
  WaitQueue(Sim& sim, ObjectId id) : sim_(&sim), id_(id) {}

  // prepare_to_wait{,_exclusive}(): one step on the queue; queues the caller if not queued and
  // sets it not-running (a wake-up from here on makes the next schedule() return at once).
  Task<void> PrepareToWait(bool exclusive, uint64_t key = kAnyKey);
  // finish_wait(): one step; dequeues the caller if still queued.
  Task<void> FinishWait();
  // __wake_up(): one step; returns how many were woken. nr_exclusive 0 wakes all.
  Task<int> WakeUp(int nr_exclusive = 1, uint64_t key = kAnyKey);
  // wait_event(): prepare_to_wait, check `cond` (a step with footprint `cond_fp`), schedule(),
  // repeat; finish_wait. `cond` is also the lost-wake-up oracle while asleep.
  Task<void> WaitEvent(Footprint cond_fp, std::function<bool()> cond, bool exclusive = false,
                       uint64_t key = kAnyKey);

  ObjectId id() const { return id_; }
  bool Queued(ActorId a) const;
  // For StateModel implementations: the queue's entries in order.
  uint64_t Digest() const {
    uint64_t h = Mix(id_, entries_.size());
    for (const Entry& e : entries_) {
      h = Mix(Mix(Mix(h, static_cast<uint64_t>(sim_->CanonActor(e.actor))), e.exclusive), e.key);
    }
    return h;
  }
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    ActorId actor;
    bool exclusive;
    uint64_t key;
  };
  Sim* sim_;
  ObjectId id_;
  std::vector<Entry> entries_;
};

// A table of 2^bits wait queues indexed by a hash, as DAX's wait_table and the kernel's
// bit_waitqueue: unrelated keys share a bucket when their hashes collide.
class WaitTable {
 public:
  WaitTable(Sim& sim, const char* name, int bits);
  // Mirrors: include/linux/hash.h hash_64() with GOLDEN_RATIO_64.
  static uint32_t Hash(uint64_t key, int bits) {
    return static_cast<uint32_t>((key * 0x61C8864680B583EBULL) >> (64 - bits));
  }
  // Buckets are created on first use; a bucket's object id depends only on its number.
  WaitQueue& Bucket(uint64_t key);
  int bits() const { return bits_; }
  // For StateModel implementations: every bucket made so far, in bucket order; and the digest
  // of the bucket whose object id is `id` (false if `id` is not one of this table's buckets).
  uint64_t Digest() const {
    uint64_t h = Mix(first_, 0x7ab1e);
    for (const auto& [bucket, q] : queues_) {
      if (q.size() > 0) h = Mix(Mix(h, bucket), q.Digest());  // made but empty = never made
    }
    return h;
  }
  bool ObjectDigest(ObjectId id, uint64_t* out) const {
    if (id < first_ || id >= first_ + (ObjectId{1} << bits_)) return false;
    const auto it = queues_.find(static_cast<uint32_t>(id - first_));
    *out = it == queues_.end() ? Mix(id, 0) : it->second.Digest();  // empty: Mix(id, 0) too
    return true;
  }

 private:
  Sim* sim_;
  int bits_;
  ObjectId first_;
  std::map<uint32_t, WaitQueue> queues_;  // by bucket number
};

}  // namespace daxsim::sim
