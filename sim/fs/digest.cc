// Digests of the filesystem's state for stateful exploration (sim.h StateModel): the inodes,
// the namespace, the allocator, the log and the per-block zeroing state, mixed with
// sim::Mix in a fixed order (ino order, block order), never addresses or hash seeds.
#include "sim/digest.h"

#include "sim/fs/fs.h"

namespace daxsim::fs {

namespace {

// The committed_ or durable_ map (by ino) of Filesystem::Durable, which is private: deduced.
template <typename ByIno>
uint64_t MixDurable(uint64_t h, const ByIno& by_ino) {
  h = sim::Mix(h, by_ino.size());
  for (const auto& [ino, d] : by_ino) h = MixExtents(sim::Mix(sim::Mix(h, ino), d.size), d.extents);
  return h;
}

}  // namespace

// log_forces_ is left out: a statistic no step or check reads (only log_forces(), unused by
// models and props); mixing it in would tell apart states that behave identically.
uint64_t Filesystem::LogDigest() const {
  uint64_t h = MixDurable(MixDurable(sim::Mix(log_obj_, 0x106), committed_), durable_);
  for (const auto& ip : inodes_) h = sim::Mix(h, ip->pinned_);  // ipincount, in ino order
  return shutdown_ ? sim::Mix(h, 0x5d) : h;  // xfs shut down (states before: unchanged)
}

// Left out: the sim/vm/dax/pmem pointers (other layers digest their own state), the iomap,
// get_block and populate_pfns ops (stateless), and the BugSet (fixed for a run). inodes_ is in
// ino order already (ino = 0x80 + creation index).
uint64_t Filesystem::Digest() const {
  uint64_t h = sim::Mix(sim::Mix(static_cast<uint64_t>(params_.kind), 0xf5),
                        static_cast<uint64_t>(params_.api));
  h = sim::Mix(sim::Mix(h, params_.pmd_align), params_.data_start);
  h = sim::Mix(h, inodes_.size());
  for (const auto& ip : inodes_) {
    h = sim::Mix(sim::MixString(sim::Mix(h, ip->ino()), ip->name()), ip->Digest());
  }
  h = sim::Mix(sim::Mix(h, alloc_.Digest()), LogDigest());
  h = sim::Mix(h, journal_handle_.Digest());
  h = MixBitmap(h, initialized_);
  h = sim::Mix(h, enospc_ ? 1u : 0u);
  h = sim::Mix(h, zero_counts_.size());
  for (const auto& [block, n] : zero_counts_) h = sim::Mix(sim::Mix(h, block), n);
  return h;
}

bool Filesystem::ObjectDigest(sim::ObjectId id, uint64_t* out) const {
  if (id == log_obj_) {
    *out = LogDigest();
    return true;
  }
  if (alloc_.ObjectDigest(id, out)) return true;
  if (id == journal_handle_.id()) {
    *out = LogDigest();  // a lock: what it protects (sim::StateModel)
    return true;
  }
  for (const auto& ip : inodes_) {
    if (ip->ObjectDigest(id, out)) return true;
  }
  return false;
}

}  // namespace daxsim::fs
