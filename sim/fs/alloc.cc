#include "sim/fs/alloc.h"

#include <algorithm>

#include "sim/check.h"
#include "sim/digest.h"

namespace daxsim::fs {

BlockAllocator::BlockAllocator(sim::Sim& sim, uint64_t first_block, uint64_t blocks, bool pmd_align)
    : first_(first_block),
      pmd_align_(pmd_align),
      used_(blocks, false),
      busy_(blocks, false),
      obj_(sim.NewObject("agf")) {
  for (uint64_t b = 0; b < first_block && b < blocks; ++b) used_.Set(b, true);  // fs metadata
}

void BlockAllocator::Reset() {
  for (uint64_t b = 0; b < used_.size(); ++b) used_.Set(b, b < first_);
  ClearBusy();
}

void BlockAllocator::ClearBusy() {
  busy_.Fill(false);
  busy_count_ = 0;
}

std::optional<uint64_t> BlockAllocator::Alloc(uint64_t len) {
  const uint64_t step = (pmd_align_ && len % 512 == 0) ? 512 : 1;
  uint64_t start = step == 1 ? first_ : (first_ + 511) / 512 * 512;
  for (; start + len <= used_.size(); start += step) {
    bool ok = true;
    for (uint64_t b = start; b < start + len; ++b) {
      if (used_[b] || busy_[b]) {
        ok = false;
        if (step == 1) start = b;  // skip past the used block
        break;
      }
    }
    if (ok) {
      MarkUsed(start, len);
      return start;
    }
  }
  return std::nullopt;
}

bool BlockAllocator::AllocAt(uint64_t block, uint64_t len) {
  if (block < first_ || block > used_.size() || len > used_.size() - block) return false;
  for (uint64_t b = block; b < block + len; ++b) {
    if (used_[b] || busy_[b]) return false;
  }
  MarkUsed(block, len);
  return true;
}

void BlockAllocator::Free(uint64_t block, uint64_t len) {
  for (uint64_t b = block; b < block + len; ++b) {
    DAXSIM_CHECK_MSG(used_[b], "double free of a block");
    used_.Set(b, false);
    if (track_busy_) {
      busy_.Set(b, true);
      busy_count_++;
    }
  }
}

void BlockAllocator::MarkUsed(uint64_t block, uint64_t len) {
  for (uint64_t b = block; b < block + len; ++b) used_.Set(b, true);
}

void Bitmap::Fill(bool value) {
  std::fill(words_.begin(), words_.end(), value ? ~uint64_t{0} : 0);
  if (value && (n_ & 63) != 0) words_.back() = (uint64_t{1} << (n_ & 63)) - 1;
}

// Bit b of w ^ (w << 1 | carry) is set where bit b differs from bit b - 1 (bit -1 is 0): the
// run boundaries, in increasing order, below size().
uint64_t MixBitmap(uint64_t h, const Bitmap& bits) {
  h = sim::Mix(h, bits.size());
  uint64_t carry = 0;
  const std::vector<uint64_t>& words = bits.words();
  for (size_t k = 0; k < words.size(); ++k) {
    const uint64_t w = words[k];
    uint64_t flips = w ^ ((w << 1) | carry);
    carry = w >> 63;
    const uint64_t base = static_cast<uint64_t>(k) * 64;
    if (bits.size() - base < 64) flips &= (uint64_t{1} << (bits.size() - base)) - 1;
    while (flips != 0) {
      h = sim::Mix(h, base + static_cast<uint64_t>(__builtin_ctzll(flips)));
      flips &= flips - 1;
    }
  }
  return h;
}

// No cursor or hint to cover: Alloc() is first-fit from first_ every time. first_ and
// pmd_align_ are fixed at construction and mixed in for completeness.
uint64_t BlockAllocator::Digest() const {
  uint64_t h = sim::Mix(sim::Mix(sim::Mix(obj_, first_), pmd_align_), track_busy_);
  h = MixBitmap(h, used_);
  return sim::Mix(MixBitmap(h, busy_), busy_count_);
}

bool BlockAllocator::ObjectDigest(sim::ObjectId id, uint64_t* out) const {
  if (id != obj_) return false;
  *out = Digest();
  return true;
}

}  // namespace daxsim::fs
