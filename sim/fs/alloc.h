// The free-space map of the filesystem (xfs's AGF free-space btrees, reduced to a bitmap):
// deterministic first-fit allocation of contiguous runs, optionally 2 MiB aligned (as with
// mkfs.xfs -d su=2m, the recommended DAX layout, so that PMD faults can map huge pages).
// Freed blocks are busy (xfs_extent_busy) until the log commits the transaction that freed them:
// a block is never reused for data while a crash could still give it back to its old owner.
// Plain data; callers serialise under the inode lock and declare the footprint object().
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <vector>

#include "sim/sim.h"

namespace daxsim::fs {

// A fixed-size bitmap by 64-bit words (block maps: digested on every stateful step, so the
// scan for run boundaries goes a word at a time).
class Bitmap {
 public:
  Bitmap() = default;
  Bitmap(uint64_t n, bool value) : n_(n), words_((n + 63) / 64) { Fill(value); }
  Bitmap(std::initializer_list<bool> bits) : Bitmap(bits.size(), false) {
    uint64_t i = 0;
    for (bool b : bits) Set(i++, b);
  }
  uint64_t size() const { return n_; }
  bool operator[](uint64_t i) const { return (words_[i >> 6] >> (i & 63)) & 1; }
  void Set(uint64_t i, bool value) {
    const uint64_t bit = uint64_t{1} << (i & 63);
    words_[i >> 6] = value ? words_[i >> 6] | bit : words_[i >> 6] & ~bit;
  }
  void Fill(bool value);
  const std::vector<uint64_t>& words() const { return words_; }

 private:
  uint64_t n_ = 0;
  std::vector<uint64_t> words_;  // bits past n_ are always 0
};

// Mixes a bitmap into h as its size and the positions where the bit flips (run boundaries):
// deterministic and O(words + runs).
uint64_t MixBitmap(uint64_t h, const Bitmap& bits);

class BlockAllocator {
 public:
  BlockAllocator(sim::Sim& sim, uint64_t first_block, uint64_t blocks, bool pmd_align);

  // A free, not busy, contiguous run of `len` blocks; aligned to 512 blocks when `len` is a
  // multiple of 512 and alignment is on. nullopt: -ENOSPC, or only busy space (see busy()).
  std::optional<uint64_t> Alloc(uint64_t len);
  // The run [block, block + len) if every block of it is a data block, free and not busy (a
  // layout pinned by the workload: Filesystem::SetPlaces); false (nothing taken) otherwise.
  bool AllocAt(uint64_t block, uint64_t len);
  void Free(uint64_t block, uint64_t len);  // the blocks become busy
  bool busy() const { return busy_count_ > 0; }
  // Only a journalling filesystem keeps freed blocks busy; without a journal (ext2) or with
  // synchronous metadata (xipfs) a freed block is reusable at once.
  void set_track_busy(bool on) { track_busy_ = on; }
  void ClearBusy();  // the log committed every free so far (xfs_extent_busy_clear)
  void MarkUsed(uint64_t block, uint64_t len);
  bool IsFree(uint64_t block) const { return !used_[block]; }
  uint64_t blocks() const { return used_.size(); }
  void Reset();  // everything free (recovery rebuilds from the extent maps)
  sim::ObjectId object() const { return obj_; }
  // For StateModel implementations: free space, busy extents and the busy-tracking mode.
  uint64_t Digest() const;
  // The "agf" object (object()) digests to Digest(); false for any other id.
  bool ObjectDigest(sim::ObjectId id, uint64_t* out) const;

 private:
  uint64_t first_;
  bool pmd_align_;
  Bitmap used_;
  Bitmap busy_;
  uint64_t busy_count_ = 0;
  bool track_busy_ = true;
  sim::ObjectId obj_;
};

}  // namespace daxsim::fs
