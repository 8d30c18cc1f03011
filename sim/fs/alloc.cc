#include "sim/fs/alloc.h"

#include "sim/check.h"

namespace daxsim::fs {

BlockAllocator::BlockAllocator(sim::Sim& sim, uint64_t first_block, uint64_t blocks, bool pmd_align)
    : first_(first_block),
      pmd_align_(pmd_align),
      used_(blocks, false),
      busy_(blocks, false),
      obj_(sim.NewObject("agf")) {
  for (uint64_t b = 0; b < first_block && b < blocks; ++b) used_[b] = true;  // fs metadata
}

void BlockAllocator::Reset() {
  for (uint64_t b = 0; b < used_.size(); ++b) used_[b] = b < first_;
  ClearBusy();
}

void BlockAllocator::ClearBusy() {
  busy_.assign(busy_.size(), false);
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

void BlockAllocator::Free(uint64_t block, uint64_t len) {
  for (uint64_t b = block; b < block + len; ++b) {
    DAXSIM_CHECK_MSG(used_[b], "double free of a block");
    used_[b] = false;
    if (track_busy_) {
      busy_[b] = true;
      busy_count_++;
    }
  }
}

void BlockAllocator::MarkUsed(uint64_t block, uint64_t len) {
  for (uint64_t b = block; b < block + len; ++b) used_[b] = true;
}

}  // namespace daxsim::fs
